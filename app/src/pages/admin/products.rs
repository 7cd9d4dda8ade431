//! The product list: search, filters and sort in a GET form (a filtered view is a
//! link), pages, and bulk actions on the ticked rows in a POST form.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{AdminFrame, AdminSection, loaded};
use crate::components::form::{FormAlert, LangField, Notice, returned_error};
use crate::i18n::use_locale;
use crate::page::{AdminPage, Page};
use crate::pages::account::query;
use crate::server::admin::products::{
    BulkProducts, ProductListDto, ProductRowDto, get_admin_products,
};
use crate::tr;

/// The list's query parameters, in the order the address keeps them.
const PARAMS: [&str; 6] = ["q", "status", "category", "stock", "sort", "page"];

#[component]
pub fn ProductsPage() -> impl IntoView {
    let locale = use_locale();
    let get = |name: &'static str| query(name).filter(|v| !v.is_empty());
    let data = OnceResource::new(get_admin_products(
        locale.slug().to_string(),
        get("q"),
        get("status"),
        get("category"),
        get("stock"),
        get("sort"),
        get("page"),
    ));
    // The filters as a query string (without the page), for the page links and to
    // come back to after a bulk action.
    let filters: String = PARAMS[..5]
        .iter()
        .filter_map(|name| get(name).map(|v| format!("{name}={}", crate::url::encode(&v))))
        .collect::<Vec<_>>()
        .join("&");
    let error = returned_error::<BulkProducts>();
    let changed = query("changed");
    view! {
        <AdminFrame title=tr!("admin.products.title") current=AdminSection::Products>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <a href=Page::Admin(AdminPage::Product("new".into())).at(locale) class="rounded-md bg-stone-900 px-4 py-2 text-sm text-white" data-testid="new-product">{tr!("admin.products.new")}</a>
            </div>
            {changed.map(|n| view! { <Notice text=tr!("admin.products.changed", count = n) /> })}
            <FormAlert error=error fields=&[] />
            {loaded(data, move |list: ProductListDto| {
                let filters = filters.clone();
                view! {
                    <FilterForm categories=list.categories.clone() />
                    <BulkForm list filters />
                }.into_any()
            })}
        </AdminFrame>
    }
}

