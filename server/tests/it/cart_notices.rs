//! Cart notices over HTTP: the shopper who loses the last unit is told once.

use crate::common;

use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use uuid::Uuid;

use app::error::AppError;
use app::message::Message;
use app::server::shop as fns;
use common::accounts::*;
use common::app_and_pool;
use common::shop::*;
use domain::cart::Owner;
use domain::catalog::listing::Audience;
use domain::money::Currency;
use domain::payments::Provider;

/// The texts of the notices a page shows (not its hydration data): what a reader with
/// JavaScript off sees.
fn shown_notices(html: &str) -> Vec<String> {
    html.split(r#"data-testid="cart-notice""#)
        .skip(1)
        .map(|rest| {
            let element = rest.split_once('>').map_or("", |(_, inner)| inner);
            let text = element.split("</p>").next().unwrap_or_default();
            text.replace("<!>", "").replace("<!---->", "")
        })
        .collect()
}

/// A guest browser with `variant` in its cart, answered up to the review step; returns
/// its cookie and cart.
async fn a_guest_ready_to_buy(
    app: &axum::Router,
    pool: &sqlx::PgPool,
    variant: &str,
) -> (String, domain::cart::Cart) {
    let (response, body) = post(
        app,
        fns::AddToCart::PATH,
        &[("lang", "en"), ("variant", variant), ("quantity", "1")],
        &[],
    )
    .await;
    assert!(!response.status().is_client_error(), "{body}");
    let cookie = session_cookie(&response).expect("a guest session");
    let cart: Uuid = sqlx::query_scalar("SELECT id FROM carts ORDER BY created_at DESC LIMIT 1")
        .fetch_one(pool)
        .await
        .unwrap();
    // The cart this browser's session holds, as the server finds it for the shopper.
    let cart = domain::cart::of(pool, Owner::Guest(Some(cart)), cart)
        .await
        .unwrap();
    answer_checkout(pool, cart, Provider::TestCard, &with_test_card()).await;
    (cookie, cart)
}

/// Two guests with the last unit of `variant` in their carts press "Place order" at
/// once, from the review page, JavaScript off. Returns the loser's cookie and the
/// address they were sent back to.
async fn race_for_the_last_unit(
    app: &axum::Router,
    pool: &sqlx::PgPool,
    variant: Uuid,
) -> (String, String) {
    let (ana, ana_cart) = a_guest_ready_to_buy(app, pool, &variant.to_string()).await;
    let (bia, bia_cart) = a_guest_ready_to_buy(app, pool, &variant.to_string()).await;
    sqlx::query("UPDATE variants SET stock = 1 WHERE id = $1")
        .bind(variant)
        .execute(pool)
        .await
        .unwrap();
    let usd = Audience {
        currency: Currency::USD,
        locale: "en",
        default_locale: "en",
    };
    let total = domain::checkout::quote(pool, ana_cart, usd)
        .await
        .unwrap()
        .totals
        .total
        .to_string();
    // Both press "Place order" at once, from the review page, JavaScript off.
    let place = |cookie: String, cart: domain::cart::Cart| {
        let app = app.clone();
        let total = total.clone();
        async move {
            post(
                &app,
                fns::PlaceOrder::PATH,
                &[
                    ("lang", "en"),
                    ("cart", &cart.id().to_string()),
                    ("total", &total),
                    ("card_number", "4242424242424242"),
                ],
                &[
                    ("cookie", cookie.as_str()),
                    ("accept", "text/html"),
                    ("referer", "http://localhost/en/checkout/review"),
                ],
            )
            .await
        }
    };
    let (first, second) = tokio::join!(place(ana.clone(), ana_cart), place(bia.clone(), bia_cart));
    let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM orders")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(orders, 1, "one unit, one order");
    let loser = if first.0.headers()["location"]
        .to_str()
        .unwrap()
        .contains("/orders/")
    {
        (bia, second.0)
    } else {
        (ana, first.0)
    };
    let (cookie, response) = loser;
    assert!(
        response.status().is_redirection(),
        "{:?}",
        response.status()
    );
    let landing = response.headers()["location"].to_str().unwrap().to_string();
    let landing = landing
        .strip_prefix("http://localhost")
        .unwrap_or(&landing)
        .to_string();
    assert!(landing.starts_with("/en/checkout/review"), "{landing}");
    (cookie, landing)
}

async fn page_as(app: &axum::Router, cookie: &str, path: &str) -> String {
    let request = axum::http::Request::get(path)
        .header("cookie", cookie)
        .header("accept", "text/html")
        .body(axum::body::Body::empty())
        .unwrap();
    common::send(app, request).await.1
}

#[tokio::test]
async fn the_buyer_who_loses_the_last_unit_is_told_once_on_the_page_they_land_on() {
    let (app, pool) = app_and_pool().await;
    let variant = a_variant(&pool).await;
    let (cookie, landing) = race_for_the_last_unit(&app, &pool, variant).await;
    let as_loser = |path: String| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move { page_as(&app, &cookie, &path).await }
    };

    // Other pages (whose header shows the mini-cart) do not use the notice up.
    let home = as_loser("/en".into()).await;
    assert!(shown_notices(&home).is_empty());
    // The page the loser lands on says what happened...
    let page = as_loser(landing.clone()).await;
    let notices = shown_notices(&page);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("sold out"), "{notices:?}");
    assert!(page.contains("Your cart is empty."));
    // ...once.
    let again = as_loser(landing).await;
    assert!(
        shown_notices(&again).is_empty(),
        "{:?}",
        shown_notices(&again)
    );
    assert!(!again.contains("sold out and was taken out"));
    let cart = as_loser("/en/cart".into()).await;
    assert!(shown_notices(&cart).is_empty());
}

/// A product whose name looks like the old `key|name=value` message text: the shopper
/// still reads it as it is, in the cart notice and in the error the failed post brought
/// back (which travels in the address as a typed message).
#[tokio::test]
async fn a_name_with_separators_sells_out_and_is_shown_intact() {
    let (app, pool) = app_and_pool().await;
    let variant = a_variant(&pool).await;
    sqlx::query(
        "UPDATE product_translations SET name = 'A|B=C'
         WHERE product_id = (SELECT product_id FROM variants WHERE id = $1)",
    )
    .bind(variant)
    .execute(&pool)
    .await
    .unwrap();
    let (cookie, landing) = race_for_the_last_unit(&app, &pool, variant).await;

    let error = landing
        .split_once('?')
        .map(|(_, query)| query)
        .and_then(|query| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "__err")
                .map(|(_, value)| value.into_owned())
        })
        .expect("the failed post's error in the address");
    let error = ServerFnUrlError::<AppError>::decode_err(&error);
    let AppError::Conflict(message) = &error else {
        panic!("{error:?}");
    };
    // Usually both quotes came before either took the unit ("sold out while you were
    // checking out", with the name); a loser that quoted after the winner is told that
    // the cart changed.
    if message.key == "checkout.errors.sold_out" {
        assert_eq!(
            *message,
            Message::new("checkout.errors.sold_out").with("name", "A|B=C")
        );
    } else {
        assert_eq!(*message, "checkout.errors.cart_changed");
    }

    let page = page_as(&app, &cookie, &landing).await;
    let notices = shown_notices(&page);
    assert_eq!(notices.len(), 1, "{notices:?}");
    // The name, then the variant's options if it has some ("A|B=C (M / Red)").
    assert!(notices[0].starts_with("A|B=C"), "{notices:?}");
    assert!(
        notices[0].ends_with(" sold out and was taken out of your cart."),
        "{notices:?}"
    );
}
