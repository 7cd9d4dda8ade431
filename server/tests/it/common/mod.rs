//! Shared set-up for the HTTP tests: the router in-process on a fresh demo shop.

#![allow(dead_code)]

pub mod accounts;
pub mod shop;

use axum::body::{Body, to_bytes};
use axum::http::{Request, Response};
use tower::ServiceExt;

/// The webhook secrets the test server is set up with.
pub const STRIPE_SECRET: &str = "whsec_test_endpoint";
pub const BANK_SECRET: &str = "bank-notifications-secret";

/// The secret key the test server is set up with.
pub const SECRET_KEY: &str = "the test shop's secret key, 32+ characters";

pub fn keys() -> domain::keys::Keys {
    domain::keys::Keys::new(SECRET_KEY)
}

/// A router on `pool` with default settings (no payment providers), for tests that set
/// up their own database or cache.
pub fn plain_router(pool: sqlx::PgPool, cache: domain::cache::Cache) -> axum::Router {
    plain_router_with(pool, cache, server::config::from_lookup(|_| None).unwrap())
}

/// As `plain_router`, with these settings.
pub fn plain_router_with(
    pool: sqlx::PgPool,
    cache: domain::cache::Cache,
    config: server::config::Config,
) -> axum::Router {
    server::router(server::AppState {
        cache,
        pool,
        leptos: server::leptos_options(&config),
        site: config.site(),
        keys: keys(),
        trust_proxy: false,
        payments: Default::default(),
        media: media(),
    })
}

/// A router on `pool` (set up by the caller, e.g. with the demo shop) whose pictures go
/// to `media`, for tests that look at the stored files.
pub fn router_with_media(pool: sqlx::PgPool, media: domain::media::Media) -> axum::Router {
    let config = server::config::from_lookup(|_| None).unwrap();
    server::router(server::AppState {
        cache: cache(),
        pool,
        leptos: server::leptos_options(&config),
        site: config.site(),
        keys: keys(),
        trust_proxy: false,
        payments: Default::default(),
        media,
    })
}

/// A picture store of its own in a fresh folder (left for the system to clean).
pub fn media() -> domain::media::Media {
    domain::media::Media::on_disk(tempfile::tempdir().unwrap().keep().join("media"))
}

/// A cache that lives a minute, as the tests' routers use.
pub fn cache() -> domain::cache::Cache {
    domain::cache::Cache::new(100, std::time::Duration::from_secs(60))
}

pub async fn app() -> axum::Router {
    app_and_pool().await.0
}

/// The router and its database, for tests that look behind the pages.
pub async fn app_and_pool() -> (axum::Router, sqlx::PgPool) {
    app_with(&[]).await
}

/// The router set up with these settings (as environment variables would give them).
pub async fn app_with(vars: &[(&str, &str)]) -> (axum::Router, sqlx::PgPool) {
    let pool = tokio::time::timeout(std::time::Duration::from_secs(120), async {
        let options = localpg::testing::fresh_database().await;
        let pool = domain::db::connect(options, 4).await.unwrap();
        domain::db::migrate(&pool).await.unwrap();
        demo::seed(&pool).await.unwrap();
        pool
    })
    .await
    .expect("setting up the demo shop took over 120 s");
    let config = server::config::from_lookup(|name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    })
    .unwrap();
    let router = server::router(server::AppState {
        media: media(),
        cache: domain::cache::Cache::new(100, std::time::Duration::from_secs(60)),
        pool: pool.clone(),
        leptos: server::leptos_options(&config),
        site: config.site(),
        keys: keys(),
        trust_proxy: config.trust_proxy,
        // The demo shop's test card, as `make run` has it.
        payments: domain::payments::Config {
            test_card: true,
            bank_webhook_secret: Some(BANK_SECRET.into()),
            stripe: Some(domain::payments::stripe::StripeConfig {
                secret_key: "sk_test_unused".into(),
                publishable_key: "pk_test_unused".into(),
                webhook_secret: STRIPE_SECRET.into(),
                // Nothing listens here: creating a PaymentIntent fails like an outage.
                api_base: "http://127.0.0.1:9".into(),
            }),
            ..Default::default()
        },
    });
    (router, pool)
}

pub async fn get(app: &axum::Router, path: &str) -> (Response<Body>, String) {
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}

/// GET with extra request headers.
pub async fn get_with(
    app: &axum::Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (Response<Body>, String) {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

pub fn header<'a>(response: &'a Response<Body>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("missing header {name}"))
        .to_str()
        .unwrap()
}

/// Sends `request` and reads the whole answer, failing (naming the address) after 60 s.
pub async fn send(app: &axum::Router, request: Request<Body>) -> (Response<Body>, String) {
    let path = request.uri().to_string();
    let limit = std::time::Duration::from_secs(60);
    let response = tokio::time::timeout(limit, app.clone().oneshot(request))
        .await
        .unwrap_or_else(|_| panic!("answering {path} took over 60 s"))
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = tokio::time::timeout(limit, to_bytes(body, 10 << 20))
        .await
        .unwrap_or_else(|_| panic!("reading {path} took over 60 s"))
        .unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (Response::from_parts(parts, Body::empty()), text)
}
