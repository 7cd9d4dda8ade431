//! The home page: the shop's categories, read from the database.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::server::{CategoryGroup, get_category_groups};
use crate::tr;

#[component]
pub fn HomePage() -> impl IntoView {
    let groups = OnceResource::new(get_category_groups());
    view! {
        <Title text=tr!("home.title") />
        <Meta name="description" content=tr!("home.description") />
        <section aria-labelledby="categories-heading">
            <h1 id="categories-heading" class="mb-6 text-2xl font-semibold">
                {tr!("home.categories")}
            </h1>
            <Suspense fallback=|| view! { <p>{tr!("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    match groups.await {
                        Ok(groups) if groups.is_empty() => {
                            view! { <p class="text-stone-500">{tr!("home.empty")}</p> }.into_any()
                        }
                        Ok(groups) => view! { <CategoryGrid groups /> }.into_any(),
                        Err(error) => {
                            view! {
                                <p role="alert" class="text-red-700">{error.to_string()}</p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CategoryGrid(groups: Vec<CategoryGroup>) -> impl IntoView {
    view! {
        <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="category-list">
            {groups
                .into_iter()
                .map(|group| {
                    view! {
                        <li class="rounded-lg border border-stone-200 bg-white p-5 shadow-sm">
                            <h2 class="text-lg font-medium">{group.category.name}</h2>
                            <ul class="mt-2 space-y-1 text-sm text-stone-600">
                                {group
                                    .children
                                    .into_iter()
                                    .map(|child| view! { <li>{child.name}</li> })
                                    .collect_view()}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
