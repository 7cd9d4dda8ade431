//! The Vitrine user interface: one Leptos app rendered on the server and hydrated in the
//! browser. Server functions live in `server/`; everything that touches the database is
//! behind the `ssr` feature and never reaches the wasm build.

#![recursion_limit = "256"]

// The texts come from `strings` (tables built from `locales/ui`); the macro is pointed
// at a folder that does not exist so it loads nothing itself.
rust_i18n::i18n!(
    "no-texts-here",
    fallback = "en",
    backend = crate::strings::Strings
);

pub mod components;
pub mod error;
pub mod i18n;
pub mod page;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod security;
pub mod server;
pub mod strings;
pub mod url;

/// What the shop tells people: a locale key and typed values (shared with `domain`,
/// which builds them, and the wasm, which shows them).
pub use types::message;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, provide_meta_context};
use leptos_router::Lazy;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::Layout;
use crate::i18n::Locale;
use crate::pages::account::AccountArea;
use crate::pages::admin::AdminArea;
use crate::pages::home::HomePage;
use crate::pages::listing::{CategoryPage, SearchPage};
use crate::pages::not_found::NotFound;
use crate::pages::product::ProductPage;
use crate::pages::shop::ShopArea;

/// The HTML document around the app. Rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    security::send_page_headers();
    let locale = request_locale();
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#1c1917" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                <HashedStylesheet options id="leptos" />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-stone-50 text-stone-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The language of the address being rendered (server side; the shell is not hydrated).
fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        return Locale::from_path(parts.uri.path()).unwrap_or_default();
    }
    Locale::default()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    // Pages wait for their data before the first byte (SsrMode::Async): the HTML is
    // complete for crawlers and for shoppers without JavaScript, and the status code
    // and <title> are known before anything is sent.
    view! {
        <Router>
            <Localized>
                <Layout>
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=path!("/:lang") view=HomePage ssr=SsrMode::Async />
                        <Route path=path!("/:lang/c/:slug") view=CategoryPage ssr=SsrMode::Async />
                        <Route path=path!("/:lang/p/:slug") view=ProductPage ssr=SsrMode::Async />
                        <Route path=path!("/:lang/search") view=SearchPage ssr=SsrMode::Async />
                        <Route path=path!("/:lang/account") view={Lazy::<AccountArea>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/:lang/account/*rest") view={Lazy::<AccountArea>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/:lang/admin/accounts") view={Lazy::<AccountArea>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/:lang/cart") view={Lazy::<ShopArea>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/:lang/checkout") view={Lazy::<ShopArea>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/:lang/checkout/:step") view={Lazy::<ShopArea>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/:lang/orders/:id") view={Lazy::<ShopArea>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/:lang/admin/orders") view={Lazy::<ShopArea>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/:lang/admin/orders/:id") view={Lazy::<ShopArea>::new()} ssr=SsrMode::Async />
                        // The back office: one route for its pages (after the three above, which are other
                        // areas' and win as the first match), read by `AdminArea`, which answers 404 for
                        // an address it does not know.
                        <Route path=path!("/:lang/admin") view={Lazy::<AdminArea>::new()} ssr=SsrMode::Async />
                        <Route path=path!("/:lang/admin/*rest") view={Lazy::<AdminArea>::new()} ssr=SsrMode::Async />
                    </Routes>
                </Layout>
            </Localized>
        </Router>
    }
}

/// Provides the address's language to everything inside. Switching language is a full
/// page load (see the language links), so it is read once.
#[component]
fn Localized(children: Children) -> impl IntoView {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    provide_context(Locale::from_path(&path).unwrap_or_default());
    children()
}

/// Sets `data-hydrated="true"` on `<body>` once the wasm has taken over the page, so
/// tests (and styles) can tell a hydrated page from a server-rendered one.
fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
