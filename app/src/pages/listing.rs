//! Category listings and search results: filters kept in the address, so every view is
//! a link that can be shared, and everything works without JavaScript.

use crate::page::Page;
use leptos::prelude::*;
use leptos_meta::Meta;

use super::PageTitle;
use super::not_found::error_page;
use super::{PageLinks, param, query_string};
use crate::components::product_card::ProductGrid;
use crate::i18n::use_locale;
use crate::server::catalog::{FacetDto, ListingPageDto, get_listing_page};
use crate::tr;
use crate::url::ListingQuery;

const SORTS: [&str; 5] = ["relevance", "price-asc", "price-desc", "newest", "name"];

#[component]
pub fn CategoryPage() -> impl IntoView {
    listing_page(param("slug"))
}

#[component]
pub fn SearchPage() -> impl IntoView {
    listing_page(Memo::new(|_| String::new()))
}

fn listing_page(category: Memo<String>) -> impl IntoView {
    let lang = use_locale().slug().to_string();
    let query = query_string();
    let listing = Resource::new(
        move || (category.get(), query.get()),
        move |(category, query)| get_listing_page(lang.clone(), category, query),
    );
    view! {
        <Suspense fallback=|| view! { <p>{tr!("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(page) => view! { <Listing page /> }.into_any(),
                    Err(error) => error_page(error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Listing(page: ListingPageDto) -> impl IntoView {
    let locale = use_locale();
    let is_search = page.title.is_empty();
    let base = page.path.clone();
    let heading = if is_search {
        match &page.query.q {
            Some(q) => tr!("search.results_for", query = q),
            None => tr!("search.title"),
        }
    } else {
        page.title.clone()
    };
    let count = tr!("listing.count", count = page.total);
    let ListingPageDto {
        breadcrumbs,
        products,
        facets,
        corrected,
        query,
        alternates,
        canonical,
        page: current,
        pages,
        total,
        ..
    } = page;
    view! {
        <PageTitle text=heading.clone() />
        <Meta name="description" content=format!("{heading} — {count}") />
        {is_search.then(|| view! { <Meta name="robots" content="noindex" /> })}
        <PageLinks canonical alternates />
        <nav aria-label=tr!("listing.breadcrumbs") class="mb-2 text-sm text-stone-500">
            <a href=Page::Home.at(locale) class="hover:underline">{tr!("layout.home")}</a>
            {breadcrumbs
                .into_iter()
                .map(|crumb| {
                    let href = Page::Category(crumb.slug.to_string()).at(locale);
                    view! {
                        " / "
                        <a href=href class="hover:underline">{crumb.name}</a>
                    }
                })
                .collect_view()}
        </nav>
        <h1 class="text-2xl font-semibold">{heading}</h1>
        <p class="mt-1 text-sm text-stone-500" data-testid="result-count">{count}</p>
        {corrected
            .map(|corrected| {
                let href = format!("{}?q={}", Page::Search.at(locale), crate::url::encode(&corrected));
                view! {
                    <p class="mt-2 text-sm" data-testid="did-you-mean">
                        {tr!("search.showing_for")} " " <a href=href class="font-medium underline">{corrected}</a>
                    </p>
                }
            })}
        <div class="mt-6 grid gap-8 md:grid-cols-[16rem_1fr]">
            <aside aria-label=tr!("listing.filters")>
                <FilterForm query=query.clone() base=base.clone() />
                {facets.into_iter().map(|facet| view! { <FacetLinks facet query=query.clone() base=base.clone() /> }).collect_view()}
            </aside>
            <section>
                {if total == 0 {
                    view! {
                        <div class="rounded-lg border border-dashed border-stone-300 p-10 text-center" data-testid="no-results">
                            <p class="font-medium">{tr!("search.no_results")}</p>
                            <p class="mt-2 text-sm text-stone-500">{tr!("search.no_results_hint")}</p>
                        </div>
                    }
                        .into_any()
                } else {
                    view! { <ProductGrid products /> }.into_any()
                }}
                <Pagination query base current pages />
            </section>
        </div>
    }
}

/// Price range, stock and sort, as a GET form: the address becomes the new filter state.
#[component]
fn FilterForm(query: ListingQuery, base: String) -> impl IntoView {
    view! {
        <form method="get" action=base class="space-y-3 text-sm" data-testid="filters">
            {query.q.clone().map(|q| view! { <input type="hidden" name="q" value=q /> })}
            {query
                .filters
                .iter()
                .map(|(a, v)| view! { <input type="hidden" name="f" value=format!("{a}:{v}") /> })
                .collect_view()}
            <fieldset>
                <legend class="font-medium">{tr!("listing.price")}</legend>
                <div class="mt-1 flex gap-2">
                    <input
                        type="number" name="min_price" min="0" step="any" inputmode="decimal"
                        value=query.min_price.clone().unwrap_or_default()
                        placeholder=tr!("listing.min") aria-label=tr!("listing.min")
                        class="w-24 rounded-md border border-stone-300 px-2 py-1"
                    />
                    <input
                        type="number" name="max_price" min="0" step="any" inputmode="decimal"
                        value=query.max_price.clone().unwrap_or_default()
                        placeholder=tr!("listing.max") aria-label=tr!("listing.max")
                        class="w-24 rounded-md border border-stone-300 px-2 py-1"
                    />
                </div>
            </fieldset>
            <label class="flex items-center gap-2">
                <input type="checkbox" name="in_stock" value="1" checked=query.in_stock />
                {tr!("listing.in_stock_only")}
            </label>
            <label class="block">
                <span class="font-medium">{tr!("listing.sort")}</span>
                <select name="sort" class="mt-1 block w-full rounded-md border border-stone-300 bg-white px-2 py-1">
                    {SORTS
                        .into_iter()
                        .map(|sort| {
                            view! {
                                <option value=sort selected=query.sort == sort>
                                    {crate::i18n::translate(&format!("sort.{sort}"))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit" class="rounded-md bg-stone-900 px-3 py-1.5 text-white">
                {tr!("layout.apply")}
            </button>
        </form>
    }
}

/// An attribute's values as links that switch the filter on or off, with counts.
#[component]
fn FacetLinks(facet: FacetDto, query: ListingQuery, base: String) -> impl IntoView {
    view! {
        <div class="mt-6 text-sm" data-testid=format!("facet-{}", facet.code)>
            <h2 class="font-medium">{facet.name.clone()}</h2>
            <ul class="mt-1 space-y-1">
                {facet
                    .values
                    .into_iter()
                    .map(|value| {
                        let href = format!("{base}{}", query.toggling(&facet.code, &value.code).to_query_string());
                        let mark = if value.selected { "☑" } else { "☐" };
                        view! {
                            <li>
                                <a
                                    href=href
                                    aria-pressed=value.selected.to_string()
                                    class="flex justify-between hover:underline"
                                    class:font-semibold=value.selected
                                >
                                    <span>{mark} " " {value.name}</span>
                                    <span class="text-stone-500">{value.count}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn Pagination(query: ListingQuery, base: String, current: u32, pages: u32) -> impl IntoView {
    let link = move |page: u32| format!("{base}{}", query.on_page(page).to_query_string());
    (pages > 1).then(|| {
        view! {
            <nav aria-label=tr!("listing.pages") class="mt-8 flex items-center justify-between text-sm" data-testid="pagination">
                {(current > 1).then(|| view! { <a href=link(current - 1) rel="prev" class="underline">{tr!("listing.previous")}</a> })}
                <span>{tr!("listing.page_of", page = current, pages = pages)}</span>
                {(current < pages).then(|| view! { <a href=link(current + 1) rel="next" class="underline">{tr!("listing.next")}</a> })}
            </nav>
        }
    })
}
