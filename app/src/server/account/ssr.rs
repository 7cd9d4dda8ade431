//! The account area's server-side steps: who a session is signed in as, signing in and
//! out, the second factor, fresh recovery codes. Shared helpers are in
//! `server::request`.

use domain::accounts::Account;
use leptos::prelude::use_context;
use sqlx::PgPool;
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::AppError;
use crate::server::request::{client, store_error};
use crate::server::ssr as base;

/// Session keys. The session holds ids only; what they mean lives in PostgreSQL.
const LOGIN: &str = "login";
const PENDING: &str = "pending_second_factor";
const FRESH_CODES: &str = "fresh_recovery_codes";
const NEW_AUTHENTICATOR: &str = "new_authenticator";

/// How long the second step of signing in waits for its code.
const PENDING_SECS: i64 = 5 * 60;

/// The account signed in with `session`, and the sign-in's id. A forged or ended
/// sign-in is forgotten and reads as signed out.
pub async fn account_in(
    pool: &PgPool,
    session: &Session,
) -> Result<Option<(Account, Uuid)>, AppError> {
    let Some(login) = session.get::<Uuid>(LOGIN).await.map_err(store_error)? else {
        return Ok(None);
    };
    match domain::accounts::logins::current(pool, login).await? {
        Some(account) => Ok(Some((account, login))),
        None => {
            session.remove_value(LOGIN).await.map_err(store_error)?;
            Ok(None)
        }
    }
}

/// Signs `account` in on this browser: a new session id (so an id planted before
/// sign-in is worth nothing), a new sign-in row, and the account's currency.
pub async fn start_login(
    pool: &PgPool,
    session: &Session,
    account: &Account,
) -> Result<(), AppError> {
    session.cycle_id().await.map_err(store_error)?;
    session.remove_value(PENDING).await.map_err(store_error)?;
    let client = client();
    let login = domain::accounts::logins::open(pool, account.id, &client).await?;
    session.insert(LOGIN, login).await.map_err(store_error)?;
    // From now on this browser is one the account knows (see `domain::accounts::devices`).
    let device =
        domain::accounts::devices::remember(pool, account.id, client.device.as_deref()).await?;
    set_device_cookie(&device);
    // The cart filled before signing in joins the account's.
    crate::server::shop::ssr::merge_guest_cart(pool, session, account.id).await?;
    if let Some(currency) = &account.currency {
        set_currency_cookie(currency);
    }
    Ok(())
}

/// Renews the session id after a change of privilege (two factors on).
pub async fn renew(session: &Session) -> Result<(), AppError> {
    session.cycle_id().await.map_err(store_error)
}

pub async fn sign_out(pool: &PgPool, session: &Session) -> Result<(), AppError> {
    if let Some(login) = session.get::<Uuid>(LOGIN).await.map_err(store_error)? {
        domain::accounts::logins::close(pool, login).await?;
    }
    session.flush().await.map_err(store_error)
}

/// Remembers an account waiting for its second factor.
pub async fn await_second_factor(session: &Session, account_id: Uuid) -> Result<(), AppError> {
    let until = chrono::Utc::now().timestamp() + PENDING_SECS;
    session
        .insert(PENDING, (account_id, until))
        .await
        .map_err(store_error)
}

pub async fn pending_second_factor(session: &Session) -> Result<Option<Uuid>, AppError> {
    let pending = session
        .get::<(Uuid, i64)>(PENDING)
        .await
        .map_err(store_error)?;
    Ok(pending
        .filter(|(_, until)| *until > chrono::Utc::now().timestamp())
        .map(|(id, _)| id))
}

pub async fn keep_fresh_codes(session: &Session, codes: Vec<String>) -> Result<(), AppError> {
    session
        .insert(FRESH_CODES, codes)
        .await
        .map_err(store_error)
}

/// Keeps the authenticator set-up just started (after the password) for the page that
/// shows it.
pub async fn keep_new_authenticator(
    session: &Session,
    setup: &crate::server::account::TwoFactorSetup,
) -> Result<(), AppError> {
    session
        .insert(NEW_AUTHENTICATOR, setup)
        .await
        .map_err(store_error)
}

/// The authenticator set-up kept by [`keep_new_authenticator`], once: reading removes
/// it, so the secret is shown to the person who typed the password and no one after.
pub async fn take_new_authenticator(
    session: &Session,
) -> Result<Option<crate::server::account::TwoFactorSetup>, AppError> {
    session.remove(NEW_AUTHENTICATOR).await.map_err(store_error)
}

/// The recovery codes just made, once: reading them removes them.
pub async fn take_fresh_codes(session: &Session) -> Result<Vec<String>, AppError> {
    Ok(session
        .remove::<Vec<String>>(FRESH_CODES)
        .await
        .map_err(store_error)?
        .unwrap_or_default())
}

/// The known-browser cookie: long-lived, never read by scripts, sent with same-site
/// requests only, and only over HTTPS when the shop is served over it.
fn set_device_cookie(token: &str) {
    use axum::http::{HeaderValue, header};
    let secure = if base::site_url().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        domain::accounts::devices::COOKIE,
        domain::accounts::devices::KEEP_SECS
    );
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(value) = HeaderValue::from_str(&cookie)
    {
        response.append_header(header::SET_COOKIE, value);
    }
}

fn set_currency_cookie(code: &str) {
    use axum::http::{HeaderValue, header};
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(value) = HeaderValue::from_str(&format!(
            "currency={code}; Path=/; Max-Age=31536000; SameSite=Lax"
        ))
    {
        response.append_header(header::SET_COOKIE, value);
    }
}
