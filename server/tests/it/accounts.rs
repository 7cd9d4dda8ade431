//! Accounts over HTTP, in-process against a real PostgreSQL: cross-site posts refused, and
//! session ids renewed at sign-in with cookies locked down.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use leptos::server_fn::ServerFn;

use app::server::account as fns;
use common::accounts::*;
use common::{app_and_pool, send};

#[tokio::test]
async fn a_cross_site_form_post_is_refused_and_changes_nothing() {
    let (app, pool) = app_and_pool().await;
    let form = [
        ("lang", "en"),
        ("email", "victim@example.com"),
        ("password", PASSWORD),
        ("name", ""),
    ];
    for headers in [
        [("origin", "https://evil.example"), ("accept", "text/html")],
        [("sec-fetch-site", "cross-site"), ("accept", "text/html")],
    ] {
        let (response, body) = post(&app, fns::SignUp::PATH, &form, &headers).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert!(body.contains("another site"), "{body}");
    }
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts WHERE role = 'customer'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(accounts, 0);
    // The same form from the shop's own page goes through (and on to the next page).
    let (response, _) = post(
        &app,
        fns::SignUp::PATH,
        &form,
        &[
            ("sec-fetch-site", "same-origin"),
            ("accept", "text/html"),
            ("referer", "http://localhost/en/account/sign-up"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "/en/account/sign-up?sent=1");
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in_and_cookies_are_locked_down() {
    let (app, pool) = app_and_pool().await;
    let id = customer(&pool, "ana@example.com").await;
    // A session id planted before sign-in is not the one signed in.
    let planted = "vitrine=AAAAAAAAAAAAAAAAAAAAAA";
    let (response, _) = post(
        &app,
        fns::SignIn::PATH,
        &[
            ("lang", "en"),
            ("email", "ana@example.com"),
            ("password", PASSWORD),
        ],
        &[("cookie", planted)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax") && header.contains("Path=/"),
        "{header}"
    );
    let cookie = session_cookie(&response).unwrap();
    assert_ne!(cookie, planted);
    let (page, html) = send(
        &app,
        Request::get("/en/account")
            .header("cookie", &cookie)
            .header("accept", "text/html")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(html.contains("ana@example.com"));
    assert_eq!(
        page.headers()["cache-control"],
        "no-store",
        "personal pages are not kept"
    );
    // The planted (forged) id reads as signed out: sent to sign in, not an error.
    let (page, _) = send(
        &app,
        Request::get("/en/account")
            .header("cookie", planted)
            .header("accept", "text/html")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status(), StatusCode::FOUND);
    assert_eq!(page.headers()["location"], "/en/account/sign-in");

    // With two factors: the first step's session id is replaced at the second.
    let keys = common::keys();
    let login = domain::accounts::logins::open(&pool, id, &Default::default())
        .await
        .unwrap();
    domain::accounts::security::start_two_factor(&pool, &keys, id, login, PASSWORD, "Shop")
        .await
        .unwrap();
    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT totp_pending_secret FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let secret = domain::accounts::totp_secrets::open(&keys, id, &stored).unwrap();
    let now = chrono::Utc::now().timestamp() as u64;
    let code = domain::accounts::two_factor::code_at(&secret, now);
    domain::accounts::security::confirm_two_factor(&pool, &keys, id, login, PASSWORD, &code)
        .await
        .unwrap();
    let (response, _) = post(
        &app,
        fns::SignIn::PATH,
        &[
            ("lang", "en"),
            ("email", "ana@example.com"),
            ("password", PASSWORD),
        ],
        &[],
    )
    .await;
    let pending = session_cookie(&response).unwrap();
    // Half signed in is not signed in.
    let (response, _) = post(
        &app,
        fns::GetAccount::PATH,
        &[("lang", "en")],
        &[("cookie", &pending)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // A replayed code is refused; the next one signs in with a new id.
    let (response, _) = post(
        &app,
        fns::SignInCode::PATH,
        &[("lang", "en"), ("code", &code)],
        &[("cookie", &pending)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let next = domain::accounts::two_factor::code_at(&secret, now + 30);
    let (response, _) = post(
        &app,
        fns::SignInCode::PATH,
        &[("lang", "en"), ("code", &next)],
        &[("cookie", &pending)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let signed = session_cookie(&response).unwrap();
    assert_ne!(signed, pending);
    let (response, body) = post(
        &app,
        fns::GetAccount::PATH,
        &[("lang", "en")],
        &[("cookie", &signed)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    assert!(body.contains("\"two_factor\":true"), "{body}");
}
