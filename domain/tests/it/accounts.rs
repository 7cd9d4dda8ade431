//! Accounts against a real PostgreSQL: the whole lifecycle, one-time links, what
//! registering and resetting never reveal, and the account's own data.

use crate::common;

use common::accounts::*;
use domain::DomainError;
use domain::accounts::{self, NewAccount, Role, SignIn, logins, recovery};

#[tokio::test]
async fn register_verify_sign_in_reset_and_sign_out_everywhere() {
    let pool = common::database().await;
    register(&pool, "ana@example.com", "10.0.0.1").await;

    // Not verified yet: the right password is not enough, and a fresh link is sent.
    let before = mails_to(&pool, "ana@example.com").await;
    let error = sign_in(&pool, "ana@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, DomainError::Validation { message, .. } if message == "account.errors.unverified"),
        "{error:?}"
    );
    assert_eq!(mails_to(&pool, "ana@example.com").await, before + 1);

    // The e-mail is in the recipient's language; the link works once.
    let subject: String =
        sqlx::query_scalar("SELECT subject FROM outbox_emails ORDER BY id LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(subject.starts_with("Confirme seu e-mail"), "{subject}");
    let token = token_in_mail(&pool, "ana@example.com", "/account/verify").await;
    let account = accounts::verify_email(&pool, &token).await.unwrap();
    assert!(account.email_verified);
    assert_eq!(
        (
            account.role,
            account.locale.as_str(),
            account.currency.as_deref()
        ),
        (Role::Customer, "pt-BR", Some("BRL"))
    );
    let reused = accounts::verify_email(&pool, &token).await.unwrap_err();
    assert!(matches!(
        reused,
        DomainError::Validation { field: "token", .. }
    ));

    // Signing in ignores the e-mail's case; tokens and passwords are never stored plainly.
    let SignIn::Done(signed) = sign_in(&pool, "ANA@Example.com", PASSWORD).await.unwrap() else {
        panic!("expected a sign-in without a second factor");
    };
    let stored: (String, i64) = sqlx::query_as(
        "SELECT password_hash, (SELECT count(*) FROM account_tokens WHERE encode(token_hash, 'hex') = $1)
         FROM accounts WHERE id = $2",
    )
    .bind(&token)
    .bind(signed.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(stored.0.starts_with("$argon2id$") && stored.1 == 0);

    // Two browsers; resetting the password signs both out and voids the link.
    let first = logins::open(&pool, signed.id, &client("1.1.1.1"))
        .await
        .unwrap();
    let second = logins::open(&pool, signed.id, &client("2.2.2.2"))
        .await
        .unwrap();
    assert_eq!(logins::list(&pool, signed.id).await.unwrap().len(), 2);
    recovery::request_reset(&pool, "ana@example.com", &client("10.0.0.3"), &links())
        .await
        .unwrap();
    let reset = token_in_mail(&pool, "ana@example.com", "/account/reset").await;
    let weak = recovery::reset_password(&pool, &reset, "password")
        .await
        .unwrap_err();
    assert!(
        matches!(
            weak,
            DomainError::Validation {
                field: "password",
                ..
            }
        ),
        "a weak password keeps the link usable"
    );
    recovery::reset_password(&pool, &reset, "granite harbor lemonade sky")
        .await
        .unwrap();
    assert!(logins::current(&pool, first).await.unwrap().is_none());
    assert!(logins::current(&pool, second).await.unwrap().is_none());
    let again = recovery::reset_password(&pool, &reset, "another fine long phrase").await;
    assert!(matches!(
        again,
        Err(DomainError::Validation { field: "token", .. })
    ));
    assert!(matches!(
        sign_in(&pool, "ana@example.com", PASSWORD).await,
        Err(DomainError::BadCredentials)
    ));
    assert!(matches!(
        sign_in(&pool, "ana@example.com", "granite harbor lemonade sky").await,
        Ok(SignIn::Done(_))
    ));

    // Sign out everywhere else keeps only the browser asking.
    let here = logins::open(&pool, signed.id, &client("3.3.3.3"))
        .await
        .unwrap();
    let elsewhere = logins::open(&pool, signed.id, &client("4.4.4.4"))
        .await
        .unwrap();
    logins::close_all(&pool, signed.id, Some(here))
        .await
        .unwrap();
    assert!(logins::current(&pool, here).await.unwrap().is_some());
    assert!(logins::current(&pool, elsewhere).await.unwrap().is_none());
}

#[tokio::test]
async fn links_expire_and_registering_or_resetting_never_tells_who_has_an_account() {
    let pool = common::database().await;
    let id = verified(&pool, "eva@example.com").await;
    // Registering a taken address succeeds in appearance; the owner is told instead.
    let before = mails_to(&pool, "eva@example.com").await;
    register(&pool, "EVA@example.com", "10.0.0.9").await;
    assert_eq!(mails_to(&pool, "eva@example.com").await, before + 1);
    let accounts_with_address: i64 =
        sqlx::query_scalar("SELECT count(*) FROM accounts WHERE email_key = 'eva@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(accounts_with_address, 1);
    // Resetting an unknown address answers the same, and sends nothing.
    recovery::request_reset(&pool, "ghost@example.com", &client("10.0.0.4"), &links())
        .await
        .unwrap();
    assert_eq!(mails_to(&pool, "ghost@example.com").await, 0);
    // An expired link is refused like a used one.
    recovery::request_reset(&pool, "eva@example.com", &client("10.0.0.4"), &links())
        .await
        .unwrap();
    let token = token_in_mail(&pool, "eva@example.com", "/account/reset").await;
    sqlx::query(
        "UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE account_id = $1",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    let expired = recovery::reset_password(&pool, &token, "granite harbor lemonade sky").await;
    assert!(matches!(
        expired,
        Err(DomainError::Validation { field: "token", .. })
    ));
    // Malformed input is a validation error, never a crash.
    let huge = "x".repeat(10 * 1024);
    assert!(matches!(
        sign_in(&pool, "eva@example.com", &huge).await,
        Err(DomainError::BadCredentials)
    ));
    let bad = accounts::register(
        &pool,
        NewAccount {
            email: "not an email",
            password: PASSWORD,
            name: "",
            locale: "en",
            currency: None,
        },
        &client("10.0.0.5"),
        &links(),
    )
    .await;
    assert!(matches!(
        bad,
        Err(DomainError::Validation { field: "email", .. })
    ));
}

#[tokio::test]
async fn registrations_from_one_address_are_limited() {
    let pool = common::database().await;
    for i in 0..20 {
        register(&pool, &format!("user{i}@example.com"), "10.9.9.9").await;
    }
    let new = NewAccount {
        email: "one-more@example.com",
        password: PASSWORD,
        name: "",
        locale: "en",
        currency: None,
    };
    let refused = accounts::register(&pool, new, &client("10.9.9.9"), &links()).await;
    assert!(
        matches!(refused, Err(DomainError::TooManyAttempts { .. })),
        "{refused:?}"
    );
}

#[tokio::test]
async fn an_account_can_download_its_data_and_delete_itself() {
    let pool = common::database().await;
    let id = verified(&pool, "fabi@example.com").await;
    let data = accounts::data::export(&pool, id).await.unwrap();
    assert_eq!(data["account"]["email"], "fabi@example.com");
    assert!(!data["emails"].as_array().unwrap().is_empty());
    let text = data.to_string();
    assert!(
        !text.contains("argon2") && !text.contains("token_hash"),
        "no secrets in the export"
    );
    let login = logins::open(&pool, id, &client("1.1.1.1")).await.unwrap();
    let wrong = accounts::data::delete(&pool, id, login, "not my password at all").await;
    assert!(matches!(
        wrong,
        Err(DomainError::Validation {
            field: "current_password",
            ..
        })
    ));
    accounts::data::delete(&pool, id, login, PASSWORD)
        .await
        .unwrap();
    assert!(matches!(
        accounts::find(&pool, id).await,
        Err(DomainError::NotFound(_))
    ));
    assert_eq!(mails_to(&pool, "fabi@example.com").await, 0);
}

#[tokio::test]
async fn the_last_admin_cannot_delete_their_account() {
    let pool = common::database().await;
    let (first, password) = accounts::admin::create_admin(&pool, "one@example.com", None)
        .await
        .unwrap();
    let login = logins::open(&pool, first, &client("1.1.1.1"))
        .await
        .unwrap();
    let refused = accounts::data::delete(&pool, first, login, &password).await;
    assert!(
        matches!(refused, Err(DomainError::Conflict(ref key)) if key == "account.errors.last_admin"),
        "{refused:?}"
    );
    let (_, other) = accounts::admin::create_admin(&pool, "two@example.com", None)
        .await
        .unwrap();
    assert!(!other.is_empty());
    accounts::data::delete(&pool, first, login, &password)
        .await
        .unwrap();
    assert!(matches!(
        accounts::find(&pool, first).await,
        Err(DomainError::NotFound(_))
    ));
}

#[tokio::test]
async fn links_die_when_the_account_is_secured_or_its_address_changes() {
    let pool = common::database().await;
    let id = verified(&pool, "rui@example.com").await;
    let login = logins::open(&pool, id, &client("1.1.1.1")).await.unwrap();
    let refused = |result: Result<accounts::Account, DomainError>| {
        matches!(result, Err(DomainError::Validation { field: "token", .. }))
    };

    // An intruder's e-mail change, then the owner's sign out everywhere.
    recovery::change_email(&pool, id, login, PASSWORD, "thief@example.com", &links())
        .await
        .unwrap();
    let stolen = token_in_mail(&pool, "thief@example.com", "/account/verify").await;
    logins::sign_out_everywhere(&pool, id, None).await.unwrap();
    assert!(refused(accounts::verify_email(&pool, &stolen).await));

    // A newer e-mail change voids the older one; confirming it voids the reset link
    // sent to the old address.
    let login = logins::open(&pool, id, &client("1.1.1.1")).await.unwrap();
    recovery::change_email(&pool, id, login, PASSWORD, "thief2@example.com", &links())
        .await
        .unwrap();
    let older = token_in_mail(&pool, "thief2@example.com", "/account/verify").await;
    recovery::request_reset(&pool, "rui@example.com", &client("10.0.0.3"), &links())
        .await
        .unwrap();
    let reset = token_in_mail(&pool, "rui@example.com", "/account/reset").await;
    recovery::change_email(&pool, id, login, PASSWORD, "rui.new@example.com", &links())
        .await
        .unwrap();
    assert!(refused(accounts::verify_email(&pool, &older).await));
    let newer = token_in_mail(&pool, "rui.new@example.com", "/account/verify").await;
    let moved = accounts::verify_email(&pool, &newer).await.unwrap();
    assert_eq!(moved.email, "rui.new@example.com");
    let late = recovery::reset_password(&pool, &reset, "granite harbor lemonade sky").await;
    assert!(
        matches!(late, Err(DomainError::Validation { field: "token", .. })),
        "{late:?}"
    );
}
