//! What accounts need from the HTTP layer: the session cookie, the cross-site request
//! check, who the client is, the data download, and the first admin.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::session_store::HashedStore;

use crate::AppState;

/// How long a browser's session (a guest's cart, a sign-in) lives without a visit. A
/// sign-in also has its own, shorter limits (see `domain::accounts::logins`).
const SESSION_IDLE_DAYS: i64 = 30;

/// Sessions in PostgreSQL (any replica can serve any request, and they survive restarts),
/// keyed by a hash of the id (see `session_store`). With an `https://` public address the
/// cookie is `Secure` and named with the `__Host-` prefix, which browsers only accept
/// from a secure page, for the whole site, without a Domain; behind a trusted proxy,
/// `headers::https_only` makes it `Secure` per request.
pub fn session_layer(pool: sqlx::PgPool, secure: bool) -> SessionManagerLayer<HashedStore> {
    let store = HashedStore::new(pool);
    let name = if secure { "__Host-vitrine" } else { "vitrine" };
    SessionManagerLayer::new(store)
        .with_name(name)
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::days(
            SESSION_IDLE_DAYS,
        )))
}

/// The language of the page a request came from (its `Referer`), for answering a
/// request refused before it reached the app; the default language otherwise.
pub fn referring_locale(headers: &HeaderMap) -> app::i18n::Locale {
    app::i18n::Locale::from_path(
        headers
            .get(header::REFERER)
            .and_then(|r| r.to_str().ok())
            .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
            .and_then(|rest| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("/"),
    )
    .unwrap_or_default()
}

/// Refuses state-changing requests that a browser says come from another site.
///
/// Browsers send `Sec-Fetch-Site` with every request (and `Origin` with every POST); a
/// form on another site posting here is `cross-site`, or carries a foreign Origin. A
/// request with neither header comes from a program, not a browser, so it carries no
/// victim's cookies. `SameSite=Lax` cookies are a second wall behind this one.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if is_cross_site(request.headers(), &state.site) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        let locale = referring_locale(request.headers());
        let message = app::i18n::translate_in(locale, "account.errors.cross_site");
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            message,
        )
            .into_response();
    }
    next.run(request).await
}

/// Comparing `Origin` with the request's own `Host` is sound here (unlike for links): a
/// page on another site cannot make the victim's browser send our host with its origin.
/// With a configured public address, only that address (or an allowed host) is ours.
pub fn is_cross_site(headers: &HeaderMap, site: &app::server::ssr::PublicUrl) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(fetch_site) = text("sec-fetch-site") {
        return !matches!(fetch_site, "same-origin" | "none");
    }
    match text("origin") {
        None => false,
        Some(origin) => {
            origin != site.for_request(headers)
                && (site.configured || origin != app::server::ssr::request_origin(headers))
        }
    }
}

/// Puts who the client is (address and browser) into the request, for throttles and
/// the list of signed-in browsers.
pub async fn identify_client(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let connected = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    let forwarded = state
        .trust_proxy
        .then(|| {
            // The proxy appends the address it saw: the last entry is the one to trust.
            request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .map(|ip| ip.trim().to_string())
        })
        .flatten();
    let client = domain::accounts::Client {
        ip: forwarded.or(connected).unwrap_or_else(|| "unknown".into()),
        user_agent: request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect(),
        device: app::server::ssr::cookie_in(request.headers(), domain::accounts::devices::COOKIE),
    };
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// `GET /account/export.json`: the signed-in account's data, as a download.
pub async fn export(State(state): State<AppState>, session: tower_sessions::Session) -> Response {
    let account = match app::server::account::ssr::account_in(&state.pool, &session).await {
        Ok(Some((account, _))) => account,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "please sign in first").into_response(),
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    match domain::accounts::data::export(&state.pool, account.id).await {
        Ok(data) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"my-data.json\""),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            serde_json::to_string_pretty(&data).unwrap_or_default(),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "exporting an account's data");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The demo shop's admin: created on first start with a random password, which is kept
/// in the data directory and printed at every start for as long as it still works.
pub async fn demo_admin(
    pool: &sqlx::PgPool,
    data_dir: &std::path::Path,
) -> Option<(String, String)> {
    const EMAIL: &str = "admin@vitrine.example";
    let file = data_dir.join("demo-admin.txt");
    if let Ok(saved) = std::fs::read_to_string(&file) {
        let password = saved.trim().to_string();
        return match domain::accounts::admin::password_still_works(pool, EMAIL, &password).await {
            Ok(true) => Some((EMAIL.into(), password)),
            _ => None,
        };
    }
    match domain::accounts::admin::create_admin(pool, EMAIL, None).await {
        Ok((_, password)) => {
            if let Err(error) = write_private(&file, &password) {
                tracing::warn!(%error, "could not keep the demo admin password");
            }
            Some((EMAIL.into(), password))
        }
        Err(error) => {
            tracing::info!(%error, "no demo admin created");
            None
        }
    }
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::create_dir_all(path.parent().unwrap_or(std::path::Path::new(".")))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

/// The mail transport the settings ask for.
pub fn mail_transport(
    config: &crate::config::Config,
) -> Result<domain::mail::delivery::Transport, crate::config::ConfigError> {
    use domain::mail::delivery::Transport;
    match &config.smtp_url {
        Some(url) => Transport::smtp(url).map_err(|reason| crate::config::ConfigError::Invalid {
            name: "VITRINE_SMTP_URL",
            reason,
        }),
        None => Ok(Transport::Files(config.data_dir.join("mail"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn site(public: Option<&str>) -> app::server::ssr::PublicUrl {
        app::server::ssr::PublicUrl {
            base: public.unwrap_or("http://127.0.0.1:3000").into(),
            configured: public.is_some(),
            ..Default::default()
        }
    }

    #[test]
    fn only_same_site_browser_requests_pass() {
        let ours = [("host", "shop.example")];
        let none = &site(None);
        assert!(
            !is_cross_site(&headers(&ours), none),
            "no browser headers: a program"
        );
        assert!(!is_cross_site(
            &headers(&[ours[0], ("sec-fetch-site", "same-origin")]),
            none
        ));
        assert!(!is_cross_site(
            &headers(&[ours[0], ("sec-fetch-site", "none")]),
            none
        ));
        assert!(is_cross_site(
            &headers(&[ours[0], ("sec-fetch-site", "cross-site")]),
            none
        ));
        assert!(is_cross_site(
            &headers(&[ours[0], ("sec-fetch-site", "same-site")]),
            none
        ));
        assert!(!is_cross_site(
            &headers(&[ours[0], ("origin", "http://shop.example")]),
            none
        ));
        assert!(is_cross_site(
            &headers(&[ours[0], ("origin", "https://evil.example")]),
            none
        ));
        assert!(is_cross_site(
            &headers(&[ours[0], ("origin", "null")]),
            none
        ));
        let public = &site(Some("https://shop.example"));
        assert!(!is_cross_site(
            &headers(&[("origin", "https://shop.example")]),
            public
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "http://shop.example")]),
            public
        ));
        // A forged Host makes no origin ours once the address is configured.
        assert!(is_cross_site(
            &headers(&[("host", "evil.example"), ("origin", "http://evil.example")]),
            public
        ));
    }
}
