//! Server functions: thin adapters from a request to a `domain` call and back to a DTO.
//!
//! The DTOs here are what crosses to the browser; they never carry secrets, and prices
//! arrive already formatted for the shopper's language, so the wasm needs no decimals.

pub mod account;
pub mod admin;
pub mod catalog;
pub mod redirect;
#[cfg(feature = "ssr")]
pub mod request;
pub mod shop;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the header and footer show on every page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopInfo {
    pub name: String,
    /// The currency prices are shown in for this shopper.
    pub currency: String,
    pub currencies: Vec<String>,
    /// Whether someone is signed in on this browser (for the header's account link).
    pub signed_in: bool,
    /// What is in the shopper's cart (for the header's mini-cart).
    pub cart: shop::MiniCart,
    /// The built-in test card takes payments (for nothing): every page says so.
    pub test_payments: bool,
}

/// A category link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLink {
    pub name: String,
    pub slug: String,
}

/// A top-level category and its subcategories.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryGroup {
    pub category: CategoryLink,
    pub children: Vec<CategoryLink>,
}

#[server]
pub async fn get_shop_info(lang: String) -> Result<ShopInfo, AppError> {
    let request = request::Request::of(&lang).await?;
    let settings = ssr::settings(&request.pool).await?;
    let signed_in = request.account().await?.is_some();
    let cart = shop::mini_cart(&request).await?;
    Ok(ShopInfo {
        signed_in,
        cart,
        test_payments: shop::ssr::payments().test_card,
        name: settings.name,
        currency: request.reader().await?.currency.code().to_string(),
        currencies: ssr::currencies(&request.pool)
            .await?
            .enabled()
            .map(|c| c.code().to_string())
            .collect(),
    })
}

