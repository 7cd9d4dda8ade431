//! Uploaded product pictures over HTTP: each stored size served from the picture store
//! (`/media/<id>/<width>.webp`), and the upload form's body checked before Leptos reads it.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::ServerFn;

use crate::AppState;

/// A stored size never changes (a new upload gets a new id): cached for a year.
const FOREVER: &str = "public, max-age=31536000, immutable";

/// One stored size of an uploaded picture. Only addresses `domain::media` makes name a
/// file, so nothing else in the store (and no folder) can be reached; a missing one is
/// a plain 404.
pub async fn picture(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let Some(key) = domain::media::key_of(&id, &file) else {
        return not_found();
    };
    match state.media.store().get(&key).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, domain::media::WEBP),
                (header::CACHE_CONTROL, FOREVER),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(%error, key = key.as_str(), "reading a picture");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the picture cannot be read now",
            )
                .into_response()
        }
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such picture").into_response()
}

/// Leptos reads a multipart server function's body only after assuming it is one (a
/// request without a multipart boundary panics inside Leptos). Such a request is the
/// sender's mistake: 400, with the message the form shows.
pub async fn readable_uploads(request: Request, next: Next) -> Response {
    let uploads = [
        app::server::admin::images::UploadProductImage::PATH,
        app::server::admin::transfer::UploadCatalogFile::PATH,
    ];
    if request.method() != Method::POST || !uploads.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| multer::parse_boundary(v).is_ok());
    if multipart {
        return next.run(request).await;
    }
    let error = app::error::AppError::Validation {
        field: "file".into(),
        message: "admin.images.errors.upload".into(),
    };
    let mut response = Response::new(Body::from(
        serde_json::to_string(&error).unwrap_or_default(),
    ));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
