//! Account server functions. Each is a plain form's target: on success it sends the
//! browser on (`go`), on failure the form comes back with the error beside its field.
//! Every function that reads or changes an account takes it from the session, never
//! from the request, so no id in a form can reach another customer's data.
//!
//! Here: signing up, confirming the address, signing in and out, resetting a password.
//! The signed-in account's pages, security, addresses and staff work have their modules.

mod addresses;
mod profile;
mod security;
#[cfg(feature = "ssr")]
pub mod ssr;
mod staff;

pub use addresses::*;
pub use profile::*;
pub use security::*;
pub use staff::*;

#[cfg(feature = "ssr")]
use crate::page::{AccountPage, Page};
#[cfg(feature = "ssr")]
#[cfg(feature = "ssr")]
use crate::server::request;
use leptos::prelude::*;

use crate::error::AppError;

#[server]
pub async fn sign_up(
    lang: String,
    email: String,
    password: String,
    name: String,
) -> Result<(), AppError> {
    let typed = [("email", email.as_str()), ("name", name.as_str())];
    request::answer_keeping(
        &typed,
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            let links = request::links(&pool).await?;
            let currencies = crate::server::ssr::currencies(&pool).await?;
            let currency = crate::server::ssr::cookie("currency");
            let new = domain::accounts::NewAccount {
                email: &email,
                password: &password,
                name: &name,
                locale: locale.tag(),
                currency: currency
                    .as_deref()
                    .filter(|c| currencies.offered(c).is_some()),
            };
            domain::accounts::register(&pool, new, &request::client(), &links).await?;
            request::go(
                locale,
                &Page::Account(AccountPage::SignUp).path_with("sent=1"),
            );
            Ok(())
        }
        .await,
    )
    .await
}

#[server]
pub async fn verify_email(lang: String, token: String) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            domain::accounts::verify_email(&pool, &token).await?;
            request::go(
                locale,
                &Page::Account(AccountPage::SignIn).path_with("verified=1"),
            );
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn sign_in(lang: String, email: String, password: String) -> Result<(), AppError> {
    let typed = [("email", email.as_str())];
    request::answer_keeping(
        &typed,
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            let session = request::session().await?;
            let links = request::links(&pool).await?;
            match domain::accounts::sign_in(&pool, &email, &password, &request::client(), &links)
                .await?
            {
                domain::accounts::SignIn::Done(account) => {
                    ssr::start_login(&pool, &session, &account).await?;
                    let home = crate::i18n::Locale::from_slug(&account.locale.to_lowercase())
                        .unwrap_or(locale);
                    request::go(home, "/account");
                }
                domain::accounts::SignIn::NeedsSecondFactor(id) => {
                    ssr::await_second_factor(&session, id).await?;
                    request::go(locale, &Page::Account(AccountPage::SecondFactor).path());
                }
            }
            Ok(())
        }
        .await,
    )
    .await
}

#[server]
pub async fn sign_in_code(lang: String, code: String) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            let session = request::session().await?;
            let Some(id) = ssr::pending_second_factor(&session).await? else {
                request::go(locale, &Page::Account(AccountPage::SignIn).path());
                return Ok(());
            };
            let keys = crate::server::ssr::keys()?;
            let account = domain::accounts::second_factor(&pool, &keys, id, &code).await?;
            ssr::start_login(&pool, &session, &account).await?;
            request::go(locale, &Page::Account(AccountPage::Overview).path());
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn sign_out(lang: String) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            let session = request::session().await?;
            ssr::sign_out(&pool, &session).await?;
            request::go(locale, &Page::Home.path());
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn forgot_password(lang: String, email: String) -> Result<(), AppError> {
    let typed = [("email", email.as_str())];
    request::answer_keeping(
        &typed,
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            let links = request::links(&pool).await?;
            domain::accounts::recovery::request_reset(&pool, &email, &request::client(), &links)
                .await?;
            request::go(
                locale,
                &Page::Account(AccountPage::Forgot).path_with("sent=1"),
            );
            Ok(())
        }
        .await,
    )
    .await
}

#[server]
pub async fn reset_password(lang: String, token: String, password: String) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            domain::accounts::recovery::reset_password(&pool, &token, &password).await?;
            request::go(
                locale,
                &Page::Account(AccountPage::SignIn).path_with("reset=1"),
            );
            Ok(())
        }
        .await,
    )
}

/// What was typed into a form before its post failed (see `ssr::answer_keeping`), once.
#[server]
pub async fn get_typed(lang: String, path: String) -> Result<Vec<(String, String)>, AppError> {
    request::answer(
        async {
            crate::server::ssr::locale(&lang)?;
            request::take_typed(&path).await
        }
        .await,
    )
}
