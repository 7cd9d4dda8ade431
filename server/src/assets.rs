//! Static files: the built bundle in `pkg/` and the files copied from `public/`.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, header};
use axum::response::IntoResponse;
use axum::routing::Router;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// A year, immutable: file names in `pkg/` change whenever their content does.
const HASHED: &str = "public, max-age=31536000, immutable";
/// Unhashed files must be revalidated so a new release is picked up.
const REVALIDATE: &str = "public, max-age=0, must-revalidate";
/// Icons, manifest, robots.txt: cached for an hour.
const PUBLIC: &str = "public, max-age=3600";

pub type NotFound = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

/// `/pkg/*` from the site's package folder, anything else from the site root, and
/// `not_found` (the app's 404 page) when no file matches.
pub fn router<S: Clone + Send + Sync + 'static>(
    options: &LeptosOptions,
    not_found: NotFound,
) -> Router<S> {
    let site_root = std::path::Path::new(options.site_root.as_ref());
    let pkg_cache = if options.hash_files {
        HASHED
    } else {
        REVALIDATE
    };
    let pkg = ServeDir::new(site_root.join(options.site_pkg_dir.as_ref()))
        .precompressed_br()
        .precompressed_gzip()
        .not_found_service(not_found.clone());
    let public = ServeDir::new(site_root).not_found_service(not_found);
    Router::new()
        .nest_service(
            &format!("/{}", options.site_pkg_dir),
            tower::ServiceBuilder::new()
                .layer(cache_control(pkg_cache))
                .service(pkg),
        )
        .fallback_service(
            tower::ServiceBuilder::new()
                .layer(cache_control(PUBLIC))
                .service(public),
        )
}

fn cache_control(value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static(value))
}

/// Wraps the app's page renderer as the service answering unknown paths.
pub fn not_found_service<F, Fut>(render: F) -> NotFound
where
    F: Fn(Request<Body>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Response<Body>> + Send + 'static,
{
    let service = tower::service_fn(move |request: Request<Body>| {
        let render = render.clone();
        async move {
            let mut response = render(request).await.into_response();
            // The page is the 404 page; never let it be cached as if it were the file.
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok::<_, Infallible>(response)
        }
    });
    BoxCloneSyncService::new(service.map_response(|r| r))
}
