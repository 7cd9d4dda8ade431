//! The sitemap: an index at `/sitemap.xml` naming its parts, `/sitemap/<n>.xml`, each
//! within the format's limits (50,000 addresses and 50 MB). A shop of 100,000 products
//! has 400,000 pages (four languages), far past what one file may hold.
//!
//! The list of pages is read from the database once per catalog change: it is kept in
//! `domain::cache`, which every catalog change empties (NOTIFY), so a new product is in
//! the next request's sitemap. It is kept without the site's address (the same list
//! serves every address the shop answers at); a part is written out when asked for.

use std::ops::Range;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use app::i18n::Locale;

/// The most addresses one part may hold (the sitemap protocol's limit).
pub const URLS_PER_PART: usize = 50_000;
/// The largest one part may be, uncompressed (the protocol's limit).
pub const BYTES_PER_PART: usize = 50 * 1024 * 1024;

const URLSET_OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
const URLSET_CLOSE: &str = "</urlset>\n";
const URL_OPEN: &str = "  <url><loc>";
const URL_CLOSE: &str = "</loc></url>\n";

/// `text` for an XML element (slugs are plain, but a shop may name things freely).
fn xml_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Every storefront page's path, XML-escaped: the home pages, then every category and
/// active product in every language.
async fn paths(state: &AppState) -> Result<Arc<Vec<String>>, domain::DomainError> {
    let pool = state.pool.clone();
    state
        .cache
        .get_or_load("sitemap|paths".into(), || async move {
            let entries = domain::catalog::sitemap_entries(&pool).await?;
            let mut paths: Vec<String> = Locale::ALL.iter().map(|l| l.path("/")).collect();
            paths.reserve(entries.len());
            for (kind, tag, slug) in entries {
                if let Some(locale) = Locale::ALL.into_iter().find(|l| l.tag() == tag) {
                    paths.push(xml_escaped(&locale.path(&format!("/{kind}/{slug}"))));
                }
            }
            Ok::<_, domain::DomainError>(Arc::new(paths))
        })
        .await
}

/// The parts `paths` is split into for a site whose (escaped) address is `site_len`
/// bytes long: consecutive ranges of at most `per_part` addresses and `max_bytes` of XML.
pub fn parts(
    paths: &[String],
    site_len: usize,
    per_part: usize,
    max_bytes: usize,
) -> Vec<Range<usize>> {
    let fixed = URLSET_OPEN.len() + URLSET_CLOSE.len();
    let line = |path: &String| URL_OPEN.len() + site_len + path.len() + URL_CLOSE.len();
    let mut ranges = Vec::new();
    let (mut start, mut bytes) = (0, fixed);
    for (i, path) in paths.iter().enumerate() {
        let size = line(path);
        if i > start && (i - start == per_part || bytes + size > max_bytes) {
            ranges.push(start..i);
            (start, bytes) = (i, fixed);
        }
        bytes += size;
    }
    if start < paths.len() || ranges.is_empty() {
        ranges.push(start..paths.len());
    }
    ranges
}

fn site(state: &AppState, headers: &HeaderMap) -> String {
    xml_escaped(&state.site.for_request(headers))
}

fn xml(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

fn unavailable(error: domain::DomainError) -> Response {
    tracing::error!(%error, "building the sitemap");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

/// `/sitemap.xml`: the index of the parts.
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let paths = match paths(&state).await {
        Ok(paths) => paths,
        Err(error) => return unavailable(error),
    };
    let site = site(&state, &headers);
    let count = parts(&paths, site.len(), URLS_PER_PART, BYTES_PER_PART).len();
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=count {
        body.push_str(&format!(
            "  <sitemap><loc>{site}/sitemap/{n}.xml</loc></sitemap>\n"
        ));
    }
    body.push_str("</sitemapindex>\n");
    xml(body)
}

/// `/sitemap/<n>.xml`: the n-th part (from 1).
pub async fn part(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(n) = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n >= 1)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let paths = match paths(&state).await {
        Ok(paths) => paths,
        Err(error) => return unavailable(error),
    };
    let site = site(&state, &headers);
    let ranges = parts(&paths, site.len(), URLS_PER_PART, BYTES_PER_PART);
    let Some(range) = ranges.get(n - 1) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut body = String::with_capacity(
        URLSET_OPEN.len()
            + paths[range.clone()]
                .iter()
                .map(|p| p.len() + site.len() + 30)
                .sum::<usize>(),
    );
    body.push_str(URLSET_OPEN);
    for path in &paths[range.clone()] {
        body.push_str(URL_OPEN);
        body.push_str(&site);
        body.push_str(path);
        body.push_str(URL_CLOSE);
    }
    body.push_str(URLSET_CLOSE);
    xml(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(paths: &[String], site: &str, range: Range<usize>) -> String {
        let mut body = String::from(URLSET_OPEN);
        for path in &paths[range] {
            body.push_str(&format!("{URL_OPEN}{site}{path}{URL_CLOSE}"));
        }
        body.push_str(URLSET_CLOSE);
        body
    }

    #[test]
    fn parts_hold_at_most_fifty_thousand_addresses_and_cover_all_in_order() {
        let paths: Vec<String> = (0..120_001).map(|i| format!("/en/p/product-{i}")).collect();
        let ranges = parts(&paths, 20, URLS_PER_PART, BYTES_PER_PART);
        assert_eq!(ranges, vec![0..50_000, 50_000..100_000, 100_000..120_001]);
        assert_eq!(
            parts(&paths[..50_000], 20, URLS_PER_PART, BYTES_PER_PART).len(),
            1
        );
        assert_eq!(parts(&[], 20, URLS_PER_PART, BYTES_PER_PART), vec![0..0]);
    }

    #[test]
    fn parts_stay_under_the_byte_limit() {
        let site = "https://shop.example";
        let paths: Vec<String> = (0..1000)
            .map(|i| format!("/en/p/{}-{i}", "x".repeat(300)))
            .collect();
        let max = 40_000;
        let ranges = parts(&paths, site.len(), URLS_PER_PART, max);
        assert!(ranges.len() > 1);
        assert_eq!(ranges.first().unwrap().start, 0);
        assert_eq!(ranges.last().unwrap().end, paths.len());
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
        for range in ranges {
            let body = written(&paths, site, range.clone());
            assert!(body.len() <= max, "{range:?}: {}", body.len());
        }
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            xml_escaped("/en/p/a&b<c>'\""),
            "/en/p/a&amp;b&lt;c&gt;&apos;&quot;"
        );
    }
}
