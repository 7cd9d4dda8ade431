//! The inventory grid's data and its row form. Stock takes the `inventory` permission;
//! a new price also takes `catalog` (the domain refuses it otherwise, and the grid shows
//! the price read-only).

// A row's form posts its fields and the grid's view it came from, one argument each.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryRowDto {
    pub variant_id: String,
    pub product_id: String,
    pub sku: String,
    pub product: String,
    pub options: String,
    pub status: String,
    pub stock: i32,
    /// As the price field shows and takes it: `12.50`.
    pub price: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryDto {
    pub rows: Vec<InventoryRowDto>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// The base currency's code, which prices are in.
    pub currency: String,
    /// (id, name) in tree order, subcategories' names indented.
    pub categories: Vec<(String, String)>,
    /// Whether prices may be changed here (`catalog`).
    pub can_price: bool,
    pub low_stock: i32,
}

/// The grid's view: search text, category id, stock filter (`low`, `out`), page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridQuery {
    pub q: Option<String>,
    pub category: Option<String>,
    pub stock: Option<String>,
    pub page: Option<String>,
}

impl GridQuery {
    /// As a query string (encoded), blank parts left out; `page` only past the first.
    pub fn to_query_string(&self) -> String {
        let parts = [
            ("q", &self.q),
            ("category", &self.category),
            ("stock", &self.stock),
            ("page", &self.page),
        ];
        parts
            .iter()
            .filter_map(|(name, value)| {
                let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
                (*name != "page" || value != "1")
                    .then(|| format!("{name}={}", crate::url::encode(value)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[server]
pub async fn get_inventory(lang: String, query: GridQuery) -> Result<InventoryDto, AppError> {
    use domain::accounts::staff::{Permission, can};
    use domain::catalog::inventory::{self, Filter, StockFilter};
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Inventory>().await?;
            crate::server::ssr::no_store();
            let reader = request.reader().await?;
            let names = (request.locale.tag(), reader.default_locale.as_str());
            let filter = Filter {
                search: query.q.clone(),
                // An id that is no category shows everything rather than failing.
                category: query
                    .category
                    .as_deref()
                    .and_then(|c| uuid::Uuid::parse_str(c.trim()).ok()),
                stock: StockFilter::parse(query.stock.as_deref().unwrap_or_default()),
                page: query
                    .page
                    .as_deref()
                    .and_then(|p| p.trim().parse().ok())
                    .unwrap_or(1),
            };
            let grid = inventory::list(&request.pool, &allowed, &filter, names).await?;
            let tree = domain::catalog::category_tree(&request.pool, names.0, names.1).await?;
            let categories = tree
                .into_iter()
                .flat_map(|branch| {
                    std::iter::once((branch.category.id.to_string(), branch.category.name)).chain(
                        branch
                            .children
                            .into_iter()
                            .map(|c| (c.id.to_string(), format!("— {}", c.name))),
                    )
                })
                .collect();
            Ok(InventoryDto {
                rows: grid
                    .rows
                    .into_iter()
                    .map(|r| InventoryRowDto {
                        variant_id: r.variant_id.to_string(),
                        product_id: r.product_id.to_string(),
                        sku: r.sku,
                        product: r.product,
                        options: r.options,
                        status: r.status,
                        stock: r.stock,
                        price: r.price.to_string(),
                    })
                    .collect(),
                total: grid.total,
                page: grid.page,
                pages: grid.pages,
                currency: grid.currency.code().to_string(),
                categories,
                can_price: allowed.staff().has(Permission::Catalog),
                low_stock: domain::reports::todo::LOW_STOCK,
            })
        }
        .await,
    )
}

/// Saves one row of the grid: its stock and price, each only if it differs from the
/// value the row showed (`seen_…`), then back to the same view of the grid (`back_…`:
/// the search, category, stock filter and page it was on). A field's
/// error comes back named `<field>@<variant id>`, so the grid shows it on its row.
#[server]
pub async fn save_inventory_row(
    lang: String,
    id: String,
    stock: String,
    seen_stock: String,
    price: Option<String>,
    seen_price: String,
    back_q: Option<String>,
    back_category: Option<String>,
    back_stock: Option<String>,
    back_page: Option<String>,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    use domain::catalog::inventory::{self, Edit};
    let result = async {
        let request = Request::of(&lang).await?;
        let allowed = request.allowed::<can::Inventory>().await?;
        let pricer = allowed.staff().allowed::<can::Catalog>().ok();
        let variant = request::uuid(&id, "product")?;
        // Without the catalog permission the grid sends no price: it stays as shown.
        let price = price.unwrap_or_else(|| seen_price.clone());
        let edit = Edit::parse(&stock, &seen_stock, &price, &seen_price)
            .map_err(|e| on_row(e.into(), &id))?;
        inventory::update(&request.pool, &allowed, pricer.as_ref(), variant, &edit)
            .await
            .map_err(|e| on_row(e.into(), &id))?;
        let back = GridQuery {
            q: back_q,
            category: back_category,
            stock: back_stock,
            page: back_page,
        };
        let mut query = back.to_query_string();
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&format!("saved={}", crate::url::encode(id.trim())));
        request.go_with(
            &crate::page::Page::Admin(crate::page::AdminPage::Inventory),
            &query,
        );
        Ok(())
    }
    .await;
    request::answer(result)
}

/// The error with its fields named for the row (`stock@<id>`).
#[cfg(feature = "ssr")]
fn on_row(error: AppError, id: &str) -> AppError {
    let id = id.trim();
    match error {
        AppError::Validation { field, message } => AppError::Validation {
            field: format!("{field}@{id}"),
            message,
        },
        AppError::Fields(fields) => AppError::Fields(
            fields
                .into_iter()
                .map(|(field, message)| (format!("{field}@{id}"), message))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_query_keeps_only_what_is_set() {
        let query = GridQuery {
            q: Some("red shirt".into()),
            category: Some(" ".into()),
            stock: Some("low".into()),
            page: Some("1".into()),
        };
        assert_eq!(query.to_query_string(), "q=red%20shirt&stock=low");
        let later = GridQuery {
            page: Some("3".into()),
            ..GridQuery::default()
        };
        assert_eq!(later.to_query_string(), "page=3");
    }
}
