//! Security server functions: the password, two-factor sign-in and recovery codes, and
//! the account's signed-in browsers.

#[cfg(feature = "ssr")]
use crate::page::{AccountPage, Page};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    pub secret: String,
    pub qr_svg: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginView {
    pub id: String,
    pub since: String,
    pub user_agent: String,
    pub ip: String,
    pub current: bool,
}

/// The authenticator set-up for the signed-in account (a secret kept aside until
/// confirmed).
#[server]
pub async fn get_two_factor_setup(lang: String) -> Result<TwoFactorSetup, AppError> {
    request::answer(
        async {
            crate::server::ssr::locale(&lang)?;
            let request::SignedIn { pool, account, .. } = request::signed_in().await?;
            let shop = crate::server::ssr::settings(&pool).await?.name;
            let keys = crate::server::ssr::keys()?;
            let enrolment =
                domain::accounts::security::start_two_factor(&pool, &keys, account.id, &shop)
                    .await?;
            Ok(TwoFactorSetup {
                secret: enrolment.secret_base32,
                qr_svg: enrolment.qr_svg,
            })
        }
        .await,
    )
}

/// Turns two factors on: the password and a code from the new secret.
#[server]
pub async fn confirm_two_factor(
    lang: String,
    password: String,
    code: String,
) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let request::SignedIn {
                pool,
                session,
                account,
                login,
            } = request::signed_in().await?;
            let keys = crate::server::ssr::keys()?;
            let codes = domain::accounts::security::confirm_two_factor(
                &pool, &keys, account.id, login, &password, &code,
            )
            .await?;
            ssr::renew(&session).await?;
            ssr::keep_fresh_codes(&session, codes).await?;
            request::go(locale, &Page::Account(AccountPage::RecoveryCodes).path());
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn new_recovery_codes(lang: String, password: String) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let request::SignedIn {
                pool,
                session,
                account,
                login,
            } = request::signed_in().await?;
            let codes =
                domain::accounts::security::new_recovery_codes(&pool, account.id, login, &password)
                    .await?;
            ssr::keep_fresh_codes(&session, codes).await?;
            request::go(locale, &Page::Account(AccountPage::RecoveryCodes).path());
            Ok(())
        }
        .await,
    )
}

/// The recovery codes just made; shown once.
#[server]
pub async fn take_recovery_codes(lang: String) -> Result<Vec<String>, AppError> {
    request::answer(
        async {
            crate::server::ssr::locale(&lang)?;
            let request::SignedIn { session, .. } = request::signed_in().await?;
            ssr::take_fresh_codes(&session).await
        }
        .await,
    )
}

/// Turns two factors off: the password and a current code.
#[server]
pub async fn disable_two_factor(
    lang: String,
    password: String,
    code: String,
) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let request::SignedIn {
                pool,
                account,
                login,
                ..
            } = request::signed_in().await?;
            let keys = crate::server::ssr::keys()?;
            domain::accounts::security::disable_two_factor(
                &pool, &keys, account.id, login, &password, &code,
            )
            .await?;
            request::go(locale, &Page::Account(AccountPage::Security).path());
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn end_session(lang: String, id: String) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let request::SignedIn { pool, account, .. } = request::signed_in().await?;
            let id = id
                .parse()
                .map_err(|_| AppError::NotFound("session".into()))?;
            domain::accounts::logins::close_own(&pool, account.id, id).await?;
            request::go(locale, &Page::Account(AccountPage::Security).path());
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn sign_out_everywhere(lang: String) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let request::SignedIn {
                pool,
                account,
                login,
                ..
            } = request::signed_in().await?;
            domain::accounts::logins::sign_out_everywhere(&pool, account.id, Some(login)).await?;
            request::go(locale, &Page::Account(AccountPage::Security).path());
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn change_password(
    lang: String,
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let request::SignedIn {
                pool,
                session,
                account,
                login,
            } = request::signed_in().await?;
            domain::accounts::recovery::change_password(
                &pool,
                account.id,
                login,
                &current_password,
                &new_password,
            )
            .await?;
            ssr::renew(&session).await?;
            request::go(
                locale,
                &Page::Account(AccountPage::Security).path_with("changed=1"),
            );
            Ok(())
        }
        .await,
    )
}
