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
use crate::server::request::{self, Request};

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
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let login = request.login_id().await?;
            let shop = crate::server::ssr::settings(&request.pool).await?.name;
            let keys = crate::server::ssr::keys()?;
            let enrolment = domain::accounts::security::start_two_factor(
                &request.pool,
                &keys,
                account.id,
                login,
                &password,
                &shop,
            )
            .await?;
            ssr::keep_new_authenticator(&request.session, &setup_of(enrolment)).await?;
            request.go(&Page::Account(AccountPage::TwoFactor));
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
            let request = Request::of(&lang).await?;
            request.signed_in().await?;
            ssr::take_new_authenticator(&request.session).await
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
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let login = request.login_id().await?;
            let keys = crate::server::ssr::keys()?;
            let confirmed = domain::accounts::security::confirm_two_factor(
                &request.pool,
                &keys,
                account.id,
                login,
                &password,
                &code,
            )
            .await;
            // A wrong code after the right password: the same authenticator is shown
            // again, so the person who scanned it can try its next code.
            if let Err(domain::DomainError::Validation { field: "code", .. }) = &confirmed {
                let shop = crate::server::ssr::settings(&request.pool).await?.name;
                if let Some(enrolment) = domain::accounts::security::pending_enrolment(
                    &request.pool,
                    &keys,
                    account.id,
                    &shop,
                )
                .await?
                {
                    ssr::keep_new_authenticator(&request.session, &setup_of(enrolment)).await?;
                }
            }
            let codes = confirmed?;
            ssr::renew(&request.session).await?;
            ssr::keep_fresh_codes(&request.session, codes).await?;
            request.go(&Page::Account(AccountPage::RecoveryCodes));
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn new_recovery_codes(lang: String, password: String) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let login = request.login_id().await?;
            let codes = domain::accounts::security::new_recovery_codes(
                &request.pool,
                account.id,
                login,
                &password,
            )
            .await?;
            ssr::keep_fresh_codes(&request.session, codes).await?;
            request.go(&Page::Account(AccountPage::RecoveryCodes));
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
            let request = Request::of(&lang).await?;
            request.signed_in().await?;
            ssr::take_fresh_codes(&request.session).await
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
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let login = request.login_id().await?;
            let keys = crate::server::ssr::keys()?;
            domain::accounts::security::disable_two_factor(
                &request.pool,
                &keys,
                account.id,
                login,
                &password,
                &code,
            )
            .await?;
            request.go(&Page::Account(AccountPage::Security));
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn end_session(lang: String, id: String) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let id = id
                .parse()
                .map_err(|_| AppError::NotFound("session".into()))?;
            domain::accounts::logins::close_own(&request.pool, account.id, id).await?;
            request.go(&Page::Account(AccountPage::Security));
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn sign_out_everywhere(lang: String) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let login = request.login_id().await?;
            domain::accounts::logins::sign_out_everywhere(&request.pool, account.id, Some(login))
                .await?;
            request.go(&Page::Account(AccountPage::Security));
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
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let login = request.login_id().await?;
            domain::accounts::recovery::change_password(
                &request.pool,
                account.id,
                login,
                &current_password,
                &new_password,
            )
            .await?;
            ssr::renew(&request.session).await?;
            request.go_with(&Page::Account(AccountPage::Security), "changed=1");
            Ok(())
        }
        .await,
    )
}
