//! What every server function starts from and finishes with, whatever its area: the
//! [`Request`] (pool, language, session, the signed-in account, the shopper's currency,
//! staff proofs), the client, ids parsed from forms, e-mail links, and the answer with
//! its HTTP status. The areas' own `ssr` modules hold only what is theirs (the account
//! area's sign-in steps, the shop area's shopper and cart).

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

/// Session key of a failed form's typed values (see [`answer_keeping`]).
const TYPED: &str = "typed_values";

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session layer in front of a server function");
        AppError::Internal
    })
}

pub(crate) fn store_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store");
    AppError::Busy
}

/// What every server function starts from: the database, the language of the page
/// that asked (every form posts it as `lang`), the session, and — looked up once, when
/// first asked for — who is signed in, the shopper's currency, and staff proofs.
///
/// `Request::of(&lang)` costs no database work: a page that never asks who is signed in
/// (a cached catalog page) stays as cheap as before.
pub struct Request {
    pub pool: PgPool,
    pub locale: Locale,
    pub session: Session,
    signed_in: tokio::sync::OnceCell<Option<(Account, Uuid)>>,
    reader: tokio::sync::OnceCell<crate::server::shop::ssr::Reader>,
}

impl Request {
    /// The request being served, in the language `lang` names (an unknown one is a page
    /// that does not exist: 404).
    pub async fn of(lang: &str) -> Result<Request, AppError> {
        Ok(Request {
            locale: base::locale(lang)?,
            pool: base::pool()?,
            session: session().await?,
            signed_in: tokio::sync::OnceCell::new(),
            reader: tokio::sync::OnceCell::new(),
        })
    }

    /// The signed-in account and its sign-in's id, if any (read once per request).
    async fn login(&self) -> Result<Option<&(Account, Uuid)>, AppError> {
        let found = self
            .signed_in
            .get_or_try_init(|| crate::server::account::ssr::account_in(&self.pool, &self.session))
            .await?;
        Ok(found.as_ref())
    }

    /// The signed-in account, if any.
    pub async fn account(&self) -> Result<Option<&Account>, AppError> {
        Ok(self.login().await?.map(|(account, _)| account))
    }

    /// The signed-in account, or `Unauthorized` (the page sends the browser to sign in).
    pub async fn signed_in(&self) -> Result<&Account, AppError> {
        self.account().await?.ok_or(AppError::Unauthorized)
    }

    /// The sign-in (`account_sessions` row) this browser holds, or `Unauthorized`.
    pub async fn login_id(&self) -> Result<Uuid, AppError> {
        Ok(self.login().await?.ok_or(AppError::Unauthorized)?.1)
    }

    /// The signed-in account as staff, checked by the domain (roles and permissions as
    /// the database says now).
    pub async fn staff(&self) -> Result<domain::accounts::staff::Staff, AppError> {
        let account = self.signed_in().await?;
        Ok(domain::accounts::staff::sign_in_as_staff(&self.pool, account).await?)
    }

    /// The proof that the signed-in staff member may do `P`
    /// (`request.allowed::<can::Catalog>()`), or `Forbidden`; every staff server
    /// function starts here and hands the proof to the domain.
    pub async fn allowed<P: domain::accounts::staff::can::Grant>(
        &self,
    ) -> Result<domain::accounts::staff::Allowed<P>, AppError> {
        Ok(self.staff().await?.allowed::<P>()?)
    }

    /// The language, the shop's default language and the currency prices are shown in
    /// (read once per request).
    pub async fn reader(&self) -> Result<&crate::server::shop::ssr::Reader, AppError> {
        self.reader
            .get_or_try_init(|| {
                crate::server::shop::ssr::Reader::of_locale(self.locale, &self.pool)
            })
            .await
    }

    /// Sends the browser to `page` in this request's language (see [`go`]).
    pub fn go(&self, page: &crate::page::Page) {
        go(self.locale, &page.path());
    }

    /// [`Request::go`] with a query string (`saved=1`), already encoded.
    pub fn go_with(&self, page: &crate::page::Page, query: &str) {
        go(self.locale, &page.path_with(query));
    }
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

/// An id from a form or an address; anything else is "not found" (`what`), never a
/// server error.
pub fn uuid(text: &str, what: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(text.trim()).map_err(|_| AppError::NotFound(what.into()))
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
