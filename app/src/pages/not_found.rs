//! The page for addresses that lead nowhere, sent with status 404.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::tr;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=tr!("not_found.title") />
        <Meta name="robots" content="noindex" />
        <section class="py-16 text-center" data-testid="not-found">
            <p class="text-sm font-semibold text-stone-500">"404"</p>
            <h1 class="mt-2 text-3xl font-semibold">{tr!("not_found.title")}</h1>
            <p class="mt-4 text-stone-600">{tr!("not_found.body")}</p>
            <a href="/" class="mt-6 inline-block rounded-md bg-stone-900 px-4 py-2 text-white">
                {tr!("not_found.back")}
            </a>
        </section>
    }
}
