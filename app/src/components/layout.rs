//! The frame around every page: header with search and switchers, navigation, footer.
//!
//! Everything here works without JavaScript: switching language or currency is a link
//! or a GET form handled by the server, which redirects back to the same page.

use crate::page::{AccountPage, Page};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::error::AppError;
use crate::i18n::{Locale, use_locale};
use crate::server::{CategoryGroup, ShopInfo, get_category_groups, get_shop_info};
use crate::tr;
use crate::url::encode;

type Shop = OnceResource<Result<ShopInfo, AppError>>;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let lang = use_locale().slug().to_string();
    let shop: Shop = OnceResource::new(get_shop_info(lang.clone()));
    let categories = OnceResource::new(get_category_groups(lang));
    view! {
        <div class="flex min-h-screen flex-col">
            <TestPaymentsBanner shop />
            <Header shop categories />
            <main class="mx-auto w-full max-w-6xl flex-1 px-4 py-8">{children()}</main>
            <Footer shop />
        </div>
    }
}

/// The shop's name once loaded; empty if it could not be (the page still renders).
async fn shop_name(shop: Shop) -> String {
    shop.await.map(|info| info.name).unwrap_or_default()
}

/// This page's address (path and query), for switchers to come back to.
fn here() -> String {
    let location = use_location();
    let path = location.pathname.get_untracked();
    // The query string comes with its `?` in the browser and without it on the server.
    let search = location.search.get_untracked();
    match search.trim_start_matches('?') {
        "" => path,
        query => format!("{path}?{query}"),
    }
}

#[component]
fn Header(
    shop: Shop,
    categories: OnceResource<Result<Vec<CategoryGroup>, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    // The menu button only works once the page has hydrated; without JavaScript the
    // categories are reachable from the home page instead.
    let (menu_open, set_menu_open) = signal(false);
    // Read here, while the router is certainly in reach: the currency form renders later,
    // when the shop's data arrives, possibly after the request has gone.
    let back = here();
    view! {
        <header class="border-b border-stone-200 bg-white">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-4">
                <a
                    href=Page::Home.at(locale)
                    class="text-xl font-semibold tracking-tight"
                    data-testid="shop-name"
                >
                    <Suspense fallback=|| ()>{move || Suspend::new(shop_name(shop))}</Suspense>
                </a>
                <form method="get" action=Page::Search.at(locale) role="search" class="flex flex-1 gap-2">
                    <input
                        type="search"
                        name="q"
                        maxlength="200"
                        placeholder=tr!("search.placeholder")
                        aria-label=tr!("search.placeholder")
                        class="min-w-0 flex-1 rounded-md border border-stone-300 px-3 py-1.5 text-sm"
                    />
                    <button type="submit" class="rounded-md bg-stone-900 px-3 py-1.5 text-sm text-white">
                        {tr!("search.button")}
                    </button>
                </form>
                <div class="flex items-center gap-3">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            shop.await.ok().map(|info| view! {
                                <AccountLink signed_in=info.signed_in />
                                <MiniCart cart=info.cart />
                            })
                        })}
                    </Suspense>
                    <LanguageLinks />
                    <Suspense fallback=|| ()>
                        {move || {
                            let back = back.clone();
                            Suspend::new(async move {
                                shop.await.ok().map(|info| view! { <CurrencyForm info back /> })
                            })
                        }}
                    </Suspense>
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
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let groups = categories.await.unwrap_or_default();
                        view! {
                            <ul class="flex flex-wrap gap-4 text-sm">
                                {groups
                                    .into_iter()
                                    .map(|group| {
                                        let href = Page::Category(group.category.slug.to_string()).at(locale);
                                        view! {
                                            <li>
                                                <a href=href class="underline">{group.category.name}</a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })}
                </Suspense>
            </nav>
        </header>
    }
}

/// Said on every page of a shop whose test card is on, so nobody mistakes it for a
/// real shop (and its owner notices before selling for nothing).
#[component]
fn TestPaymentsBanner(shop: Shop) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                shop.await.ok().filter(|info| info.test_payments).map(|_| view! {
                    <p
                        role="note"
                        class="bg-amber-100 px-4 py-2 text-center text-sm text-amber-900"
                        data-testid="test-payments"
                    >
                        {tr!("layout.test_payments")}
                    </p>
                })
            })}
        </Suspense>
    }
}

