//! The sitemap index, its parts and robots.txt.

use crate::common;

use axum::http::StatusCode;
use common::{get, get_with, header};

#[tokio::test]
async fn the_sitemap_lists_every_page_in_every_language() {
    // Addresses come from the configured public address (the Host header is not trusted).
    let (app, _) = common::app_with(&[("VITRINE_PUBLIC_URL", "http://shop.example")]).await;
    let (response, xml) = get_with(&app, "/sitemap/1.xml", &[("host", "attacker.example")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type").starts_with("application/xml"));
    for url in [
        "http://shop.example/en",
        "http://shop.example/zh-cn",
        "http://shop.example/pt-br/c/camisetas",
        "http://shop.example/en/p/aurora-classic-t-shirt",
        "http://shop.example/es/p/camiseta-aurora-clasico",
    ] {
        assert!(xml.contains(&format!("<loc>{url}</loc>")), "{url}");
    }
    let (_, robots) = get_with(&app, "/robots.txt", &[("host", "shop.example")]).await;
    assert!(robots.contains("Sitemap: http://shop.example/sitemap.xml"));
    // Carts, checkout, orders and accounts are personal: crawlers stay out.
    for personal in [
        "/*/cart",
        "/*/checkout",
        "/*/orders/",
        "/*/account",
        "/webhooks/",
    ] {
        assert!(
            robots.contains(&format!("Disallow: {personal}\n")),
            "{personal}"
        );
    }
}

/// The `<loc>` values of a sitemap file.
fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .map(|rest| rest.split("</loc>").next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_sitemap_is_an_index_of_parts_that_follow_the_catalog() {
    let options = localpg::testing::fresh_database().await;
    let pool = domain::db::connect(options, 4).await.unwrap();
    domain::db::migrate(&pool).await.unwrap();
    demo::seed(&pool).await.unwrap();
    let config = server::config::from_lookup(|_| None).unwrap();
    // A cache that listens, as in the real server: the sitemap is kept until the catalog
    // changes.
    let cache = domain::cache::Cache::new(100, std::time::Duration::from_secs(600));
    let follower = tokio::spawn(cache.clone().follow_changes(pool.clone()));
    while !cache.is_live() {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let app = common::plain_router_with(pool.clone(), cache.clone(), config);
    let pages: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM category_translations)
              + (SELECT count(*) FROM product_translations t
                 JOIN products p ON p.id = t.product_id AND p.status = 'active')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();

    let (response, index) = get(&app, "/sitemap.xml").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type").starts_with("application/xml"));
    assert!(index.contains("<sitemapindex "), "{index}");
    assert!(!index.contains("<urlset"), "{index}");
    let parts = locs(&index);
    assert_eq!(parts.len(), 1, "{index}");
    assert!(parts[0].ends_with("/sitemap/1.xml"), "{index}");

    let (response, part) = get(&app, "/sitemap/1.xml").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(part.contains("<urlset "));
    let urls = locs(&part);
    // The four home pages, every category and every active product in every language.
    assert_eq!(urls.len() as i64, pages + 4);
    assert!(urls.len() <= server::sitemap::URLS_PER_PART);
    assert!(part.len() <= server::sitemap::BYTES_PER_PART);
    assert!(urls.iter().any(|u| u.ends_with("/pt-br/c/camisetas")));
    for missing in ["/sitemap/2.xml", "/sitemap/0.xml", "/sitemap/x.xml"] {
        let (response, _) = get(&app, missing).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }

    // A product taken off sale leaves the sitemap at once (the cache follows the catalog).
    let slug: String = sqlx::query_scalar(
        "UPDATE products SET status = 'draft' WHERE id = (
             SELECT p.id FROM products p JOIN product_translations t ON t.product_id = p.id
             WHERE t.locale = 'en' AND t.slug = 'aurora-classic-t-shirt')
         RETURNING 'aurora-classic-t-shirt'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let gone = format!("/en/p/{slug}");
    assert!(urls.iter().any(|u| u.ends_with(&gone)));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (_, part) = get(&app, "/sitemap/1.xml").await;
        let urls = locs(&part);
        if !urls.iter().any(|u| u.ends_with(&gone)) {
            assert!(urls.len() as i64 <= pages + 4 - 4);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the sitemap kept {gone}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    follower.abort();
}
