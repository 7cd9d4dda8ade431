//! SQL for product pages.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::listing::{Audience, ProductCard};
use super::product::{Crumb, Image, OptionChoice, Variant};
use crate::media::Sizes;
use crate::money::Money;

pub struct Content {
    pub category_id: Uuid,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
}

pub async fn id_by_slug(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    slug: &str,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "SELECT t.product_id FROM product_translations t
         JOIN products p ON p.id = t.product_id AND p.status = 'active'
         WHERE t.slug = $3 AND t.locale IN ($1, $2)
         ORDER BY t.locale = $1 DESC LIMIT 1",
        audience.locale,
        audience.default_locale,
        slug
    )
    .fetch_optional(db)
    .await
}

pub async fn content(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    id: Uuid,
) -> sqlx::Result<Content> {
    sqlx::query_as!(
        Content,
        r#"SELECT p.category_id,
                  COALESCE(t.name, d.name) AS "name!",
                  COALESCE(t.slug, d.slug) AS "slug!",
                  COALESCE(t.description, d.description) AS "description!",
                  COALESCE(t.seo_title, d.seo_title) AS seo_title,
                  COALESCE(t.seo_description, d.seo_description) AS seo_description
           FROM products p
           LEFT JOIN product_translations t ON t.product_id = p.id AND t.locale = $1
           LEFT JOIN product_translations d ON d.product_id = p.id AND d.locale = $2
           WHERE p.id = $3"#,
        audience.locale,
        audience.default_locale,
        id
    )
    .fetch_one(db)
    .await
}

pub async fn variants(
    db: impl PgExecutor<'_> + Copy,
    audience: Audience<'_>,
    product: Uuid,
) -> sqlx::Result<Vec<Variant>> {
    let rows = sqlx::query!(
        r#"SELECT v.id, v.sku, v.stock,
                  price_in(v.price, vp.amount, c.rate, c.minor_units) AS "price!"
           FROM variants v
           JOIN currencies c ON c.code = $2
           LEFT JOIN variant_prices vp ON vp.variant_id = v.id AND vp.currency = $2
           WHERE v.product_id = $1
           ORDER BY v.position, v.sku"#,
        product,
        audience.currency.code()
    )
    .fetch_all(db)
    .await?;
    let options = sqlx::query!(
        r#"SELECT vov.variant_id, ot.code AS type_code,
                  COALESCE(ott.name, otd.name, ot.code) AS "type_name!",
                  ov.code AS value_code,
                  COALESCE(ovt.name, ovd.name, ov.code) AS "value_name!"
           FROM variants v
           JOIN variant_option_values vov ON vov.variant_id = v.id
           JOIN option_types ot ON ot.id = vov.option_type_id
           JOIN option_values ov ON ov.id = vov.option_value_id
           LEFT JOIN option_type_translations ott ON ott.option_type_id = ot.id AND ott.locale = $2
           LEFT JOIN option_type_translations otd ON otd.option_type_id = ot.id AND otd.locale = $3
           LEFT JOIN option_value_translations ovt ON ovt.option_value_id = ov.id AND ovt.locale = $2
           LEFT JOIN option_value_translations ovd ON ovd.option_value_id = ov.id AND ovd.locale = $3
           WHERE v.product_id = $1
           ORDER BY ot.position, ov.position"#,
        product,
        audience.locale,
        audience.default_locale
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Variant {
            id: row.id,
            options: options
                .iter()
                .filter(|o| o.variant_id == row.id)
                .map(|o| OptionChoice {
                    type_code: o.type_code.clone(),
                    type_name: o.type_name.clone(),
                    value_code: o.value_code.clone(),
                    value_name: o.value_name.clone(),
                })
                .collect(),
            sku: row.sku,
            price: Money::new(row.price, audience.currency).rounded(),
            stock: row.stock,
        })
        .collect())
}

/// Each variant's stock now.
pub async fn stock(db: impl PgExecutor<'_>, product: Uuid) -> sqlx::Result<Vec<(Uuid, i32)>> {
    let rows = sqlx::query!(
        "SELECT id, stock FROM variants WHERE product_id = $1",
        product
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.stock)).collect())
}

pub async fn images(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    product: Uuid,
) -> sqlx::Result<Vec<Image>> {
    let rows = sqlx::query!(
        "SELECT i.url, i.width, i.height, i.variant_id, i.storage_key, i.widths,
                COALESCE(t.alt, d.alt) AS alt
         FROM product_images i
         LEFT JOIN product_image_translations t ON t.image_id = i.id AND t.locale = $2
         LEFT JOIN product_image_translations d ON d.image_id = i.id AND d.locale = $3
         WHERE i.product_id = $1 ORDER BY i.position, i.id",
        product,
        audience.locale,
        audience.default_locale
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Image {
            url: r.url,
            width: r.width,
            height: r.height,
            variant_id: r.variant_id,
            sizes: Sizes::of(r.storage_key, r.widths),
            alt: r.alt,
        })
        .collect())
}

pub async fn attributes(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    product: Uuid,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"SELECT COALESCE(at.name, ad.name, a.code) AS "attribute!",
                  COALESCE(vt.name, vd.name, av.code) AS "value!"
           FROM product_attribute_values pav
           JOIN attribute_values av ON av.id = pav.attribute_value_id
           JOIN attributes a ON a.id = av.attribute_id
           LEFT JOIN attribute_translations at ON at.attribute_id = a.id AND at.locale = $2
           LEFT JOIN attribute_translations ad ON ad.attribute_id = a.id AND ad.locale = $3
           LEFT JOIN attribute_value_translations vt ON vt.attribute_value_id = av.id AND vt.locale = $2
           LEFT JOIN attribute_value_translations vd ON vd.attribute_value_id = av.id AND vd.locale = $3
           WHERE pav.product_id = $1
           ORDER BY a.position, av.position"#,
        product,
        audience.locale,
        audience.default_locale
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.attribute, r.value)).collect())
}

/// The category and its ancestors, top first.
pub async fn breadcrumbs(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    category: Uuid,
) -> sqlx::Result<Vec<Crumb>> {
    sqlx::query_as!(
        Crumb,
        r#"WITH RECURSIVE up AS (
               SELECT id, parent_id, 0 AS depth FROM categories WHERE id = $1
               UNION ALL
               SELECT c.id, c.parent_id, up.depth + 1 FROM categories c JOIN up ON c.id = up.parent_id
               WHERE up.depth < 10)
           SELECT COALESCE(t.name, d.name) AS "name!", COALESCE(t.slug, d.slug) AS "slug!"
           FROM up
           LEFT JOIN category_translations t ON t.category_id = up.id AND t.locale = $2
           LEFT JOIN category_translations d ON d.category_id = up.id AND d.locale = $3
           ORDER BY up.depth DESC"#,
        category,
        audience.locale,
        audience.default_locale
    )
    .fetch_all(db)
    .await
}

pub async fn slugs(db: impl PgExecutor<'_>, product: Uuid) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "SELECT locale, slug FROM product_translations WHERE product_id = $1 ORDER BY locale",
        product
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.locale, r.slug)).collect())
}

/// Other products in stock from the same category, newest first, priced as the
/// category page prices them (both read `product_offers`).
pub async fn related(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    category: Uuid,
    except: Uuid,
    limit: i64,
) -> sqlx::Result<Vec<ProductCard>> {
    super::repo::showcase(db, audience, false, Some(category), Some(except), limit).await
}