#[server]
pub async fn get_category_groups(lang: String) -> Result<Vec<CategoryGroup>, AppError> {
    let request = request::Request::of(&lang).await?;
    let reader = request.reader().await?;
    let tree =
        ssr::category_tree(&request.pool, request.locale.tag(), &reader.default_locale).await?;
    let link = |c: domain::catalog::Category| CategoryLink {
        name: c.name,
        slug: c.slug,
    };
    Ok(tree
        .into_iter()
        .map(|branch| CategoryGroup {
            category: link(branch.category),
            children: branch.children.into_iter().map(link).collect(),
        })
        .collect())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Reading what the server put into the request's context.

    use axum::http::request::Parts;
    use axum::http::{HeaderMap, header};
    use domain::money::Currency;
    use leptos::prelude::use_context;
    use sqlx::PgPool;

    use crate::error::AppError;
    use crate::i18n::Locale;

    /// Where the shop's links point (e-mails, canonical links, the sitemap): worked out once
    /// at start from the settings, never from what a request says about itself, so a
    /// forged `Host` header cannot send a reset link to someone else's site.
    #[derive(Clone, Debug)]
    pub struct PublicUrl {
        /// `VITRINE_PUBLIC_URL`, else `http://<VITRINE_ADDR>`; no trailing slash.
        pub base: String,
        /// Whether `base` is the configured public address (not the listening address).
        pub configured: bool,
        /// `VITRINE_TRUST_PROXY`: the proxy in front says which host and scheme were asked.
        pub trust_proxy: bool,
        /// `VITRINE_ALLOWED_HOSTS`: other names the shop answers to behind that proxy; a
        /// request for one of them links to it. Any other host links to `base`.
        pub allowed_hosts: Vec<String>,
    }

    impl Default for PublicUrl {
        fn default() -> Self {
            PublicUrl {
                base: "http://127.0.0.1:3000".into(),
                configured: false,
                trust_proxy: false,
                allowed_hosts: Vec::new(),
            }
        }
    }

    impl PublicUrl {
        /// The shop's address for a request: `base`, unless a trusted proxy forwarded a
        /// request for one of the allowed hosts.
        pub fn for_request(&self, headers: &HeaderMap) -> String {
            if self.trust_proxy && !self.allowed_hosts.is_empty() {
                let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
                let host = text("x-forwarded-host")
                    .or_else(|| text(header::HOST.as_str()))
                    .map(|h| {
                        h.split(',')
                            .next()
                            .unwrap_or_default()
                            .trim()
                            .to_ascii_lowercase()
                    });
                if let Some(host) = host
                    && self.allowed_hosts.contains(&host)
                {
                    let scheme = match text("x-forwarded-proto") {
                        Some("https") => "https",
                        Some("http") => "http",
                        _ => self.base.split("://").next().unwrap_or("http"),
                    };
                    return format!("{scheme}://{host}");
                }
            }
            self.base.clone()
        }

        /// Whether the request arrived over HTTPS: the configured address is `https://`,
        /// or a trusted proxy says the browser used HTTPS.
        pub fn is_https(&self, headers: &HeaderMap) -> bool {
            (self.configured && self.base.starts_with("https://"))
                || (self.trust_proxy
                    && headers
                        .get("x-forwarded-proto")
                        .is_some_and(|v| v.as_bytes() == b"https"))
        }
    }

    /// The origin the request itself names (scheme and `Host`): for comparing with a
    /// browser's `Origin` header (cross-site checks), never for building links.
    pub fn request_origin(headers: &HeaderMap) -> String {
        let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
        let host = text(header::HOST).unwrap_or("localhost");
        let scheme = text(header::HeaderName::from_static("x-forwarded-proto")).unwrap_or("http");
        format!("{scheme}://{host}")
    }

    /// Asks browsers not to keep the page (personal data: accounts, carts, orders), not
    /// even for the back button on a shared computer.
    pub fn no_store() {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.insert_header(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
        }
    }

    /// The database pool, provided by the server for every request.
    pub fn pool() -> Result<PgPool, AppError> {
        use_context::<PgPool>().ok_or_else(|| {
            tracing::error!("no database pool in the request context");
            AppError::Internal
        })
    }

    /// The shop's secret key (encrypts two-factor secrets), provided by the server.
    pub fn keys() -> Result<domain::keys::Keys, AppError> {
        use_context::<domain::keys::Keys>().ok_or_else(|| {
            tracing::error!("no secret key in the request context");
            AppError::Internal
        })
    }

    /// The storefront cache, provided by the server; without one (never in the real
    /// server) every value is loaded afresh.
    pub fn cache() -> domain::cache::Cache {
        use_context::<domain::cache::Cache>()
            .unwrap_or_else(|| domain::cache::Cache::new(1, std::time::Duration::ZERO))
    }

    pub async fn settings(pool: &PgPool) -> Result<domain::shop::ShopSettings, AppError> {
        Ok(cache()
            .get_or_load("settings".into(), || domain::shop::settings(pool))
            .await?)
    }

    pub async fn category_tree(
        pool: &PgPool,
        locale: &str,
        default_locale: &str,
    ) -> Result<Vec<domain::catalog::CategoryBranch>, AppError> {
        let key = format!("tree|{locale}|{default_locale}");
        Ok(cache()
            .get_or_load(key, || {
                domain::catalog::category_tree(pool, locale, default_locale)
            })
            .await?)
    }

    /// The language named by an address segment; anything else is a page that does
    /// not exist.
    pub fn locale(slug: &str) -> Result<Locale, AppError> {
        Locale::from_slug(slug).ok_or_else(|| AppError::NotFound("page".into()))
    }

    /// A cookie among request headers (also used by the server's own endpoints).
    pub fn cookie_in(headers: &HeaderMap, name: &str) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                (key == name).then(|| value.to_string())
            })
    }

    /// A cookie sent with the request being rendered.
    pub fn cookie(name: &str) -> Option<String> {
        cookie_in(&use_context::<Parts>()?.headers, name)
    }

    /// The shop's currencies (cached; every change to the table empties the cache).
    pub async fn currencies(pool: &PgPool) -> Result<domain::money::Currencies, AppError> {
        Ok(cache()
            .get_or_load("currencies".into(), || {
                domain::money::currencies::load(pool)
            })
            .await?)
    }

    /// The shopper's currency: the one they picked (cookie) while the shop offers it,
    /// else their language's if offered, else the shop's base currency.
    pub async fn currency(pool: &PgPool, locale: Locale) -> Result<Currency, AppError> {
        let currencies = currencies(pool).await?;
        let picked = cookie("currency")
            .and_then(|code| currencies.offered(&code))
            .or_else(|| currencies.offered(locale.default_currency()));
        match picked {
            Some(currency) => Ok(currency),
            None => {
                let base = settings(pool).await?.base_currency;
                currencies.get(&base).ok_or_else(|| {
                    tracing::error!(%base, "the base currency is not in the currencies table");
                    AppError::Internal
                })
            }
        }
    }

    /// The address of the shop for the request being rendered (see [`PublicUrl`]).
    pub fn site_url() -> String {
        let site = use_context::<PublicUrl>().unwrap_or_default();
        let headers = use_context::<Parts>()
            .map(|p| p.headers)
            .unwrap_or_default();
        site.for_request(&headers)
    }
}
