//! The catalog's CSV download for staff with the `catalog` permission: streamed a batch
//! of products at a time (`domain::catalog::transfer::export`), so a catalog of any size
//! goes out in bounded memory and starts arriving at once.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::accounts::staff::{Allowed, can};
use domain::catalog::transfer::{Layout, export};
use serde::Deserialize;

use crate::AppState;

#[derive(Deserialize)]
pub struct Asked {
    /// The language refusals are written in (the page's).
    lang: Option<String>,
}

/// Where the stream is: the header still to send, the batch after a cursor, the end.
enum Next {
    Header,
    After(Option<export::Cursor>),
    Done,
}

pub async fn products_csv(
    State(state): State<AppState>,
    Query(asked): Query<Asked>,
    session: tower_sessions::Session,
) -> Response {
    let locale = asked
        .lang
        .as_deref()
        .and_then(app::i18n::Locale::from_slug)
        .unwrap_or_default();
    let refuse = |status: StatusCode, key: &str| {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            app::i18n::translate_in(locale, key),
        )
            .into_response()
    };
    let account = match app::server::account::ssr::account_in(&state.pool, &session).await {
        Ok(Some((account, _))) => account,
        Ok(None) => return refuse(StatusCode::UNAUTHORIZED, "account.errors.sign_in_required"),
        Err(_) => return refuse(StatusCode::SERVICE_UNAVAILABLE, "error.busy_body"),
    };
    let allowed = match domain::accounts::staff::sign_in_as_staff(&state.pool, &account)
        .await
        .and_then(|staff| staff.allowed::<can::Catalog>())
    {
        Ok(allowed) => Arc::new(allowed),
        Err(_) => return refuse(StatusCode::FORBIDDEN, "account.errors.forbidden"),
    };
    if export::record(&state.pool, &allowed, locale.tag())
        .await
        .is_err()
    {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "error.busy_body");
    }
    let layout = match Layout::of(&state.pool).await {
        Ok(layout) => Arc::new(layout),
        Err(_) => return refuse(StatusCode::SERVICE_UNAVAILABLE, "error.busy_body"),
    };
    let pool = state.pool.clone();
    let batches = futures_util::stream::unfold(Next::Header, move |next| {
        let (pool, layout, allowed): (_, _, Arc<Allowed<can::Catalog>>) =
            (pool.clone(), layout.clone(), allowed.clone());
        async move {
            match next {
                Next::Header => Some((Ok(export::header(&layout)), Next::After(None))),
                Next::After(after) => match export::batch(&pool, &allowed, &layout, after).await {
                    Ok((bytes, Some(cursor))) => Some((Ok(bytes), Next::After(Some(cursor)))),
                    Ok((bytes, None)) => Some((Ok(bytes), Next::Done)),
                    Err(error) => {
                        // The download breaks off (the browser reports it failed)
                        // rather than ending as if it were complete.
                        tracing::error!(%error, "exporting the catalog");
                        Some((Err(std::io::Error::other("export failed")), Next::Done))
                    }
                },
                Next::Done => None,
            }
        }
    });
    let file = format!(
        "attachment; filename=\"products-{}.csv\"",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&file).unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        // Fused: the compression layer polls once more after the end, which a bare
        // `unfold` answers with a panic.
        Body::from_stream(futures_util::StreamExt::fuse(batches)),
    )
        .into_response()
}
