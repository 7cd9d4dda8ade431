//! The product editor: one product with everything a shop owner edits about it, the
//! choices its form offers, and saving it (new or changed) in one transaction with its
//! audit record.
//!
//! Input arrives as the form's text and is checked here, field by field, so a price of
//! `abc`, a slug with spaces or a SKU another product uses comes back as a message
//! beside that field (`sku.<variant>`, `slug.pt-BR`) and nothing is written.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::Status;
use crate::accounts::staff::{Allowed, can};
use crate::audit::{self, Change};
use crate::catalog::slug::{is_slug, slugify};
use crate::{DomainError, DomainResult, Message, Thing};

/// A product's text in one language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Translation {
    pub locale: String,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
}

/// One variant as the editor shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Variant {
    pub id: Uuid,
    pub sku: String,
    /// In the shop's base currency.
    pub price: Decimal,
    pub weight_grams: i32,
    pub stock: i32,
    /// (option type, value) names, in the editor's language: ("Size", "M").
    pub options: Vec<(String, String)>,
    /// Prices fixed in other currencies (currency code, amount); any other currency
    /// converts the base price.
    pub fixed: Vec<(String, Decimal)>,
}

/// A product as the editor shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Product {
    pub id: Uuid,
    pub status: String,
    pub category_id: Uuid,
    pub featured: bool,
    /// Only the languages it has; a language missing here is shown as missing.
    pub translations: Vec<Translation>,
    pub attribute_values: Vec<Uuid>,
    pub variants: Vec<Variant>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A choice in a list: its id, code and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

/// An attribute or option type with its values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChoiceGroup {
    pub group: Choice,
    pub values: Vec<Choice>,
}

/// What the editor's form offers, in the editor's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choices {
    /// Categories as "Parent › Child", in tree order.
    pub categories: Vec<Choice>,
    pub attributes: Vec<ChoiceGroup>,
    pub option_types: Vec<ChoiceGroup>,
    pub base_currency: String,
    /// Enabled currencies other than the base one: those a price can be fixed in.
    pub currencies: Vec<String>,
    pub default_locale: String,
}

/// The product `id`, with option names in `locale`.
pub async fn load(
    pool: &PgPool,
    _by: &Allowed<can::Catalog>,
    id: Uuid,
    locale: &str,
) -> DomainResult<Product> {
    let mut conn = pool.acquire().await?;
    read(&mut conn, id, locale).await
}

