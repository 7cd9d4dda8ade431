//! The inventory grid: every variant with its SKU, product, options, stock and price,
//! filtered and paged, and the change of one row's stock or price.
//!
//! Stock is the `inventory` permission's; a price is the catalog's, so changing one
//! also takes `Allowed<can::Catalog>`. Each change is written with its audit record in
//! one transaction. A row's form sends back the values it showed: a field left as it was
//! is not written (so saving a new price never undoes a sale that took stock meanwhile),
//! and a field changed from a value that is no longer current is refused with the value
//! now, rather than silently overwriting what happened since the page was opened.

use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::accounts::staff::{Allowed, can};
use crate::audit::{self, Change};
use crate::money::{Currency, currencies};
use crate::reports::todo::LOW_STOCK;
use crate::{DomainError, DomainResult, Message, Thing};

/// Rows per page.
pub const PAGE_SIZE: i64 = 50;

/// Which stock levels to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StockFilter {
    #[default]
    All,
    /// 1 to [`LOW_STOCK`] units.
    Low,
    /// None left.
    Out,
}

impl StockFilter {
    pub fn code(self) -> &'static str {
        match self {
            StockFilter::All => "",
            StockFilter::Low => "low",
            StockFilter::Out => "out",
        }
    }

    /// From an address; anything unknown shows everything.
    pub fn parse(text: &str) -> StockFilter {
        match text.trim() {
            "low" => StockFilter::Low,
            "out" => StockFilter::Out,
            _ => StockFilter::All,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Part of a SKU or of the product's name in any language.
    pub search: Option<String>,
    /// A category; its subcategories' products are included.
    pub category: Option<Uuid>,
    pub stock: StockFilter,
    /// From 1.
    pub page: i64,
}

/// One variant as the grid shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub sku: String,
    pub product: String,
    /// `Size: M · Colour: Red`, in the reader's language.
    pub options: String,
    /// `draft`, `active`, …
    pub status: String,
    pub stock: i32,
    /// In the base currency.
    pub price: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    pub rows: Vec<Row>,
    /// Rows matching the filter, on every page.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// The base currency prices are in.
    pub currency: Currency,
}

