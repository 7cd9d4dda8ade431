//! Security and caching headers added to every response.

use axum::http::{HeaderName, HeaderValue, header};
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::set_header::SetResponseHeaderLayer;

type Set = SetResponseHeaderLayer<HeaderValue>;

/// For responses that did not set their own policy (files, health checks, errors).
/// Rendered pages set a stricter one carrying their script nonce.
pub const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self'; object-src 'none'; \
                               base-uri 'none'; frame-ancestors 'none'";

/// Every response gets these unless its handler set its own.
pub fn security_headers()
-> ServiceBuilder<Stack<Set, Stack<Set, Stack<Set, Stack<Set, Stack<Set, Identity>>>>>> {
    let fixed = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    ServiceBuilder::new()
        .layer(fixed(header::CONTENT_SECURITY_POLICY, DEFAULT_CSP))
        .layer(fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(fixed(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(fixed(header::X_FRAME_OPTIONS, "DENY"))
        .layer(fixed(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ))
}
