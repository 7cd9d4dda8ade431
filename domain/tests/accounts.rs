//! Accounts against a real PostgreSQL: the whole lifecycle, throttles, one-time links,
//! two factors, and who may touch what.

mod common;

use domain::DomainError;
use domain::accounts::{self, Client, NewAccount, Role, SignIn, logins, recovery, security};
use domain::mail::Links;
use sqlx::PgPool;
use uuid::Uuid;

const PASSWORD: &str = "purple elephant dances quietly";

fn links() -> Links {
    Links {
        base_url: "https://shop.example".into(),
        shop_name: "Test Shop".into(),
    }
}

fn client(ip: &str) -> Client {
    Client {
        ip: ip.into(),
        user_agent: "test".into(),
    }
}

/// The token in the newest e-mail to `to` whose link contains `path`.
async fn token_in_mail(pool: &PgPool, to: &str, path: &str) -> String {
    let text: String = sqlx::query_scalar(
        "SELECT text_body FROM outbox_emails WHERE to_address = $1 AND text_body LIKE $2
         ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .bind(format!("%{path}?token=%"))
    .fetch_one(pool)
    .await
    .unwrap_or_else(|e| panic!("no mail to {to} with {path}: {e}"));
    let start = text.find("token=").unwrap() + 6;
    text[start..start + 64].to_string()
}

async fn mails_to(pool: &PgPool, to: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox_emails WHERE lower(to_address) = lower($1)")
        .bind(to)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn register(pool: &PgPool, email: &str, ip: &str) {
    let new = NewAccount {
        email,
        password: PASSWORD,
        name: "Ana Souza",
        locale: "pt-BR",
        currency: Some("BRL"),
    };
    accounts::register(pool, new, &client(ip), &links())
        .await
        .unwrap();
}

/// Registers and verifies an account; returns its id.
async fn verified(pool: &PgPool, email: &str) -> Uuid {
    register(pool, email, "10.0.0.1").await;
    let token = token_in_mail(pool, email, "/account/verify").await;
    accounts::verify_email(pool, &token).await.unwrap().id
}

async fn sign_in(pool: &PgPool, email: &str, password: &str) -> Result<SignIn, DomainError> {
    accounts::sign_in(pool, email, password, &client("10.0.0.2"), &links()).await
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

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
async fn two_factor_codes_work_once_and_recovery_codes_once_each() {
    let pool = common::database().await;
    let id = verified(&pool, "bia@example.com").await;
    let enrolment = security::start_two_factor(&pool, id, "Test Shop")
        .await
        .unwrap();
    assert!(enrolment.qr_svg.contains("<svg"));
    // The secret shown is the one kept aside (a second visit shows the same).
    let again = security::start_two_factor(&pool, id, "Test Shop")
        .await
        .unwrap();
    assert_eq!(enrolment.secret_base32, again.secret_base32);
    let secret: Vec<u8> =
        sqlx::query_scalar("SELECT totp_pending_secret FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let wrong = security::confirm_two_factor(&pool, id, "000000").await;
    assert!(wrong.is_err() || accounts::two_factor::code_at(&secret, now()) == "000000");
    let codes =
        security::confirm_two_factor(&pool, id, &accounts::two_factor::code_at(&secret, now()))
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
    assert!(accounts::second_factor(&pool, id, &used).await.is_err());
    let next = accounts::two_factor::code_at(&secret, now() + 30);
    assert_eq!(
        accounts::second_factor(&pool, id, &next).await.unwrap().id,
        id
    );
    assert!(accounts::second_factor(&pool, id, &next).await.is_err());
    // A recovery code works once, however it is typed.
    let typed = codes[0].to_uppercase().replace('-', " ");
    assert!(accounts::second_factor(&pool, id, &typed).await.is_ok());
    assert!(accounts::second_factor(&pool, id, &codes[0]).await.is_err());
    assert_eq!(security::recovery_codes_left(&pool, id).await.unwrap(), 9);
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
async fn customers_reach_only_their_own_addresses_sessions_and_roles() {
    let pool = common::database().await;
    let ana = verified(&pool, "ana@example.com").await;
    let bia = verified(&pool, "bia@example.com").await;
    let input = domain::addresses::AddressInput {
        kind: "shipping".into(),
        name: "Ana Souza".into(),
        line1: "Av. Paulista, 1000".into(),
        city: "São Paulo".into(),
        region: "SP".into(),
        postal_code: "01310100".into(),
        country: "BR".into(),
        ..Default::default()
    };
    let address = domain::addresses::add(&pool, ana, &input).await.unwrap();
    let list = domain::addresses::list(&pool, ana).await.unwrap();
    assert_eq!(
        (list.len(), list[0].postal_code.as_str(), list[0].is_default),
        (1, "01310-100", true)
    );
    // Bia cannot see, change or delete Ana's address by its id.
    assert!(
        domain::addresses::list(&pool, bia)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        domain::addresses::delete(&pool, bia, address).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        domain::addresses::make_default(&pool, bia, address).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        domain::addresses::update(&pool, bia, address, &input).await,
        Err(DomainError::NotFound(_))
    ));
    assert_eq!(domain::addresses::list(&pool, ana).await.unwrap().len(), 1);
    // Nor end Ana's sign-in.
    let login = logins::open(&pool, ana, &client("1.1.1.1")).await.unwrap();
    assert!(matches!(
        logins::close_own(&pool, bia, login).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(logins::current(&pool, login).await.unwrap().is_some());
    // A second default of a kind replaces the first.
    let mut second = input.clone();
    second.make_default = true;
    let newer = domain::addresses::add(&pool, ana, &second).await.unwrap();
    let defaults: Vec<Uuid> = domain::addresses::list(&pool, ana)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.is_default)
        .map(|a| a.id)
        .collect();
    assert_eq!(defaults, vec![newer]);

    // Roles: customers cannot list accounts; staff can, but only admins change roles.
    let customer = accounts::find(&pool, bia).await.unwrap();
    assert!(matches!(
        accounts::admin::list(&pool, &customer, 10).await,
        Err(DomainError::Forbidden)
    ));
    let (admin_id, _) = accounts::admin::create_admin(&pool, "boss@example.com", None)
        .await
        .unwrap();
    let admin = accounts::find(&pool, admin_id).await.unwrap();
    accounts::admin::set_role(&pool, &admin, bia, Role::Staff)
        .await
        .unwrap();
    let staff = accounts::find(&pool, bia).await.unwrap();
    assert_eq!(
        accounts::admin::list(&pool, &staff, 10)
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(matches!(
        accounts::admin::set_role(&pool, &staff, ana, Role::Admin).await,
        Err(DomainError::Forbidden)
    ));
    // A role change signs the account out, so its next session starts with the new role.
    let bia_login = logins::open(&pool, bia, &client("2.2.2.2")).await.unwrap();
    accounts::admin::set_role(&pool, &admin, bia, Role::Customer)
        .await
        .unwrap();
    assert!(logins::current(&pool, bia_login).await.unwrap().is_none());
    // When the shop requires it, staff without two factors are refused.
    sqlx::query("UPDATE shop_settings SET staff_two_factor = true")
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        accounts::require(&pool, &admin, Role::Staff).await,
        Err(DomainError::Validation {
            field: "two_factor",
            ..
        })
    ));
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
    let wrong = accounts::data::delete(&pool, id, "not my password at all").await;
    assert!(matches!(
        wrong,
        Err(DomainError::Validation {
            field: "current_password",
            ..
        })
    ));
    accounts::data::delete(&pool, id, PASSWORD).await.unwrap();
    assert!(matches!(
        accounts::find(&pool, id).await,
        Err(DomainError::NotFound(_))
    ));
    assert_eq!(mails_to(&pool, "fabi@example.com").await, 0);
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
async fn the_last_admin_cannot_delete_their_account() {
    let pool = common::database().await;
    let (first, password) = accounts::admin::create_admin(&pool, "one@example.com", None)
        .await
        .unwrap();
    let refused = accounts::data::delete(&pool, first, &password).await;
    assert!(
        matches!(refused, Err(DomainError::Conflict(ref key)) if key == "account.errors.last_admin"),
        "{refused:?}"
    );
    let (_, other) = accounts::admin::create_admin(&pool, "two@example.com", None)
        .await
        .unwrap();
    assert!(!other.is_empty());
    accounts::data::delete(&pool, first, &password)
        .await
        .unwrap();
    assert!(matches!(
        accounts::find(&pool, first).await,
        Err(DomainError::NotFound(_))
    ));
}
