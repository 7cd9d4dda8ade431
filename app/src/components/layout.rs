//! The frame around every page: header, navigation and footer.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{Locale, use_locale};
use crate::server::{ShopInfo, get_shop_info};
use crate::tr;

/// The currencies the switcher will offer once prices are multi-currency.
const CURRENCIES: [&str; 6] = ["USD", "EUR", "BRL", "GBP", "JPY", "CNY"];

type Shop = OnceResource<Result<ShopInfo, AppError>>;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let shop: Shop = OnceResource::new(get_shop_info());
    view! {
        <div class="flex min-h-screen flex-col">
            <Header shop />
            <main class="mx-auto w-full max-w-6xl flex-1 px-4 py-8">{children()}</main>
            <Footer shop />
        </div>
    }
}

/// The shop's name once loaded; empty if it could not be (the page still renders).
async fn shop_name(shop: Shop) -> String {
    shop.await.map(|info| info.name).unwrap_or_default()
}

#[component]
fn Header(shop: Shop) -> impl IntoView {
    // The menu button only works once the page has hydrated; without JavaScript the
    // categories are reachable from the home page instead.
    let (menu_open, set_menu_open) = signal(false);
    view! {
        <header class="border-b border-stone-200 bg-white">
            <div class="mx-auto flex max-w-6xl items-center gap-4 px-4 py-4">
                <a href="/" class="text-xl font-semibold tracking-tight" data-testid="shop-name">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(shop_name(shop))}
                    </Suspense>
                </a>
                <span class="hidden text-sm text-stone-500 sm:inline">{tr!("layout.tagline")}</span>
                <div class="ml-auto flex items-center gap-3">
                    <LanguagePicker />
                    <CurrencyPicker />
                    <button
                        type="button"
                        class="rounded-md border border-stone-300 px-3 py-1.5 text-sm hover:bg-stone-100"
                        data-testid="menu-toggle"
                        aria-controls="site-menu"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| set_menu_open.update(|open| *open = !*open)
                    >
                        {tr!("layout.menu")}
                    </button>
                </div>
            </div>
            <nav
                id="site-menu"
                class="mx-auto max-w-6xl px-4 pb-4"
                class:hidden=move || !menu_open.get()
                aria-label=tr!("layout.menu")
            >
                <a href="/" class="text-sm underline">{tr!("layout.home")}</a>
            </nav>
        </header>
    }
}

/// Shows the languages the shop will speak. Switching arrives with the storefront's
/// per-request language (URL, cookie, Accept-Language); until then it is disabled.
#[component]
fn LanguagePicker() -> impl IntoView {
    let current = use_locale();
    view! {
        <label class="text-sm">
            <span class="sr-only">{tr!("layout.language")}</span>
            <select
                disabled
                title=tr!("layout.coming_soon")
                class="rounded-md border border-stone-300 bg-white px-2 py-1"
            >
                {Locale::ALL
                    .into_iter()
                    .map(|locale| {
                        view! {
                            <option value=locale.tag() selected=locale == current>
                                {locale.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Shows the currencies prices will be shown in; disabled until conversion exists.
#[component]
fn CurrencyPicker() -> impl IntoView {
    view! {
        <label class="text-sm">
            <span class="sr-only">{tr!("layout.currency")}</span>
            <select
                disabled
                title=tr!("layout.coming_soon")
                class="rounded-md border border-stone-300 bg-white px-2 py-1"
            >
                {CURRENCIES
                    .into_iter()
                    .map(|code| view! { <option value=code selected=code == "USD">{code}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

#[component]
fn Footer(shop: Shop) -> impl IntoView {
    view! {
        <footer class="border-t border-stone-200 bg-white">
            <div class="mx-auto max-w-6xl px-4 py-6 text-sm text-stone-500">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let name = shop_name(shop).await;
                        tr!("layout.footer", shop = name)
                    })}
                </Suspense>
            </div>
        </footer>
    }
}
