//! Taking over an account over HTTP (issue 11): links asked for before the owner secures
//! the account, security changes made with a stolen session alone, and strangers'
//! failed sign-ins locking the signed-in owner out.

use crate::common;

use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use sqlx::PgPool;

use app::server::account as fns;
use common::accounts::*;
use common::app_and_pool;

const NEW_PASSWORD: &str = "granite harbor lemonade sky";
const NEWER_PASSWORD: &str = "copper lantern meadow drift";

async fn email_of(pool: &PgPool, id: uuid::Uuid) -> String {
    sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Changes the password of the session `cookie`'s account over HTTP.
async fn change_password(app: &axum::Router, cookie: &str, from: &str, to: &str) {
    let (response, body) = post(
        app,
        fns::ChangePassword::PATH,
        &[
            ("lang", "en"),
            ("current_password", from),
            ("new_password", to),
        ],
        &[("cookie", cookie)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
}

/// An intruder's session asks to move the account to `thief`; returns that link's token.
async fn intruder_asks_for_a_new_address(
    app: &axum::Router,
    pool: &PgPool,
    cookie: &str,
    password: &str,
    thief: &str,
) -> String {
    let (response, body) = post(
        app,
        fns::ChangeEmail::PATH,
        &[("lang", "en"), ("password", password), ("email", thief)],
        &[("cookie", cookie)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    token_in_mail(pool, thief, "/account/verify").await
}

async fn follow(app: &axum::Router, token: &str) -> StatusCode {
    let (response, _) = post(
        app,
        fns::VerifyEmail::PATH,
        &[("lang", "en"), ("token", token)],
        &[],
    )
    .await;
    response.status()
}

#[tokio::test]
async fn securing_the_account_voids_the_links_an_intruder_asked_for() {
    let (app, pool) = app_and_pool().await;
    let id = customer(&pool, "owner@example.com").await;
    let owner = signed_in(&app, "owner@example.com").await;

    // Signing out everywhere.
    let intruder = signed_in(&app, "owner@example.com").await;
    let link =
        intruder_asks_for_a_new_address(&app, &pool, &intruder, PASSWORD, "t1@evil.example").await;
    let (response, _) = post(
        &app,
        fns::SignOutEverywhere::PATH,
        &[("lang", "en")],
        &[("cookie", &owner)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(follow(&app, &link).await, StatusCode::BAD_REQUEST);
    assert_eq!(email_of(&pool, id).await, "owner@example.com");

    // Changing the password.
    let intruder = signed_in(&app, "owner@example.com").await;
    let link =
        intruder_asks_for_a_new_address(&app, &pool, &intruder, PASSWORD, "t2@evil.example").await;
    change_password(&app, &owner, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(follow(&app, &link).await, StatusCode::BAD_REQUEST);
    assert_eq!(email_of(&pool, id).await, "owner@example.com");

    // Resetting the password (the intruder had learnt the new one).
    let intruder = signed_in_with(&app, "owner@example.com", NEW_PASSWORD).await;
    let link =
        intruder_asks_for_a_new_address(&app, &pool, &intruder, NEW_PASSWORD, "t3@evil.example")
            .await;
    let (response, _) = post(
        &app,
        fns::ForgotPassword::PATH,
        &[("lang", "en"), ("email", "owner@example.com")],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let reset = token_in_mail(&pool, "owner@example.com", "/account/reset").await;
    let (response, body) = post(
        &app,
        fns::ResetPassword::PATH,
        &[
            ("lang", "en"),
            ("token", &reset),
            ("password", NEWER_PASSWORD),
        ],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    assert_eq!(follow(&app, &link).await, StatusCode::BAD_REQUEST);
    assert_eq!(email_of(&pool, id).await, "owner@example.com");
}

/// RFC 4648 base32, as authenticator apps are given the secret.
fn base32(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut count, mut out) = (0u64, 0u32, Vec::new());
    for c in text.trim_end_matches('=').bytes() {
        let value = ALPHABET.iter().position(|&a| a == c).expect("base32") as u64;
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

fn headers<'a>(cookie: &'a [(&'static str, String); 1]) -> [(&'static str, &'a str); 1] {
    [(cookie[0].0, cookie[0].1.as_str())]
}

fn code_at(secret: &[u8], offset: i64) -> String {
    let now = chrono::Utc::now().timestamp() + offset;
    domain::accounts::two_factor::code_at(secret, now as u64)
}

async fn two_factor_on(pool: &PgPool, id: uuid::Uuid) -> bool {
    sqlx::query_scalar("SELECT totp_enabled_at IS NOT NULL FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn two_factors_are_turned_on_or_off_only_with_the_password_and_off_with_a_code() {
    let (app, pool) = app_and_pool().await;
    let id = customer(&pool, "bea@example.com").await;
    let stolen = signed_in(&app, "bea@example.com").await;
    let mut cookie = [("cookie", stolen.clone())];
    let setup = async |cookie: &[(&'static str, String); 1]| {
        let (response, body) = post(
            &app,
            fns::GetTwoFactorSetup::PATH,
            &[("lang", "en")],
            &headers(cookie),
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    };
    // The session alone sees no secret, and cannot start setting one up.
    assert!(setup(&cookie).await.is_null());
    for password in ["", "not the password at all"] {
        let (response, body) = post(
            &app,
            fns::StartTwoFactor::PATH,
            &[("lang", "en"), ("password", password)],
            &headers(&cookie),
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert!(setup(&cookie).await.is_null());
    }
    // With the password, the new secret is shown once.
    let (response, body) = post(
        &app,
        fns::StartTwoFactor::PATH,
        &[("lang", "en"), ("password", PASSWORD)],
        &headers(&cookie),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    let shown = setup(&cookie).await;
    assert!(setup(&cookie).await.is_null(), "the secret is shown once");
    let secret = base32(shown["secret"].as_str().unwrap());

    // A right code without the password does not turn two factors on.
    let code = code_at(&secret, 0);
    for password in ["", "not the password at all"] {
        let (response, body) = post(
            &app,
            fns::ConfirmTwoFactor::PATH,
            &[("lang", "en"), ("password", password), ("code", &code)],
            &headers(&cookie),
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("current_password"), "{body}");
        assert!(!two_factor_on(&pool, id).await);
    }
    let (response, body) = post(
        &app,
        fns::ConfirmTwoFactor::PATH,
        &[("lang", "en"), ("password", PASSWORD), ("code", &code)],
        &headers(&cookie),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    assert!(two_factor_on(&pool, id).await);
    // Turning two factors on renews the session id.
    cookie[0].1 = session_cookie(&response).expect("a renewed session");

    // New recovery codes need the password.
    let (response, body) = post(
        &app,
        fns::NewRecoveryCodes::PATH,
        &[("lang", "en"), ("password", "not the password at all")],
        &headers(&cookie),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");

    // Turning them off needs the password and a current code.
    for form in [
        vec![("lang", "en"), ("password", PASSWORD)],
        vec![("lang", "en"), ("password", PASSWORD), ("code", "")],
        vec![
            ("lang", "en"),
            ("password", "not the password at all"),
            ("code", ""),
        ],
    ] {
        let (response, body) =
            post(&app, fns::DisableTwoFactor::PATH, &form, &headers(&cookie)).await;
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{form:?}: {body}"
        );
        assert!(two_factor_on(&pool, id).await, "{form:?}");
    }
    let next = code_at(&secret, 30);
    let (response, body) = post(
        &app,
        fns::DisableTwoFactor::PATH,
        &[("lang", "en"), ("password", PASSWORD), ("code", &next)],
        &headers(&cookie),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    assert!(!two_factor_on(&pool, id).await);
}

#[tokio::test]
async fn strangers_failed_sign_ins_never_hold_back_a_signed_in_owner() {
    let (app, pool) = app_and_pool().await;
    customer(&pool, "cris@example.com").await;
    let owner = signed_in(&app, "cris@example.com").await;
    for _ in 0..8 {
        let (response, _) = post(
            &app,
            fns::SignIn::PATH,
            &[
                ("lang", "en"),
                ("email", "cris@example.com"),
                ("password", "a stranger's guess"),
            ],
            &[],
        )
        .await;
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&response.status())
        );
    }
    // The owner's signed-in password change is theirs alone to get wrong.
    change_password(&app, &owner, PASSWORD, NEW_PASSWORD).await;
}
