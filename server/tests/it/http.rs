//! The router in-process against a real PostgreSQL: pages, status codes and headers.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{app, get, header};
use tower::ServiceExt;

#[tokio::test]
async fn an_exhausted_database_pool_answers_503_with_retry_after() {
    let options = localpg::testing::fresh_database().await;
    let setup = domain::db::connect(options.clone(), 2).await.unwrap();
    domain::db::migrate(&setup).await.unwrap();
    demo::seed(&setup).await.unwrap();
    // One connection, held by someone else for the whole request.
    let busy = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_millis(300))
        .connect_with(options)
        .await
        .unwrap();
    let _held = busy.acquire().await.unwrap();
    let app = common::plain_router(busy.clone(), common::cache());
    let (response, html) = get(&app, "/en/c/t-shirts").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&response, "retry-after"), "2");
    assert!(html.contains("The shop is very busy"), "{html}");
}

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server_from_the_database() {
    let app = app().await;
    let (response, html) = get(&app, "/en").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(html.starts_with("<!DOCTYPE html>"), "{html:.200}");
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("Vitrine Demo Shop"));
    for category in ["Clothing", "T-shirts", "Shoes", "Sneakers", "Home", "Mugs"] {
        assert!(html.contains(category), "{category} missing");
    }
    assert!(html.contains("<title>Shop by category</title>"));
    // Content, not a loading placeholder: the page waited for its data.
    assert!(!html.contains("Loading…"));
}

#[tokio::test]
async fn a_shop_taking_the_test_card_says_so_on_every_page() {
    let (app, pool) = common::app_and_pool().await;
    let banner = "no real money changes hands";
    for path in ["/en", "/en/c/t-shirts", "/en/cart", "/en/account/sign-in"] {
        let (response, html) = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(html.contains(banner), "{path} has no test-card banner");
    }
    // The same shop with the test card off says nothing of it.
    let real = common::plain_router(pool, common::cache());
    let (_, html) = get(&real, "/en").await;
    assert!(!html.contains(banner));
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts() {
    let app = app().await;
    let (response, html) = get(&app, "/en").await;
    let policy = header(&response, "content-security-policy");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 16);
    assert!(
        html.contains(&format!(r#"nonce="{nonce}""#)),
        "scripts must carry the nonce"
    );
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("unsafe-inline"));
    // A fresh nonce every time.
    let (second, _) = get(&app, "/en").await;
    assert_ne!(header(&second, "content-security-policy"), policy);
}

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let app = app().await;
    for path in ["/en", "/", "/healthz", "/en/no-such-page", "/robots.txt"] {
        let (response, _) = get(&app, path).await;
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
        assert!(
            header(&response, "content-security-policy").contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn unknown_addresses_get_the_404_page_with_status_404() {
    let app = app().await;
    for path in [
        "/en/no-such-page",
        "/en/deep/er/path",
        "/en/c/no-such-category",
        "/en/p/no-such-product",
    ] {
        let (response, html) = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("Page not found"), "{path}");
        assert!(
            html.contains("Vitrine Demo Shop"),
            "the 404 keeps the shop layout"
        );
    }
    let (response, body) = get(&app, "/pkg/missing.wasm").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!body.contains("<html"), "a missing asset is not a page");
    let (response, html) = get(&app, "/pt-br/p/nada-disso").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(html.contains("Página não encontrada"));
}

#[tokio::test]
async fn health_and_readiness() {
    let app = app().await;
    let (response, body) = get(&app, "/healthz").await;
    assert_eq!((response.status(), body.as_str()), (StatusCode::OK, "ok"));
    let (response, body) = get(&app, "/readyz").await;
    assert_eq!(
        (response.status(), body.as_str()),
        (StatusCode::OK, "ready")
    );
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let options = localpg::testing::fresh_database().await;
    let pool = domain::db::connect(options, 2).await.unwrap();
    domain::db::migrate(&pool).await.unwrap();
    let app = common::plain_router(pool.clone(), common::cache());
    pool.close().await;
    let (response, _) = get(&app, "/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let (response, _) = get(&app, "/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn responses_are_compressed_for_clients_that_accept_it() {
    let app = app().await;
    let request = Request::get("/en")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(header(&response, "content-encoding"), "br");
}

#[tokio::test]
async fn demo_pictures_are_drawn_and_unknown_ones_are_404() {
    let app = app().await;
    let (response, body) = get(&app, "/media/demo/tshirt-red-1.svg").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "image/svg+xml");
    assert!(body.starts_with("<svg") && body.contains("#b91c1c"));
    for path in ["/media/demo/hat-red-1.svg", "/media/demo/tshirt-red-9.svg"] {
        let (response, _) = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn files_at_the_top_of_the_site_are_served_not_taken_for_a_language() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("favicon.svg"), "<svg/>").unwrap();
    let options = localpg::testing::fresh_database().await;
    let pool = domain::db::connect(options, 2).await.unwrap();
    domain::db::migrate(&pool).await.unwrap();
    let config = server::config::from_lookup(|name| {
        (name == "VITRINE_SITE_ROOT").then(|| site.path().to_string_lossy().into_owned())
    })
    .unwrap();
    let app = common::plain_router_with(pool, common::cache(), config);
    let (response, body) = get(&app, "/favicon.svg").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body, "<svg/>");
    assert_eq!(header(&response, "cache-control"), "public, max-age=3600");
}
