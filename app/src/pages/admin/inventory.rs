//! The inventory grid: variants with SKU, product, options, stock and price, each row
//! its own small form (it posts, and comes back to the same view of the grid with
//! `saved`), filtered by category and stock level, searchable by SKU or name, paged.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use leptos_router::hooks::use_query_map;

use super::{AdminFrame, AdminSection};
use crate::components::form::{LangField, Notice, error_text, message_text, returned_error};
use crate::error::AppError;
use crate::i18n::use_locale;
use crate::page::{AdminPage, Page};
use crate::server::admin::inventory::{
    GridQuery, InventoryDto, InventoryRowDto, SaveInventoryRow, get_inventory,
};
use crate::tr;

const FIELD: &str = "rounded-md border px-2 py-1";

#[component]
pub fn InventoryPage() -> impl IntoView {
    let lang = use_locale().slug().to_string();
    // A filter, a page or a saved row changes only the query string, and hydrated the
    // router keeps this page for it: the grid follows the address.
    let queries = use_query_map();
    let data = Resource::new(
        move || {
            queries.track();
            data_key(queries)
        },
        move |(grid, _, _)| get_inventory(lang.clone(), grid),
    );
    view! {
        <AdminFrame title=tr!("admin.inventory.title") current=AdminSection::Inventory>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let grid = data.await;
                    let (view_of, saved, _) = data_key(queries);
                    match grid {
                        Ok(grid) => body(grid, view_of, saved),
                        Err(error) => crate::pages::account::overview::load_failed(error),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

type Key = (GridQuery, Option<String>, Option<String>);

fn data_key(queries: Memo<leptos_router::params::ParamsMap>) -> Key {
    queries.with_untracked(|q| {
        (
            GridQuery {
                q: q.get("q"),
                category: q.get("category"),
                stock: q.get("stock"),
                page: q.get("page"),
            },
            q.get("saved"),
            q.get("__err"),
        )
    })
}

fn body(grid: InventoryDto, view_of: GridQuery, saved: Option<String>) -> AnyView {
    let error = returned_error::<SaveInventoryRow>();
    // A row's field errors show on the row; anything else (not allowed, not found) here.
    let general = error
        .clone()
        .filter(|e| !matches!(e, AppError::Validation { .. } | AppError::Fields(_)));
    let stock = view_of.stock.clone().unwrap_or_default();
    view! {
        {saved.is_some().then(|| view! { <Notice text=tr!("admin.inventory.saved") /> })}
        {general.map(|e| view! {
            <p role="alert" class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="form-error">{error_text(&e)}</p>
        })}
        <Filters grid=grid.clone() view_of=view_of.clone() stock=stock />
        <Grid grid view_of error saved />
    }
    .into_any()
}

/// The GET form choosing what the grid shows (a filtered view is a link).
#[component]
fn Filters(grid: InventoryDto, view_of: GridQuery, stock: String) -> impl IntoView {
    let locale = use_locale();
    let category = view_of.category.clone().unwrap_or_default();
    let stock_option = |value: &'static str, label: String| {
        view! { <option value=value selected=stock == value>{label}</option> }
    };
    view! {
        <form method="get" action=Page::Admin(AdminPage::Inventory).at(locale) class="flex flex-wrap items-end gap-2 text-sm" data-testid="inventory-filter">
            <label class="flex flex-col gap-1">{tr!("admin.inventory.search")}
                <input type="search" name="q" value=view_of.q.clone().unwrap_or_default() maxlength="100" class=format!("{FIELD} border-stone-300") />
            </label>
            <label class="flex flex-col gap-1">{tr!("admin.inventory.category")}
                <select name="category" class=format!("{FIELD} border-stone-300")>
                    <option value="">{tr!("admin.inventory.all_categories")}</option>
                    {grid.categories.into_iter().map(|(id, name)| {
                        let chosen = id == category;
                        view! { <option value=id selected=chosen>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="flex flex-col gap-1">{tr!("admin.inventory.stock_level")}
                <select name="stock" class=format!("{FIELD} border-stone-300")>
                    {stock_option("", tr!("admin.inventory.any_stock"))}
                    {stock_option("low", tr!("admin.inventory.low", max = grid.low_stock.to_string()))}
                    {stock_option("out", tr!("admin.inventory.out"))}
                </select>
            </label>
            <button type="submit" class="rounded-md border border-stone-300 px-4 py-1.5">{tr!("admin.inventory.filter")}</button>
        </form>
    }
}

/// Shared by the header and every row, so the columns line up.
const COLUMNS: &str =
    "grid gap-2 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)_7rem_9rem_auto] md:items-start";

#[component]
fn Grid(
    grid: InventoryDto,
    view_of: GridQuery,
    error: Option<AppError>,
    saved: Option<String>,
) -> impl IntoView {
    if grid.rows.is_empty() {
        return view! { <p class="text-stone-500" data-testid="empty">{tr!("admin.inventory.empty")}</p> }.into_any();
    }
    let can_price = grid.can_price;
    let currency = grid.currency.clone();
    let rows = grid
        .rows
        .into_iter()
        .map(|row| {
            let just_saved = saved.as_deref() == Some(row.variant_id.as_str());
            view! { <Row row view_of=view_of.clone() error=error.clone() can_price just_saved /> }
        })
        .collect_view();
    view! {
        <p class="text-sm text-stone-600" data-testid="inventory-total">{tr!("admin.inventory.total", count = grid.total.to_string())}</p>
        <div class="flex flex-col text-sm" data-testid="inventory">
            <div class=format!("{COLUMNS} hidden border-b border-stone-300 py-2 text-stone-600 md:grid")>
                <span>{tr!("admin.inventory.product")}</span>
                <span>{tr!("admin.inventory.sku")}</span>
                <span>{tr!("admin.inventory.stock")}</span>
                <span>{tr!("admin.inventory.price", currency = currency)}</span>
                <span></span>
            </div>
            {rows}
        </div>
        <Pager page=grid.page pages=grid.pages view_of />
    }
    .into_any()
}

#[component]
fn Row(
    row: InventoryRowDto,
    view_of: GridQuery,
    error: Option<AppError>,
    can_price: bool,
    just_saved: bool,
) -> impl IntoView {
    let id = row.variant_id.clone();
    let problem = |field: &str| {
        error
            .as_ref()
            .and_then(|e| e.for_field(&format!("{field}@{id}")))
            .map(|m| message_text(&m))
    };
    let (stock_error, price_error) = (problem("stock"), problem("price"));
    let hidden = |name: &'static str, value: Option<String>| {
        value.map(|value| view! { <input type="hidden" name=name value=value /> })
    };
    let input = |invalid: bool| {
        format!(
            "{FIELD} w-full {}",
            if invalid {
                "border-red-500"
            } else {
                "border-stone-300"
            }
        )
    };
    let status = (row.status != "active")
        .then(|| crate::i18n::translate(&format!("admin.inventory.status.{}", row.status)));
    let price_field = if can_price {
        view! {
            <input name="price" value=row.price.clone() inputmode="decimal" maxlength="24"
                   aria-label=tr!("admin.inventory.price_of", sku = row.sku.clone())
                   aria-invalid=price_error.is_some().then_some("true") class=input(price_error.is_some()) />
        }
        .into_any()
    } else {
        view! { <span data-testid="price">{row.price.clone()}</span> }.into_any()
    };
    view! {
        <form method="post" action=SaveInventoryRow::url()
              class=format!("{COLUMNS} border-b border-stone-200 py-2")
              class:bg-green-50=just_saved
              data-testid="inventory-row" data-sku=row.sku.clone()>
            <LangField />
            <input type="hidden" name="id" value=id.clone() />
            <input type="hidden" name="seen_stock" value=row.stock.to_string() />
            <input type="hidden" name="seen_price" value=row.price.clone() />
            {hidden("back_q", view_of.q)}
            {hidden("back_category", view_of.category)}
            {hidden("back_stock", view_of.stock)}
            {hidden("back_page", view_of.page)}
            <div>
                <span class="font-medium">{row.product}</span>
                {status.map(|s| view! { " " <span class="rounded bg-stone-100 px-1.5 text-xs text-stone-600">{s}</span> })}
                <span class="block text-xs text-stone-500">{row.options}</span>
            </div>
            <div class="font-mono text-xs md:pt-1.5">{row.sku.clone()}</div>
            <div>
                <input name="stock" value=row.stock.to_string() inputmode="numeric" maxlength="10"
                       aria-label=tr!("admin.inventory.stock_of", sku = row.sku.clone())
                       aria-invalid=stock_error.is_some().then_some("true") class=input(stock_error.is_some()) />
                <p class="text-xs text-red-700" data-testid="error-stock">{stock_error}</p>
            </div>
            <div>
                {price_field}
                <p class="text-xs text-red-700" data-testid="error-price">{price_error}</p>
            </div>
            <div>
                <button type="submit" class="rounded-md border border-stone-300 px-3 py-1">{tr!("admin.inventory.save")}</button>
            </div>
        </form>
    }
}

#[component]
fn Pager(page: i64, pages: i64, view_of: GridQuery) -> impl IntoView {
    let locale = use_locale();
    let link = move |to: i64| {
        let query = GridQuery {
            page: Some(to.to_string()),
            ..view_of.clone()
        }
        .to_query_string();
        Page::Admin(AdminPage::Inventory).at_with(locale, &query)
    };
    (pages > 1).then(|| {
        view! {
            <nav class="flex items-center gap-3 text-sm" aria-label=tr!("admin.inventory.pages") data-testid="pager">
                {(page > 1).then(|| view! { <a href=link(page - 1) class="underline" rel="prev">{tr!("admin.inventory.previous")}</a> })}
                <span>{tr!("admin.inventory.page_of", page = page.to_string(), pages = pages.to_string())}</span>
                {(page < pages).then(|| view! { <a href=link(page + 1) class="underline" rel="next">{tr!("admin.inventory.next")}</a> })}
            </nav>
        }
    })
}
