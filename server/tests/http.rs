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
    let (response, xml) = get_with(&app, "/sitemap/1.xml", &[("host", "shop.example")]).await;
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

/// A NUL byte (which PostgreSQL refuses in text) and other control characters, in every
/// address and form a browser can send, answer 4xx: never a server error.
#[tokio::test]
async fn nul_bytes_anywhere_in_addresses_or_forms_never_answer_5xx() {
    use leptos::server_fn::ServerFn;
    let (app, pool) = common::app_and_pool().await;
    let order = uuid::Uuid::new_v4();
    let pages = [
        "/en/search?q=%00".to_string(),
        "/en/search?q=a%00b&sort=%00&page=%00".to_string(),
        "/en/p/%00".to_string(),
        "/en/p/aurora-classic-t-shirt%00".to_string(),
        "/en/p/aurora-classic-t-shirt?variant=%00".to_string(),
        "/en/c/%00".to_string(),
        "/en/c/t-shirts?min_price=%00&max_price=%00&sort=%00&page=%00".to_string(),
        "/en/c/t-shirts?color=%00&size=%00&in_stock=%00".to_string(),
        "/en/c/t-shirts%00/more".to_string(),
        "/%00".to_string(),
        "/en%00".to_string(),
        "/en/cart?added=%00".to_string(),
        "/en/checkout/%00".to_string(),
        format!("/en/orders/{order}?key=%00"),
        "/en/orders/%00".to_string(),
        "/en/account/verify?token=%00".to_string(),
        "/en/account/reset?token=%00".to_string(),
        "/en/account/email?token=%00".to_string(),
        "/en/account/sign-in?__err=%00".to_string(),
        "/language?to=es&from=/en/p/%00".to_string(),
        "/language?to=es&from=/en/c/%00".to_string(),
        "/language?to=%00&from=%00".to_string(),
        "/currency?code=%00&back=/en%00".to_string(),
        "/media/demo/%00".to_string(),
        "/pkg/%00".to_string(),
        "/account/export.json?%00".to_string(),
    ];
    for path in &pages {
        let (response, body) = get(&app, path).await;
        assert!(
            !response.status().is_server_error(),
            "{path}: {} {body:.300}",
            response.status()
        );
    }
    // The search box answers a page, not an error (the shopper typed something odd).
    let (response, _) = get(&app, "/en/search?q=%00").await;
    assert!(response.status().is_client_error() || response.status().is_success());

    // Every form, once as a guest and once signed in, with NUL in each field in turn.
    let variant = common::shop::a_variant(&pool).await.to_string();
    common::accounts::customer(&pool, "nul@example.com").await;
    let cookie = common::accounts::signed_in(&app, "nul@example.com").await;
    // A cart with something in it, so checkout steps reach the database.
    let (added, _) = common::accounts::post(
        &app,
        app::server::shop::AddToCart::PATH,
        &[("lang", "en"), ("variant", &variant), ("quantity", "1")],
        &[("cookie", cookie.as_str())],
    )
    .await;
    assert!(!added.status().is_server_error());
    use app::server::account as a;
    use app::server::shop as s;
    let order = order.to_string();
    let forms: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            s::AddToCart::PATH,
            vec![("variant", &variant), ("quantity", "1")],
        ),
        (
            s::UpdateCartLine::PATH,
            vec![("variant", &variant), ("quantity", "1")],
        ),
        (s::RemoveCartLine::PATH, vec![("variant", &variant)]),
        (s::GetCart::PATH, vec![]),
        (s::GetCheckout::PATH, vec![]),
        (s::CheckoutContact::PATH, vec![("email", "a@example.com")]),
        (
            s::CheckoutAddress::PATH,
            vec![
                ("name", "Ana"),
                ("line1", "Rua A, 1"),
                ("line2", ""),
                ("city", "Recife"),
                ("region", "PE"),
                ("postal_code", "50000-000"),
                ("country", "BR"),
                ("phone", "+55 81 5555 5555"),
            ],
        ),
        (s::CheckoutShipping::PATH, vec![("method", &order)]),
        (s::CheckoutPayment::PATH, vec![("payment", "test_card")]),
        (
            s::ApplyCoupon::PATH,
            vec![("code", "WELCOME10"), ("back", "review")],
        ),
        (s::RemoveCoupon::PATH, vec![("back", "review")]),
        (
            s::PlaceOrder::PATH,
            vec![("cart", &order), ("total", "1"), ("card_number", "4242")],
        ),
        (s::GetOrder::PATH, vec![("id", &order), ("key", "k")]),
        (
            s::ConfirmTestPayment::PATH,
            vec![("id", &order), ("key", "k"), ("approve", "yes")],
        ),
        (s::RetryPayment::PATH, vec![("id", &order), ("key", "k")]),
        (s::GetMyOrders::PATH, vec![]),
        (
            a::SignUp::PATH,
            vec![("email", "x@example.com"), ("password", "p"), ("name", "X")],
        ),
        (
            a::SignIn::PATH,
            vec![("email", "x@example.com"), ("password", "p")],
        ),
        (a::ForgotPassword::PATH, vec![("email", "x@example.com")]),
        (
            a::ResetPassword::PATH,
            vec![("token", "t"), ("password", "p")],
        ),
        (a::VerifyEmail::PATH, vec![("token", "t")]),
        (a::SignInCode::PATH, vec![("code", "123456")]),
        (
            a::UpdateProfile::PATH,
            vec![("name", "N"), ("locale", "en"), ("currency", "USD")],
        ),
        (
            a::ChangeEmail::PATH,
            vec![("password", "p"), ("email", "y@example.com")],
        ),
        (
            a::SaveAddress::PATH,
            vec![
                ("id", ""),
                ("kind", "shipping"),
                ("name", "Ana"),
                ("line1", "Rua A, 1"),
                ("line2", ""),
                ("city", "Recife"),
                ("region", "PE"),
                ("postal_code", "50000-000"),
                ("country", "BR"),
                ("phone", ""),
            ],
        ),
        (a::DeleteAddress::PATH, vec![("id", &order)]),
        (a::EndSession::PATH, vec![("id", &order)]),
        (a::GetTyped::PATH, vec![("path", "/")]),
    ];
    for (path, fields) in &forms {
        for who in ["", cookie.as_str()] {
            let headers: Vec<(&str, &str)> = if who.is_empty() {
                vec![]
            } else {
                vec![("cookie", who)]
            };
            // Each field in turn carries the NUL, the language included.
            let mut all = vec![("lang", "en")];
            all.extend(fields.iter().copied());
            for spoiled in 0..all.len() {
                let with_nul: Vec<String> = all
                    .iter()
                    .enumerate()
                    .map(|(i, (_, v))| {
                        if i == spoiled {
                            format!("{v}\0x")
                        } else {
                            v.to_string()
                        }
                    })
                    .collect();
                let form: Vec<(&str, &str)> = all
                    .iter()
                    .zip(&with_nul)
                    .map(|((n, _), v)| (*n, v.as_str()))
                    .collect();
                for accept in ["application/json", "text/html"] {
                    let mut headers = headers.clone();
                    headers.push(("accept", accept));
                    // A browser's form post names the page it came from.
                    headers.push(("referer", "http://localhost/en/checkout/review"));
                    let (response, body) =
                        common::accounts::post(&app, path, &form, &headers).await;
                    assert!(
                        !response.status().is_server_error(),
                        "{path} with NUL in {}: {} {body:.300}",
                        all[spoiled].0,
                        response.status()
                    );
                }
            }
        }
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
    domain::demo::seed(&pool).await.unwrap();
    let config = server::config::from_lookup(|_| None).unwrap();
    // A cache that listens, as in the real server: the sitemap is kept until the catalog
    // changes.
    let cache = domain::cache::Cache::new(100, std::time::Duration::from_secs(600));
    let follower = tokio::spawn(cache.clone().follow_changes(pool.clone()));
    while !cache.is_live() {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let app = server::router(server::AppState {
        cache: cache.clone(),
        pool: pool.clone(),
        leptos: server::leptos_options(&config),
        public_url: None,
        trust_proxy: false,
        payments: Default::default(),
    });
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
