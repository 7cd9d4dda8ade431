//! The product list's data and its bulk actions (publish, unpublish, archive, move to a
//! category), for staff with the `catalog` permission.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

/// Rows per page.
pub const PER_PAGE: i64 = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRowDto {
    pub id: String,
    pub name: String,
    /// No name in the page's language: the shop's is shown, marked as such.
    pub untranslated: bool,
    pub status: String,
    pub featured: bool,
    pub category: String,
    pub sku: String,
    pub variants: i32,
    pub stock: i64,
    /// The cheapest to dearest variant in the base currency ("$20.00 – $22.00"); empty
    /// without variants.
    pub price: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductListDto {
    pub rows: Vec<ProductRowDto>,
    pub page: i64,
    pub more: bool,
    /// (id, name) of every category, for the filter and "move to".
    pub categories: Vec<(String, String)>,
}

/// A page of the product list. Unknown filter values are ignored (a hand-edited address
/// shows everything rather than an error).
#[server]
pub async fn get_admin_products(
    lang: String,
    q: Option<String>,
    status: Option<String>,
    category: Option<String>,
    stock: Option<String>,
    sort: Option<String>,
    page: Option<String>,
) -> Result<ProductListDto, AppError> {
    use domain::accounts::staff::can;
    use domain::catalog::admin::{Status, list};
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            crate::server::ssr::no_store();
            let settings = crate::server::ssr::settings(&request.pool).await?;
            let page = page
                .and_then(|p| p.trim().parse::<i64>().ok())
                .unwrap_or(1)
                .max(1);
            let filter = list::Filter {
                query: q,
                status: status.as_deref().and_then(Status::parse),
                category: category
                    .as_deref()
                    .and_then(|c| uuid::Uuid::parse_str(c.trim()).ok()),
                stock: stock.as_deref().and_then(list::StockFilter::parse),
                sort: sort
                    .as_deref()
                    .and_then(list::Sort::parse)
                    .unwrap_or_default(),
                page,
                per_page: PER_PAGE,
            };
            let found = list::list(
                &request.pool,
                &allowed,
                request.locale.tag(),
                &settings.default_locale,
                &filter,
            )
            .await?;
            let base =
                domain::money::currencies::by_code(&request.pool, &settings.base_currency).await?;
            let money = |amount: rust_decimal::Decimal| {
                domain::money::format(
                    domain::money::Money::new(amount, base),
                    request.locale.tag(),
                )
            };
            let rows = found
                .rows
                .into_iter()
                .map(|r| ProductRowDto {
                    id: r.id.to_string(),
                    name: r.name,
                    untranslated: r.untranslated,
                    status: r.status,
                    featured: r.featured,
                    category: r.category.unwrap_or_default(),
                    sku: r.sku.unwrap_or_default(),
                    variants: r.variants,
                    stock: r.stock,
                    price: match (r.min_price, r.max_price) {
                        (Some(low), Some(high)) if low != high => {
                            format!("{} – {}", money(low), money(high))
                        }
                        (Some(low), _) => money(low),
                        _ => String::new(),
                    },
                })
                .collect();
            let choices = domain::catalog::admin::editor::choices(
                &request.pool,
                &allowed,
                request.locale.tag(),
            )
            .await?;
            Ok(ProductListDto {
                rows,
                page,
                more: found.more,
                categories: choices
                    .categories
                    .into_iter()
                    .map(|c| (c.id.to_string(), c.name))
                    .collect(),
            })
        }
        .await,
    )
}

/// Does `action` (`publish`, `unpublish`, `archive`, `move`) to the ticked products
/// (`ids[id<id>]=on`: ids as keys get a letter in front, as `serde_qs` reads a key
/// starting with a digit as a list index), each audited, then goes back to the list as it was (`back`, its
/// query string).
#[server]
pub async fn bulk_products(
    lang: String,
    action: String,
    category: Option<String>,
    ids: Option<BTreeMap<String, String>>,
    back: Option<String>,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    use domain::catalog::admin::list::{self, Bulk};
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let products = ids
                .unwrap_or_default()
                .keys()
                .map(|key| {
                    crate::server::admin::product::form_id(key)
                        .ok_or_else(|| AppError::NotFound("product".into()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let action = match action.as_str() {
                "publish" => Bulk::Publish,
                "unpublish" => Bulk::Unpublish,
                "archive" => Bulk::Archive,
                "move" => Bulk::MoveTo(
                    category
                        .as_deref()
                        .and_then(|c| uuid::Uuid::parse_str(c.trim()).ok())
                        .ok_or_else(|| AppError::Validation {
                            field: "category".into(),
                            message: "admin.products.errors.category".into(),
                        })?,
                ),
                _ => {
                    return Err(AppError::Validation {
                        field: "action".into(),
                        message: "admin.products.errors.action".into(),
                    });
                }
            };
            let changed = list::bulk(&request.pool, &allowed, &products, action).await?;
            // The list's own filters, without a previous action's notice or error.
            let mut query: Vec<&str> = back
                .as_deref()
                .unwrap_or_default()
                .trim_start_matches('?')
                .split('&')
                .filter(|pair| {
                    let name = pair.split('=').next().unwrap_or_default();
                    !pair.is_empty() && !matches!(name, "changed" | "__path" | "__err")
                })
                .collect();
            let changed = format!("changed={changed}");
            query.push(&changed);
            let query = query.join("&");
            request.go_with(
                &crate::page::Page::Admin(crate::page::AdminPage::Products),
                &query,
            );
            Ok(())
        }
        .await,
    )
}
