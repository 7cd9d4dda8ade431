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

/// Starts setting up an authenticator: the password first, then a new secret kept aside
/// until confirmed, shown on the set-up page once.
#[server]
pub async fn start_two_factor(lang: String, password: String) -> Result<(), AppError> {
    request::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let request::SignedIn {
                pool,
                session,
                account,
                login,
            } = request::signed_in().await?;
            let shop = crate::server::ssr::settings(&pool).await?.name;
            let keys = crate::server::ssr::keys()?;
            let enrolment = domain::accounts::security::start_two_factor(
                &pool, &keys, account.id, login, &password, &shop,
            )
            .await?;
            ssr::keep_new_authenticator(&session, &setup_of(enrolment)).await?;
            request::go(locale, &Page::Account(AccountPage::TwoFactor).path());
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn setup_of(enrolment: domain::accounts::two_factor::Enrolment) -> TwoFactorSetup {
    TwoFactorSetup {
        secret: enrolment.secret_base32,
        qr_svg: enrolment.qr_svg,
    }
}

/// The authenticator just set up, for the page to show once (`None`: ask for the
/// password first).
#[server]
pub async fn get_two_factor_setup(lang: String) -> Result<Option<TwoFactorSetup>, AppError> {
    request::answer(
        async {
            crate::server::ssr::locale(&lang)?;
            let request::SignedIn { session, .. } = request::signed_in().await?;
            ssr::take_new_authenticator(&session).await
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
            let confirmed = domain::accounts::security::confirm_two_factor(
                &pool, &keys, account.id, login, &password, &code,
            )
            .await;
            // A wrong code after the right password: the same authenticator is shown
            // again, so the person who scanned it can try its next code.
            if let Err(domain::DomainError::Validation { field: "code", .. }) = &confirmed {
                let shop = crate::server::ssr::settings(&pool).await?.name;
                if let Some(enrolment) =
                    domain::accounts::security::pending_enrolment(&pool, &keys, account.id, &shop)
                        .await?
                {
                    ssr::keep_new_authenticator(&session, &setup_of(enrolment)).await?;
                }
            }
            let codes = confirmed?;
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
