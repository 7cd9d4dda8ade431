//! Storefront pages over HTTP: languages, listings, product pages, currencies, search.

use crate::common;

use axum::http::StatusCode;
use common::{app, get, get_with, header};

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

/// Currencies are rows: one the shop turns on shows in the switcher and in prices at
/// once, written with the symbol the shop gave it; one it turns off leaves both.
#[tokio::test]
async fn a_currency_the_shop_turns_on_is_offered_and_priced_at_once() {
    let (app, pool) = common::app_and_pool().await;
    let (_, before) = get(&app, "/en/p/aurora-classic-t-shirt").await;
    assert!(!before.contains("MXN"));
    sqlx::query(
        "INSERT INTO currencies (code, minor_units, rate, symbol) VALUES ('MXN', 2, 17.25, 'MX$')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (_, html) = get(&app, "/en/p/aurora-classic-t-shirt").await;
    assert!(
        html.contains(r#"<option value="MXN""#),
        "MXN is not in the switcher"
    );
    let (response, _) = get(&app, "/currency?code=MXN&back=/en").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_with(
        &app,
        "/en/p/aurora-classic-t-shirt",
        &[("cookie", "currency=MXN")],
    )
    .await;
    // 18.99 USD at 17.25: 327.5775, rounded to 327.58 MXN.
    assert!(
        html.contains("MX$327.58"),
        "no MX$ price on the product page"
    );
    assert!(html.contains(r#""priceCurrency":"MXN""#));

    // Turned off: gone from the switcher, refused by it, and a kept cookie falls back to
    // the language's currency rather than an unoffered one.
    sqlx::query("UPDATE currencies SET enabled = false WHERE code = 'MXN'")
        .execute(&pool)
        .await
        .unwrap();
    let (_, html) = get_with(
        &app,
        "/en/p/aurora-classic-t-shirt",
        &[("cookie", "currency=MXN")],
    )
    .await;
    assert!(!html.contains(r#"<option value="MXN""#));
    assert!(!html.contains("MX$"));
    assert!(html.contains("$18.99"));
    let (response, _) = get(&app, "/currency?code=MXN&back=/en").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
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
async fn the_language_links_keep_the_pages_query_string() {
    let app = app().await;
    let (response, body) = get(&app, "/en/search?q=jacket").await;
    assert_eq!(response.status(), StatusCode::OK);
    // `/en/search?q=jacket`, encoded: the `?` is kept (it was lost on the server).
    assert!(
        body.contains("from=%2Fen%2Fsearch%3Fq%3Djacket"),
        "{}",
        body.split("/language?")
            .nth(1)
            .unwrap_or_default()
            .chars()
            .take(120)
            .collect::<String>()
    );
}
