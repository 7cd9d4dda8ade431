//! Writing an import: the plan of a file, checked again against the shop as it is now,
//! applied in one transaction with an audit record per product and variant it changes
//! (see `import` for reading and checking a file).

use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use uuid::Uuid;

use super::LOCALES;
use super::import::{Plan, ProductPlan, VariantPlan, plan};
use crate::accounts::staff::{Allowed, can};
use crate::audit::{self, Change};
use crate::{DomainError, DomainResult, Message};

/// What an applied import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub products_created: usize,
    pub products_changed: usize,
    pub variants_created: usize,
    pub variants_changed: usize,
}

/// Checks `content` again against the shop as it is now and, when nothing is wrong,
/// writes every change in one transaction with an audit record per product and variant
/// it changed. With any problem nothing is written (`Invalid`, first problem's field).
pub async fn apply(
    pool: &PgPool,
    allowed: &Allowed<can::Catalog>,
    content: &[u8],
) -> DomainResult<Applied> {
    let plan = checked_plan(pool, allowed, content).await?;
    let mut tx = pool.begin().await?;
    let applied = write(&mut tx, allowed, &plan).await?;
    tx.commit().await?;
    Ok(applied)
}

/// Applies the kept file `id` its uploader previewed: once (a double click or a retry
/// finds it applied already), and only if it would still do what the preview showed
/// (else "the shop changed since", and the page shows the new preview).
pub async fn apply_kept(
    pool: &PgPool,
    allowed: &Allowed<can::Catalog>,
    id: Uuid,
) -> DomainResult<Applied> {
    let kept = super::store::load(pool, allowed, id).await?;
    let plan = checked_plan(pool, allowed, &kept.content).await?;
    let mut tx = pool.begin().await?;
    let previewed = super::store::claim(&mut tx, allowed, id).await?;
    if previewed.as_deref() != Some(plan.digest().as_str()) {
        return Err(DomainError::conflict("admin.transfer.errors.changed"));
    }
    let applied = write(&mut tx, allowed, &plan).await?;
    // One record for the file itself, beside the one per product and variant: which
    // file (by the name it was uploaded with) did what.
    let summary = Change::new("catalog.import", "catalog_import", id)
        .label(&kept.file_name)
        .values(None::<()>, Some(&applied));
    audit::record(&mut tx, allowed.actor(), summary).await?;
    tx.commit().await?;
    Ok(applied)
}

/// The plan of `content`, or "fix the problems first".
async fn checked_plan(
    pool: &PgPool,
    allowed: &Allowed<can::Catalog>,
    content: &[u8],
) -> DomainResult<Plan> {
    let plan = plan(pool, allowed, content).await?;
    if plan.error_count > 0 {
        return Err(DomainError::conflict(
            Message::new("admin.transfer.errors.fix_first").with("count", plan.error_count as i64),
        ));
    }
    Ok(plan)
}

/// Writes `plan` in the caller's transaction.
async fn write(
    tx: &mut PgConnection,
    allowed: &Allowed<can::Catalog>,
    plan: &Plan,
) -> DomainResult<Applied> {
    for product in &plan.products {
        let id = write_product(tx, allowed, product).await?;
        for (position, variant) in product.variants.iter().enumerate() {
            write_variant(tx, allowed, id, position, variant, &plan.options).await?;
        }
    }
    Ok(Applied {
        products_created: plan.products_created,
        products_changed: plan.products_changed,
        variants_created: plan.variants_created,
        variants_changed: plan.variants_changed,
    })
}

