//! Signing in against a real PostgreSQL: two factors and their codes, lockouts with
//! back-off, and how long a sign-in lasts.

use crate::common;

use common::accounts::*;
use domain::DomainError;
use domain::accounts::{self, SignIn, logins, security};
use uuid::Uuid;

#[tokio::test]
async fn two_factor_codes_work_once_and_recovery_codes_once_each() {
    let pool = common::database().await;
    let id = verified(&pool, "bia@example.com").await;
    let keys = keys();
    let login = logins::open(&pool, id, &client("1.1.1.1")).await.unwrap();
    // The password first: a stolen session alone never sees the secret.
    let refused = security::start_two_factor(&pool, &keys, id, login, "not it", "Test Shop").await;
    assert!(refused.is_err());
    let first = security::start_two_factor(&pool, &keys, id, login, PASSWORD, "Test Shop")
        .await
        .unwrap();
    assert!(first.qr_svg.contains("<svg"));
    // Starting again makes a new secret: one seen earlier (by anyone) is worth nothing.
    let enrolment = security::start_two_factor(&pool, &keys, id, login, PASSWORD, "Test Shop")
        .await
        .unwrap();
    assert_ne!(first.secret_base32, enrolment.secret_base32);
    let shown_again = security::pending_enrolment(&pool, &keys, id, "Test Shop")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown_again.secret_base32, enrolment.secret_base32);
    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT totp_pending_secret FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let secret = accounts::totp_secrets::open(&keys, id, &stored).unwrap();
    let wrong = security::confirm_two_factor(&pool, &keys, id, login, PASSWORD, "000000").await;
    assert!(wrong.is_err() || accounts::two_factor::code_at(&secret, now()) == "000000");
    let code = accounts::two_factor::code_at(&secret, now());
    let codes = security::confirm_two_factor(&pool, &keys, id, login, PASSWORD, &code)
        .await
        .unwrap();
    assert_eq!(codes.len(), 10);

    // The password alone now leads to the second step.
    let Ok(SignIn::NeedsSecondFactor(pending)) = sign_in(&pool, "bia@example.com", PASSWORD).await
    else {
        panic!("expected the second step");
    };
    assert_eq!(pending, id);
    // The code used to turn it on cannot be replayed; the next one works, once.
    let used = accounts::two_factor::code_at(&secret, now());
    assert!(
        accounts::second_factor(&pool, &keys, id, &used)
            .await
            .is_err()
    );
    let next = accounts::two_factor::code_at(&secret, now() + 30);
    assert_eq!(
        accounts::second_factor(&pool, &keys, id, &next)
            .await
            .unwrap()
            .id,
        id
    );
    assert!(
        accounts::second_factor(&pool, &keys, id, &next)
            .await
            .is_err()
    );
    // A recovery code works once, however it is typed.
    let typed = codes[0].to_uppercase().replace('-', " ");
    assert!(
        accounts::second_factor(&pool, &keys, id, &typed)
            .await
            .is_ok()
    );
    assert!(
        accounts::second_factor(&pool, &keys, id, &codes[0])
            .await
            .is_err()
    );
    assert_eq!(security::recovery_codes_left(&pool, id).await.unwrap(), 9);
}

