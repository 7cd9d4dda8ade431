//! Account server functions. Each is a plain form's target: on success it sends the
//! browser on (`go`), on failure the form comes back with the error beside its field.
//! Every function that reads or changes an account takes it from the session, never
//! from the request, so no id in a form can reach another customer's data.

mod addresses;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use addresses::*;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

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
    pub sessions: Vec<LoginView>,
    /// The currencies the profile can choose from.
    pub currencies: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginView {
    pub id: String,
    pub since: String,
    pub user_agent: String,
    pub ip: String,
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    pub secret: String,
    pub qr_svg: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub email_verified: bool,
}

#[server]
pub async fn sign_up(
    lang: String,
    email: String,
    password: String,
    name: String,
) -> Result<(), AppError> {
    let typed = [("email", email.as_str()), ("name", name.as_str())];
    ssr::answer_keeping(
        &typed,
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            let links = ssr::links(&pool).await?;
            let currency = crate::server::ssr::cookie("currency");
            let new = domain::accounts::NewAccount {
                email: &email,
                password: &password,
                name: &name,
                locale: locale.tag(),
                currency: currency
                    .as_deref()
                    .filter(|c| domain::money::Currency::from_code(c).is_some()),
            };
            domain::accounts::register(&pool, new, &ssr::client(), &links).await?;
            ssr::go(locale, "/account/sign-up?sent=1");
            Ok(())
        }
        .await,
    )
    .await
}

#[server]
pub async fn verify_email(lang: String, token: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            domain::accounts::verify_email(&pool, &token).await?;
            ssr::go(locale, "/account/sign-in?verified=1");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn sign_in(lang: String, email: String, password: String) -> Result<(), AppError> {
    let typed = [("email", email.as_str())];
    ssr::answer_keeping(
        &typed,
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            let session = ssr::session().await?;
            let links = ssr::links(&pool).await?;
            match domain::accounts::sign_in(&pool, &email, &password, &ssr::client(), &links)
                .await?
            {
                domain::accounts::SignIn::Done(account) => {
                    ssr::start_login(&pool, &session, &account).await?;
                    let home = crate::i18n::Locale::from_slug(&account.locale.to_lowercase())
                        .unwrap_or(locale);
                    ssr::go(home, "/account");
                }
                domain::accounts::SignIn::NeedsSecondFactor(id) => {
                    ssr::await_second_factor(&session, id).await?;
                    ssr::go(locale, "/account/sign-in/code");
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
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            let session = ssr::session().await?;
            let Some(id) = ssr::pending_second_factor(&session).await? else {
                ssr::go(locale, "/account/sign-in");
                return Ok(());
            };
            let account = domain::accounts::second_factor(&pool, id, &code).await?;
            ssr::start_login(&pool, &session, &account).await?;
            ssr::go(locale, "/account");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn sign_out(lang: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            let session = ssr::session().await?;
            ssr::sign_out(&pool, &session).await?;
            ssr::go(locale, "/");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn forgot_password(lang: String, email: String) -> Result<(), AppError> {
    let typed = [("email", email.as_str())];
    ssr::answer_keeping(
        &typed,
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            let links = ssr::links(&pool).await?;
            domain::accounts::recovery::request_reset(&pool, &email, &ssr::client(), &links)
                .await?;
            ssr::go(locale, "/account/forgot?sent=1");
            Ok(())
        }
        .await,
    )
    .await
}

#[server]
pub async fn reset_password(lang: String, token: String, password: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let pool = crate::server::ssr::pool()?;
            domain::accounts::recovery::reset_password(&pool, &token, &password).await?;
            ssr::go(locale, "/account/sign-in?reset=1");
            Ok(())
        }
        .await,
    )
}

/// The signed-in account; pages call this first and send the anonymous to sign in.
#[server]
pub async fn get_account(lang: String) -> Result<AccountView, AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, _, account, login) = match ssr::signed_in().await {
                Ok(found) => found,
                Err(AppError::Unauthorized) => {
                    ssr::go(locale, "/account/sign-in");
                    return Err(AppError::Unauthorized);
                }
                Err(other) => return Err(other),
            };
            let sessions = domain::accounts::logins::list(&pool, account.id).await?;
            let left = domain::accounts::security::recovery_codes_left(&pool, account.id).await?;
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
                    .map(|s| LoginView {
                        current: s.id == login,
                        id: s.id.to_string(),
                        since: s.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                        user_agent: s.user_agent,
                        ip: s.ip,
                    })
                    .collect(),
                currencies: domain::money::Currency::ALL
                    .iter()
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
    ssr::answer(
        async {
            crate::server::ssr::locale(&lang)?;
            let (pool, _, account, _) = ssr::signed_in().await?;
            let currency = Some(currency.trim()).filter(|c| !c.is_empty());
            let updated =
                domain::accounts::update_profile(&pool, account.id, &name, &locale, currency)
                    .await?;
            let chosen =
                crate::i18n::Locale::from_slug(&updated.locale.to_lowercase()).unwrap_or_default();
            ssr::go(chosen, "/account/profile?saved=1");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn change_email(lang: String, password: String, email: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, _, account, _) = ssr::signed_in().await?;
            let links = ssr::links(&pool).await?;
            domain::accounts::recovery::change_email(&pool, account.id, &password, &email, &links)
                .await?;
            ssr::go(locale, "/account/profile?email_sent=1");
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
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, session, account, login) = ssr::signed_in().await?;
            domain::accounts::recovery::change_password(
                &pool,
                account.id,
                &current_password,
                &new_password,
                Some(login),
            )
            .await?;
            ssr::renew(&session).await?;
            ssr::go(locale, "/account/security?changed=1");
            Ok(())
        }
        .await,
    )
}

