//! Static files: the built bundle in `pkg/` and the files copied from `public/`.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, header};
use axum::response::IntoResponse;
use axum::routing::Router;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// A year, immutable: file names in `pkg/` change whenever their content does.
const HASHED: &str = "public, max-age=31536000, immutable";
/// Unhashed files must be revalidated so a new release is picked up.
const REVALIDATE: &str = "public, max-age=0, must-revalidate";
/// Icons, manifest, robots.txt: cached for an hour.
const PUBLIC: &str = "public, max-age=3600";

pub type NotFound = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

/// `/pkg/*` from the site's package folder, anything else from the site root, and
/// `not_found` (the app's 404 page) when no file or page matches.
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
    // A missing bundle file is a plain 404: nobody reads an HTML page for a .wasm.
    let pkg = ServeDir::new(site_root.join(options.site_pkg_dir.as_ref()))
        .precompressed_br()
        .precompressed_gzip();
    let public = ServeDir::new(site_root).not_found_service(not_found);
    let mut router = Router::new();
    // Each top-level file (favicon, manifest...) gets its own route: the storefront's
    // `/{lang}` route would otherwise claim `/favicon.svg` before the fallback sees it.
    for file in top_level_files(site_root) {
        router = router.route_service(
            &format!("/{file}"),
            tower::ServiceBuilder::new()
                .layer(cache_control(PUBLIC))
                .service(ServeFile::new(site_root.join(&file))),
        );
    }
    router
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

fn top_level_files(site_root: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(site_root) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        // Names that are not plain path segments cannot be routes.
        .filter(|name| !name.contains(['{', '}', '*', '/']))
        .collect()
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
