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
use crate::server::request::{self, Request};
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
            let request = Request::of(&lang).await?;
            let links = request::links(&request.pool).await?;
            let currencies = crate::server::ssr::currencies(&request.pool).await?;
            let currency = crate::server::ssr::cookie("currency");
            let new = domain::accounts::NewAccount {
                email: &email,
                password: &password,
                name: &name,
                locale: request.locale.tag(),
                currency: currency
                    .as_deref()
                    .filter(|c| currencies.offered(c).is_some()),
            };
            domain::accounts::register(&request.pool, new, &request::client(), &links).await?;
            request.go_with(&Page::Account(AccountPage::SignUp), "sent=1");
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
            let request = Request::of(&lang).await?;
            domain::accounts::verify_email(&request.pool, &token).await?;
            request.go_with(&Page::Account(AccountPage::SignIn), "verified=1");
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
            let request = Request::of(&lang).await?;
            let links = request::links(&request.pool).await?;
            match domain::accounts::sign_in(
                &request.pool,
                &email,
                &password,
                &request::client(),
                &links,
            )
            .await?
            {
                domain::accounts::SignIn::Done(account) => {
                    ssr::start_login(&request.pool, &request.session, &account).await?;
                    let home = crate::i18n::Locale::from_slug(&account.locale.to_lowercase())
                        .unwrap_or(request.locale);
                    request::go(home, "/account");
                }
                domain::accounts::SignIn::NeedsSecondFactor(id) => {
                    ssr::await_second_factor(&request.session, id).await?;
                    request.go(&Page::Account(AccountPage::SecondFactor));
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
            let request = Request::of(&lang).await?;
            let Some(id) = ssr::pending_second_factor(&request.session).await? else {
                request.go(&Page::Account(AccountPage::SignIn));
                return Ok(());
            };
            let keys = crate::server::ssr::keys()?;
            let account = domain::accounts::second_factor(&request.pool, &keys, id, &code).await?;
            ssr::start_login(&request.pool, &request.session, &account).await?;
            request.go(&Page::Account(AccountPage::Overview));
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn sign_out(lang: String) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            ssr::sign_out(&request.pool, &request.session).await?;
            request.go(&Page::Home);
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
            let request = Request::of(&lang).await?;
            let links = request::links(&request.pool).await?;
            domain::accounts::recovery::request_reset(
                &request.pool,
                &email,
                &request::client(),
                &links,
            )
            .await?;
            request.go_with(&Page::Account(AccountPage::Forgot), "sent=1");
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
            let request = Request::of(&lang).await?;
            domain::accounts::recovery::reset_password(&request.pool, &token, &password).await?;
            request.go_with(&Page::Account(AccountPage::SignIn), "reset=1");
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
            Request::of(&lang).await?;
            request::take_typed(&path).await
        }
        .await,
    )
}
