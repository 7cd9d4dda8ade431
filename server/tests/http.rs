//! The router in-process against a real PostgreSQL: pages, status codes and headers.

mod common;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use common::{app, get, header, send};
use tower::ServiceExt;

#[tokio::test]
async fn an_exhausted_database_pool_answers_503_with_retry_after() {
    let options = localpg::testing::fresh_database().await;
    let setup = domain::db::connect(options.clone(), 2).await.unwrap();
    domain::db::migrate(&setup).await.unwrap();
    domain::demo::seed(&setup).await.unwrap();
    // One connection, held by someone else for the whole request.
    let busy = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_millis(300))
        .connect_with(options)
        .await
        .unwrap();
    let _held = busy.acquire().await.unwrap();
    let config = server::config::from_lookup(|_| None).unwrap();
    let app = server::router(server::AppState {
        cache: domain::cache::Cache::new(100, std::time::Duration::from_secs(60)),
        pool: busy.clone(),
        leptos: server::leptos_options(&config),
        public_url: None,
        trust_proxy: false,
        payments: Default::default(),
    });
    let (response, html) = get(&app, "/en/c/t-shirts").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&response, "retry-after"), "2");
    assert!(html.contains("The shop is very busy"), "{html}");
}

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server_from_the_database() {
    let app = app().await;
    let (response, html) = get(&app, "/en").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(html.starts_with("<!DOCTYPE html>"), "{html:.200}");
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("Vitrine Demo Shop"));
    for category in ["Clothing", "T-shirts", "Shoes", "Sneakers", "Home", "Mugs"] {
        assert!(html.contains(category), "{category} missing");
    }
    assert!(html.contains("<title>Shop by category</title>"));
    // Content, not a loading placeholder: the page waited for its data.
    assert!(!html.contains("Loading…"));
}

