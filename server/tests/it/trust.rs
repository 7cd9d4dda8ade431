//! What the shop trusts (issue 11): links come from its settings, never from a request's
//! headers; HTTPS is kept to once seen; the error banner shows only the shop's own
//! messages; and the sessions table holds no working cookie.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;

use app::error::AppError;
use app::server::account as fns;
use common::accounts::*;
use common::{app_with, send};

const FORGED: [(&str, &str); 2] = [("host", "attacker.example"), ("x-forwarded-proto", "https")];

/// The newest e-mail to `to`.
async fn last_mail(pool: &sqlx::PgPool, to: &str) -> String {
    sqlx::query_scalar(
        "SELECT text_body FROM outbox_emails WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn forgot(app: &axum::Router, email: &str, headers: &[(&str, &str)]) {
    let (response, body) = post(
        app,
        fns::ForgotPassword::PATH,
        &[("lang", "en"), ("email", email)],
        headers,
    )
    .await;
    assert!(
        response.status().is_success(),
        "{}: {body}",
        response.status()
    );
}

#[tokio::test]
async fn a_forged_host_never_reaches_a_mailed_link() {
    // No public address: links go to the address the server listens on.
    let (app, pool) = app_with(&[("VITRINE_ADDR", "127.0.0.1:4321")]).await;
    customer(&pool, "owner@example.com").await;
    forgot(&app, "owner@example.com", &FORGED).await;
    let mail = last_mail(&pool, "owner@example.com").await;
    assert!(
        mail.contains("http://127.0.0.1:4321/en/account/reset"),
        "{mail}"
    );
    assert!(!mail.contains("attacker.example"), "{mail}");

    // A public address wins over anything the request says, even behind a trusted proxy.
    let (app, pool) = app_with(&[
        ("VITRINE_PUBLIC_URL", "https://shop.example"),
        ("VITRINE_TRUST_PROXY", "true"),
        ("VITRINE_ALLOWED_HOSTS", "www.shop.example"),
    ])
    .await;
    customer(&pool, "owner@example.com").await;
    forgot(&app, "owner@example.com", &FORGED).await;
    let mail = last_mail(&pool, "owner@example.com").await;
    assert!(
        mail.contains("https://shop.example/en/account/reset"),
        "{mail}"
    );
    assert!(!mail.contains("attacker.example"), "{mail}");
    // A host on the allow-list, named by the trusted proxy, is the shop too.
    forgot(
        &app,
        "owner@example.com",
        &[("host", "www.shop.example"), ("x-forwarded-proto", "https")],
    )
    .await;
    let mail = last_mail(&pool, "owner@example.com").await;
    assert!(
        mail.contains("https://www.shop.example/en/account/reset"),
        "{mail}"
    );
}

#[tokio::test]
async fn canonical_links_and_the_sitemap_ignore_a_forged_host() {
    let (app, pool) = app_with(&[("VITRINE_ADDR", "127.0.0.1:4321")]).await;
    let slug: String = sqlx::query_scalar(
        "SELECT slug FROM product_translations WHERE locale = 'en' ORDER BY slug LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for path in [
        "/en".to_string(),
        format!("/en/p/{slug}"),
        "/robots.txt".into(),
    ] {
        let mut request = Request::get(&path).header("accept", "text/html");
        for (name, value) in FORGED {
            request = request.header(name, value);
        }
        let (response, body) = send(&app, request.body(Body::empty()).unwrap()).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(!body.contains("attacker.example"), "{path}: {body}");
        assert!(body.contains("http://127.0.0.1:4321/"), "{path}: {body}");
    }
}

async fn sign_in_over(app: &axum::Router, headers: &[(&str, &str)]) -> axum::http::Response<Body> {
    let (response, body) = post(
        app,
        fns::SignIn::PATH,
        &[
            ("lang", "en"),
            ("email", "ana@example.com"),
            ("password", PASSWORD),
        ],
        headers,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    response
}

fn set_cookies(response: &axum::http::Response<Body>) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn https_through_a_trusted_proxy_gets_secure_cookies_and_hsts() {
    let (app, pool) = app_with(&[("VITRINE_TRUST_PROXY", "true")]).await;
    customer(&pool, "ana@example.com").await;
    let https = sign_in_over(&app, &[("x-forwarded-proto", "https")]).await;
    let cookies = set_cookies(&https);
    assert!(!cookies.is_empty());
    assert!(
        cookies.iter().all(|c| c.contains("; Secure")),
        "{cookies:?}"
    );
    assert!(https.headers().contains_key("strict-transport-security"));
    // Plain HTTP (a shop tried locally) keeps working: no Secure, no HSTS.
    let plain = sign_in_over(&app, &[]).await;
    assert!(set_cookies(&plain).iter().all(|c| !c.contains("Secure")));
    assert!(!plain.headers().contains_key("strict-transport-security"));

    // Without proxy trust, anyone could send the header: it changes nothing.
    let (app, pool) = app_with(&[]).await;
    customer(&pool, "ana@example.com").await;
    let forged = sign_in_over(&app, &[("x-forwarded-proto", "https")]).await;
    assert!(set_cookies(&forged).iter().all(|c| !c.contains("Secure")));
    assert!(!forged.headers().contains_key("strict-transport-security"));

    // An https public address: HSTS on every answer.
    let (app, _) = app_with(&[("VITRINE_PUBLIC_URL", "https://shop.example")]).await;
    let (response, _) = common::get(&app, "/healthz").await;
    assert_eq!(
        common::header(&response, "strict-transport-security"),
        "max-age=31536000"
    );
}

#[tokio::test]
async fn the_error_banner_shows_only_the_shops_own_messages() {
    let (app, pool) = app_with(&[]).await;
    customer(&pool, "ana@example.com").await;
    let lie = "Your account is locked. Call +1 555 0100 to unlock it";
    let forged = ServerFnUrlError::new(fns::SignIn::PATH, AppError::Conflict(lie.into()))
        .to_url("http://localhost/en/account/sign-in")
        .unwrap();
    let address = format!("/en/account/sign-in?{}", forged.query().unwrap());
    let (response, body) = send(
        &app,
        Request::get(&address)
            .header("accept", "text/html")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(!body.contains("Call +1 555"), "{body}");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/en/account/sign-in");

    // A real failed post, JavaScript off: back to the form with its (signed) message.
    let (response, _) = post(
        &app,
        fns::SignIn::PATH,
        &[
            ("lang", "en"),
            ("email", "ana@example.com"),
            ("password", "not the password at all"),
        ],
        &[
            ("accept", "text/html"),
            ("referer", "http://localhost/en/account/sign-in"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("__sig="), "{location}");
    let path = location.trim_start_matches("http://localhost");
    let (response, body) = send(
        &app,
        Request::get(path)
            .header("accept", "text/html")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert!(body.contains("The e-mail or password is wrong."), "{body}");
    // The signature covers the message: swapping in another one is refused.
    let swapped = path.replace(
        &location[location.find("__err=").unwrap() + 6..location.find("&__sig").unwrap()],
        forged
            .query_pairs()
            .find(|(k, _)| k == "__err")
            .unwrap()
            .1
            .as_ref(),
    );
    let (response, body) = send(
        &app,
        Request::get(&swapped)
            .header("accept", "text/html")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{swapped}");
    assert!(!body.contains("Call +1 555"));
}

#[tokio::test]
async fn the_sessions_table_holds_no_cookie_that_works() {
    let (app, pool) = app_with(&[]).await;
    customer(&pool, "ana@example.com").await;
    let cookie = signed_in(&app, "ana@example.com").await;
    let id = cookie.split_once('=').unwrap().1.to_string();
    let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM tower_sessions.session")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!stored.is_empty());
    assert!(!stored.contains(&id), "the cookie is kept as it is");
    // What is kept, sent as a cookie, signs no one in.
    for key in stored {
        let (response, _) = post(
            &app,
            fns::GetAccount::PATH,
            &[("lang", "en")],
            &[("cookie", &format!("vitrine={key}"))],
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // The cookie itself still does.
    let (response, _) = post(
        &app,
        fns::GetAccount::PATH,
        &[("lang", "en")],
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn sessions_kept_before_hashing_are_rewritten_to_their_hashed_key() {
    // The migration's SQL and the store's Rust agree on the key.
    let (_, pool) = app_with(&[]).await;
    let id = tower_sessions::session::Id::default();
    let hashed: String = sqlx::query_scalar(
        "SELECT rtrim(translate(encode(substring(sha256(decode(translate($1, '-_', '+/') || '==',
                'base64')) FROM 1 FOR 16), 'base64'), '+/', '-_'), '=')",
    )
    .bind(id.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(hashed, server::session_store::stored_id(&id).to_string());
}