async fn write_product(
    tx: &mut PgConnection,
    allowed: &Allowed<can::Catalog>,
    product: &ProductPlan,
) -> DomainResult<Uuid> {
    let after = &product.after;
    let category = after.category.unwrap_or_default();
    let id = match product.id {
        Some(id) if !product.changed() => return Ok(id),
        Some(id) => {
            sqlx::query!(
                "UPDATE products SET status = $2, featured = $3, category_id = $4, updated_at = now()
                 WHERE id = $1",
                id,
                after.status,
                after.featured,
                category
            )
            .execute(&mut *tx)
            .await?;
            id
        }
        None => sqlx::query_scalar!(
            "INSERT INTO products (status, featured, category_id) VALUES ($1, $2, $3) RETURNING id",
            after.status,
            after.featured,
            category
        )
        .fetch_one(&mut *tx)
        .await?,
    };
    let before = product.before.as_ref();
    for locale in LOCALES {
        let old = before.and_then(|b| b.texts.get(locale));
        let new = after.texts.get(locale);
        if old == new {
            continue;
        }
        match new {
            None => {
                sqlx::query!(
                    "DELETE FROM product_translations WHERE product_id = $1 AND locale = $2",
                    id,
                    locale
                )
                .execute(&mut *tx)
                .await?;
            }
            Some([name, slug, description, seo_title, seo_description]) => {
                let blank = |s: &String| (!s.is_empty()).then(|| s.clone());
                sqlx::query!(
                    "INSERT INTO product_translations
                         (product_id, locale, name, slug, description, seo_title, seo_description)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (product_id, locale) DO UPDATE SET
                         name = EXCLUDED.name, slug = EXCLUDED.slug,
                         description = EXCLUDED.description, seo_title = EXCLUDED.seo_title,
                         seo_description = EXCLUDED.seo_description",
                    id,
                    locale,
                    name,
                    slug,
                    description,
                    blank(seo_title),
                    blank(seo_description)
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    let action = if product.before.is_some() {
        "product.import"
    } else {
        "product.create"
    };
    let change = Change::new(action, "product", id)
        .label(product.label())
        .values(product.before.as_ref(), Some(after));
    audit::record(tx, allowed.actor(), change).await?;
    Ok(id)
}

async fn write_variant(
    tx: &mut PgConnection,
    allowed: &Allowed<can::Catalog>,
    product: Uuid,
    position: usize,
    variant: &VariantPlan,
    options: &HashMap<(String, String), (Uuid, Uuid)>,
) -> DomainResult<()> {
    if !variant.changed() {
        return Ok(());
    }
    let a = &variant.after;
    let id = match variant.id {
        Some(id) => {
            sqlx::query!(
                "UPDATE variants SET price = $2, stock = $3, weight_grams = $4, updated_at = now()
                 WHERE id = $1",
                id,
                a.price,
                a.stock,
                a.weight_grams
            )
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            sqlx::query_scalar!(
                "INSERT INTO variants (product_id, sku, price, stock, weight_grams, position)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                product,
                variant.sku,
                a.price,
                a.stock,
                a.weight_grams,
                i32::try_from(position).unwrap_or(i32::MAX)
            )
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let before = variant.before.as_ref();
    if before.map(|b| &b.prices) != Some(&a.prices) {
        let (codes, amounts): (Vec<String>, Vec<Decimal>) =
            a.prices.iter().map(|(c, v)| (c.clone(), *v)).unzip();
        sqlx::query!("DELETE FROM variant_prices WHERE variant_id = $1", id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "INSERT INTO variant_prices (variant_id, currency, amount)
             SELECT $1, c, a FROM unnest($2::text[], $3::numeric[]) AS p(c, a)",
            id,
            &codes,
            &amounts
        )
        .execute(&mut *tx)
        .await?;
    }
    if before.map(|b| &b.options) != Some(&a.options) {
        let (types, values): (Vec<Uuid>, Vec<Uuid>) = a
            .options
            .iter()
            .filter_map(|(t, v)| options.get(&(t.clone(), v.clone())).copied())
            .unzip();
        sqlx::query!(
            "DELETE FROM variant_option_values WHERE variant_id = $1",
            id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO variant_option_values (variant_id, option_type_id, option_value_id)
             SELECT $1, t, v FROM unnest($2::uuid[], $3::uuid[]) AS o(t, v)",
            id,
            &types,
            &values
        )
        .execute(&mut *tx)
        .await?;
    }
    let action = if before.is_some() {
        "variant.import"
    } else {
        "variant.create"
    };
    let change = Change::new(action, "variant", id)
        .label(variant.sku.clone())
        .values(before, Some(a));
    audit::record(tx, allowed.actor(), change).await?;
    Ok(())
}
