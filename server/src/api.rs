//! The server functions' address space (`/api/…`).

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// A request our server functions could not even read (missing or malformed fields)
/// is answered by Leptos with a 500, as if we had failed. It is the request's fault:
/// answer 400, keeping the message.
pub async fn unreadable_requests_are_400(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, 64 * 1024).await.unwrap_or_default();
    // `AppError::Transport` is what a request that never reached our code turns into.
    if bytes.starts_with(br#"{"Transport""#) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The most a form post to a server function may carry: the product editor's four
/// descriptions of 20,000 characters, URL-encoded, fit with room to spare.
pub const FORM_LIMIT: usize = 2 << 20;

/// The most a file upload (`multipart/form-data`) may carry. Each upload checks its own,
/// smaller limit (32 MB for a catalog file, 15 MB for a picture) while streaming, and
/// reads a too-big file to its end without keeping it, so a browser with JavaScript off
/// gets the form back with the message beside the file field rather than a reset
/// connection; past this, the request is refused before anything reads it.
pub const UPLOAD_LIMIT: usize = 64 << 20;

/// Bounds what a request to a server function may send before anything reads it:
/// Leptos reads a form's whole body into memory, so without this any anonymous
/// client could make the server hold gigabytes. A declared length over the limit is
/// answered 413 at once; a body without one is cut off at the limit.
pub async fn bounded_bodies(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let limit = if multipart { UPLOAD_LIMIT } else { FORM_LIMIT };
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        let locale = crate::accounts::referring_locale(request.headers());
        let message = app::i18n::translate_in(locale, "error.too_large")
            .replace("%{mb}", &(limit >> 20).to_string());
        return Response::builder()
            .status(StatusCode::PAYLOAD_TOO_LARGE)
            .header(
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            )
            .body(Body::from(message))
            .unwrap_or_default();
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}
