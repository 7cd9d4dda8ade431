//! The product list: search by name (any language) or SKU, filters, sorts, pages of a
//! bounded size, and bulk actions on ticked products.
//!
//! Fast at 100,000 products: the stock and price it sorts by come from
//! `product_summaries` (kept by triggers), each sort has an index to walk, and the
//! pool plans every call for its own parameters (`force_custom_plan`), so the sorts
//! and filters not asked for fold away. A page asks for one row more than it shows to
//! know whether another follows, instead of counting every match.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::{LOW_STOCK, Status, like_escape};
use crate::accounts::staff::{Allowed, can};
use crate::audit::{self, Change};
use crate::{DomainError, DomainResult, Message};

/// Most rows one page shows.
pub const MAX_PAGE: i64 = 100;

/// How the list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Newest,
    Name,
    PriceLow,
    PriceHigh,
    StockLow,
    StockHigh,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::Newest,
        Sort::Name,
        Sort::PriceLow,
        Sort::PriceHigh,
        Sort::StockLow,
        Sort::StockHigh,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Name => "name",
            Sort::PriceLow => "price",
            Sort::PriceHigh => "price_desc",
            Sort::StockLow => "stock",
            Sort::StockHigh => "stock_desc",
        }
    }

    pub fn parse(code: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Stock, as the list filters it (totals over a product's variants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockFilter {
    /// At least one item.
    InStock,
    /// One to [`LOW_STOCK`] items.
    Low,
    /// None at all.
    Out,
}

impl StockFilter {
    pub const ALL: [StockFilter; 3] = [StockFilter::InStock, StockFilter::Low, StockFilter::Out];

    pub fn code(self) -> &'static str {
        match self {
            StockFilter::InStock => "in",
            StockFilter::Low => "low",
            StockFilter::Out => "out",
        }
    }

    pub fn parse(code: &str) -> Option<StockFilter> {
        StockFilter::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What to show; every filter optional.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Part of a name (in any language) or of a SKU.
    pub query: Option<String>,
    pub status: Option<Status>,
    pub category: Option<Uuid>,
    pub stock: Option<StockFilter>,
    pub sort: Sort,
    /// From 1.
    pub page: i64,
    /// 1 to [`MAX_PAGE`].
    pub per_page: i64,
}

/// One row of the list.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub id: Uuid,
    /// In the language asked for, else the shop's ([`Row::untranslated`]).
    pub name: String,
    pub untranslated: bool,
    pub status: String,
    pub featured: bool,
    pub category: Option<String>,
    /// The first variant's SKU.
    pub sku: Option<String>,
    pub variants: i32,
    pub stock: i64,
    /// Cheapest and dearest variant, in the base currency.
    pub min_price: Option<Decimal>,
    pub max_price: Option<Decimal>,
    pub created_at: DateTime<Utc>,
}

/// A page of the list.
#[derive(Clone, Debug)]
pub struct Page {
    pub rows: Vec<Row>,
    /// Whether a next page has rows.
    pub more: bool,
}

/// The products matching `filter`, in `locale` (falling back to `default_locale`).
pub async fn list(
    pool: &PgPool,
    _by: &Allowed<can::Catalog>,
    locale: &str,
    default_locale: &str,
    filter: &Filter,
) -> DomainResult<Page> {
    let per_page = filter.per_page.clamp(1, MAX_PAGE);
    // Deep pages cost a walk past every row before them: 1,000 pages is plenty for
    // browsing, and search or filters reach anything further.
    let page = filter.page.clamp(1, 1000);
    let query = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| like_escape(&q.chars().take(100).collect::<String>()));
    let mut rows = sqlx::query_as!(
        Row,
        r#"SELECT p.id, COALESCE(t.name, d.name) AS "name!", (t.name IS NULL) AS "untranslated!",
                  p.status, p.featured,
                  COALESCE(ct.name, cd.name) AS category,
                  (SELECT v.sku FROM variants v WHERE v.product_id = p.id
                   ORDER BY v.position, v.sku LIMIT 1) AS sku,
                  s.variants, s.stock, s.min_price, s.max_price,
                  p.created_at AS "created_at: DateTime<Utc>"
           FROM products p
           JOIN product_translations d ON d.product_id = p.id AND d.locale = $1
           JOIN product_summaries s ON s.product_id = p.id
           LEFT JOIN product_translations t ON t.product_id = p.id AND t.locale = $2
           LEFT JOIN category_translations ct ON ct.category_id = p.category_id AND ct.locale = $2
           LEFT JOIN category_translations cd ON cd.category_id = p.category_id AND cd.locale = $1
           WHERE ($3::text IS NULL OR p.status = $3)
             AND ($4::uuid IS NULL OR p.category_id = $4)
             AND ($5::text IS NULL
                  OR ($5 = 'in' AND s.stock > 0)
                  OR ($5 = 'low' AND s.stock BETWEEN 1 AND $6)
                  OR ($5 = 'out' AND s.stock = 0))
             AND ($7::text IS NULL OR p.id IN (
                  SELECT n.product_id FROM product_translations n
                  WHERE search_normalize(n.name) LIKE '%' || search_normalize($7) || '%'
                  UNION
                  SELECT v.product_id FROM variants v
                  WHERE upper(v.sku) LIKE '%' || upper($7) || '%'))
           ORDER BY
             CASE WHEN $8 = 'name' THEN lower(d.name) END,
             CASE WHEN $8 = 'price' THEN s.min_price END,
             CASE WHEN $8 = 'price_desc' THEN s.min_price END DESC NULLS LAST,
             CASE WHEN $8 = 'stock' THEN s.stock END,
             CASE WHEN $8 = 'stock_desc' THEN s.stock END DESC,
             p.created_at DESC, p.id
           LIMIT $9 OFFSET $10"#,
        default_locale,
        locale,
        filter.status.map(Status::code),
        filter.category,
        filter.stock.map(StockFilter::code),
        LOW_STOCK,
        query,
        filter.sort.code(),
        per_page + 1,
        (page - 1) * per_page,
    )
    .fetch_all(pool)
    .await?;
    let more = rows.len() as i64 > per_page;
    rows.truncate(per_page as usize);
    Ok(Page { rows, more })
}