#[tokio::test]
async fn a_shop_taking_the_test_card_says_so_on_every_page() {
    let (app, pool) = common::app_and_pool().await;
    let banner = "no real money changes hands";
    for path in ["/en", "/en/c/t-shirts", "/en/cart", "/en/account/sign-in"] {
        let (response, html) = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(html.contains(banner), "{path} has no test-card banner");
    }
    // The same shop with the test card off says nothing of it.
    let config = server::config::from_lookup(|_| None).unwrap();
    let real = server::router(server::AppState {
        cache: domain::cache::Cache::new(100, std::time::Duration::from_secs(60)),
        pool,
        leptos: server::leptos_options(&config),
        public_url: None,
        trust_proxy: false,
        payments: Default::default(),
    });
    let (_, html) = get(&real, "/en").await;
    assert!(!html.contains(banner));
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts() {
    let app = app().await;
    let (response, html) = get(&app, "/en").await;
    let policy = header(&response, "content-security-policy");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 16);
    assert!(
        html.contains(&format!(r#"nonce="{nonce}""#)),
        "scripts must carry the nonce"
    );
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("unsafe-inline"));
    // A fresh nonce every time.
    let (second, _) = get(&app, "/en").await;
    assert_ne!(header(&second, "content-security-policy"), policy);
}

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let app = app().await;
    for path in ["/en", "/", "/healthz", "/en/no-such-page", "/robots.txt"] {
        let (response, _) = get(&app, path).await;
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
        assert!(
            header(&response, "content-security-policy").contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn unknown_addresses_get_the_404_page_with_status_404() {
    let app = app().await;
    for path in [
        "/en/no-such-page",
        "/en/deep/er/path",
        "/en/c/no-such-category",
        "/en/p/no-such-product",
    ] {
        let (response, html) = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("Page not found"), "{path}");
        assert!(
            html.contains("Vitrine Demo Shop"),
            "the 404 keeps the shop layout"
        );
    }
    let (response, body) = get(&app, "/pkg/missing.wasm").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!body.contains("<html"), "a missing asset is not a page");
    let (response, html) = get(&app, "/pt-br/p/nada-disso").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(html.contains("Página não encontrada"));
}

#[tokio::test]
async fn health_and_readiness() {
    let app = app().await;
    let (response, body) = get(&app, "/healthz").await;
    assert_eq!((response.status(), body.as_str()), (StatusCode::OK, "ok"));
    let (response, body) = get(&app, "/readyz").await;
    assert_eq!(
        (response.status(), body.as_str()),
        (StatusCode::OK, "ready")
    );
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let options = localpg::testing::fresh_database().await;
    let pool = domain::db::connect(options, 2).await.unwrap();
    domain::db::migrate(&pool).await.unwrap();
    let config = server::config::from_lookup(|_| None).unwrap();
    let app = server::router(server::AppState {
        cache: domain::cache::Cache::new(100, std::time::Duration::from_secs(60)),
        pool: pool.clone(),
        leptos: server::leptos_options(&config),
        public_url: None,
        trust_proxy: false,
        payments: Default::default(),
    });
    pool.close().await;
    let (response, _) = get(&app, "/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let (response, _) = get(&app, "/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn responses_are_compressed_for_clients_that_accept_it() {
    let app = app().await;
    let request = Request::get("/en")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(header(&response, "content-encoding"), "br");
}

#[tokio::test]
async fn demo_pictures_are_drawn_and_unknown_ones_are_404() {
    let app = app().await;
    let (response, body) = get(&app, "/media/demo/tshirt-red-1.svg").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "image/svg+xml");
    assert!(body.starts_with("<svg") && body.contains("#b91c1c"));
    for path in ["/media/demo/hat-red-1.svg", "/media/demo/tshirt-red-9.svg"] {
        let (response, _) = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

async fn get_with(
    app: &axum::Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (Response<Body>, String) {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

/// Request headers as (name, value) pairs.
type Headers<'a> = &'a [(&'a str, &'a str)];

#[tokio::test]
async fn addresses_without_a_language_go_to_the_shoppers_language() {
    let app = app().await;
    let cases: [(&str, Headers, &str); 6] = [
        ("/fr", &[], "/en/fr"),
        ("/", &[], "/en"),
        (
            "/",
            &[("accept-language", "pt-BR,pt;q=0.9,en;q=0.8")],
            "/pt-br",
        ),
        (
            "/c/t-shirts?sort=name",
            &[("accept-language", "es-MX")],
            "/es/c/t-shirts?sort=name",
        ),
        (
            "/",
            &[("accept-language", "es"), ("cookie", "lang=zh-cn")],
            "/zh-cn",
        ),
        ("/", &[("accept-language", "fr-FR")], "/en"),
    ];
    for (path, headers, target) in cases {
        let (response, _) = get_with(&app, path, headers).await;
        assert!(response.status().is_redirection(), "{path}");
        assert_eq!(header(&response, "location"), target, "{path} {headers:?}");
    }
}

#[tokio::test]
async fn a_category_page_lists_products_with_filters_in_the_address() {
    let app = app().await;
    let (response, html) = get(&app, "/en/c/t-shirts").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(html.contains("<title>T-shirts</title>"));
    assert!(html.contains("Aurora Classic T-shirt"));
    assert!(html.contains("$18.99"));
    assert!(
        html.contains(r#"rel="canonical" href="http://localhost/en/c/t-shirts""#)
            || html.contains("/en/c/t-shirts")
    );
    assert!(html.contains(r#"hreflang="pt-BR""#) && html.contains("/pt-br/c/camisetas"));
    // A filtered view is a link: facet links carry the filter in the query string.
    assert!(html.contains("f=material%3Acotton"));
    let (_, filtered) = get(
        &app,
        "/en/c/t-shirts?f=material%3Aorganic-cotton&sort=price-desc",
    )
    .await;
    assert!(filtered.contains("Organic cotton") || filtered.contains("organic"));
    // Nonsense in the address is dropped, not a failure.
    for bad in [
        "?page=-1",
        "?min_price=abc",
        "?max_price=1e999",
        "?sort=sideways",
        "?f=nope",
        "?page=999999999",
    ] {
        let (response, html) = get(&app, &format!("/en/c/t-shirts{bad}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{bad}");
        assert!(html.contains("T-shirts"), "{bad}");
    }
}

#[tokio::test]
async fn a_product_page_tells_people_and_search_engines_about_the_product() {
    let app = app().await;
    let (response, html) = get(&app, "/en/p/aurora-classic-t-shirt").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(html.contains("<title>Aurora Classic T-shirt</title>"));
    assert!(html.contains(r#"type="application/ld+json""#));
    assert!(html.contains(r#""@type":"Product""#));
    assert!(html.contains(r#""priceCurrency":"USD""#));
    assert!(html.contains(r#"property="og:title""#));
    assert!(html.contains("/pt-br/p/camiseta-aurora-classico"));
    assert!(
        html.contains("?variant="),
        "the variant picker is made of links"
    );
    assert!(
        html.contains("Clothing") && html.contains("T-shirts"),
        "breadcrumbs"
    );
}

#[tokio::test]
async fn prices_follow_the_currency_cookie() {
    let app = app().await;
    let (response, _) = get(
        &app,
        "/currency?code=BRL&back=/pt-br/p/camiseta-aurora-classico",
    )
    .await;
    assert!(response.status().is_redirection());
    assert_eq!(
        header(&response, "location"),
        "/pt-br/p/camiseta-aurora-classico"
    );
    let cookie = header(&response, "set-cookie");
    assert!(cookie.starts_with("currency=BRL;") && cookie.contains("SameSite=Lax"));
    let (_, html) = get_with(
        &app,
        "/pt-br/p/camiseta-aurora-classico",
        &[("cookie", "currency=BRL")],
    )
    .await;
    assert!(
        html.contains("R$\u{a0}102,90"),
        "fixed price in reais, formatted for Brazil"
    );
    let (_, html) = get_with(
        &app,
        "/en/p/aurora-classic-t-shirt",
        &[("cookie", "currency=JPY")],
    )
    .await;
    assert!(html.contains("¥2,877"));
    // Unknown currencies and foreign addresses are refused.
    let (response, body) = get(&app, "/currency?code=XXX&back=/en").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("Unknown currency"));
    let (response, _) = get(&app, "/currency?code=EUR&back=//evil.example/").await;
    assert_eq!(header(&response, "location"), "/");
}

#[tokio::test]
async fn switching_language_keeps_the_shopper_on_the_same_page() {
    let app = app().await;
    let cases = [
        (
            "/language?to=pt-br&from=%2Fen%2Fc%2Ft-shirts%3Fsort%3Dname",
            "/pt-br/c/camisetas?sort=name",
        ),
        (
            "/language?to=zh-cn&from=%2Fen%2Fp%2Faurora-classic-t-shirt",
            "/zh-cn/p/aurora-jing-dian-kuan-t-xu",
        ),
        (
            "/language?to=es&from=%2Fpt-br%2Fsearch%3Fq%3Dtenis",
            "/es/search?q=tenis",
        ),
        ("/language?to=en&from=%2Fpt-br", "/en"),
        ("/language?to=en&from=https%3A%2F%2Fevil.example", "/en"),
    ];
    for (path, target) in cases {
        let (response, _) = get(&app, path).await;
        assert_eq!(header(&response, "location"), target, "{path}");
    }
    let (response, _) = get(&app, "/language?to=klingon&from=/en").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn search_forgives_typos_and_escapes_what_it_echoes() {
    let app = app().await;
    let (response, html) = get(&app, "/en/search?q=tshrit").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(html.contains("T-shirt"));
    assert!(html.contains("tshirt"), "says what it searched for instead");
    let (response, html) = get(
        &app,
        "/en/search?q=%3C%2Ftitle%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        !html.contains("<img src=x"),
        "no markup from the query, in the title or anywhere"
    );
    assert!(html.contains("&lt;/title&gt;&lt;img src=x onerror=alert(1)&gt;"));
    let (_, html) = get(&app, "/en/search?q=zzzzqqqq").await;
    assert!(html.contains("No products match."));
    let long = "sneakers%20".repeat(2000);
    let (response, _) = get(&app, &format!("/en/search?q={long}")).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_sitemap_lists_every_page_in_every_language() {
    let app = app().await;
    let (response, xml) = get_with(&app, "/sitemap.xml", &[("host", "shop.example")]).await;
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

#[tokio::test]
async fn files_at_the_top_of_the_site_are_served_not_taken_for_a_language() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("favicon.svg"), "<svg/>").unwrap();
    let options = localpg::testing::fresh_database().await;
    let pool = domain::db::connect(options, 2).await.unwrap();
    domain::db::migrate(&pool).await.unwrap();
    let config = server::config::from_lookup(|name| {
        (name == "VITRINE_SITE_ROOT").then(|| site.path().to_string_lossy().into_owned())
    })
    .unwrap();
    let app = server::router(server::AppState {
        cache: domain::cache::Cache::new(100, std::time::Duration::from_secs(60)),
        pool,
        leptos: server::leptos_options(&config),
        public_url: None,
        trust_proxy: false,
        payments: Default::default(),
    });
    let (response, body) = get(&app, "/favicon.svg").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body, "<svg/>");
    assert_eq!(header(&response, "cache-control"), "public, max-age=3600");
}
