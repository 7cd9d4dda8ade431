//! The router in-process against a real PostgreSQL: pages, status codes and headers.

use axum::body::{Body, to_bytes};
use axum::http::{Request, Response, StatusCode, header};
use tower::ServiceExt;

async fn app() -> axum::Router {
    let options = localpg::testing::fresh_database().await;
    let pool = domain::db::connect(options, 4).await.unwrap();
    domain::db::migrate(&pool).await.unwrap();
    domain::demo::seed(&pool).await.unwrap();
    let config = server::config::from_lookup(|_| None).unwrap();
    server::router(server::AppState {
        pool,
        leptos: server::leptos_options(&config),
    })
}

async fn get(app: &axum::Router, path: &str) -> (Response<Body>, String) {
    let request = Request::get(path).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, 10 << 20).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (Response::from_parts(parts, Body::empty()), text)
}

fn header<'a>(response: &'a Response<Body>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("missing header {name}"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server_from_the_database() {
    let app = app().await;
    let (response, html) = get(&app, "/").await;
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
async fn pages_carry_a_nonce_policy_that_matches_their_scripts() {
    let app = app().await;
    let (response, html) = get(&app, "/").await;
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
    let (second, _) = get(&app, "/").await;
    assert_ne!(header(&second, "content-security-policy"), policy);
}

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let app = app().await;
    for path in ["/", "/healthz", "/no-such-page", "/robots.txt"] {
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
    for path in ["/no-such-page", "/deep/er/path", "/pkg/missing.wasm"] {
        let (response, html) = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("Page not found"), "{path}");
        assert!(
            html.contains("Vitrine Demo Shop"),
            "the 404 keeps the shop layout"
        );
        assert_eq!(header(&response, "cache-control"), "no-store");
    }
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
    let config = server::config::from_lookup(|_| None).unwrap();
    let app = server::router(server::AppState {
        pool: pool.clone(),
        leptos: server::leptos_options(&config),
    });
    pool.close().await;
    let (response, _) = get(&app, "/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let (response, _) = get(&app, "/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn responses_are_compressed_for_clients_that_accept_it() {
    let app = app().await;
    let request = Request::get("/")
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
