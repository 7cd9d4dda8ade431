//! Storefront endpoints outside the Leptos app: choosing the language for an address
//! without one, switching language or currency (plain links and GET forms, so they work
//! without JavaScript) and robots.txt (the sitemap is in `sitemap.rs`).

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use app::i18n::Locale;
use app::server::redirect::encoded;
use app::server::ssr::cookie_in;

/// A year: how long the language and currency choices are remembered.
const REMEMBER: &str = "Max-Age=31536000; Path=/; SameSite=Lax; HttpOnly";

/// Paths that are not storefront pages and never carry a language.
fn is_outside_the_storefront(path: &str) -> bool {
    const PREFIXES: [&str; 6] = [
        "/pkg/",
        "/media/",
        "/api/",
        "/currency",
        "/language",
        "/healthz",
    ];
    PREFIXES.iter().any(|p| path.starts_with(p))
        || path == "/readyz"
        // Files such as /favicon.svg or /sitemap.xml.
        || path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

/// The language for a shopper arriving at an address without one: their earlier choice
/// (cookie), else their browser's preference, else English.
pub fn negotiated_locale(headers: &HeaderMap) -> Locale {
    cookie_in(headers, "lang")
        .and_then(|slug| Locale::from_slug(&slug))
        .or_else(|| {
            let accept = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
            let tag = domain::locale::negotiate(accept)?;
            Locale::ALL.into_iter().find(|l| l.tag() == tag)
        })
        .unwrap_or_default()
}

/// Every page lives under a language (`/en/…`, `/pt-br/…`), so each address has exactly
/// one language. An address without one is redirected to the negotiated language.
pub async fn redirect_to_a_language(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_read = matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    if !is_read || is_outside_the_storefront(path) || Locale::from_path(path).is_some() {
        return next.run(request).await;
    }
    let locale = negotiated_locale(request.headers());
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let target = format!("{}{query}", locale.path(path));
    let mut response = Redirect::to(&encoded(&target)).into_response();
    // The target depends on these request headers.
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    response
}

/// Only addresses on this site: `/…` but not `//host` or `/\\host`, which browsers treat
/// as another site. Anything else goes home.
fn local_path(candidate: Option<&str>) -> String {
    match candidate {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response()
}

fn see_other(target: &str, cookie: String) -> Response {
    let mut response = Redirect::to(&encoded(target)).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize)]
pub struct LanguageSwitch {
    to: Option<String>,
    from: Option<String>,
}

/// `/language?to=pt-br&from=/en/c/t-shirts`: the same page in another language (slugs
/// translated), remembering the choice.
pub async fn switch_language(
    State(state): State<AppState>,
    Query(switch): Query<LanguageSwitch>,
) -> Response {
    let Some(to) = switch.to.as_deref().and_then(Locale::from_slug) else {
        return bad_request("Unknown language. Choose one of: en, pt-br, es, zh-cn.");
    };
    let from = local_path(switch.from.as_deref());
    let (path, query) = from
        .split_once('?')
        .map_or((from.as_str(), ""), |(p, q)| (p, q));
    let rest = match Locale::from_path(path) {
        Some(current) => path[current.slug().len() + 1..].to_string(),
        None => path.to_string(),
    };
    let rest = translate(&state, &rest, to).await;
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    see_other(
        &format!("{}{query}", to.path(&rest)),
        format!("lang={}; {REMEMBER}", to.slug()),
    )
}

/// `/c/<slug>` and `/p/<slug>` in the target language; other paths stay as they are.
async fn translate(state: &AppState, rest: &str, to: Locale) -> String {
    use domain::catalog::{SlugKind, translate_slug};
    let mut segments = rest.trim_start_matches('/').splitn(2, '/');
    let (kind, slug) = (segments.next().unwrap_or(""), segments.next().unwrap_or(""));
    let kind = match kind {
        "c" => SlugKind::Category,
        "p" => SlugKind::Product,
        _ => return rest.to_string(),
    };
    match translate_slug(&state.pool, kind, slug, to.tag()).await {
        Ok(Some(translated)) => format!(
            "/{}/{translated}",
            if kind == SlugKind::Category { "c" } else { "p" }
        ),
        _ => rest.to_string(),
    }
}

#[derive(Deserialize)]
pub struct CurrencySwitch {
    code: Option<String>,
    back: Option<String>,
}

/// `/currency?code=BRL&back=/pt-br/p/…`: shows prices in that currency from now on.
pub async fn switch_currency(
    State(state): State<AppState>,
    Query(switch): Query<CurrencySwitch>,
) -> Response {
    let currencies = match state
        .cache
        .get_or_load("currencies".into(), || {
            domain::money::currencies::load(&state.pool)
        })
        .await
    {
        Ok(currencies) => currencies,
        Err(error) => {
            tracing::error!(%error, "reading the currencies");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let Some(currency) = switch.code.as_deref().and_then(|c| currencies.offered(c)) else {
        let codes: Vec<&str> = currencies
            .rows()
            .iter()
            .filter(|c| c.enabled)
            .map(|c| c.currency.code())
            .collect();
        return bad_request(&format!(
            "Unknown currency. Choose one of: {}.",
            codes.join(", ")
        ));
    };
    let back = local_path(switch.back.as_deref());
    see_other(&back, format!("currency={}; {REMEMBER}", currency.code()))
}

fn site_url(state: &AppState, headers: &HeaderMap) -> String {
    state.site.for_request(headers)
}

pub async fn robots(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let site = site_url(&state, &headers);
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /webhooks/\nDisallow: /*/search\n\
         Disallow: /*/cart\nDisallow: /*/checkout\nDisallow: /*/orders/\nDisallow: /*/account\n\
         Disallow: /*/admin/\nSitemap: {site}/sitemap.xml\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            local_path(Some("/pt-br/c/camisetas?sort=name")),
            "/pt-br/c/camisetas?sort=name"
        );
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "/a\nb",
        ] {
            assert_eq!(local_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn assets_and_endpoints_keep_their_addresses() {
        for path in [
            "/pkg/vitrine.js",
            "/favicon.svg",
            "/sitemap.xml",
            "/api/get_shop_info",
            "/healthz",
            "/currency",
        ] {
            assert!(is_outside_the_storefront(path), "{path}");
        }
        for path in ["/", "/c/t-shirts", "/search"] {
            assert!(!is_outside_the_storefront(path), "{path}");
        }
    }

    #[test]
    fn the_language_comes_from_the_cookie_then_the_browser() {
        let mut headers = HeaderMap::new();
        assert_eq!(negotiated_locale(&headers), Locale::En);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("es-MX,es;q=0.9"),
        );
        assert_eq!(negotiated_locale(&headers), Locale::Es);
        headers.insert(header::COOKIE, HeaderValue::from_static("a=b; lang=zh-cn"));
        assert_eq!(negotiated_locale(&headers), Locale::ZhCn);
        headers.insert(header::COOKIE, HeaderValue::from_static("lang=klingon"));
        assert_eq!(negotiated_locale(&headers), Locale::Es);
    }
}