#[component]
fn FilterForm(categories: Vec<(String, String)>) -> impl IntoView {
    let locale = use_locale();
    let field = "rounded-md border border-stone-300 px-2 py-1";
    let chosen = |name: &'static str| query(name).unwrap_or_default();
    let options = |name: &'static str, values: Vec<(String, String)>| {
        let current = chosen(name);
        values
            .into_iter()
            .map(|(value, label)| {
                let selected = value == current;
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let statuses = ["draft", "active", "archived"]
        .map(|s| {
            (
                s.to_string(),
                crate::i18n::translate(&format!("admin.products.status.{s}")),
            )
        })
        .to_vec();
    let stock = ["in", "low", "out"]
        .map(|s| {
            (
                s.to_string(),
                crate::i18n::translate(&format!("admin.products.stock.{s}")),
            )
        })
        .to_vec();
    let sorts = [
        "newest",
        "name",
        "price",
        "price_desc",
        "stock",
        "stock_desc",
    ]
    .map(|s| {
        (
            s.to_string(),
            crate::i18n::translate(&format!("admin.products.sort.{s}")),
        )
    })
    .to_vec();
    let all = |key: &str| view! { <option value="">{crate::i18n::translate(key)}</option> };
    view! {
        <form method="get" action=Page::Admin(AdminPage::Products).at(locale) class="flex flex-wrap items-end gap-2 text-sm" data-testid="product-filter" role="search">
            <label class="flex flex-col gap-1">{tr!("admin.products.search")}
                <input type="search" name="q" value=chosen("q") maxlength="100" class=field data-testid="product-search" />
            </label>
            <label class="flex flex-col gap-1">{tr!("admin.products.status_label")}
                <select name="status" class=field>{all("admin.products.any")}{options("status", statuses)}</select>
            </label>
            <label class="flex flex-col gap-1">{tr!("admin.products.category")}
                <select name="category" class=field>{all("admin.products.any")}{options("category", categories)}</select>
            </label>
            <label class="flex flex-col gap-1">{tr!("admin.products.stock_label")}
                <select name="stock" class=field>{all("admin.products.any")}{options("stock", stock)}</select>
            </label>
            <label class="flex flex-col gap-1">{tr!("admin.products.sort_label")}
                <select name="sort" class=field>{options("sort", sorts)}</select>
            </label>
            <button type="submit" class="rounded-md border border-stone-300 px-4 py-1.5">{tr!("admin.products.filter")}</button>
        </form>
    }
}

#[component]
fn BulkForm(list: ProductListDto, filters: String) -> impl IntoView {
    let locale = use_locale();
    let field = "rounded-md border border-stone-300 px-2 py-1";
    let page_link = |page: i64| {
        let query = if filters.is_empty() {
            format!("page={page}")
        } else {
            format!("{filters}&page={page}")
        };
        Page::Admin(AdminPage::Products).at_with(locale, &query)
    };
    let previous = (list.page > 1).then(|| page_link(list.page - 1));
    let next = list.more.then(|| page_link(list.page + 1));
    if list.rows.is_empty() {
        return view! { <p class="text-stone-500" data-testid="empty">{tr!("admin.products.empty")}</p> }.into_any();
    }
    view! {
        <form method="post" action=BulkProducts::url() class="flex flex-col gap-3" data-testid="bulk">
            <LangField />
            <input type="hidden" name="back" value=filters.clone() />
            <div class="flex flex-wrap items-end gap-2 text-sm">
                <label class="flex flex-col gap-1">{tr!("admin.products.bulk")}
                    <select name="action" class=field data-testid="bulk-action">
                        <option value="publish">{tr!("admin.products.publish")}</option>
                        <option value="unpublish">{tr!("admin.products.unpublish")}</option>
                        <option value="archive">{tr!("admin.products.archive")}</option>
                        <option value="move">{tr!("admin.products.move")}</option>
                    </select>
                </label>
                <label class="flex flex-col gap-1">{tr!("admin.products.move_to")}
                    <select name="category" class=field>
                        <option value="">"—"</option>
                        {list.categories.iter().map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="rounded-md border border-stone-300 px-4 py-1.5" data-testid="bulk-apply">{tr!("admin.products.apply")}</button>
            </div>
            <div class="overflow-x-auto">
                <table class="w-full text-left text-sm" data-testid="product-list">
                    <thead class="border-b border-stone-300 text-stone-600">
                        <tr>
                            <th class="py-2 pr-2"><span class="sr-only">{tr!("admin.products.tick")}</span></th>
                            <th class="py-2 pr-4">{tr!("admin.products.name")}</th>
                            <th class="py-2 pr-4">{tr!("admin.products.status_label")}</th>
                            <th class="py-2 pr-4">{tr!("admin.products.category")}</th>
                            <th class="py-2 pr-4">{tr!("admin.products.sku")}</th>
                            <th class="py-2 pr-4 text-right">{tr!("admin.products.price")}</th>
                            <th class="py-2 text-right">{tr!("admin.products.stock_label")}</th>
                        </tr>
                    </thead>
                    <tbody>{list.rows.into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
        </form>
        <nav class="flex gap-4 text-sm" aria-label=tr!("admin.products.pages")>
            {previous.map(|href| view! { <a href=href class="underline" rel="prev">{tr!("admin.products.previous")}</a> })}
            {next.map(|href| view! { <a href=href class="underline" rel="next" data-testid="next-page">{tr!("admin.products.next")}</a> })}
        </nav>
    }
    .into_any()
}

fn row(row: ProductRowDto) -> impl IntoView {
    let locale = use_locale();
    let href = Page::Admin(AdminPage::Product(row.id.clone())).at(locale);
    let tick = format!("ids[id{}]", row.id);
    let stock_class = if row.stock == 0 { "text-red-700" } else { "" };
    view! {
        <tr class="border-b border-stone-200 align-top" data-testid="product-row">
            <td class="py-2 pr-2"><input type="checkbox" name=tick aria-label=row.name.clone() data-testid="tick" /></td>
            <td class="py-2 pr-4">
                <a href=href class="underline">{row.name.clone()}</a>
                {row.untranslated.then(|| view! { <span class="ml-2 rounded bg-amber-100 px-1 text-xs text-amber-900">{tr!("admin.products.missing")}</span> })}
                {row.featured.then(|| view! { <span class="ml-2 text-xs text-stone-500">{tr!("admin.products.featured")}</span> })}
            </td>
            <td class="py-2 pr-4" data-testid="row-status">{crate::i18n::translate(&format!("admin.products.status.{}", row.status))}</td>
            <td class="py-2 pr-4">{row.category}</td>
            <td class="py-2 pr-4 font-mono">{row.sku}
                {(row.variants > 1).then(|| view! { <span class="block text-xs text-stone-500">{tr!("admin.products.variant_count", count = row.variants.to_string())}</span> })}
            </td>
            <td class="py-2 pr-4 text-right whitespace-nowrap">{row.price}</td>
            <td class=format!("py-2 text-right {stock_class}")>{row.stock}</td>
        </tr>
    }
}
