//! The home page: categories, featured products and new arrivals.

use crate::page::Page;
use leptos::prelude::*;
use leptos_meta::Meta;

use super::PageLinks;
use super::PageTitle;
use super::not_found::error_page;
use crate::components::product_card::ProductGrid;
use crate::i18n::use_locale;
use crate::server::catalog::get_home_page;
use crate::server::{CategoryGroup, get_category_groups};
use crate::tr;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_locale().slug().to_string();
    let groups = OnceResource::new(get_category_groups(lang.clone()));
    let home = OnceResource::new(get_home_page(lang));
    view! {
        <PageTitle text=tr!("home.title") />
        <Meta name="description" content=tr!("home.description") />
        <Suspense fallback=|| view! { <p>{tr!("common.loading")}</p> }>
            {move || Suspend::new(async move {
                let (groups, home) = match (groups.await, home.await) {
                    (Ok(groups), Ok(home)) => (groups, home),
                    (Err(error), _) | (_, Err(error)) => return error_page(error),
                };
                view! {
                    <PageLinks canonical=home.canonical alternates=home.alternates />
                    <section aria-labelledby="categories-heading">
                        <h1 id="categories-heading" class="mb-6 text-2xl font-semibold">
                            {tr!("home.categories")}
                        </h1>
                        {if groups.is_empty() {
                            view! { <p class="text-stone-500">{tr!("home.empty")}</p> }.into_any()
                        } else {
                            view! { <CategoryGrid groups /> }.into_any()
                        }}
                    </section>
                    <section class="mt-10" aria-labelledby="featured-heading">
                        <h2 id="featured-heading" class="mb-4 text-xl font-semibold">{tr!("home.featured")}</h2>
                        <ProductGrid products=home.featured />
                    </section>
                    <section class="mt-10" aria-labelledby="new-heading">
                        <h2 id="new-heading" class="mb-4 text-xl font-semibold">{tr!("home.new_arrivals")}</h2>
                        <ProductGrid products=home.new_arrivals />
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn CategoryGrid(groups: Vec<CategoryGroup>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="category-list">
            {groups
                .into_iter()
                .map(|group| {
                    let href = Page::Category(group.category.slug.to_string()).at(locale);
                    view! {
                        <li class="rounded-lg border border-stone-200 bg-white p-5 shadow-sm">
                            <h2 class="text-lg font-medium">
                                <a href=href class="hover:underline">{group.category.name}</a>
                            </h2>
                            <ul class="mt-2 space-y-1 text-sm text-stone-600">
                                {group
                                    .children
                                    .into_iter()
                                    .map(|child| {
                                        let href = Page::Category(child.slug.to_string()).at(locale);
                                        view! {
                                            <li>
                                                <a href=href class="hover:underline">{child.name}</a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
