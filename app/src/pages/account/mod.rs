//! Account pages: signing up and in, recovering access, and the signed-in account's
//! own pages. Every form is a plain HTML form posted to a server function, so all of
//! them work without JavaScript.

pub mod addresses;
pub mod admin;
pub mod auth;
pub mod overview;
pub mod security;

use crate::page::{AccountPage, Page};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::PageTitle;
use crate::error::AppError;

/// A query parameter of the current address (`?sent=1`).
pub fn query(name: &'static str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name))
}

/// The frame of an account page: title, no indexing, a narrow column.
#[component]
pub fn AccountFrame(title: String, children: Children) -> impl IntoView {
    // Account pages show personal data (and, once, recovery codes): browsers must not keep
    // them, not even for the back button on a shared computer.
    #[cfg(feature = "ssr")]
    crate::server::ssr::no_store();
    view! {
        <PageTitle text=title.clone() />
        <Meta name="robots" content="noindex" />
        <section class="mx-auto flex max-w-xl flex-col gap-6">
            <h1 class="text-2xl font-semibold">{title}</h1>
            {children()}
        </section>
    }
}

/// Links between the signed-in account's pages.
#[component]
pub fn AccountNav() -> impl IntoView {
    let locale = crate::i18n::use_locale();
    let link = move |path: &'static str, key: &'static str| {
        view! { <li><a href=locale.path(path) class="underline">{crate::i18n::translate(key)}</a></li> }
    };
    view! {
        <nav aria-label=crate::tr!("account.my_account")>
            <ul class="flex flex-wrap gap-4 text-sm">
                {link("/account", "account.my_account")}
                {link("/account/profile", "account.profile")}
                {link("/account/security", "account.security")}
                {link("/account/addresses", "account.addresses")}
                {link("/account/orders", "order.my_orders")}
            </ul>
        </nav>
    }
}

/// `render`ed once `data` has loaded, or what went wrong (the server has already sent
/// the signed-out to the sign-in page).
pub fn loaded<T, F>(data: OnceResource<Result<T, AppError>>, render: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> AnyView + Clone + Send + Sync + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => render(value),
                        Err(error) => overview::load_failed(error),
                    }
                })
            }}
        </Suspense>
    }
}

/// The account area (and the staff pages next to it) is one route whose code the browser
/// loads only when one of its pages opens (`cargo leptos build --split`): most shoppers
/// never visit it, so the storefront's bundle stays small. One lazy route rather than one
/// per page, because each lazy route adds its own loader to the main bundle.
///
/// The area, with the address its route matched.
pub struct AccountArea(String);

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for AccountArea {
    fn data() -> Self {
        AccountArea(crate::pages::matched_path())
    }

    fn view(this: Self) -> AnyView {
        crate::pages::area_view(this.0, page_at)
    }
}

/// The page for an address in the area, such as `/en/account/sign-in`.
fn page_at(path: &str) -> AnyView {
    let rest = path.splitn(3, '/').nth(2).unwrap_or_default();
    let page = Page::parse(&format!("/{rest}"));
    match page {
        Some(Page::Account(page)) => match page {
            AccountPage::Overview => view! { <overview::OverviewPage /> }.into_any(),
            AccountPage::SignUp => view! { <auth::SignUpPage /> }.into_any(),
            AccountPage::SignIn => view! { <auth::SignInPage /> }.into_any(),
            AccountPage::SecondFactor => view! { <auth::SecondFactorPage /> }.into_any(),
            AccountPage::Forgot => view! { <auth::ForgotPage /> }.into_any(),
            AccountPage::Reset => view! { <auth::ResetPage /> }.into_any(),
            AccountPage::Verify => view! { <auth::VerifyPage /> }.into_any(),
            AccountPage::Profile => view! { <overview::ProfilePage /> }.into_any(),
            AccountPage::Security => view! { <security::SecurityPage /> }.into_any(),
            AccountPage::TwoFactor => view! { <security::TwoFactorPage /> }.into_any(),
            AccountPage::RecoveryCodes => view! { <security::RecoveryCodesPage /> }.into_any(),
            AccountPage::Addresses => view! { <addresses::AddressesPage /> }.into_any(),
            AccountPage::Address(id) => view! { <addresses::AddressEditPage id /> }.into_any(),
            AccountPage::Orders => view! { <crate::pages::shop::order::MyOrdersPage /> }.into_any(),
        },
        Some(Page::StaffAccounts) => view! { <admin::AccountsAdminPage /> }.into_any(),
        _ => view! { <crate::pages::not_found::NotFound /> }.into_any(),
    }
}