/// "My account" for the signed-in, "Sign in" for everyone else.
#[component]
fn AccountLink(signed_in: bool) -> impl IntoView {
    let locale = use_locale();
    let (href, label) = if signed_in {
        (
            Page::Account(AccountPage::Overview).at(locale),
            tr!("account.my_account"),
        )
    } else {
        (
            Page::Account(AccountPage::SignIn).at(locale),
            tr!("account.sign_in"),
        )
    };
    view! { <a href=href class="text-sm underline" data-testid="account-link">{label}</a> }
}

/// The same page in each language, through the server (which knows each language's
/// slugs). `rel="external"`: a full page load, since the whole page changes language.
#[component]
fn LanguageLinks() -> impl IntoView {
    let current = use_locale();
    let from = encode(&here());
    view! {
        <ul class="flex gap-2 text-sm" aria-label=tr!("layout.language") data-testid="languages">
            {Locale::ALL
                .into_iter()
                .map(|locale| {
                    let href = format!("/language?to={}&from={from}", locale.slug());
                    view! {
                        <li>
                            <a
                                href=href
                                rel="external"
                                hreflang=locale.tag()
                                lang=locale.tag()
                                aria-current=(locale == current).then_some("true")
                                class=if locale == current { "font-semibold" } else { "text-stone-500 hover:underline" }
                            >
                                {locale.native_name()}
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Picks the currency prices are shown in; the server keeps the choice in a cookie.
#[component]
fn CurrencyForm(info: ShopInfo, back: String) -> impl IntoView {
    view! {
        <form method="get" action="/currency" class="flex items-center gap-1 text-sm">
            <input type="hidden" name="back" value=back />
            <label>
                <span class="sr-only">{tr!("layout.currency")}</span>
                <select
                    name="code"
                    data-testid="currency"
                    class="rounded-md border border-stone-300 bg-white px-2 py-1"
                >
                    {info
                        .currencies
                        .into_iter()
                        .map(|code| {
                            let selected = code == info.currency;
                            view! { <option value=code.clone() selected=selected>{code.clone()}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit" class="rounded-md border border-stone-300 px-2 py-1">
                {tr!("layout.apply")}
            </button>
        </form>
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

/// The header's cart: a link with the item count, and for a cart with something in it a
/// drop-down (`<details>`, so it opens without JavaScript) with its lines and subtotal.
#[component]
fn MiniCart(cart: crate::server::shop::MiniCart) -> impl IntoView {
    let locale = use_locale();
    let count = cart.count;
    if count == 0 {
        return view! {
            <a href=Page::Cart.at(locale) class="text-sm underline" data-testid="cart-link">
                {tr!("cart.title")} " (" <span data-testid="cart-count">{count}</span> ")"
            </a>
        }
        .into_any();
    }
    view! {
        <details class="relative" data-testid="mini-cart">
            <summary class="cursor-pointer text-sm underline">
                {tr!("cart.title")} " (" <span data-testid="cart-count">{count}</span> ")"
            </summary>
            <div class="absolute right-0 z-10 mt-2 w-72 rounded-md border border-stone-200 bg-white p-3 text-sm shadow-lg">
                <ul class="flex flex-col gap-1">
                    {cart.lines.into_iter().map(|(name, quantity, total)| view! {
                        <li class="flex justify-between gap-2"><span>{quantity} " × " {name}</span><span>{total}</span></li>
                    }).collect_view()}
                </ul>
                <p class="mt-2 flex justify-between font-semibold"><span>{tr!("cart.subtotal")}</span><span>{cart.subtotal}</span></p>
                <div class="mt-3 flex gap-2">
                    <a href=Page::Cart.at(locale) class="flex-1 rounded-md border border-stone-300 px-3 py-1.5 text-center">{tr!("cart.view")}</a>
                    <a href=Page::Checkout("contact").at(locale) class="flex-1 rounded-md bg-stone-900 px-3 py-1.5 text-center text-white">{tr!("cart.checkout")}</a>
                </div>
            </div>
        </details>
    }
    .into_any()
}