/// The page of variants matching `filter`, by product name then the product's own
/// variant order, names and options in `locale` (else the default language).
pub async fn list(
    pool: &PgPool,
    _by: &Allowed<can::Inventory>,
    filter: &Filter,
    (locale, default_locale): (&str, &str),
) -> DomainResult<Grid> {
    let currency = base_currency(pool).await?;
    let search = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(100).collect::<String>());
    let page = filter.page.clamp(1, 100_000);
    let rows = sqlx::query!(
        r#"SELECT v.id, v.product_id, v.sku, v.stock, v.price, p.status,
                  COALESCE(t.name, d.name, '') AS "product!",
                  COALESCE((SELECT string_agg(COALESCE(ott.name, otd.name, ot.code) || ': '
                                              || COALESCE(ovt.name, ovd.name, ov.code), ' · '
                                              ORDER BY ot.position, ov.position)
                            FROM variant_option_values vov
                            JOIN option_types ot ON ot.id = vov.option_type_id
                            JOIN option_values ov ON ov.id = vov.option_value_id
                            LEFT JOIN option_type_translations ott ON ott.option_type_id = ot.id AND ott.locale = $1
                            LEFT JOIN option_type_translations otd ON otd.option_type_id = ot.id AND otd.locale = $2
                            LEFT JOIN option_value_translations ovt ON ovt.option_value_id = ov.id AND ovt.locale = $1
                            LEFT JOIN option_value_translations ovd ON ovd.option_value_id = ov.id AND ovd.locale = $2
                            WHERE vov.variant_id = v.id), '') AS "options!",
                  count(*) OVER () AS "total!"
           FROM variants v
           JOIN products p ON p.id = v.product_id
           LEFT JOIN product_translations t ON t.product_id = p.id AND t.locale = $1
           LEFT JOIN product_translations d ON d.product_id = p.id AND d.locale = $2
           WHERE ($3::uuid IS NULL OR p.category_id = $3
                  OR p.category_id IN (SELECT id FROM categories WHERE parent_id = $3))
             -- A SKU or a name containing the text (names compared as search compares
             -- them: no case, no accents), taken literally.
             AND ($4::text IS NULL
                  OR upper(v.sku) LIKE '%' || upper(replace(replace(replace($4, '\', '\\'), '%', '\%'), '_', '\_')) || '%'
                  OR p.id IN (SELECT product_id FROM product_translations
                              WHERE search_normalize(name) LIKE
                                    '%' || replace(replace(search_normalize($4), '\', '\\'), '%', '\%') || '%'))
             AND ($5 = '' OR p.status <> 'archived')
             AND ($5 = '' OR ($5 = 'out' AND v.stock = 0) OR ($5 = 'low' AND v.stock BETWEEN 1 AND $6))
           ORDER BY 7, p.id, v.position, v.sku
           LIMIT $7 OFFSET $8"#,
        locale,
        default_locale,
        filter.category,
        search,
        filter.stock.code(),
        LOW_STOCK,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    .fetch_all(pool)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Grid {
        total,
        page,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
        currency,
        rows: rows
            .into_iter()
            .map(|r| Row {
                variant_id: r.id,
                product_id: r.product_id,
                sku: r.sku,
                product: r.product,
                options: r.options,
                status: r.status,
                stock: r.stock,
                price: shown_price(r.price, currency),
            })
            .collect(),
    })
}

/// A price as the grid shows and takes it: at least the currency's minor units
/// (`12.50`), more only when the price has them (`0.0125`).
pub fn shown_price(price: Decimal, currency: Currency) -> Decimal {
    let mut shown = price.normalize();
    if shown.scale() < currency.minor_units() {
        shown.rescale(currency.minor_units());
    }
    shown
}

/// A field's new value and the value the form showed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edited<T> {
    pub seen: T,
    pub new: T,
}

/// What one row's form changes: only fields whose value differs from what it showed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Edit {
    pub stock: Option<Edited<i32>>,
    pub price: Option<Edited<Decimal>>,
}

/// The largest price `numeric(19,4)` holds: 999999999999999.9999.
fn max_price() -> Decimal {
    Decimal::from_i128_with_scale(9_999_999_999_999_999_999, 4)
}

impl Edit {
    /// A row's form as typed: stock a whole number from 0, price a decimal number from 0
    /// with at most four decimals (a comma is taken as the decimal point); each wrong
    /// field gets its message.
    pub fn parse(
        stock: &str,
        seen_stock: &str,
        price: &str,
        seen_price: &str,
    ) -> DomainResult<Edit> {
        let mut wrong = Vec::new();
        let stock = match (parse_stock(stock), parse_stock(seen_stock)) {
            (Some(new), Some(seen)) => (new != seen).then_some(Edited { seen, new }),
            _ => {
                wrong.push(("stock", Message::new("admin.inventory.errors.stock")));
                None
            }
        };
        let price = match (parse_price(price), parse_price(seen_price)) {
            (Some(new), Some(seen)) => (new != seen).then_some(Edited { seen, new }),
            _ => {
                wrong.push(("price", Message::new("admin.inventory.errors.price")));
                None
            }
        };
        match wrong.len() {
            0 => Ok(Edit { stock, price }),
            1 => {
                let (field, message) = wrong.remove(0);
                Err(DomainError::Validation { field, message })
            }
            _ => Err(DomainError::Invalid(wrong)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.stock.is_none() && self.price.is_none()
    }
}

fn parse_stock(text: &str) -> Option<i32> {
    text.trim().parse::<i32>().ok().filter(|n| *n >= 0)
}

fn parse_price(text: &str) -> Option<Decimal> {
    let text = text.trim().replace(',', ".");
    // Digits with an optional decimal part only: no signs, exponents or spaces.
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text.matches('.').count() <= 1
        && !text.starts_with('.');
    let price: Decimal = text.parse().ok().filter(|_| plain)?;
    (price.normalize().scale() <= 4 && price <= max_price()).then_some(price)
}

/// What a row's save did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saved {
    pub stock: i32,
    pub price: Decimal,
    /// Whether anything was written.
    pub changed: bool,
}

/// The stock and price values an audit record keeps.
#[derive(Serialize)]
struct Values {
    #[serde(skip_serializing_if = "Option::is_none")]
    stock: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<String>,
}

/// Writes `edit` to `variant`, with its audit record, in one transaction. A new price
/// needs `price_by` (the catalog permission): without it the change is refused.
pub async fn update(
    pool: &PgPool,
    by: &Allowed<can::Inventory>,
    price_by: Option<&Allowed<can::Catalog>>,
    variant: Uuid,
    edit: &Edit,
) -> DomainResult<Saved> {
    if edit.price.is_some() && price_by.is_none() {
        return Err(DomainError::Forbidden);
    }
    let currency = base_currency(pool).await?;
    let mut tx = pool.begin().await?;
    let now = sqlx::query!(
        r#"SELECT v.sku, v.stock, v.price,
                  COALESCE((SELECT t.name FROM product_translations t
                            WHERE t.product_id = v.product_id
                            ORDER BY t.locale = (SELECT default_locale FROM shop_settings) DESC, t.locale
                            LIMIT 1), '') AS "product!"
           FROM variants v WHERE v.id = $1
           FOR UPDATE OF v"#,
        variant
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound(Thing::Product))?;
    let mut wrong = Vec::new();
    if let Some(stock) = edit.stock
        && stock.seen != now.stock
    {
        wrong.push((
            "stock",
            Message::new("admin.inventory.errors.stock_changed").with("count", now.stock),
        ));
    }
    if let Some(price) = edit.price
        && price.seen != now.price
    {
        wrong.push((
            "price",
            Message::new("admin.inventory.errors.price_changed")
                .with("price", shown_price(now.price, currency).to_string()),
        ));
    }
    match wrong.len() {
        0 => {}
        1 => {
            let (field, message) = wrong.remove(0);
            return Err(DomainError::Validation { field, message });
        }
        _ => return Err(DomainError::Invalid(wrong)),
    }
    if edit.is_empty() {
        return Ok(Saved {
            stock: now.stock,
            price: now.price,
            changed: false,
        });
    }
    let (stock, price) = (
        edit.stock.map_or(now.stock, |s| s.new),
        edit.price.map_or(now.price, |p| p.new),
    );
    sqlx::query!(
        "UPDATE variants SET stock = $2, price = $3, updated_at = now() WHERE id = $1",
        variant,
        stock,
        price
    )
    .execute(&mut *tx)
    .await?;
    let shown = |p: Decimal| shown_price(p, currency).to_string();
    let before = Values {
        stock: edit.stock.map(|_| now.stock),
        price: edit.price.map(|_| shown(now.price)),
    };
    let after = Values {
        stock: edit.stock.map(|s| s.new),
        price: edit.price.map(|p| shown(p.new)),
    };
    audit::record(
        &mut tx,
        by.actor(),
        Change::new("variant.update", "variant", variant)
            .label(format!("{} · {}", now.product, now.sku))
            .values(Some(before), Some(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(Saved {
        stock,
        price,
        changed: true,
    })
}

async fn base_currency(pool: &PgPool) -> DomainResult<Currency> {
    let settings = crate::shop::settings(pool).await?;
    currencies::by_code(pool, &settings.base_currency).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn a_row_takes_whole_stock_and_plain_prices() {
        let edit = Edit::parse("7", "5", "12,5", "12.50").unwrap();
        assert_eq!(edit.stock, Some(Edited { seen: 5, new: 7 }));
        assert_eq!(edit.price, None, "12,5 is the price it showed");
        assert!(Edit::parse(" 5 ", "5", "12.50", "12.5").unwrap().is_empty());
        assert_eq!(
            Edit::parse("5", "5", "0.0125", "1").unwrap().price,
            Some(Edited {
                seen: dec!(1),
                new: dec!(0.0125)
            })
        );
    }

    #[test]
    fn wrong_fields_each_get_their_message() {
        for stock in ["-1", "abc", "1.5", "", "99999999999"] {
            let error = Edit::parse(stock, "5", "1", "1").unwrap_err();
            assert!(
                matches!(error, DomainError::Validation { field: "stock", .. }),
                "{stock}: {error:?}"
            );
        }
        for price in [
            "abc",
            "-1",
            "1e3",
            "1.23456",
            "10000000000000000",
            "1.2.3",
            ".5",
            "",
        ] {
            let error = Edit::parse("5", "5", price, "1").unwrap_err();
            assert!(
                matches!(error, DomainError::Validation { field: "price", .. }),
                "{price}: {error:?}"
            );
        }
        assert!(matches!(
            Edit::parse("-1", "5", "abc", "1"),
            Err(DomainError::Invalid(fields)) if fields.len() == 2
        ));
        assert_eq!(
            Edit::parse("5", "5", "999999999999999.9999", "1")
                .unwrap()
                .price
                .unwrap()
                .new,
            max_price()
        );
    }

    #[test]
    fn prices_show_at_least_the_minor_units() {
        assert_eq!(
            shown_price(dec!(12.5000), Currency::USD).to_string(),
            "12.50"
        );
        assert_eq!(
            shown_price(dec!(0.0125), Currency::USD).to_string(),
            "0.0125"
        );
        assert_eq!(
            shown_price(dec!(150.0000), Currency::JPY).to_string(),
            "150"
        );
    }
}
