//! The Content-Security-Policy for rendered pages.
//!
//! Leptos marks its inline hydration and streaming scripts with a fresh nonce on every
//! request; the policy allows exactly those scripts (and what they load, via
//! 'strict-dynamic'), WebAssembly compilation, and nothing inline otherwise.

use leptos::nonce::use_nonce;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// The policy for a page whose inline scripts carry `nonce`.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'"),
        None => "'self'".to_string(),
    };
    // Watch mode's live-reload socket is a development convenience only.
    let connect = if cfg!(debug_assertions) {
        "'self' ws:"
    } else {
        "'self'"
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src {connect}; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of a page that takes a card payment with Stripe's Payment Element: Stripe.js
/// (loaded by the page's nonce'd script), its frames and its API, and nothing more.
pub fn content_security_policy_with_stripe(nonce: Option<&str>) -> String {
    content_security_policy(nonce)
        .replace("connect-src ", "connect-src https://api.stripe.com ")
        .replace("img-src 'self'", "img-src 'self' https://*.stripe.com")
        + "; frame-src https://js.stripe.com https://hooks.stripe.com"
}

/// Widens the page's policy for Stripe's Payment Element (the order page, when paying).
pub fn allow_stripe() {
    let Some(response) = use_context::<ResponseOptions>() else {
        return;
    };
    let policy = content_security_policy_with_stripe(use_nonce().as_deref());
    if let Ok(value) = policy.parse() {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Sets the page's policy on the response being rendered, and keeps shared caches from
/// storing pages: prices on them depend on the shopper's currency cookie.
pub fn send_page_headers() {
    use axum::http::{HeaderValue, header};
    let Some(response) = use_context::<ResponseOptions>() else {
        return;
    };
    let nonce = use_nonce();
    let policy = content_security_policy(nonce.as_deref());
    if let Ok(value) = policy.parse() {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
    response.insert_header(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_allow_only_their_own_nonce_and_no_framing() {
        let policy = content_security_policy(Some("abc123"));
        assert!(policy.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("object-src 'none'"));
        assert!(!policy.contains("unsafe-inline"));
    }

    #[test]
    fn only_the_payment_page_reaches_stripe() {
        let policy = content_security_policy_with_stripe(Some("n"));
        assert!(policy.contains("frame-src https://js.stripe.com https://hooks.stripe.com"));
        assert!(policy.contains("connect-src https://api.stripe.com 'self'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!content_security_policy(Some("n")).contains("stripe"));
    }

    #[test]
    fn without_a_nonce_no_inline_script_is_allowed() {
        let policy = content_security_policy(None);
        assert!(policy.contains("script-src 'self';"));
    }
}