#[tokio::test]
async fn two_factor_secrets_are_kept_encrypted_and_old_plain_ones_are_encrypted_at_start() {
    let pool = common::database().await;
    let keys = keys();
    let id = verified(&pool, "dora@example.com").await;
    let login = logins::open(&pool, id, &client("1.1.1.1")).await.unwrap();
    security::start_two_factor(&pool, &keys, id, login, PASSWORD, "Test Shop")
        .await
        .unwrap();
    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT totp_pending_secret FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let secret = accounts::totp_secrets::open(&keys, id, &stored).unwrap();
    assert_eq!(secret.len(), 20);
    assert!(
        !stored.windows(secret.len()).any(|w| w == secret.as_slice()),
        "the database holds the secret in plain text"
    );
    // Another shop's key (or another account's row) opens nothing.
    let other = domain::keys::Keys::new("another shop's secret key, 32+ characters");
    assert!(accounts::totp_secrets::open(&other, id, &stored).is_err());
    assert!(accounts::totp_secrets::open(&keys, Uuid::new_v4(), &stored).is_err());
    let code = accounts::two_factor::code_at(&secret, now());
    security::confirm_two_factor(&pool, &keys, id, login, PASSWORD, &code)
        .await
        .unwrap();

    // A secret an older version kept in plain text still works, and is encrypted at start.
    let old = verified(&pool, "edu@example.com").await;
    let plain = vec![7u8; 20];
    sqlx::query("UPDATE accounts SET totp_secret = $2, totp_enabled_at = now() WHERE id = $1")
        .bind(old)
        .bind(&plain)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        accounts::totp_secrets::seal_plain_secrets(&pool, &keys)
            .await
            .unwrap(),
        1
    );
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT totp_secret FROM accounts WHERE totp_secret IS NOT NULL")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|s| domain::keys::Keys::is_sealed(s)));
    let code = accounts::two_factor::code_at(&plain, now());
    assert_eq!(
        accounts::second_factor(&pool, &keys, old, &code)
            .await
            .unwrap()
            .id,
        old
    );
}

#[tokio::test]
async fn wrong_passwords_lock_the_address_for_known_and_unknown_accounts_alike() {
    let pool = common::database().await;
    verified(&pool, "caio@example.com").await;
    for email in ["caio@example.com", "nobody@example.com"] {
        for _ in 0..5 {
            let error = sign_in(&pool, email, "wrong password here")
                .await
                .unwrap_err();
            assert!(
                matches!(error, DomainError::BadCredentials),
                "{email}: {error:?}"
            );
        }
        // Locked now, even with the right password.
        let locked = sign_in(&pool, email, PASSWORD).await.unwrap_err();
        let DomainError::TooManyAttempts { retry_after_secs } = locked else {
            panic!("{email}: expected a lockout, got {locked:?}");
        };
        assert!((1..=60).contains(&retry_after_secs), "{retry_after_secs}");
    }
    // Another account is unaffected.
    verified(&pool, "duda@example.com").await;
    assert!(sign_in(&pool, "duda@example.com", PASSWORD).await.is_ok());
    // The lock ends; a further failure locks for twice as long.
    sqlx::query("UPDATE auth_throttles SET locked_until = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        sign_in(&pool, "caio@example.com", "still wrong pass").await,
        Err(DomainError::BadCredentials)
    ));
    let Err(DomainError::TooManyAttempts { retry_after_secs }) =
        sign_in(&pool, "caio@example.com", PASSWORD).await
    else {
        panic!("expected a longer lockout");
    };
    assert!((61..=120).contains(&retry_after_secs), "{retry_after_secs}");
}

#[tokio::test]
async fn sign_ins_end_when_idle_too_long_or_too_old_and_sooner_for_staff() {
    let pool = common::database().await;
    let id = verified(&pool, "gil@example.com").await;
    let age = |login: Uuid, column: &'static str, hours: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query(&format!(
                "UPDATE account_sessions SET {column} = now() - make_interval(hours => $2) WHERE id = $1"
            ))
            .bind(login)
            .bind(hours as i32)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    let idle = logins::open(&pool, id, &client("1.1.1.1")).await.unwrap();
    age(idle, "last_seen_at", 11).await;
    assert!(
        logins::current(&pool, idle).await.unwrap().is_some(),
        "11 h idle is fine"
    );
    age(idle, "last_seen_at", 13).await;
    assert!(
        logins::current(&pool, idle).await.unwrap().is_none(),
        "13 h idle has ended"
    );

    let old = logins::open(&pool, id, &client("1.1.1.1")).await.unwrap();
    age(old, "created_at", 29 * 24).await;
    assert!(
        logins::current(&pool, old).await.unwrap().is_some(),
        "a busy 29-day sign-in lasts"
    );
    age(old, "created_at", 31 * 24).await;
    assert!(
        logins::current(&pool, old).await.unwrap().is_none(),
        "30 days is the most"
    );

    let (admin, _) = accounts::admin::create_admin(&pool, "root@example.com", None)
        .await
        .unwrap();
    let staff = logins::open(&pool, admin, &client("1.1.1.1"))
        .await
        .unwrap();
    age(staff, "created_at", 13).await;
    assert!(
        logins::current(&pool, staff).await.unwrap().is_none(),
        "staff: 12 hours at most"
    );
}

