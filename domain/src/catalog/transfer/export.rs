//! Writing the catalog as CSV, a batch of products at a time, so a catalog of any size
//! streams out in bounded memory (the caller sends each batch as it comes).

use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use super::{LOCALES, Layout, TEXTS, safe_cell};
use crate::DomainResult;
use crate::accounts::staff::{Allowed, can};
use crate::audit::{self, Change};

/// Where the next batch starts: after this product. Products go out in the order of
/// their ids: stable, and walked on the primary key's index however big the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor(Uuid);

/// Products per batch: a few hundred rows of CSV, a few hundred kilobytes.
pub const BATCH: i64 = 500;

/// The header line.
pub fn header(layout: &Layout) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = out.write_record(layout.header());
    out.into_inner().unwrap_or_default()
}

/// Writes in the audit log that `allowed`'s staff member downloaded the catalog in
/// `language`: a file with every price and stock level is worth knowing about. Called
/// before the first byte is sent.
pub async fn record(
    pool: &PgPool,
    allowed: &Allowed<can::Catalog>,
    language: &str,
) -> DomainResult<()> {
    let mut conn = pool.acquire().await?;
    let change = Change::new("catalog.export", "catalog", "products.csv")
        .label(format!("products.csv ({language})"));
    audit::record(&mut conn, allowed.actor(), change).await
}

/// The CSV lines of up to [`BATCH`] products after `after` (all their variants), and
/// where the next batch starts (`None` at the end).
pub async fn batch(
    pool: &PgPool,
    _allowed: &Allowed<can::Catalog>,
    layout: &Layout,
    after: Option<Cursor>,
) -> DomainResult<(Vec<u8>, Option<Cursor>)> {
    let rows = sqlx::query!(
        r#"WITH page AS (
               SELECT id FROM products
               WHERE $1::uuid IS NULL OR id > $1
               ORDER BY id
               LIMIT $2)
           SELECT p.id, p.status, p.featured, p.category_id,
                  (SELECT jsonb_object_agg(t.locale, jsonb_build_array(
                              t.name, t.slug, t.description, t.seo_title, t.seo_description))
                   FROM product_translations t WHERE t.product_id = p.id) AS "texts: Value",
                  v.sku AS "sku?", v.price AS "price?", v.stock AS "stock?",
                  v.weight_grams AS "weight_grams?",
                  (SELECT jsonb_object_agg(vp.currency, vp.amount::text)
                   FROM variant_prices vp WHERE vp.variant_id = v.id) AS "prices: Value",
                  (SELECT jsonb_object_agg(ot.code, ov.code)
                   FROM variant_option_values vov
                   JOIN option_types ot ON ot.id = vov.option_type_id
                   JOIN option_values ov ON ov.id = vov.option_value_id
                   WHERE vov.variant_id = v.id) AS "options: Value"
           FROM page
           JOIN products p ON p.id = page.id
           LEFT JOIN variants v ON v.product_id = p.id
           ORDER BY p.id, v.position, v.sku"#,
        after.map(|c| c.0),
        BATCH,
    )
    .fetch_all(pool)
    .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut last = None;
    let mut products = 0;
    for row in &rows {
        if last != Some(Cursor(row.id)) {
            products += 1;
        }
        last = Some(Cursor(row.id));
        // A product without variants has nothing to write, but the walk goes on past it.
        let (Some(sku), Some(price), Some(stock), Some(weight)) =
            (&row.sku, row.price, row.stock, row.weight_grams)
        else {
            continue;
        };
        let texts = row.texts.as_ref();
        let text = |locale: &str, index: usize| -> String {
            texts
                .and_then(|t| t.get(locale))
                .and_then(|t| t.get(index))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let handle = handle_of(texts, &layout.default_locale);
        let mut record = vec![
            safe_cell(handle),
            row.status.clone(),
            safe_cell(
                layout
                    .category_slug(row.category_id)
                    .unwrap_or_default()
                    .to_string(),
            ),
            row.featured.to_string(),
        ];
        for locale in LOCALES {
            record.extend((0..TEXTS.len()).map(|i| safe_cell(text(locale, i))));
        }
        record.push(safe_cell(sku.clone()));
        record.push(amount(price, layout.base_minor_units));
        record.push(stock.to_string());
        // `stock.new`: what the shop owner counted, to fill in.
        record.push(String::new());
        record.push(weight.to_string());
        for currency in &layout.currencies {
            let fixed = row
                .prices
                .as_ref()
                .and_then(|p| p.get(currency))
                .and_then(Value::as_str)
                .and_then(|a| a.parse::<Decimal>().ok());
            record.push(fixed.map(|a| a.normalize().to_string()).unwrap_or_default());
        }
        for option in &layout.options {
            let value = row.options.as_ref().and_then(|o| o.get(option));
            record.push(
                value
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        // Writing to memory cannot fail.
        let _ = out.write_record(&record);
    }
    let bytes = out.into_inner().unwrap_or_default();
    let next = if products < BATCH { None } else { last };
    Ok((bytes, next))
}

/// A product's handle: its slug in the default language, else in the first language
/// it has.
fn handle_of(texts: Option<&Value>, default_locale: &str) -> String {
    let slug = |locale: &str| {
        texts
            .and_then(|t| t.get(locale))
            .and_then(|t| t.get(1))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    slug(default_locale)
        .or_else(|| LOCALES.into_iter().find_map(slug))
        .unwrap_or_default()
}

/// A base price as the shop writes it: `29.90`, not `29.9000`.
pub fn amount(price: Decimal, minor_units: u32) -> String {
    let mut price = price.round_dp(minor_units.max(price.normalize().scale()));
    price.rescale(minor_units.max(price.normalize().scale()));
    price.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts_keep_the_currencys_decimals_and_no_more_zeros() {
        assert_eq!(amount(dec!(29.9000), 2), "29.90");
        assert_eq!(amount(dec!(29.9950), 2), "29.995");
        assert_eq!(amount(dec!(1500), 0), "1500");
        assert_eq!(amount(dec!(0), 2), "0.00");
    }
}
