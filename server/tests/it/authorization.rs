//! Protected server functions over HTTP, in-process against a real PostgreSQL: every one
//! refuses the anonymous, the wrong role and another customer's ids, and bad input gets a
//! 4xx with a clear message, never a 500.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use leptos::server_fn::ServerFn;

use app::server::account as fns;
use common::accounts::*;
use common::{app_and_pool, get, send};

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
        (
            fns::StartTwoFactor::PATH,
            vec![lang, ("password", PASSWORD)],
        ),
        (fns::GetTwoFactorSetup::PATH, vec![lang]),
        (
            fns::ConfirmTwoFactor::PATH,
            vec![lang, ("password", PASSWORD), ("code", "123456")],
        ),
        (
            fns::NewRecoveryCodes::PATH,
            vec![lang, ("password", PASSWORD)],
        ),
        (fns::TakeRecoveryCodes::PATH, vec![lang]),
        (
            fns::DisableTwoFactor::PATH,
            vec![lang, ("password", PASSWORD), ("code", "123456")],
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
