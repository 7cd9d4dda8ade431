//! Account pages: signing up and in, recovering access, and the signed-in account's
//! own pages. Every form is a plain HTML form posted to a server function, so all of
//! them work without JavaScript.

pub mod addresses;
pub mod admin;
pub mod auth;
pub mod overview;
pub mod security;

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

/// Account pages are routes whose code the browser loads only when one is opened
/// (`cargo leptos build --split`): most shoppers never visit them, and the storefront's
/// bundle stays small. Each page is a unit struct whose view is split off.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),+ $(,)?) => {
        $(
            pub struct $route;

            #[leptos_router::lazy_route]
            impl leptos_router::LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(_this: Self) -> AnyView {
                    view! { <$page /> }.into_any()
                }
            }
        )+
    };
}

pub mod routes {
    use leptos::prelude::*;

    lazy_pages! {
        SignUpRoute => super::auth::SignUpPage,
        SignInRoute => super::auth::SignInPage,
        SecondFactorRoute => super::auth::SecondFactorPage,
        ForgotRoute => super::auth::ForgotPage,
        ResetRoute => super::auth::ResetPage,
        VerifyRoute => super::auth::VerifyPage,
        OverviewRoute => super::overview::OverviewPage,
        ProfileRoute => super::overview::ProfilePage,
        SecurityRoute => super::security::SecurityPage,
        TwoFactorRoute => super::security::TwoFactorPage,
        RecoveryCodesRoute => super::security::RecoveryCodesPage,
        AddressesRoute => super::addresses::AddressesPage,
        AddressEditRoute => super::addresses::AddressEditPage,
        AccountsAdminRoute => super::admin::AccountsAdminPage,
    }
}
