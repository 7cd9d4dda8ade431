//! SQL for carts.

use rust_decimal::Decimal;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::catalog::listing::Audience;

/// A cart line joined with what the catalog says about it now.
pub struct LineRow {
    pub variant_id: Uuid,
    pub quantity: i32,
    pub seen_price: Decimal,
    pub seen_currency: String,
    pub sku: String,
    pub stock: i32,
    pub weight_grams: i32,
    pub active: bool,
    pub price: Decimal,
    pub name: String,
    pub slug: String,
    pub options: String,
    pub image: Option<String>,
    /// The uploaded picture's sizes (the demo's drawn pictures have none).
    pub image_key: Option<Uuid>,
    pub image_widths: Option<Vec<i32>>,
}

pub async fn lines(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    cart: Uuid,
) -> sqlx::Result<Vec<LineRow>> {
    sqlx::query_as!(
        LineRow,
        r#"SELECT i.variant_id, i.quantity, i.seen_price,
                  i.seen_currency AS "seen_currency!: String",
                  v.sku, v.stock, v.weight_grams,
                  p.status = 'active' AS "active!",
                  price_in(v.price, vp.amount, c.rate, c.minor_units) AS "price!",
                  COALESCE(t.name, d.name, v.sku) AS "name!",
                  COALESCE(t.slug, d.slug, '') AS "slug!",
                  COALESCE((SELECT string_agg(COALESCE(ovt.name, ovd.name, ov.code), ' / '
                                              ORDER BY ot.position)
                            FROM variant_option_values vov
                            JOIN option_types ot ON ot.id = vov.option_type_id
                            JOIN option_values ov ON ov.id = vov.option_value_id
                            LEFT JOIN option_value_translations ovt
                                   ON ovt.option_value_id = ov.id AND ovt.locale = $2
                            LEFT JOIN option_value_translations ovd
                                   ON ovd.option_value_id = ov.id AND ovd.locale = $3
                            WHERE vov.variant_id = v.id), '') AS "options!",
                  pic.url AS "image?", pic.storage_key AS "image_key?",
                  pic.widths AS "image_widths?"
           FROM cart_items i
           JOIN variants v ON v.id = i.variant_id
           JOIN products p ON p.id = v.product_id
           -- The variant's own picture, else the product's first.
           LEFT JOIN LATERAL (
               SELECT im.url, im.storage_key, im.widths FROM product_images im
               WHERE im.product_id = p.id
               ORDER BY im.variant_id = v.id DESC NULLS LAST, im.position LIMIT 1) pic ON true
           JOIN currencies c ON c.code = $4
           LEFT JOIN variant_prices vp ON vp.variant_id = v.id AND vp.currency = $4
           LEFT JOIN product_translations t ON t.product_id = p.id AND t.locale = $2
           LEFT JOIN product_translations d ON d.product_id = p.id AND d.locale = $3
           WHERE i.cart_id = $1
           ORDER BY i.added_at, v.sku"#,
        cart,
        audience.locale,
        audience.default_locale,
        audience.currency.code()
    )
    .fetch_all(db)
    .await
}

/// A variant a shopper may add: on sale, its stock and its price in `currency`.
pub struct Offer {
    pub stock: i32,
    pub price: Decimal,
}

pub async fn offer(
    db: impl PgExecutor<'_>,
    variant: Uuid,
    currency: &str,
) -> sqlx::Result<Option<Offer>> {
    sqlx::query_as!(
        Offer,
        r#"SELECT v.stock, price_in(v.price, vp.amount, c.rate, c.minor_units) AS "price!"
           FROM variants v
           JOIN products p ON p.id = v.product_id AND p.status = 'active'
           JOIN currencies c ON c.code = $2
           LEFT JOIN variant_prices vp ON vp.variant_id = v.id AND vp.currency = $2
           WHERE v.id = $1"#,
        variant,
        currency
    )
    .fetch_optional(db)
    .await
}

pub async fn quantity_of(db: impl PgExecutor<'_>, cart: Uuid, variant: Uuid) -> sqlx::Result<i32> {
    Ok(sqlx::query_scalar!(
        "SELECT quantity FROM cart_items WHERE cart_id = $1 AND variant_id = $2",
        cart,
        variant
    )
    .fetch_optional(db)
    .await?
    .unwrap_or(0))
}

pub async fn put(
    db: impl PgExecutor<'_>,
    cart: Uuid,
    variant: Uuid,
    quantity: i32,
    price: Decimal,
    currency: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO cart_items (cart_id, variant_id, quantity, seen_price, seen_currency)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (cart_id, variant_id)
         DO UPDATE SET quantity = EXCLUDED.quantity, seen_price = EXCLUDED.seen_price,
                       seen_currency = EXCLUDED.seen_currency",
        cart,
        variant,
        quantity,
        price,
        currency
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn remove(db: impl PgExecutor<'_>, cart: Uuid, variant: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "DELETE FROM cart_items WHERE cart_id = $1 AND variant_id = $2",
        cart,
        variant
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn touch(db: impl PgExecutor<'_>, cart: Uuid) -> sqlx::Result<()> {
    sqlx::query!("UPDATE carts SET updated_at = now() WHERE id = $1", cart)
        .execute(db)
        .await?;
    Ok(())
}

/// Adds `notices` (a JSON array) to the cart's pending notices.
pub async fn add_notices(
    db: impl PgExecutor<'_>,
    cart: Uuid,
    notices: serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE carts SET notices = notices || $2 WHERE id = $1",
        cart,
        notices
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The cart's pending notices, emptied in the same statement (none: no such cart, or
/// nothing pending).
pub async fn take_notices(
    db: impl PgExecutor<'_>,
    cart: Uuid,
) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar!(
        r#"UPDATE carts c SET notices = '[]'
           FROM (SELECT id, notices FROM carts WHERE id = $1 AND notices <> '[]' FOR UPDATE) old
           WHERE c.id = old.id
           RETURNING old.notices AS "notices!""#,
        cart
    )
    .fetch_optional(db)
    .await
}
