//! Server-side helpers for account server functions: the session, the signed-in
//! account, the client, and answering errors with the right status.

use axum::http::request::Parts;
use domain::accounts::{Account, Client};
use domain::mail::Links;
use leptos::prelude::use_context;
use sqlx::PgPool;
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::AppError;
use crate::i18n::Locale;
use crate::server::ssr as base;

/// Session keys. The session holds ids only; what they mean lives in PostgreSQL.
const LOGIN: &str = "login";
const PENDING: &str = "pending_second_factor";
const FRESH_CODES: &str = "fresh_recovery_codes";
const TYPED: &str = "typed_values";

/// How long the second step of signing in waits for its code.
const PENDING_SECS: i64 = 5 * 60;

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session layer in front of a server function");
        AppError::Internal
    })
}

fn store_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store");
    AppError::Busy
}

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

/// The signed-in account, or `Unauthorized`.
pub async fn signed_in() -> Result<(PgPool, Session, Account, Uuid), AppError> {
    let pool = base::pool()?;
    let session = session().await?;
    match account_in(&pool, &session).await? {
        Some((account, login)) => Ok((pool, session, account, login)),
        None => Err(AppError::Unauthorized),
    }
}

/// The signed-in account as staff, checked by the domain: every staff server function
/// starts here (or at [`allowed`]) and passes the proof down.
pub async fn staff() -> Result<(PgPool, domain::accounts::staff::Staff), AppError> {
    let (pool, _, account, _) = signed_in().await?;
    let staff = domain::accounts::staff::sign_in_as_staff(&pool, &account).await?;
    Ok((pool, staff))
}

/// [`staff`], allowed to do `P` (`allowed::<can::Refunds>()`), or `Forbidden`.
pub async fn allowed<P: domain::accounts::staff::can::Grant>()
-> Result<(PgPool, domain::accounts::staff::Allowed<P>), AppError> {
    let (pool, staff) = staff().await?;
    let allowed = staff.allowed::<P>()?;
    Ok((pool, allowed))
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

/// The recovery codes just made, once: reading them removes them.
pub async fn take_fresh_codes(session: &Session) -> Result<Vec<String>, AppError> {
    Ok(session
        .remove::<Vec<String>>(FRESH_CODES)
        .await
        .map_err(store_error)?
        .unwrap_or_default())
}

/// Who is asking (set by the server for every request).
pub fn client() -> Client {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<Client>().cloned())
        .unwrap_or_default()
}

/// What e-mails need: the shop's name and address.
pub async fn links(pool: &PgPool) -> Result<Links, AppError> {
    let settings = base::settings(pool).await?;
    Ok(Links {
        base_url: base::site_url(),
        shop_name: settings.name,
    })
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

/// Sends the browser to `path` in `locale` (a 302 for plain forms, a client-side
/// navigation for the hydrated app). Safe whatever text `path` carries.
pub fn go(locale: Locale, path: &str) {
    crate::server::redirect::to(&locale.path(path));
}

/// Finishes a server function: an error gets its HTTP status (4xx for anything the
/// user can fix), and "busy" (503) and "too many attempts" (429) say when to try again
/// (`Retry-After`). Plain form posts keep the redirect back to the form, which shows the
/// error; the status is for programs and the hydrated app.
pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result
        && !wants_html()
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(error.status())
    {
        response.set_status(status);
        let retry_after = match error {
            AppError::Busy => Some(BUSY_RETRY_SECS),
            AppError::TooMany { minutes } => Some(minutes.saturating_mul(60)),
            _ => None,
        };
        if let Some(secs) = retry_after {
            response.insert_header(axum::http::header::RETRY_AFTER, secs.into());
        }
    }
    result
}

/// When an overloaded shop asks to be tried again: a password check or a database
/// connection frees up within moments.
const BUSY_RETRY_SECS: u64 = 2;

/// Wants HTML: a plain form post (as opposed to a program or the hydrated app's fetch).
fn wants_html() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Like [`answer`], and when a plain form post fails, keeps what was typed into the
/// non-secret fields (never passwords) so the form comes back filled in. Kept in the
/// session, not the address, so no e-mail or street ends up in a log or the history.
pub async fn answer_keeping<T>(
    typed: &[(&str, &str)],
    result: Result<T, AppError>,
) -> Result<T, AppError> {
    if result.is_err()
        && wants_html()
        && let Ok(session) = session().await
        && let Some(parts) = use_context::<Parts>()
    {
        let values: Vec<(String, String)> = typed
            .iter()
            .map(|(name, value)| (name.to_string(), value.chars().take(500).collect()))
            .collect();
        let kept = (parts.uri.path().to_string(), values);
        if let Err(error) = session.insert(TYPED, kept).await {
            tracing::warn!(%error, "could not keep a form's values");
        }
    }
    answer(result)
}

/// What was typed into the form of server function `path` before it failed, once.
pub async fn take_typed(path: &str) -> Result<Vec<(String, String)>, AppError> {
    let session = session().await?;
    let kept = session
        .get::<(String, Vec<(String, String)>)>(TYPED)
        .await
        .map_err(store_error)?;
    match kept {
        Some((kept_path, values)) if kept_path == path => {
            session.remove_value(TYPED).await.map_err(store_error)?;
            Ok(values)
        }
        _ => Ok(Vec::new()),
    }
}