/// The authenticator set-up for the signed-in account (a secret kept aside until
/// confirmed).
#[server]
pub async fn get_two_factor_setup(lang: String) -> Result<TwoFactorSetup, AppError> {
    ssr::answer(
        async {
            crate::server::ssr::locale(&lang)?;
            let (pool, _, account, _) = ssr::signed_in().await?;
            let shop = crate::server::ssr::settings(&pool).await?.name;
            let enrolment =
                domain::accounts::security::start_two_factor(&pool, account.id, &shop).await?;
            Ok(TwoFactorSetup {
                secret: enrolment.secret_base32,
                qr_svg: enrolment.qr_svg,
            })
        }
        .await,
    )
}

#[server]
pub async fn confirm_two_factor(lang: String, code: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, session, account, _) = ssr::signed_in().await?;
            let codes =
                domain::accounts::security::confirm_two_factor(&pool, account.id, &code).await?;
            ssr::renew(&session).await?;
            ssr::keep_fresh_codes(&session, codes).await?;
            ssr::go(locale, "/account/security/recovery-codes");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn new_recovery_codes(lang: String, password: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, session, account, _) = ssr::signed_in().await?;
            domain::accounts::recovery::confirm_password(&pool, account.id, &password).await?;
            let codes = domain::accounts::security::new_recovery_codes(&pool, account.id).await?;
            ssr::keep_fresh_codes(&session, codes).await?;
            ssr::go(locale, "/account/security/recovery-codes");
            Ok(())
        }
        .await,
    )
}

/// The recovery codes just made; shown once.
#[server]
pub async fn take_recovery_codes(lang: String) -> Result<Vec<String>, AppError> {
    ssr::answer(
        async {
            crate::server::ssr::locale(&lang)?;
            let (_, session, _, _) = ssr::signed_in().await?;
            ssr::take_fresh_codes(&session).await
        }
        .await,
    )
}

#[server]
pub async fn disable_two_factor(lang: String, password: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, _, account, _) = ssr::signed_in().await?;
            domain::accounts::security::disable_two_factor(&pool, account.id, &password).await?;
            ssr::go(locale, "/account/security");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn end_session(lang: String, id: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, _, account, _) = ssr::signed_in().await?;
            let id = id
                .parse()
                .map_err(|_| AppError::NotFound("session".into()))?;
            domain::accounts::logins::close_own(&pool, account.id, id).await?;
            ssr::go(locale, "/account/security");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn sign_out_everywhere(lang: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, _, account, login) = ssr::signed_in().await?;
            domain::accounts::logins::close_all(&pool, account.id, Some(login)).await?;
            ssr::go(locale, "/account/security");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn delete_account(lang: String, password: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, session, account, _) = ssr::signed_in().await?;
            domain::accounts::data::delete(&pool, account.id, &password).await?;
            session.flush().await.map_err(|_| AppError::Busy)?;
            ssr::go(locale, "/account/sign-in?deleted=1");
            Ok(())
        }
        .await,
    )
}

/// The staff list: the newest accounts, and the shop's sign-in rule for staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub rows: Vec<AccountRow>,
    pub staff_two_factor: bool,
    /// Whether the one asking may change roles and rules.
    pub is_admin: bool,
}

/// The newest accounts, for staff.
#[server]
pub async fn list_accounts(lang: String) -> Result<AccountList, AppError> {
    ssr::answer(
        async {
            crate::server::ssr::locale(&lang)?;
            let (pool, account) = ssr::with_role(domain::accounts::Role::Staff).await?;
            let rows = domain::accounts::admin::list(&pool, &account, 100).await?;
            let rows = rows
                .into_iter()
                .map(|r| AccountRow {
                    id: r.id.to_string(),
                    email: r.email,
                    name: r.name,
                    role: r.role.as_str().into(),
                    email_verified: r.email_verified,
                })
                .collect();
            Ok(AccountList {
                rows,
                staff_two_factor: domain::accounts::admin::staff_two_factor(&pool).await?,
                is_admin: account.role == domain::accounts::Role::Admin,
            })
        }
        .await,
    )
}

/// Changes an account's role (admins only).
#[server]
pub async fn set_account_role(lang: String, id: String, role: String) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, account) = ssr::with_role(domain::accounts::Role::Admin).await?;
            let id = id
                .parse()
                .map_err(|_| AppError::NotFound("account".into()))?;
            let role =
                domain::accounts::Role::parse(&role).ok_or_else(|| AppError::Validation {
                    field: "role".into(),
                    message: "account.errors.forbidden".into(),
                })?;
            domain::accounts::admin::set_role(&pool, &account, id, role).await?;
            ssr::go(locale, "/admin/accounts");
            Ok(())
        }
        .await,
    )
}

/// Requires two-factor sign-in for staff, or stops requiring it (admins only).
#[server]
pub async fn set_staff_two_factor(lang: String, required: Option<String>) -> Result<(), AppError> {
    ssr::answer(
        async {
            let locale = crate::server::ssr::locale(&lang)?;
            let (pool, account) = ssr::with_role(domain::accounts::Role::Admin).await?;
            domain::accounts::admin::require_staff_two_factor(&pool, &account, required.is_some())
                .await?;
            ssr::go(locale, "/admin/accounts");
            Ok(())
        }
        .await,
    )
}

/// What was typed into a form before its post failed (see `ssr::answer_keeping`), once.
#[server]
pub async fn get_typed(lang: String, path: String) -> Result<Vec<(String, String)>, AppError> {
    ssr::answer(
        async {
            crate::server::ssr::locale(&lang)?;
            ssr::take_typed(&path).await
        }
        .await,
    )
}
