//! A product's variants beyond the editor's form: the generator (tick sizes and colours,
//! get every missing combination) and deleting one.

use std::collections::BTreeSet;

use sqlx::PgPool;
use uuid::Uuid;

use super::Status;
use super::editor::parse_money;
use crate::accounts::staff::{Allowed, can};
use crate::audit::{self, Change};
use crate::{DomainError, DomainResult, Message, Thing};

/// Most variants one generation creates (and so, with what exists, a sane product).
pub const MAX_GENERATED: usize = 100;

/// Creates the variants of product `product` missing among every combination of the
/// ticked option `values` (one per option type: size × colour), with SKUs made of
/// `prefix` and the values' codes (`TEE-M-RED`), price `price` (empty: the product's
/// first variant's) and no stock. A product whose one variant has no options yet gets
/// the first combination itself, keeping its SKU and stock. Returns how many were
/// created; one audit record lists them.
pub async fn generate(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    product: Uuid,
    values: &[Uuid],
    prefix: &str,
    price: &str,
) -> DomainResult<usize> {
    let mut tx = pool.begin().await?;
    let label = sqlx::query_scalar!(
        r#"SELECT COALESCE((SELECT t.name FROM product_translations t
                            JOIN shop_settings s ON s.default_locale = t.locale
                            WHERE t.product_id = p.id), '') AS "name!"
           FROM products p WHERE p.id = $1 FOR UPDATE OF p"#,
        product
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound(Thing::Product))?;
    // The ticked values, grouped by option type in the types' order.
    let ticked = sqlx::query!(
        "SELECT v.id, v.option_type_id, v.code FROM option_values v
         JOIN option_types t ON t.id = v.option_type_id
         WHERE v.id = ANY ($1) ORDER BY t.position, t.code, v.position, v.code",
        values
    )
    .fetch_all(&mut *tx)
    .await?;
    if ticked.is_empty() {
        return Err(DomainError::field(
            "values",
            "admin.products.errors.tick_values",
        ));
    }
    let mut axes: Vec<Vec<(Uuid, Uuid, String)>> = Vec::new();
    for v in ticked {
        let value = (v.option_type_id, v.id, v.code.to_uppercase());
        match axes.last_mut() {
            Some(axis) if axis[0].0 == v.option_type_id => axis.push(value),
            _ => axes.push(vec![value]),
        }
    }
    let combinations = axes.iter().fold(vec![Vec::new()], |done, axis| {
        done.iter()
            .flat_map(|c: &Vec<(Uuid, Uuid, String)>| {
                axis.iter().map(move |value| {
                    let mut next = c.clone();
                    next.push(value.clone());
                    next
                })
            })
            .collect::<Vec<_>>()
    });
    // What each existing variant is, as its set of option values.
    let existing = sqlx::query!(
        r#"SELECT v.id, v.sku, v.price, v.stock,
                  COALESCE(array_agg(o.option_value_id) FILTER (WHERE o.option_value_id IS NOT NULL),
                           '{}') AS "values!"
           FROM variants v LEFT JOIN variant_option_values o ON o.variant_id = v.id
           WHERE v.product_id = $1 GROUP BY v.id ORDER BY v.position, v.sku"#,
        product
    )
    .fetch_all(&mut *tx)
    .await?;
    let missing: Vec<&Vec<(Uuid, Uuid, String)>> = combinations
        .iter()
        .filter(|combination| {
            !existing.iter().any(|v| {
                let has: BTreeSet<Uuid> = v.values.iter().copied().collect();
                combination.iter().all(|(_, value, _)| has.contains(value))
            })
        })
        .collect();
    if missing.len() > MAX_GENERATED {
        return Err(DomainError::field(
            "values",
            Message::new("admin.products.errors.too_many_variants").with("count", MAX_GENERATED),
        ));
    }
    let price = match (price.trim(), existing.first()) {
        ("", Some(first)) => first.price,
        (typed, _) => parse_money(typed)
            .ok_or_else(|| DomainError::field("price", "admin.products.errors.price"))?,
    };
    let prefix: String = prefix
        .trim()
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(40)
        .collect();
    if prefix.is_empty() {
        return Err(DomainError::field(
            "prefix",
            "admin.products.errors.sku_format",
        ));
    }
    // A lone variant without options becomes the first combination.
    let mut missing = missing.into_iter();
    let mut created = Vec::new();
    if existing.len() == 1
        && existing[0].values.is_empty()
        && let Some(first) = missing.next()
    {
        set_options(&mut tx, existing[0].id, first).await?;
        created.push(existing[0].sku.clone());
    }
    for combination in missing {
        let codes: Vec<&str> = combination
            .iter()
            .map(|(_, _, code)| code.as_str())
            .collect();
        let base: String = format!("{prefix}-{}", codes.join("-"))
            .chars()
            .take(60)
            .collect();
        let sku = free_sku(&mut tx, &base).await?;
        let variant = sqlx::query_scalar!(
            "INSERT INTO variants (product_id, sku, price, stock, weight_grams, position)
             VALUES ($1, $2, $3, 0,
                     COALESCE((SELECT weight_grams FROM variants WHERE product_id = $1
                               ORDER BY position LIMIT 1), 0),
                     (SELECT COALESCE(max(position) + 1, 0) FROM variants WHERE product_id = $1))
             RETURNING id",
            product,
            sku,
            price
        )
        .fetch_one(&mut *tx)
        .await?;
        set_options(&mut tx, variant, combination).await?;
        created.push(sku);
    }
    if !created.is_empty() {
        audit::record(
            &mut tx,
            by.actor(),
            Change::new("product.generate_variants", "product", product)
                .label(label)
                .values(
                    None::<()>,
                    Some(serde_json::json!({"variants": created, "price": price.normalize().to_string()})),
                ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(created.len())
}

async fn set_options(
    conn: &mut sqlx::PgConnection,
    variant: Uuid,
    combination: &[(Uuid, Uuid, String)],
) -> DomainResult<()> {
    for (option_type, value, _) in combination {
        sqlx::query!(
            "INSERT INTO variant_option_values (variant_id, option_type_id, option_value_id)
             VALUES ($1, $2, $3)
             ON CONFLICT (variant_id, option_type_id) DO UPDATE
                 SET option_value_id = excluded.option_value_id",
            variant,
            option_type,
            value
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// `base`, or `base-2`, `base-3`… : the first SKU no variant has.
async fn free_sku(conn: &mut sqlx::PgConnection, base: &str) -> DomainResult<String> {
    let taken: Vec<String> = sqlx::query_scalar!(
        "SELECT sku FROM variants WHERE sku = $1 OR sku LIKE $2",
        base,
        format!("{}-%", super::like_escape(base))
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(std::iter::once(base.to_string())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|sku| !taken.contains(sku))
        .unwrap_or_else(|| base.to_string()))
}

/// Deletes variant `variant` of product `product`, refusing the last variant of an
/// active product (shoppers would find nothing to buy). Orders keep their lines (their
/// variant goes blank); carts holding it lose that line.
pub async fn delete(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    product: Uuid,
    variant: Uuid,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let owner = sqlx::query!(
        r#"SELECT p.status,
                  (SELECT count(*) FROM variants v WHERE v.product_id = p.id) AS "variants!",
                  COALESCE((SELECT t.name FROM product_translations t
                            JOIN shop_settings s ON s.default_locale = t.locale
                            WHERE t.product_id = p.id), '') AS "name!"
           FROM products p WHERE p.id = $1 FOR UPDATE OF p"#,
        product
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound(Thing::Product))?;
    let gone = sqlx::query!(
        "SELECT sku, price, stock, weight_grams FROM variants WHERE id = $1 AND product_id = $2",
        variant,
        product
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound(Thing::Record))?;
    if owner.status == Status::Active.code() && owner.variants <= 1 {
        return Err(DomainError::conflict("admin.products.errors.last_variant"));
    }
    sqlx::query!("DELETE FROM variants WHERE id = $1", variant)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        by.actor(),
        Change::new("product.delete_variant", "product", product)
            .label(owner.name)
            .values(
                Some(serde_json::json!({
                    "sku": gone.sku, "price": gone.price.normalize().to_string(),
                    "stock": gone.stock, "weight": gone.weight_grams,
                })),
                None::<()>,
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
