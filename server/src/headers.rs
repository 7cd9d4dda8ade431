//! Security headers added to every response.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

/// For responses that did not set their own policy (files, health checks, errors).
/// Rendered pages set a stricter one carrying their script nonce.
pub const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self'; object-src 'none'; \
                               base-uri 'none'; frame-ancestors 'none'";

const HEADERS: [(HeaderName, &str); 5] = [
    (header::CONTENT_SECURITY_POLICY, DEFAULT_CSP),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    // Older browsers ignore CSP's frame-ancestors; this says the same to them.
    (header::X_FRAME_OPTIONS, "DENY"),
    (
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    ),
];

/// Adds each header the handler did not set itself (`axum::middleware::map_response`).
pub async fn add_security_headers<B>(mut response: Response<B>) -> Response<B> {
    let headers = response.headers_mut();
    for (name, value) in HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}