async fn read(conn: &mut PgConnection, id: Uuid, locale: &str) -> DomainResult<Product> {
    let product = sqlx::query!(
        r#"SELECT id, status, category_id, featured,
                  created_at AS "created_at: DateTime<Utc>",
                  updated_at AS "updated_at: DateTime<Utc>"
           FROM products WHERE id = $1"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound(Thing::Product))?;
    let translations = sqlx::query_as!(
        Translation,
        "SELECT locale, name, slug, description, seo_title, seo_description
         FROM product_translations WHERE product_id = $1 ORDER BY locale",
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let attribute_values = sqlx::query_scalar!(
        "SELECT attribute_value_id FROM product_attribute_values WHERE product_id = $1
         ORDER BY attribute_value_id",
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let rows = sqlx::query!(
        "SELECT id, sku, price, weight_grams, stock FROM variants
         WHERE product_id = $1 ORDER BY position, sku",
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let fixed = sqlx::query!(
        r#"SELECT vp.variant_id, vp.currency AS "currency!: String", vp.amount
           FROM variant_prices vp JOIN variants v ON v.id = vp.variant_id
           WHERE v.product_id = $1 ORDER BY vp.currency"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let options = sqlx::query!(
        r#"SELECT vov.variant_id,
                  COALESCE(tt.name, ot.code) AS "type_name!",
                  COALESCE(vt.name, ov.code) AS "value_name!"
           FROM variant_option_values vov
           JOIN variants v ON v.id = vov.variant_id
           JOIN option_types ot ON ot.id = vov.option_type_id
           JOIN option_values ov ON ov.id = vov.option_value_id
           LEFT JOIN option_type_translations tt ON tt.option_type_id = ot.id AND tt.locale = $2
           LEFT JOIN option_value_translations vt ON vt.option_value_id = ov.id AND vt.locale = $2
           WHERE v.product_id = $1
           ORDER BY ot.position, ot.code"#,
        id,
        locale
    )
    .fetch_all(&mut *conn)
    .await?;
    let variants = rows
        .into_iter()
        .map(|v| Variant {
            options: options
                .iter()
                .filter(|o| o.variant_id == v.id)
                .map(|o| (o.type_name.clone(), o.value_name.clone()))
                .collect(),
            fixed: fixed
                .iter()
                .filter(|f| f.variant_id == v.id)
                .map(|f| (f.currency.clone(), f.amount))
                .collect(),
            id: v.id,
            sku: v.sku,
            price: v.price,
            weight_grams: v.weight_grams,
            stock: v.stock,
        })
        .collect();
    Ok(Product {
        id: product.id,
        status: product.status,
        category_id: product.category_id,
        featured: product.featured,
        translations,
        attribute_values,
        variants,
        created_at: product.created_at,
        updated_at: product.updated_at,
    })
}

/// What the editor's form offers, in `locale` (falling back to the shop's language).
pub async fn choices(
    pool: &PgPool,
    _by: &Allowed<can::Catalog>,
    locale: &str,
) -> DomainResult<Choices> {
    let shop = crate::shop::settings(pool).await?;
    let categories = sqlx::query!(
        r#"SELECT c.id,
                  COALESCE(pt.name || ' › ', pd.name || ' › ', '')
                    || COALESCE(t.name, d.name, c.id::text) AS "name!"
           FROM categories c
           LEFT JOIN categories parent ON parent.id = c.parent_id
           LEFT JOIN category_translations t ON t.category_id = c.id AND t.locale = $1
           LEFT JOIN category_translations d ON d.category_id = c.id AND d.locale = $2
           LEFT JOIN category_translations pt ON pt.category_id = parent.id AND pt.locale = $1
           LEFT JOIN category_translations pd ON pd.category_id = parent.id AND pd.locale = $2
           ORDER BY COALESCE(parent.position, c.position), parent.id NULLS FIRST, c.position, 2"#,
        locale,
        shop.default_locale
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|c| Choice {
        id: c.id,
        code: String::new(),
        name: c.name,
    })
    .collect();
    let attributes = sqlx::query!(
        r#"SELECT a.id, a.code, COALESCE(at.name, ad.name, a.code) AS "name!",
                  v.id AS value_id, v.code AS value_code,
                  COALESCE(vt.name, vd.name, v.code) AS "value_name!"
           FROM attributes a
           JOIN attribute_values v ON v.attribute_id = a.id
           LEFT JOIN attribute_translations at ON at.attribute_id = a.id AND at.locale = $1
           LEFT JOIN attribute_translations ad ON ad.attribute_id = a.id AND ad.locale = $2
           LEFT JOIN attribute_value_translations vt ON vt.attribute_value_id = v.id AND vt.locale = $1
           LEFT JOIN attribute_value_translations vd ON vd.attribute_value_id = v.id AND vd.locale = $2
           ORDER BY a.position, a.code, v.position, v.code"#,
        locale,
        shop.default_locale
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| {
        (
            Choice {
                id: r.id,
                code: r.code,
                name: r.name,
            },
            Choice {
                id: r.value_id,
                code: r.value_code,
                name: r.value_name,
            },
        )
    });
    let option_types = sqlx::query!(
        r#"SELECT t.id, t.code, COALESCE(tt.name, td.name, t.code) AS "name!",
                  v.id AS value_id, v.code AS value_code,
                  COALESCE(vt.name, vd.name, v.code) AS "value_name!"
           FROM option_types t
           JOIN option_values v ON v.option_type_id = t.id
           LEFT JOIN option_type_translations tt ON tt.option_type_id = t.id AND tt.locale = $1
           LEFT JOIN option_type_translations td ON td.option_type_id = t.id AND td.locale = $2
           LEFT JOIN option_value_translations vt ON vt.option_value_id = v.id AND vt.locale = $1
           LEFT JOIN option_value_translations vd ON vd.option_value_id = v.id AND vd.locale = $2
           ORDER BY t.position, t.code, v.position, v.code"#,
        locale,
        shop.default_locale
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| {
        (
            Choice {
                id: r.id,
                code: r.code,
                name: r.name,
            },
            Choice {
                id: r.value_id,
                code: r.value_code,
                name: r.value_name,
            },
        )
    });
    let currencies = sqlx::query_scalar!(
        r#"SELECT code AS "code!: String" FROM currencies
           WHERE enabled AND code <> $1::char(3) ORDER BY code"#,
        shop.base_currency
    )
    .fetch_all(pool)
    .await?;
    Ok(Choices {
        categories,
        attributes: grouped(attributes),
        option_types: grouped(option_types),
        base_currency: shop.base_currency,
        currencies,
        default_locale: shop.default_locale,
    })
}

/// (group, value) rows, sorted by group, as groups with their values.
fn grouped(rows: impl Iterator<Item = (Choice, Choice)>) -> Vec<ChoiceGroup> {
    let mut groups: Vec<ChoiceGroup> = Vec::new();
    for (group, value) in rows {
        match groups.last_mut() {
            Some(last) if last.group.id == group.id => last.values.push(value),
            _ => groups.push(ChoiceGroup {
                group,
                values: vec![value],
            }),
        }
    }
    groups
}

/// A product's text in one language, as typed.
#[derive(Clone, Debug, Default)]
pub struct TranslationInput {
    pub locale: String,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub seo_title: String,
    pub seo_description: String,
}

/// A variant's fields as typed; `id` None for a new one.
#[derive(Clone, Debug, Default)]
pub struct VariantInput {
    pub id: Option<Uuid>,
    pub sku: String,
    pub price: String,
    pub weight: String,
    pub stock: String,
    /// (currency code, amount as typed); an empty amount removes the fixed price.
    pub fixed: Vec<(String, String)>,
}

/// The editor's form, as typed.
#[derive(Clone, Debug, Default)]
pub struct ProductInput {
    pub status: String,
    pub category: String,
    pub featured: bool,
    pub translations: Vec<TranslationInput>,
    pub attribute_values: Vec<Uuid>,
    pub variants: Vec<VariantInput>,
}

/// The key a variant's fields are named by in errors: its id, or `new`.
pub fn variant_key(id: Option<Uuid>) -> String {
    id.map_or_else(|| "new".to_string(), |id| id.to_string())
}

/// Saves product `id` (None: a new one) from `input`, in one transaction with its audit
/// record (`product.create` or `product.update`, the values before and after); returns
/// its id. Nothing is written when any field is wrong: every wrong field is named.
pub async fn save(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    id: Option<Uuid>,
    input: &ProductInput,
) -> DomainResult<Uuid> {
    let mut tx = pool.begin().await?;
    let shop = crate::shop::settings(pool).await?;
    let before = match id {
        Some(id) => {
            // Two editors saving at once take turns.
            sqlx::query_scalar!("SELECT id FROM products WHERE id = $1 FOR UPDATE", id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(DomainError::NotFound(Thing::Product))?;
            Some(read(&mut tx, id, &shop.default_locale).await?)
        }
        None => None,
    };
    let checked = check(&mut tx, &shop, id, before.as_ref(), input).await?;
    let id = write(&mut tx, id, &checked).await?;
    let after = read(&mut tx, id, &shop.default_locale).await?;
    let label = after
        .translations
        .iter()
        .find(|t| t.locale == shop.default_locale)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let action = if before.is_some() {
        "product.update"
    } else {
        "product.create"
    };
    audit::record(
        &mut tx,
        by.actor(),
        Change::new(action, "product", id)
            .label(label)
            .values(before.as_ref().map(snapshot), Some(snapshot(&after))),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A product as flat fields (`status`, `name.en`, `variant.TS-1.price`), so the audit
/// log names exactly what changed.
pub fn snapshot(product: &Product) -> BTreeMap<String, Value> {
    let mut fields = BTreeMap::new();
    fields.insert("status".into(), Value::from(product.status.clone()));
    fields.insert(
        "category".into(),
        Value::from(product.category_id.to_string()),
    );
    fields.insert("featured".into(), Value::from(product.featured));
    for t in &product.translations {
        let l = &t.locale;
        fields.insert(format!("name.{l}"), Value::from(t.name.clone()));
        fields.insert(format!("slug.{l}"), Value::from(t.slug.clone()));
        fields.insert(
            format!("description.{l}"),
            Value::from(t.description.clone()),
        );
        fields.insert(format!("seo_title.{l}"), Value::from(t.seo_title.clone()));
        fields.insert(
            format!("seo_description.{l}"),
            Value::from(t.seo_description.clone()),
        );
    }
    let values: Vec<String> = product
        .attribute_values
        .iter()
        .map(Uuid::to_string)
        .collect();
    fields.insert("attribute_values".into(), Value::from(values));
    for v in &product.variants {
        let key = format!("variant.{}", v.sku);
        fields.insert(format!("{key}.price"), money(v.price));
        fields.insert(format!("{key}.stock"), Value::from(v.stock));
        fields.insert(format!("{key}.weight"), Value::from(v.weight_grams));
        for (currency, amount) in &v.fixed {
            fields.insert(format!("{key}.price_{currency}"), money(*amount));
        }
    }
    fields
}

/// An amount without the column's trailing zeros (`99.9`, not `99.9000`).
fn money(amount: Decimal) -> Value {
    Value::from(amount.normalize().to_string())
}

/// The form's values, checked.
struct Checked {
    status: Status,
    category: Uuid,
    featured: bool,
    translations: Vec<Translation>,
    attribute_values: Vec<Uuid>,
    variants: Vec<CheckedVariant>,
}

struct CheckedVariant {
    id: Option<Uuid>,
    sku: String,
    price: Decimal,
    weight_grams: i32,
    stock: i32,
    fixed: Vec<(String, Decimal)>,
    /// Currencies whose fixed price was emptied.
    unfixed: Vec<String>,
}

/// Every field of `input` checked against the rules and the shop's other products
/// (inside the saving transaction); all wrong fields at once.
async fn check(
    conn: &mut PgConnection,
    shop: &crate::shop::ShopSettings,
    id: Option<Uuid>,
    before: Option<&Product>,
    input: &ProductInput,
) -> DomainResult<Checked> {
    let mut wrong: Vec<(String, Message)> = Vec::new();
    macro_rules! bad {
        ($field:expr, $key:expr $(,)?) => {
            wrong.push(($field, Message::new($key)))
        };
    }

    let status = Status::parse(&input.status);
    if status.is_none() {
        bad!("status".into(), "admin.products.errors.status");
    }
    let category = Uuid::parse_str(input.category.trim()).ok();
    let category_exists = match category {
        Some(category) => sqlx::query_scalar!("SELECT id FROM categories WHERE id = $1", category)
            .fetch_optional(&mut *conn)
            .await?
            .is_some(),
        None => false,
    };
    if !category_exists {
        bad!("category".into(), "admin.products.errors.category");
    }

    // Translations: a language left wholly empty has none (shoppers see the shop's
    // language); one with any text needs a name, and gets a slug from it if none.
    let default_slug = input
        .translations
        .iter()
        .find(|t| t.locale == shop.default_locale)
        .map(|t| {
            let typed = t.slug.trim();
            if typed.is_empty() {
                slugify(&t.name)
            } else {
                typed.to_string()
            }
        })
        .unwrap_or_default();
    let mut translations = Vec::new();
    for t in &input.translations {
        let Some(locale) = crate::locale::supported(&t.locale) else {
            continue;
        };
        let l = locale;
        let text = |s: &str| s.trim().to_string();
        let (name, slug, description) = (text(&t.name), text(&t.slug), text(&t.description));
        let (seo_title, seo_description) = (text(&t.seo_title), text(&t.seo_description));
        let blank = [&name, &slug, &description, &seo_title, &seo_description]
            .iter()
            .all(|s| s.is_empty());
        if blank && locale != shop.default_locale {
            continue;
        }
        if name.is_empty() {
            bad!(format!("name.{l}"), "admin.products.errors.name_required");
            continue;
        }
        if name.chars().count() > 200 {
            bad!(format!("name.{l}"), "admin.products.errors.too_long");
        }
        let slug = if !slug.is_empty() {
            slug
        } else {
            // A name without Latin letters (Chinese) borrows the shop language's slug.
            Some(slugify(&name))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| default_slug.clone())
        };
        if !is_slug(&slug) {
            bad!(format!("slug.{l}"), "admin.products.errors.slug_format");
        } else {
            let taken = sqlx::query_scalar!(
                "SELECT product_id FROM product_translations
                 WHERE locale = $1 AND slug = $2 AND product_id IS DISTINCT FROM $3",
                locale,
                slug,
                id
            )
            .fetch_optional(&mut *conn)
            .await?;
            if taken.is_some() {
                bad!(format!("slug.{l}"), "admin.products.errors.slug_taken");
            }
        }
        if description.chars().count() > 20_000 {
            bad!(format!("description.{l}"), "admin.products.errors.too_long");
        }
        if seo_title.chars().count() > 200 {
            bad!(format!("seo_title.{l}"), "admin.products.errors.too_long");
        }
        if seo_description.chars().count() > 500 {
            bad!(
                format!("seo_description.{l}"),
                "admin.products.errors.too_long"
            );
        }
        translations.push(Translation {
            locale: locale.to_string(),
            name,
            slug,
            description,
            seo_title: Some(seo_title).filter(|s| !s.is_empty()),
            seo_description: Some(seo_description).filter(|s| !s.is_empty()),
        });
    }
    if !translations.iter().any(|t| t.locale == shop.default_locale)
        && !wrong
            .iter()
            .any(|(f, _)| *f == format!("name.{}", shop.default_locale))
    {
        bad!(
            format!("name.{}", shop.default_locale),
            "admin.products.errors.name_required",
        );
    }

    let attribute_values = sqlx::query_scalar!(
        "SELECT id FROM attribute_values WHERE id = ANY ($1) ORDER BY id",
        &input.attribute_values
    )
    .fetch_all(&mut *conn)
    .await?;

    let currencies = sqlx::query_scalar!(
        r#"SELECT code AS "code!: String" FROM currencies WHERE enabled AND code <> $1::char(3)"#,
        shop.base_currency
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut variants = Vec::new();
    let mut skus_in_form: Vec<String> = Vec::new();
    for v in &input.variants {
        let key = variant_key(v.id);
        let blank = [&v.sku, &v.price, &v.weight, &v.stock]
            .iter()
            .all(|s| s.trim().is_empty());
        if v.id.is_none() && blank {
            continue; // the empty "add a variant" row
        }
        if let Some(variant) = v.id
            && !before.is_some_and(|p| p.variants.iter().any(|o| o.id == variant))
        {
            return Err(DomainError::NotFound(Thing::Record));
        }
        let sku = v.sku.trim().to_string();
        if sku.is_empty() || sku.chars().count() > 64 || sku.chars().any(char::is_whitespace) {
            bad!(format!("sku.{key}"), "admin.products.errors.sku_format");
        } else if skus_in_form.contains(&sku) {
            bad!(format!("sku.{key}"), "admin.products.errors.sku_taken");
        } else {
            let taken = sqlx::query_scalar!(
                "SELECT id FROM variants WHERE sku = $1 AND id IS DISTINCT FROM $2",
                sku,
                v.id
            )
            .fetch_optional(&mut *conn)
            .await?;
            // A SKU another variant of this form gives up in the same save is still
            // taken until then: refused too, which keeps the writes in any order safe.
            if taken.is_some() {
                bad!(format!("sku.{key}"), "admin.products.errors.sku_taken");
            }
        }
        skus_in_form.push(sku.clone());
        let price = parse_money(&v.price);
        if price.is_none() {
            bad!(format!("price.{key}"), "admin.products.errors.price");
        }
        let weight = parse_count(&v.weight);
        if weight.is_none() {
            bad!(
                format!("weight.{key}"),
                "admin.products.errors.whole_number"
            );
        }
        let stock = parse_count(&v.stock);
        if stock.is_none() {
            bad!(format!("stock.{key}"), "admin.products.errors.whole_number");
        }
        let mut fixed = Vec::new();
        let mut unfixed = Vec::new();
        for (currency, amount) in &v.fixed {
            if !currencies.contains(currency) {
                continue;
            }
            if amount.trim().is_empty() {
                unfixed.push(currency.clone());
            } else if let Some(amount) = parse_money(amount) {
                fixed.push((currency.clone(), amount));
            } else {
                bad!(
                    format!("fixed.{key}.{currency}"),
                    "admin.products.errors.price",
                );
            }
        }
        variants.push(CheckedVariant {
            id: v.id,
            sku,
            price: price.unwrap_or_default(),
            weight_grams: weight.unwrap_or_default(),
            stock: stock.unwrap_or_default(),
            fixed,
            unfixed,
        });
    }
    let has_variants = !variants.is_empty() || before.is_some_and(|p| !p.variants.is_empty());
    if status == Some(Status::Active) && !has_variants {
        bad!("status".into(), "admin.products.errors.no_variants_yet");
    }
    if !wrong.is_empty() {
        return Err(DomainError::Fields(wrong));
    }
    Ok(Checked {
        status: status.unwrap_or(Status::Draft),
        category: category.unwrap_or_default(),
        featured: input.featured,
        translations,
        attribute_values,
        variants,
    })
}

async fn write(conn: &mut PgConnection, id: Option<Uuid>, p: &Checked) -> DomainResult<Uuid> {
    let id = match id {
        Some(id) => {
            sqlx::query!(
                "UPDATE products SET status = $2, category_id = $3, featured = $4, updated_at = now()
                 WHERE id = $1 AND (status, category_id, featured) IS DISTINCT FROM ($2, $3, $4)",
                id,
                p.status.code(),
                p.category,
                p.featured
            )
            .execute(&mut *conn)
            .await?;
            id
        }
        None => {
            sqlx::query_scalar!(
                "INSERT INTO products (category_id, status, featured) VALUES ($1, $2, $3)
                 RETURNING id",
                p.category,
                p.status.code(),
                p.featured
            )
            .fetch_one(&mut *conn)
            .await?
        }
    };
    let locales: Vec<String> = p.translations.iter().map(|t| t.locale.clone()).collect();
    sqlx::query!(
        "DELETE FROM product_translations WHERE product_id = $1 AND locale <> ALL ($2)",
        id,
        &locales
    )
    .execute(&mut *conn)
    .await?;
    for t in &p.translations {
        // Only when something changed: an unchanged row would still fire the catalog
        // triggers and empty every storefront cache.
        sqlx::query!(
            "INSERT INTO product_translations
                 (product_id, locale, name, slug, description, seo_title, seo_description)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (product_id, locale) DO UPDATE
                 SET name = excluded.name, slug = excluded.slug,
                     description = excluded.description, seo_title = excluded.seo_title,
                     seo_description = excluded.seo_description
                 WHERE (product_translations.name, product_translations.slug,
                        product_translations.description, product_translations.seo_title,
                        product_translations.seo_description)
                       IS DISTINCT FROM (excluded.name, excluded.slug, excluded.description,
                                         excluded.seo_title, excluded.seo_description)",
            id,
            t.locale,
            t.name,
            t.slug,
            t.description,
            t.seo_title,
            t.seo_description
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "DELETE FROM product_attribute_values
         WHERE product_id = $1 AND attribute_value_id <> ALL ($2)",
        id,
        &p.attribute_values
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO product_attribute_values (product_id, attribute_value_id)
         SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING",
        id,
        &p.attribute_values
    )
    .execute(&mut *conn)
    .await?;
    for v in &p.variants {
        let variant = match v.id {
            Some(variant) => {
                sqlx::query!(
                    "UPDATE variants SET sku = $3, price = $4, weight_grams = $5, stock = $6,
                         updated_at = now()
                     WHERE id = $1 AND product_id = $2
                       AND (sku, price, weight_grams, stock) IS DISTINCT FROM ($3, $4, $5, $6)",
                    variant,
                    id,
                    v.sku,
                    v.price,
                    v.weight_grams,
                    v.stock
                )
                .execute(&mut *conn)
                .await?;
                variant
            }
            None => {
                sqlx::query_scalar!(
                    "INSERT INTO variants (product_id, sku, price, weight_grams, stock, position)
                     VALUES ($1, $2, $3, $4, $5,
                             (SELECT COALESCE(max(position) + 1, 0) FROM variants WHERE product_id = $1))
                     RETURNING id",
                    id,
                    v.sku,
                    v.price,
                    v.weight_grams,
                    v.stock
                )
                .fetch_one(&mut *conn)
                .await?
            }
        };
        if !v.unfixed.is_empty() {
            sqlx::query!(
                "DELETE FROM variant_prices WHERE variant_id = $1 AND currency::text = ANY ($2)",
                variant,
                &v.unfixed
            )
            .execute(&mut *conn)
            .await?;
        }
        for (currency, amount) in &v.fixed {
            sqlx::query!(
                "INSERT INTO variant_prices (variant_id, currency, amount) VALUES ($1, $2, $3)
                 ON CONFLICT (variant_id, currency) DO UPDATE SET amount = excluded.amount
                 WHERE variant_prices.amount <> excluded.amount",
                variant,
                currency,
                amount
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(id)
}

/// An amount of money as typed (`12.90`, `12,90`): zero or more, at most 4 decimals and
/// below a trillion (the column's range); None otherwise.
pub fn parse_money(text: &str) -> Option<Decimal> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let amount: Decimal = text.parse().ok()?;
    (amount.scale() <= 4 && amount < Decimal::new(1_000_000_000_000_000, 0)).then_some(amount)
}

/// A whole number of zero or more as typed (empty is zero), below 2^31.
pub fn parse_count(text: &str) -> Option<i32> {
    let text = text.trim();
    if text.is_empty() {
        return Some(0);
    }
    text.parse::<i32>().ok().filter(|n| *n >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_numbers_of_zero_or_more() {
        assert_eq!(parse_money("12,90"), Some(Decimal::new(1290, 2)));
        assert_eq!(parse_money(" 0 "), Some(Decimal::ZERO));
        for wrong in [
            "abc",
            "-1",
            "",
            "1e3",
            "1.23456",
            "1.2.3",
            "1000000000000000",
        ] {
            assert_eq!(parse_money(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(parse_count(""), Some(0));
        assert_eq!(parse_count("12"), Some(12));
        assert_eq!(parse_count("-1"), None);
        assert_eq!(parse_count("1.5"), None);
    }
}
