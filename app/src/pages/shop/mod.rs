//! Buying: the cart, the checkout steps, an order's page, and the staff's order pages.
//! Like the account area, one lazy route: its code reaches the browser only when one of
//! its pages opens. Every form is a plain form, so buying works without JavaScript.

pub mod cart;
pub mod checkout;
pub mod order;
pub mod staff;

use crate::page::Page;
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::tr;

/// The area, with the address its route matched.
pub struct ShopArea(String);

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for ShopArea {
    fn data() -> Self {
        ShopArea(crate::pages::matched_path())
    }

    fn view(this: Self) -> AnyView {
        crate::pages::area_view(this.0, page_at)
    }
}

fn page_at(path: &str) -> AnyView {
    let rest = path.splitn(3, '/').nth(2).unwrap_or_default();
    match Page::parse(&format!("/{rest}")) {
        Some(Page::Cart) => view! { <cart::CartPage /> }.into_any(),
        Some(Page::Checkout(step)) => view! { <checkout::CheckoutPage step /> }.into_any(),
        Some(Page::Order(id)) => view! { <order::OrderPage id /> }.into_any(),
        Some(Page::StaffOrders) => view! { <staff::StaffOrdersPage /> }.into_any(),
        Some(Page::StaffOrder(id)) => view! { <staff::StaffOrderPage id /> }.into_any(),
        _ => view! { <crate::pages::not_found::NotFound /> }.into_any(),
    }
}

/// `render`ed once `data` has loaded, or what went wrong.
pub fn loaded<T, F>(data: OnceResource<Result<T, AppError>>, render: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> AnyView + Clone + Send + Sync + 'static,
{
    crate::pages::account::loaded(data, render)
}

/// An order status in the reader's language.
pub fn status_label(code: &str) -> String {
    crate::i18n::translate(&format!("order.status.{code}"))
}

/// The frame of a shop page: title, not for search engines, a wide column.
#[component]
pub fn ShopFrame(title: String, children: Children) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::ssr::no_store();
    view! {
        <super::PageTitle text=title.clone() />
        <leptos_meta::Meta name="robots" content="noindex" />
        <section class="mx-auto flex max-w-5xl flex-col gap-6">
            <h1 class="text-2xl font-semibold">{title}</h1>
            {children()}
        </section>
    }
}

/// A row of a totals table.
#[component]
pub fn TotalRow(
    label: String,
    value: String,
    #[prop(optional)] strong: bool,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="flex justify-between gap-4" class:font-semibold=strong class:text-lg=strong>
            <dt>{label}</dt>
            <dd data-testid=testid>{value}</dd>
        </div>
    }
}

/// Shown while a list is empty.
pub fn nothing(text: String) -> AnyView {
    view! { <p class="text-stone-500" data-testid="empty">{text}</p> }.into_any()
}

pub fn continue_shopping() -> AnyView {
    let locale = crate::i18n::use_locale();
    view! { <a href=Page::Home.at(locale) class="underline">{tr!("cart.continue")}</a> }.into_any()
}
