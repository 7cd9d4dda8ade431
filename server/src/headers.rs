//! Security headers added to every response, and HTTPS-only ones for HTTPS requests.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
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

/// How long browsers should insist on HTTPS once they saw it (one year).
const HSTS: &str = "max-age=31536000";

/// For requests that reached the shop over HTTPS (the public address is `https://`, or a
/// trusted proxy says so with `X-Forwarded-Proto`): browsers are told to use HTTPS from
/// now on (`Strict-Transport-Security`), and every cookie is `Secure`, so it never
/// travels over plain HTTP. Decided per request: behind a proxy, the same shop may be
/// reached both ways.
pub async fn https_only(
    State(site): State<app::server::ssr::PublicUrl>,
    request: Request,
    next: Next,
) -> Response {
    let https = site.is_https(request.headers());
    let mut response = next.run(request).await;
    if !https {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(HSTS),
    );
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    if cookies.is_empty() {
        return response;
    }
    headers.remove(header::SET_COOKIE);
    for cookie in cookies {
        headers.append(header::SET_COOKIE, secure_cookie(cookie));
    }
    response
}

/// `name=value; Path=/` → `name=value; Path=/; Secure` (unchanged if already Secure).
fn secure_cookie(cookie: HeaderValue) -> HeaderValue {
    let Ok(text) = cookie.to_str() else {
        return cookie;
    };
    let secure = text
        .split(';')
        .skip(1)
        .any(|attr| attr.trim().eq_ignore_ascii_case("secure"));
    if secure {
        return cookie;
    }
    HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_become_secure_once() {
        let plain = HeaderValue::from_static("vitrine=abc; HttpOnly; Path=/");
        assert_eq!(
            secure_cookie(plain),
            "vitrine=abc; HttpOnly; Path=/; Secure"
        );
        let secure = HeaderValue::from_static("vitrine=abc; Secure; Path=/");
        assert_eq!(secure_cookie(secure), "vitrine=abc; Secure; Path=/");
    }
}
