//! The back office over HTTP, in-process against a real PostgreSQL: who may open it
//! (the signed-out are sent to sign in, customers refused, staff shown only the
//! sections their permissions open), and the audit log page showing a staff change
//! with its values before and after.

use crate::common;

use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

use app::server::account as accounts_fns;
use common::accounts::*;
use common::{app_and_pool, get_with};

const ADMIN: &str = "boss@example.com";

#[tokio::test]
async fn the_signed_out_are_sent_to_sign_in_and_customers_are_refused() {
    let (app, pool) = app_and_pool().await;
    let (response, _) = get_with(&app, "/en/admin", &[("accept", "text/html")]).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(common::header(&response, "location"), "/en/account/sign-in");

    customer(&pool, "shopper@example.com").await;
    let cookie = signed_in(&app, "shopper@example.com").await;
    for path in ["/en/admin", "/en/admin/audit"] {
        let (response, body) = get_with(&app, path, &[("cookie", &cookie)]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(!body.contains("data-testid=\"admin-menu\""), "{path}");
    }
}

#[tokio::test]
async fn staff_see_only_the_sections_their_permissions_open() {
    let (app, pool) = app_and_pool().await;
    let clerk = customer(&pool, "clerk@example.com").await;
    sqlx::query("UPDATE accounts SET role = 'staff', permissions = '{orders}' WHERE id = $1")
        .bind(clerk)
        .execute(&pool)
        .await
        .unwrap();
    let cookie = signed_in(&app, "clerk@example.com").await;
    let (response, body) = get_with(&app, "/en/admin", &[("cookie", &cookie)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.contains("data-testid=\"admin-menu\""));
    assert!(body.contains("/en/admin/orders"));
    assert!(!body.contains("/en/admin/audit"), "no audit permission");
    assert!(
        !body.contains("/en/admin/products"),
        "no catalog permission"
    );
    // The page itself refuses, whatever the menu showed.
    let (response, _) = get_with(&app, "/en/admin/audit", &[("cookie", &cookie)]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_audit_log_shows_who_changed_a_role_from_what_to_what() {
    let (app, pool) = app_and_pool().await;
    domain::accounts::admin::create_admin(&pool, ADMIN, Some(PASSWORD))
        .await
        .unwrap();
    let clerk = customer(&pool, "clerk@example.com").await;
    let boss = signed_in(&app, ADMIN).await;
    let id = clerk.to_string();
    let (response, body) = post(
        &app,
        accounts_fns::SetAccountRole::PATH,
        &[("lang", "en"), ("id", &id), ("role", "staff")],
        &[("cookie", &boss)],
    )
    .await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{body}"
    );

    let (response, body) = get_with(&app, "/en/admin/audit", &[("cookie", &boss)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.contains("account.role"), "{body}");
    assert!(body.contains("clerk@example.com"));
    assert!(body.contains(ADMIN));
    assert!(body.contains("customer") && body.contains("staff"));
    // Filtered to another area, it is not there.
    let (_, body) = get_with(&app, "/en/admin/audit?action=product", &[("cookie", &boss)]).await;
    assert!(!body.contains("data-testid=\"audit-row\""));
}
