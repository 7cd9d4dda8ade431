//! Buying for the HTTP tests: orders placed through the domain, checkout answers filled
//! in, webhooks posted, and what the database says afterwards.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::cart::Owner;
use domain::catalog::listing::Audience;
use domain::money::Currency;
use domain::payments::{Config, Provider};
use sqlx::PgPool;
use uuid::Uuid;

use super::send;

pub const BRL: Audience<'static> = Audience {
    locale: "pt-BR",
    default_locale: "en",
    currency: Currency::BRL,
};

/// The payment set-up of the test server: the demo shop's test card on.
pub fn with_test_card() -> Config {
    Config {
        test_card: true,
        ..Config::default()
    }
}

pub fn links() -> domain::mail::Links {
    domain::mail::Links {
        base_url: "http://localhost".into(),
        shop_name: "Shop".into(),
    }
}

pub async fn a_variant(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id WHERE p.status = 'active' ORDER BY v.stock DESC, v.sku LIMIT 1")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Fills `cart`'s checkout answers for a Brazilian address and `provider`.
pub async fn answer_checkout(
    pool: &PgPool,
    cart: domain::cart::Cart,
    provider: Provider,
    config: &Config,
) {
    domain::checkout::set_email(pool, cart, "buyer@example.com")
        .await
        .unwrap();
    let address = domain::addresses::AddressInput {
        kind: "shipping".into(),
        name: "Ana".into(),
        line1: "Rua A, 1".into(),
        city: "Recife".into(),
        region: "PE".into(),
        postal_code: "50000-000".into(),
        country: "BR".into(),
        ..Default::default()
    };
    domain::checkout::set_address(pool, cart, &address)
        .await
        .unwrap();
    let quote = domain::checkout::quote(pool, cart, BRL).await.unwrap();
    domain::checkout::set_method(pool, cart, BRL, quote.methods[0].id)
        .await
        .unwrap();
    let offered = domain::payments::offered(config, Currency::BRL);
    domain::checkout::set_payment(pool, cart, provider, &offered)
        .await
        .unwrap();
}

/// A guest's order paid by `provider`, placed through the domain; returns the order and
/// its payment's reference.
pub async fn placed(pool: &PgPool, provider: Provider, config: &Config) -> (Uuid, Option<String>) {
    let variant = a_variant(pool).await;
    let cart = domain::cart::find_or_create(pool, Owner::Guest(None))
        .await
        .unwrap();
    domain::cart::add(pool, cart, variant, 1, Currency::BRL)
        .await
        .unwrap();
    answer_checkout(pool, cart, provider, config).await;
    let quote = domain::checkout::quote(pool, cart, BRL).await.unwrap();
    let placed = domain::checkout::place(
        pool,
        domain::checkout::PlaceOrder {
            cart,
            audience: BRL,
            expected_total: quote.totals.total,
            card_number: None,
            config,
            links: &links(),

            placer: Default::default(),
        },
    )
    .await
    .unwrap();
    let reference = sqlx::query_scalar("SELECT reference FROM payments WHERE order_id = $1")
        .bind(placed.order)
        .fetch_one(pool)
        .await
        .unwrap();
    (placed.order, reference)
}

pub async fn webhook(
    app: &axum::Router,
    path: &str,
    header: (&str, String),
    body: &str,
) -> (StatusCode, String) {
    let request = Request::post(path)
        .header("content-type", "application/json")
        .header(header.0, header.1)
        .body(Body::from(body.to_string()))
        .unwrap();
    let (response, text) = send(app, request).await;
    (response.status(), text)
}

pub async fn status_of(pool: &PgPool, order: Uuid) -> String {
    sqlx::query_scalar("SELECT status::text FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(pool)
        .await
        .unwrap()
}

pub async fn events(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM payment_events")
        .fetch_one(pool)
        .await
        .unwrap()
}
