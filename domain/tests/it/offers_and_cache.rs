//! Listings read prices and stock from `product_offers`, which triggers keep true; the
//! storefront cache hears of every change through PostgreSQL notifications.

use crate::common;

use std::time::Duration;

use domain::cache::Cache;
use domain::catalog::listing::{Audience, ListingRequest, list};
use domain::money::Currency;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use sqlx::PgPool;
use uuid::Uuid;

const EN_USD: Audience = Audience {
    locale: "en",
    default_locale: "en",
    currency: Currency::USD,
};

async fn shop() -> PgPool {
    let pool = common::database().await;
    demo::seed(&pool).await.unwrap();
    pool
}

/// A product in the shirt category and its first variant.
async fn a_shirt(pool: &PgPool) -> (Uuid, Uuid, String) {
    let row: (Uuid, Uuid, String) = sqlx::query_as(
        "SELECT p.id, v.id, t.name FROM products p
         JOIN category_translations c ON c.category_id = p.category_id AND c.slug = 't-shirts'
         JOIN product_translations t ON t.product_id = p.id AND t.locale = 'en'
         JOIN variants v ON v.product_id = p.id
         WHERE p.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM variant_prices vp JOIN variants w ON w.id = vp.variant_id
                           WHERE w.product_id = p.id)
         ORDER BY p.created_at DESC, v.position LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    row
}

fn searching(name: &str, currency: Currency) -> (Audience<'static>, ListingRequest) {
    (
        Audience { currency, ..EN_USD },
        ListingRequest {
            category_slug: Some("t-shirts".into()),
            search: Some(name.into()),
            ..Default::default()
        },
    )
}

/// The listed price of the product named `name` in `currency`, if it is listed.
async fn listed(pool: &PgPool, name: &str, currency: Currency) -> Option<(Decimal, bool)> {
    let (audience, request) = searching(name, currency);
    let listing = list(pool, audience, &request).await.unwrap();
    listing
        .products
        .into_iter()
        .find(|p| p.name == name)
        .map(|p| (p.price.amount, p.in_stock))
}

#[tokio::test]
async fn listings_follow_prices_fixed_prices_rates_stock_and_status() {
    let pool = shop().await;
    let (product, variant, name) = a_shirt(&pool).await;
    // Each statement binds $1 (the product) and $2 (its first variant).
    let exec = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(sql)
                .bind(product)
                .bind(variant)
                .execute(&pool)
                .await
                .unwrap()
        }
    };

    exec("UPDATE variants SET price = 1.25 WHERE product_id = $1 AND $2::uuid IS NOT NULL").await;
    assert_eq!(
        listed(&pool, &name, Currency::USD).await,
        Some((dec!(1.25), true))
    );
    // 1.25 × 151.5 = 189.375, rounded half away from zero to whole yen.
    assert_eq!(
        listed(&pool, &name, Currency::JPY).await.unwrap().0,
        dec!(189)
    );

    exec(
        "INSERT INTO variant_prices (variant_id, currency, amount)
          SELECT $2, 'BRL', 4.90 WHERE $1::uuid IS NOT NULL",
    )
    .await;
    assert_eq!(
        listed(&pool, &name, Currency::BRL).await.unwrap().0,
        dec!(4.90)
    );

    sqlx::query("UPDATE currencies SET rate = 200 WHERE code = 'JPY'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        listed(&pool, &name, Currency::JPY).await.unwrap().0,
        dec!(250)
    );

    exec("UPDATE variants SET stock = 0 WHERE product_id = $1 AND $2::uuid IS NOT NULL").await;
    assert_eq!(
        listed(&pool, &name, Currency::USD).await,
        Some((dec!(1.25), false))
    );

    exec("UPDATE products SET status = 'draft' WHERE id = $1 AND $2::uuid IS NOT NULL").await;
    assert_eq!(listed(&pool, &name, Currency::USD).await, None);
    exec("UPDATE products SET status = 'active' WHERE id = $1 AND $2::uuid IS NOT NULL").await;
    assert!(listed(&pool, &name, Currency::USD).await.is_some());

    // A product needs a name in the shop's own language to be listed.
    exec("DELETE FROM product_translations WHERE locale = 'en' AND product_id = $1 AND $2::uuid IS NOT NULL")
        .await;
    let offers: i64 =
        sqlx::query_scalar("SELECT count(*) FROM product_offers WHERE product_id = $1")
            .bind(product)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(offers, 0);
}

#[tokio::test]
async fn a_new_currency_gets_offers_for_every_listed_product() {
    let pool = shop().await;
    sqlx::query("INSERT INTO currencies (code, minor_units, rate) VALUES ('CHF', 2, 0.88)")
        .execute(&pool)
        .await
        .unwrap();
    let counts: (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE currency = 'CHF'), count(*) FILTER (WHERE currency = 'USD')
         FROM product_offers",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(counts.1 > 100, "{counts:?}");
    assert_eq!(counts.0, counts.1);
}

#[tokio::test]
async fn a_sale_that_leaves_a_product_in_stock_does_not_rewrite_its_offers() {
    let pool = shop().await;
    let (product, variant, _) = a_shirt(&pool).await;
    sqlx::query("UPDATE variants SET stock = 5 WHERE id = $1")
        .bind(variant)
        .execute(&pool)
        .await
        .unwrap();
    let before: Vec<(String, i64)> = sqlx::query_as(
        "SELECT currency::text, xmin::text::bigint FROM product_offers WHERE product_id = $1 ORDER BY 1",
    )
    .bind(product)
    .fetch_all(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE variants SET stock = stock - 1 WHERE id = $1")
        .bind(variant)
        .execute(&pool)
        .await
        .unwrap();
    let after: Vec<(String, i64)> = sqlx::query_as(
        "SELECT currency::text, xmin::text::bigint FROM product_offers WHERE product_id = $1 ORDER BY 1",
    )
    .bind(product)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(before.len(), 6);
    assert_eq!(before, after, "no offer row was written");
}

/// Waits until the cache follows the database, as a server does at start.
async fn following(pool: &PgPool) -> Cache {
    let cache = Cache::new(100, Duration::from_secs(300));
    tokio::spawn(cache.clone().follow_changes(pool.clone()));
    for _ in 0..200 {
        if cache.is_live() {
            return cache;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the cache never started listening");
}

async fn cached_price(cache: &Cache, pool: &PgPool, name: &str) -> Decimal {
    let (audience, request) = searching(name, Currency::USD);
    let listing = cache
        .get_or_load("listing".into(), || list(pool, audience, &request))
        .await
        .unwrap();
    listing
        .products
        .iter()
        .find(|p| p.name == name)
        .unwrap()
        .price
        .amount
}

#[tokio::test]
async fn the_cache_serves_a_listing_until_the_catalog_changes() {
    let pool = shop().await;
    let (product, _, name) = a_shirt(&pool).await;
    let cache = following(&pool).await;
    let first = cached_price(&cache, &pool, &name).await;

    // A change nobody is told about (written straight into the offers, behind the
    // triggers' back) shows that the next read comes from the cache.
    sqlx::query("UPDATE product_offers SET price = 0.01 WHERE product_id = $1")
        .bind(product)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(cached_price(&cache, &pool, &name).await, first);

    // A real price change notifies: the cache lets go within moments.
    sqlx::query("UPDATE variants SET price = 7.77 WHERE product_id = $1")
        .bind(product)
        .execute(&pool)
        .await
        .unwrap();
    for _ in 0..200 {
        if cached_price(&cache, &pool, &name).await == dec!(7.77) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the cache kept the old price after the change was committed");
}
