//! Accounts over HTTP, in-process against a real PostgreSQL: cross-site refusal, session
//! ids renewed at sign-in, and every protected server function refusing the anonymous,
//! the wrong role and another customer's ids, with 4xx answers for bad input.

mod common;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use leptos::server_fn::ServerFn;
use sqlx::PgPool;

use app::server::account as fns;
use common::{app_and_pool, get, send};

const PASSWORD: &str = "purple elephant dances quietly";

/// A form's fields as (name, value) pairs.
type Form<'a> = Vec<(&'a str, &'a str)>;

/// Posts a form to a server function, as a program would (no browser headers) unless
/// `headers` add some.
async fn post(
    app: &axum::Router,
    path: &str,
    form: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> (Response<Body>, String) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut request =
        Request::post(path).header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::from(body)).unwrap()).await
}

/// The session cookie the response sets, as `name=value`.
fn session_cookie(response: &Response<Body>) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("vitrine="))
        .map(|v| v.split(';').next().unwrap().to_string())
}

/// A verified customer, made through the domain.
async fn customer(pool: &PgPool, email: &str) -> uuid::Uuid {
    let links = domain::mail::Links {
        base_url: "http://localhost".into(),
        shop_name: "Shop".into(),
    };
    let new = domain::accounts::NewAccount {
        email,
        password: PASSWORD,
        name: "Test",
        locale: "en",
        currency: None,
    };
    let client = domain::accounts::Client::default();
    domain::accounts::register(pool, new, &client, &links)
        .await
        .unwrap();
    let text: String = sqlx::query_scalar(
        "SELECT text_body FROM outbox_emails WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .unwrap();
    let at = text.find("token=").unwrap() + 6;
    domain::accounts::verify_email(pool, &text[at..at + 64])
        .await
        .unwrap()
        .id
}

/// Signs in over HTTP; returns the session cookie.
async fn signed_in(app: &axum::Router, email: &str) -> String {
    let (response, body) = post(
        app,
        fns::SignIn::PATH,
        &[("lang", "en"), ("email", email), ("password", PASSWORD)],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    session_cookie(&response).expect("a session cookie")
}

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
    domain::accounts::security::start_two_factor(&pool, id, "Shop")
        .await
        .unwrap();
    let secret: Vec<u8> =
        sqlx::query_scalar("SELECT totp_pending_secret FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let now = chrono::Utc::now().timestamp() as u64;
    let code = domain::accounts::two_factor::code_at(&secret, now);
    domain::accounts::security::confirm_two_factor(&pool, id, &code)
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

#[tokio::test]
async fn protected_server_functions_refuse_the_anonymous_the_wrong_role_and_other_customers_ids() {
    let (app, pool) = app_and_pool().await;
    let ana = customer(&pool, "ana@example.com").await;
    customer(&pool, "bia@example.com").await;
    let address = domain::addresses::add(
        &pool,
        ana,
        &domain::addresses::AddressInput {
            kind: "shipping".into(),
            name: "Ana".into(),
            line1: "Rua A, 1".into(),
            city: "Recife".into(),
            region: "PE".into(),
            postal_code: "50000-000".into(),
            country: "BR".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .to_string();
    let ana_cookie = signed_in(&app, "ana@example.com").await;
    let ana_login: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM account_sessions WHERE account_id = $1")
            .bind(ana)
            .fetch_one(&pool)
            .await
            .unwrap();
    let ana_login = ana_login.to_string();
    let bia_cookie = signed_in(&app, "bia@example.com").await;

    let lang = ("lang", "en");
    let protected: Vec<(&str, Form)> = vec![
        (fns::GetAccount::PATH, vec![lang]),
        (
            fns::UpdateProfile::PATH,
            vec![lang, ("name", "X"), ("locale", "en"), ("currency", "")],
        ),
        (
            fns::ChangeEmail::PATH,
            vec![lang, ("password", PASSWORD), ("email", "x@example.com")],
        ),
        (
            fns::ChangePassword::PATH,
            vec![
                lang,
                ("current_password", PASSWORD),
                ("new_password", "granite harbor lemonade sky"),
            ],
        ),
        (fns::GetTwoFactorSetup::PATH, vec![lang]),
        (fns::ConfirmTwoFactor::PATH, vec![lang, ("code", "123456")]),
        (
            fns::NewRecoveryCodes::PATH,
            vec![lang, ("password", PASSWORD)],
        ),
        (fns::TakeRecoveryCodes::PATH, vec![lang]),
        (
            fns::DisableTwoFactor::PATH,
            vec![lang, ("password", PASSWORD)],
        ),
        (fns::EndSession::PATH, vec![lang, ("id", &ana_login)]),
        (fns::SignOutEverywhere::PATH, vec![lang]),
        (fns::DeleteAccount::PATH, vec![lang, ("password", PASSWORD)]),
        (fns::GetAddresses::PATH, vec![lang]),
        (fns::DeleteAddress::PATH, vec![lang, ("id", &address)]),
        (fns::DefaultAddress::PATH, vec![lang, ("id", &address)]),
        (fns::ListAccounts::PATH, vec![lang]),
        (
            fns::SetAccountRole::PATH,
            vec![lang, ("id", &address), ("role", "admin")],
        ),
    ];
    let mut add_address = vec![
        lang,
        ("id", ""),
        ("kind", "shipping"),
        ("name", "N"),
        ("line1", "L"),
        ("line2", ""),
        ("city", "C"),
    ];
    add_address.extend([
        ("region", "SP"),
        ("postal_code", "01310-100"),
        ("country", "BR"),
        ("phone", ""),
    ]);
    let mut protected = protected;
    protected.push((fns::SetStaffTwoFactor::PATH, vec![lang, ("required", "on")]));
    protected.push((fns::SaveAddress::PATH, add_address));
    for (path, form) in &protected {
        let (response, body) = post(&app, path, form, &[]).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "anonymous {path}: {body}"
        );
        let (response, _) =
            post(&app, path, form, &[("cookie", "vitrine=forged-session-id")]).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "forged cookie {path}"
        );
    }
    // A customer is not staff.
    for path in [
        fns::ListAccounts::PATH,
        fns::SetAccountRole::PATH,
        fns::SetStaffTwoFactor::PATH,
    ] {
        let form = protected
            .iter()
            .find(|(p, _)| *p == path)
            .unwrap()
            .1
            .clone();
        let (response, _) = post(&app, path, &form, &[("cookie", &bia_cookie)]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "customer {path}");
    }
    // Bia cannot touch Ana's address or sign-in by their ids.
    for path in [fns::DeleteAddress::PATH, fns::DefaultAddress::PATH] {
        let (response, _) = post(
            &app,
            path,
            &[lang, ("id", &address)],
            &[("cookie", &bia_cookie)],
        )
        .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // Nor edit it: the edit is refused and the address unchanged.
    let mut edit = protected.last().unwrap().1.clone();
    edit[1] = ("id", &address);
    let (response, _) = post(
        &app,
        fns::SaveAddress::PATH,
        &edit,
        &[("cookie", &bia_cookie)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let city: String = sqlx::query_scalar("SELECT city FROM addresses")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(city, "Recife");
    let (response, _) = post(
        &app,
        fns::EndSession::PATH,
        &[lang, ("id", &ana_login)],
        &[("cookie", &bia_cookie)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (response, body) = post(
        &app,
        fns::GetAddresses::PATH,
        &[lang],
        &[("cookie", &bia_cookie)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!body.contains(&address), "{body}");
    // Ana still has both.
    let (response, body) = post(
        &app,
        fns::GetAddresses::PATH,
        &[lang],
        &[("cookie", &ana_cookie)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.contains(&address));
    let (response, _) = post(
        &app,
        fns::GetAccount::PATH,
        &[lang],
        &[("cookie", &ana_cookie)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);

    // The data download needs a sign-in too, and is the account's own.
    let (response, _) = get(&app, "/account/export.json").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let (response, body) = send(
        &app,
        Request::get("/account/export.json")
            .header("cookie", &ana_cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(body.contains("ana@example.com") && !body.contains("bia@example.com"));
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_never_a_500() {
    let (app, pool) = app_and_pool().await;
    customer(&pool, "ana@example.com").await;
    let huge = "x".repeat(10 * 1024);
    let cases: Vec<(&str, Form, StatusCode, &str)> = vec![
        (
            fns::SignIn::PATH,
            vec![
                ("lang", "en"),
                ("email", "ana@example.com"),
                ("password", &huge),
            ],
            StatusCode::UNAUTHORIZED,
            "BadCredentials",
        ),
        (
            fns::SignIn::PATH,
            vec![
                ("lang", "en"),
                ("email", "nobody@example.com"),
                ("password", PASSWORD),
            ],
            StatusCode::UNAUTHORIZED,
            "BadCredentials",
        ),
        (
            fns::SignUp::PATH,
            vec![
                ("lang", "en"),
                ("email", "not-an-email"),
                ("password", PASSWORD),
                ("name", ""),
            ],
            StatusCode::BAD_REQUEST,
            "account.errors.email",
        ),
        (
            fns::SignUp::PATH,
            vec![
                ("lang", "en"),
                ("email", "new@example.com"),
                ("password", &huge),
                ("name", ""),
            ],
            StatusCode::BAD_REQUEST,
            "account.errors.password_long",
        ),
        (
            fns::ResetPassword::PATH,
            vec![("lang", "en"), ("token", "made-up"), ("password", PASSWORD)],
            StatusCode::BAD_REQUEST,
            "account.errors.link",
        ),
        (
            fns::VerifyEmail::PATH,
            vec![("lang", "en"), ("token", &huge)],
            StatusCode::BAD_REQUEST,
            "account.errors.link",
        ),
        (
            fns::SignInCode::PATH,
            vec![("lang", "en"), ("code", "123456")],
            StatusCode::OK,
            "",
        ),
        (
            fns::SignIn::PATH,
            vec![("lang", "xx"), ("email", "a@b.co"), ("password", "p")],
            StatusCode::NOT_FOUND,
            "NotFound",
        ),
        (
            fns::SignIn::PATH,
            vec![("lang", "en")],
            StatusCode::BAD_REQUEST,
            "",
        ),
    ];
    for (path, form, status, text) in cases {
        let (response, body) = post(&app, path, &form, &[]).await;
        assert_eq!(
            response.status(),
            status,
            "{path} {:?}: {body}",
            &form.iter().map(|(k, v)| (k, v.len())).collect::<Vec<_>>()
        );
        assert!(body.contains(text), "{path}: {body}");
    }
    // Wrong and unknown accounts read the same.
    let attempt = |email: &'static str| {
        let app = app.clone();
        async move {
            let form = [
                ("lang", "en"),
                ("email", email),
                ("password", "not the password"),
            ];
            post(&app, fns::SignIn::PATH, &form, &[]).await.1
        }
    };
    let (wrong, unknown) = (
        attempt("ana@example.com").await,
        attempt("who@example.com").await,
    );
    assert_eq!(wrong, unknown);
}
