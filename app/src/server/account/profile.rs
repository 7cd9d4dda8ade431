//! The signed-in account: what its pages show, the profile and e-mail address, and
//! deleting it.

#[cfg(feature = "ssr")]
use crate::page::{AccountPage, Page};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

/// The signed-in account as its pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub email: String,
    pub name: String,
    pub role: String,
    pub locale: String,
    pub currency: Option<String>,
    pub email_verified: bool,
    pub two_factor: bool,
    pub recovery_codes_left: i64,
    pub sessions: Vec<super::LoginView>,
    /// The currencies the profile can choose from.
    pub currencies: Vec<String>,
}

/// The signed-in account; pages call this first and send the anonymous to sign in.
#[server]
pub async fn get_account(lang: String) -> Result<AccountView, AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let (account, login) = match request.signed_in().await {
                Ok(account) => (account.clone(), request.login_id().await?),
                Err(AppError::Unauthorized) => {
                    request.go(&Page::Account(AccountPage::SignIn));
                    return Err(AppError::Unauthorized);
                }
                Err(other) => return Err(other),
            };
            let sessions = domain::accounts::logins::list(&request.pool, account.id).await?;
            let left =
                domain::accounts::security::recovery_codes_left(&request.pool, account.id).await?;
            Ok(AccountView {
                email: account.email,
                name: account.name,
                role: account.role.as_str().into(),
                locale: account.locale,
                currency: account.currency,
                email_verified: account.email_verified,
                two_factor: account.two_factor,
                recovery_codes_left: left,
                sessions: sessions
                    .into_iter()
                    .map(|s| super::LoginView {
                        current: s.id == login,
                        id: s.id.to_string(),
                        since: s.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                        user_agent: s.user_agent,
                        ip: s.ip,
                    })
                    .collect(),
                currencies: crate::server::ssr::currencies(&request.pool)
                    .await?
                    .enabled()
                    .map(|c| c.code().to_string())
                    .collect(),
            })
        }
        .await,
    )
}

#[server]
pub async fn update_profile(
    lang: String,
    name: String,
    locale: String,
    currency: String,
) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let currency = Some(currency.trim()).filter(|c| !c.is_empty());
            let updated = domain::accounts::update_profile(
                &request.pool,
                account.id,
                &name,
                &locale,
                currency,
            )
            .await?;
            let chosen =
                crate::i18n::Locale::from_slug(&updated.locale.to_lowercase()).unwrap_or_default();
            request::go(chosen, "/account/profile?saved=1");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn change_email(lang: String, password: String, email: String) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let login = request.login_id().await?;
            let links = request::links(&request.pool).await?;
            domain::accounts::recovery::change_email(
                &request.pool,
                account.id,
                login,
                &password,
                &email,
                &links,
            )
            .await?;
            request.go_with(&Page::Account(AccountPage::Profile), "email_sent=1");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn delete_account(lang: String, password: String) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let login = request.login_id().await?;
            domain::accounts::data::delete(&request.pool, account.id, login, &password).await?;
            request.session.flush().await.map_err(|_| AppError::Busy)?;
            request.go_with(&Page::Account(AccountPage::SignIn), "deleted=1");
            Ok(())
        }
        .await,
    )
}