#[tokio::test]
async fn simultaneous_wrong_passwords_are_counted_before_any_is_checked() {
    let pool = common::database_with(16).await;
    verified(&pool, "ivo@example.com").await;
    let tries: Vec<_> = (0..12)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(
                async move { sign_in(&pool, "ivo@example.com", "wrong password here").await },
            )
        })
        .collect();
    let (mut checked, mut refused) = (0, 0);
    for attempt in tries {
        match attempt.await.unwrap() {
            Err(DomainError::BadCredentials) => checked += 1,
            Err(DomainError::TooManyAttempts { .. }) => refused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(
        checked <= accounts::throttle::SIGN_IN_PAIR.limit,
        "{checked} of 12 passwords were checked"
    );
    assert_eq!(checked + refused, 12);
}

#[tokio::test]
async fn strangers_failures_slow_but_never_lock_out_the_owner() {
    let pool = common::database().await;
    let id = verified(&pool, "lia@example.com").await;
    let owner_browser = accounts::devices::remember(&pool, id, None).await.unwrap();
    let from = |ip: &str, device: Option<&str>| accounts::Client {
        ip: ip.into(),
        user_agent: "test".into(),
        device: device.map(str::to_string),
    };
    let try_password = |ip: &str, device: Option<String>, password: &'static str| {
        let pool = pool.clone();
        let client = from(ip, device.as_deref());
        async move { accounts::sign_in(&pool, "lia@example.com", password, &client, &links()).await }
    };

    // Six wrong passwords from one stranger lock only that stranger out.
    for _ in 0..6 {
        assert!(
            try_password("6.6.6.6", None, "a stranger's guess")
                .await
                .is_err()
        );
    }
    assert!(matches!(
        try_password("6.6.6.6", None, PASSWORD).await,
        Err(DomainError::TooManyAttempts { .. })
    ));
    assert!(matches!(
        try_password("10.0.0.2", None, PASSWORD).await,
        Ok(SignIn::Done(_))
    ));

    // Guessing from many addresses meets the account's ceiling: unknown browsers wait...
    let ceiling = accounts::throttle::SIGN_IN_ACCOUNT.limit;
    for i in 0..ceiling {
        let _ = try_password(&format!("7.7.{i}.1"), None, "a stranger's guess").await;
    }
    assert!(matches!(
        try_password("10.0.0.3", None, PASSWORD).await,
        Err(DomainError::TooManyAttempts { .. })
    ));
    // ...but the owner's own browser gets in with the right password,
    assert!(matches!(
        try_password("10.0.0.4", Some(owner_browser.clone()), PASSWORD).await,
        Ok(SignIn::Done(_))
    ));
    // and a made-up browser token is a stranger's.
    let forged = "ab".repeat(32);
    assert!(matches!(
        try_password("10.0.0.5", Some(forged), PASSWORD).await,
        Err(DomainError::TooManyAttempts { .. })
    ));
    // The known browser has a throttle of its own (even from new addresses).
    for ip in ["8.8.8.1", "8.8.8.2", "8.8.8.3", "8.8.8.4", "8.8.8.5"] {
        let wrong = try_password(ip, Some(owner_browser.clone()), "still wrong").await;
        assert!(
            matches!(wrong, Err(DomainError::BadCredentials)),
            "{wrong:?}"
        );
    }
    assert!(matches!(
        try_password("8.8.8.6", Some(owner_browser.clone()), PASSWORD).await,
        Err(DomainError::TooManyAttempts { .. })
    ));

    // A signed-in session's re-authentication is its own: strangers' failures do not
    // count against it, and its own wrong guesses are a field error.
    let login = logins::open(&pool, id, &client("10.0.0.2")).await.unwrap();
    let wrong = accounts::recovery::confirm_password(&pool, id, login, "nope nope nope").await;
    assert!(
        matches!(
            wrong,
            Err(DomainError::Validation {
                field: "current_password",
                ..
            })
        ),
        "{wrong:?}"
    );
    accounts::recovery::change_password(&pool, id, login, PASSWORD, "granite harbor lemonade sky")
        .await
        .unwrap();
}
