//! The demo shop created on first start, so a new install has something to show.
//!
//! Seeding runs once: categories when there are none, products when there are none. It
//! takes an advisory lock so replicas starting together seed once between them.

mod catalog;
mod categories;
mod data;
pub mod images;
mod vocabulary;

use sqlx::PgPool;

pub use data::DEMO_PRODUCTS;

use domain::DomainResult;

/// Arbitrary constant naming the "seeding the demo shop" advisory lock.
const SEED_LOCK: i64 = 0x5649_5452_494e_4501;

/// What seeding did, for the start-up log.
#[derive(Debug, PartialEq, Eq)]
pub enum Seeded {
    Created { categories: usize, products: usize },
    AlreadyPresent,
}

/// Seeds the demo shop: the category tree and [`DEMO_PRODUCTS`] products.
pub async fn seed(pool: &PgPool) -> DomainResult<Seeded> {
    seed_with(pool, DEMO_PRODUCTS).await
}

/// Seeds the demo categories if there are none and `products` generated products if the
/// catalog has none. Large counts (100,000) are for benchmarks.
pub async fn seed_with(pool: &PgPool, products: usize) -> DomainResult<Seeded> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", SEED_LOCK)
        .execute(&mut *tx)
        .await?;
    let (has_categories, has_products) = sqlx::query!(
        r#"SELECT EXISTS (SELECT 1 FROM categories) AS "categories!",
                  EXISTS (SELECT 1 FROM products) AS "products!""#
    )
    .fetch_one(&mut *tx)
    .await
    .map(|r| (r.categories, r.products))?;
    if has_categories && has_products {
        return Ok(Seeded::AlreadyPresent);
    }
    let mut created_categories = 0;
    if !has_categories {
        sqlx::query!("UPDATE shop_settings SET name = 'Vitrine Demo Shop', updated_at = now()")
            .execute(&mut *tx)
            .await?;
        categories::insert(&mut tx).await?;
        created_categories = categories::count();
        // A welcome coupon and PIX details, so every way of paying can be tried.
        sqlx::query!(
            "INSERT INTO coupons (code, kind, value, min_subtotal)
             VALUES ('WELCOME10', 'percent', 10, 20) ON CONFLICT (code) DO NOTHING"
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE shop_settings SET pix_key = 'pix@vitrine.example',
                    pix_merchant_name = 'VITRINE DEMO', pix_merchant_city = 'SAO PAULO'
             WHERE pix_key IS NULL"
        )
        .execute(&mut *tx)
        .await?;
    }
    let leaves = categories::existing(&mut tx).await?;
    let created_products = catalog::insert(&mut tx, &leaves, products).await?;
    tx.commit().await?;
    domain::catalog::refresh_search_words(pool).await?;
    // A bulk load leaves the planner without statistics and the visibility map unset;
    // until autovacuum gets round to it, listings on a large catalog pick poor plans and
    // cannot answer from their indexes alone.
    sqlx::query!("VACUUM (ANALYZE) product_offers, product_attribute_values, products")
        .execute(pool)
        .await?;
    sqlx::query!("ANALYZE").execute(pool).await?;
    Ok(Seeded::Created {
        categories: created_categories,
        products: created_products,
    })
}
