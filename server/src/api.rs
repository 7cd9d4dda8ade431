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