/// What a bulk action does to every ticked product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bulk {
    /// To `active`.
    Publish,
    /// Back to `draft`.
    Unpublish,
    Archive,
    /// Into this category.
    MoveTo(Uuid),
}

/// Most products one bulk action changes (a page's worth, ticked).
pub const MAX_BULK: usize = MAX_PAGE as usize;

/// Does `action` to `products` in one transaction, with one audit record per product
/// that changed; returns how many changed. Publishing refuses (and changes nothing)
/// when a product has no variant, since shoppers could not buy it.
pub async fn bulk(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    products: &[Uuid],
    action: Bulk,
) -> DomainResult<usize> {
    if products.is_empty() {
        return Err(DomainError::field(
            "ids",
            "admin.products.errors.none_ticked",
        ));
    }
    if products.len() > MAX_BULK {
        return Err(DomainError::field(
            "ids",
            Message::new("admin.products.errors.too_many").with("count", MAX_BULK),
        ));
    }
    let mut tx = pool.begin().await?;
    if let Bulk::MoveTo(category) = action {
        sqlx::query_scalar!("SELECT id FROM categories WHERE id = $1", category)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(DomainError::field(
                "category",
                "admin.products.errors.category",
            ))?;
    }
    // Locked in id order so two bulk actions cannot deadlock.
    let before = sqlx::query!(
        r#"SELECT p.id, p.status, p.category_id,
                  (SELECT t.name FROM product_translations t
                   JOIN shop_settings s ON s.default_locale = t.locale
                   WHERE t.product_id = p.id) AS name,
                  EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id) AS "has_variants!"
           FROM products p WHERE p.id = ANY ($1) ORDER BY p.id FOR UPDATE OF p"#,
        products,
    )
    .fetch_all(&mut *tx)
    .await?;
    if action == Bulk::Publish
        && let Some(bare) = before.iter().find(|p| !p.has_variants)
    {
        return Err(DomainError::field(
            "ids",
            Message::new("admin.products.errors.no_variants")
                .with("name", bare.name.clone().unwrap_or_default()),
        ));
    }
    let mut changed = 0;
    for product in &before {
        let (status, category) = match action {
            Bulk::Publish => (Status::Active.code(), product.category_id),
            Bulk::Unpublish => (Status::Draft.code(), product.category_id),
            Bulk::Archive => (Status::Archived.code(), product.category_id),
            Bulk::MoveTo(category) => (product.status.as_str(), category),
        };
        if status == product.status && category == product.category_id {
            continue;
        }
        sqlx::query!(
            "UPDATE products SET status = $2, category_id = $3, updated_at = now() WHERE id = $1",
            product.id,
            status,
            category,
        )
        .execute(&mut *tx)
        .await?;
        let values = |status: &str, category: Uuid| serde_json::json!({"status": status, "category": category});
        let action_name = match action {
            Bulk::Publish => "product.publish",
            Bulk::Unpublish => "product.unpublish",
            Bulk::Archive => "product.archive",
            Bulk::MoveTo(_) => "product.move",
        };
        audit::record(
            &mut tx,
            by.actor(),
            Change::new(action_name, "product", product.id)
                .label(product.name.clone().unwrap_or_default())
                .values(
                    Some(values(&product.status, product.category_id)),
                    Some(values(status, category)),
                ),
        )
        .await?;
        changed += 1;
    }
    tx.commit().await?;
    Ok(changed)
}
