//! Pages for addresses that lead nowhere (404) and requests that failed (400, 500).

use crate::page::Page;
use leptos::prelude::*;
use leptos_meta::Meta;

use super::PageTitle;
use crate::error::AppError;
use crate::i18n::use_locale;
use crate::tr;

#[cfg(feature = "ssr")]
pub(crate) fn set_status(status: u16) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(status)
    {
        response.set_status(status);
        if status == axum::http::StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("2"),
            );
        }
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_status(404);
    view! {
        <PageTitle text=tr!("not_found.title") />
        <Meta name="robots" content="noindex" />
        <section class="py-16 text-center" data-testid="not-found">
            <p class="text-sm font-semibold text-stone-500">"404"</p>
            <h1 class="mt-2 text-3xl font-semibold">{tr!("not_found.title")}</h1>
            <p class="mt-4 text-stone-600">{tr!("not_found.body")}</p>
            <a
                href=Page::Home.at(use_locale())
                class="mt-6 inline-block rounded-md bg-stone-900 px-4 py-2 text-white"
            >
                {tr!("not_found.back")}
            </a>
        </section>
    }
}

/// What a page shows when loading its data failed: not found, a request we cannot
/// serve (400, with the reason), or our own failure (500, without details).
pub fn error_page(error: AppError) -> AnyView {
    match error {
        AppError::NotFound(_) => view! { <NotFound /> }.into_any(),
        AppError::Validation { message, .. } => {
            #[cfg(feature = "ssr")]
            set_status(400);
            let detail = crate::components::form::message_text(&message);
            view! { <ErrorMessage title=tr!("error.bad_request") detail /> }.into_any()
        }
        AppError::Busy => {
            #[cfg(feature = "ssr")]
            set_status(503);
            view! { <ErrorMessage title=tr!("error.busy_title") detail=tr!("error.busy_body") /> }
                .into_any()
        }
        _ => {
            #[cfg(feature = "ssr")]
            set_status(500);
            view! { <ErrorMessage title=tr!("error.title") detail=tr!("error.body") /> }.into_any()
        }
    }
}

#[component]
fn ErrorMessage(title: String, detail: String) -> impl IntoView {
    view! {
        <PageTitle text=title.clone() />
        <Meta name="robots" content="noindex" />
        <section class="py-16 text-center" role="alert" data-testid="error-page">
            <h1 class="text-3xl font-semibold">{title}</h1>
            <p class="mt-4 text-stone-600">{detail}</p>
            <a href=Page::Home.at(use_locale()) class="mt-6 inline-block underline">{tr!("not_found.back")}</a>
        </section>
    }
}
