//! Buying over HTTP, in-process against a real PostgreSQL: the payment webhooks verify
//! their signatures and apply an event once, and the shop's server functions answer bad
//! input, tampered totals and other shoppers' ids with a 4xx, never a 500.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use leptos::server_fn::ServerFn;
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

use app::server::shop as fns;
use common::accounts::*;
use common::{BANK_SECRET, STRIPE_SECRET, app_and_pool, send};
use domain::cart::Owner;
use domain::catalog::listing::Audience;
use domain::money::Currency;
use domain::payments::{Config, Provider};

const BRL: Audience<'static> = Audience {
    locale: "pt-BR",
    default_locale: "en",
    currency: Currency::Brl,
};

fn links() -> domain::mail::Links {
    domain::mail::Links {
        base_url: "http://localhost".into(),
        shop_name: "Shop".into(),
    }
}

async fn a_variant(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id WHERE p.status = 'active' ORDER BY v.stock DESC, v.sku LIMIT 1")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Fills `cart`'s checkout answers for a Brazilian address and `provider`.
async fn answer_checkout(pool: &PgPool, cart: Uuid, provider: Provider, config: &Config) {
    domain::checkout::set_email(pool, cart, "buyer@example.com")
        .await
        .unwrap();
    let address = domain::addresses::AddressInput {
        kind: "shipping".into(),
        name: "Ana".into(),
        line1: "Rua A, 1".into(),
        city: "Recife".into(),
        region: "PE".into(),
        postal_code: "50000-000".into(),
        country: "BR".into(),
        ..Default::default()
    };
    domain::checkout::set_address(pool, cart, &address)
        .await
        .unwrap();
    let quote = domain::checkout::quote(pool, cart, BRL).await.unwrap();
    domain::checkout::set_method(pool, cart, BRL, quote.methods[0].id)
        .await
        .unwrap();
    let offered = domain::payments::offered(config, Currency::Brl);
    domain::checkout::set_payment(pool, cart, provider, &offered)
        .await
        .unwrap();
}

/// A guest's order paid by `provider`, placed through the domain; returns the order and
/// its payment's reference.
async fn placed(pool: &PgPool, provider: Provider, config: &Config) -> (Uuid, Option<String>) {
    let variant = a_variant(pool).await;
    let cart = domain::cart::find_or_create(pool, Owner::Guest(None))
        .await
        .unwrap();
    domain::cart::add(pool, cart, variant, 1, Currency::Brl)
        .await
        .unwrap();
    answer_checkout(pool, cart, provider, config).await;
    let quote = domain::checkout::quote(pool, cart, BRL).await.unwrap();
    let placed = domain::checkout::place(
        pool,
        domain::checkout::PlaceOrder {
            cart,
            owner: Owner::Guest(Some(cart)),
            audience: BRL,
            expected_total: quote.totals.total,
            card_number: None,
            config,
            links: &links(),
        },
    )
    .await
    .unwrap();
    let reference = sqlx::query_scalar("SELECT reference FROM payments WHERE order_id = $1")
        .bind(placed.order)
        .fetch_one(pool)
        .await
        .unwrap();
    (placed.order, reference)
}

async fn webhook(
    app: &axum::Router,
    path: &str,
    header: (&str, String),
    body: &str,
) -> (StatusCode, String) {
    let request = Request::post(path)
        .header("content-type", "application/json")
        .header(header.0, header.1)
        .body(Body::from(body.to_string()))
        .unwrap();
    let (response, text) = send(app, request).await;
    (response.status(), text)
}

async fn status_of(pool: &PgPool, order: Uuid) -> String {
    sqlx::query_scalar("SELECT status::text FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn events(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM payment_events")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn bank_notifications_are_verified_and_applied_once() {
    let (app, pool) = app_and_pool().await;
    let (order, txid) = placed(&pool, Provider::Pix, &Config::default()).await;
    let txid = txid.unwrap();
    let total: Decimal = sqlx::query_scalar("SELECT total FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(&pool)
        .await
        .unwrap();
    let body = format!(r#"{{"pix":[{{"endToEndId":"E9999","txid":"{txid}","valor":"{total}"}}]}}"#);
    let now = chrono::Utc::now().timestamp();
    let signed = |body: &str, secret: &str, at: i64| {
        (
            "x-vitrine-signature",
            domain::payments::stripe::sign(body.as_bytes(), secret, at),
        )
    };

    // Refused, changing nothing: a wrong secret, an old signature, no signature, a body
    // that is not a notification, a payment nobody has.
    for (header, body) in [
        (signed(&body, "wrong", now), body.clone()),
        (signed(&body, BANK_SECRET, now - 3600), body.clone()),
        (("x-other", "1".to_string()), body.clone()),
        (signed("{}", BANK_SECRET, now), "{}".to_string()),
        (signed("not json", BANK_SECRET, now), "not json".to_string()),
    ] {
        let (status, text) = webhook(&app, "/webhooks/pix", header, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    }
    let unknown = body.replace(&txid, "NOSUCHTXID");
    let (status, _) = webhook(
        &app,
        "/webhooks/pix",
        signed(&unknown, BANK_SECRET, now),
        &unknown,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(events(&pool).await, 0);
    assert_eq!(status_of(&pool, order).await, "pending_payment");

    // Verified: applied once, then answered as a duplicate.
    let (status, text) = webhook(
        &app,
        "/webhooks/pix",
        signed(&body, BANK_SECRET, now),
        &body,
    )
    .await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "applied"));
    let (status, text) = webhook(
        &app,
        "/webhooks/pix",
        signed(&body, BANK_SECRET, now),
        &body,
    )
    .await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "duplicate"));
    assert_eq!(status_of(&pool, order).await, "paid");
    assert_eq!(events(&pool).await, 1);

    // A boleto notice, the same way.
    let (boleto, our_number) = placed(&pool, Provider::Boleto, &Config::default()).await;
    let total: Decimal = sqlx::query_scalar("SELECT total FROM orders WHERE id = $1")
        .bind(boleto)
        .fetch_one(&pool)
        .await
        .unwrap();
    let notice = format!(
        r#"{{"id":"bol-1","nosso_numero":"{}","valor_pago":"{total}"}}"#,
        our_number.unwrap()
    );
    let (status, _) = webhook(
        &app,
        "/webhooks/boleto",
        signed(&notice, "wrong", now),
        &notice,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = webhook(
        &app,
        "/webhooks/boleto",
        signed(&notice, BANK_SECRET, now),
        &notice,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(status_of(&pool, boleto).await, "paid");
}

#[tokio::test]
async fn stripe_events_are_verified_and_never_move_an_order_backwards() {
    let (app, pool) = app_and_pool().await;
    // Stripe is set up but unreachable: the order waits with its payment not started.
    let config = Config {
        stripe: Some(domain::payments::stripe::StripeConfig {
            secret_key: "sk".into(),
            publishable_key: "pk".into(),
            webhook_secret: STRIPE_SECRET.into(),
            api_base: "http://127.0.0.1:9".into(),
        }),
        ..Default::default()
    };
    let (order, reference) = placed(&pool, Provider::Stripe, &config).await;
    assert_eq!(
        reference, None,
        "no PaymentIntent while Stripe is unreachable"
    );
    sqlx::query(
        r#"UPDATE payments SET reference = 'pi_test_1',
                  instructions = '{"client_secret": "pi_test_1_secret_abc"}'
           WHERE order_id = $1"#,
    )
    .bind(order)
    .execute(&pool)
    .await
    .unwrap();

    // The order page takes the card with Stripe's Payment Element, and only that page's
    // policy lets Stripe's frames and API in.
    let key = domain::orders::link_key(&domain::orders::signing_key(&pool).await.unwrap(), order);
    let (response, page) = common::get(&app, &format!("/en/orders/{order}?key={key}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(page.contains(r#"id="stripe-element""#), "{page}");
    assert!(page.contains(r#"Stripe("pk_test_unused")"#));
    assert!(page.contains(r#"clientSecret:"pi_test_1_secret_abc""#));
    let policy = common::header(&response, "content-security-policy");
    assert!(
        policy.contains("frame-src https://js.stripe.com"),
        "{policy}"
    );
    let (response, _) = common::get(&app, "/en").await;
    assert!(!common::header(&response, "content-security-policy").contains("stripe"));
    let now = chrono::Utc::now().timestamp();
    let event = |id: &str, kind: &str| {
        format!(
            r#"{{"id":"{id}","type":"{kind}","data":{{"object":{{"id":"pi_test_1","amount":1}}}}}}"#
        )
    };
    let signed = |body: &str| {
        (
            "stripe-signature",
            domain::payments::stripe::sign(body.as_bytes(), STRIPE_SECRET, now),
        )
    };

    let unhandled = event("evt_0", "customer.created");
    assert_eq!(
        webhook(&app, "/webhooks/stripe", signed(&unhandled), &unhandled)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let paid = event("evt_1", "payment_intent.succeeded");
    let forged = (
        "stripe-signature",
        domain::payments::stripe::sign(paid.as_bytes(), "whsec_forged", now),
    );
    assert_eq!(
        webhook(&app, "/webhooks/stripe", forged, &paid).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(events(&pool).await, 0);

    assert_eq!(
        webhook(&app, "/webhooks/stripe", signed(&paid), &paid).await,
        (StatusCode::OK, "applied".into())
    );
    // A failure and a cancellation arriving late leave it paid.
    for late in [
        event("evt_2", "payment_intent.payment_failed"),
        event("evt_3", "payment_intent.canceled"),
    ] {
        assert_eq!(
            webhook(&app, "/webhooks/stripe", signed(&late), &late).await,
            (StatusCode::OK, "noted".into())
        );
    }
    for _ in 0..3 {
        assert_eq!(
            webhook(&app, "/webhooks/stripe", signed(&paid), &paid).await,
            (StatusCode::OK, "duplicate".into())
        );
    }
    assert_eq!(status_of(&pool, order).await, "paid");
}

#[tokio::test]
async fn shop_server_functions_answer_bad_input_and_other_shoppers_with_a_4xx() {
    let (app, pool) = app_and_pool().await;
    let variant = a_variant(&pool).await.to_string();
    customer(&pool, "ana@example.com").await;
    let bia = customer(&pool, "bia@example.com").await;
    let ana_cookie = signed_in(&app, "ana@example.com").await;
    let bia_cookie = signed_in(&app, "bia@example.com").await;
    let as_ana = [("cookie", ana_cookie.as_str())];

    for (quantity, status) in [
        ("-1", 400),
        ("0", 400),
        ("1000", 400),
        ("abc", 400),
        ("99999999999", 400),
    ] {
        let (response, body) = post(
            &app,
            fns::AddToCart::PATH,
            &[
                ("lang", "en"),
                ("variant", &variant),
                ("quantity", quantity),
            ],
            &as_ana,
        )
        .await;
        assert_eq!(response.status().as_u16(), status, "{quantity}: {body}");
    }
    for bad in [Uuid::new_v4().to_string(), "not-a-uuid".to_string()] {
        let (response, _) = post(
            &app,
            fns::AddToCart::PATH,
            &[("lang", "en"), ("variant", &bad), ("quantity", "1")],
            &as_ana,
        )
        .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let (response, body) = post(
        &app,
        fns::AddToCart::PATH,
        &[("lang", "en"), ("variant", &variant), ("quantity", "2")],
        &as_ana,
    )
    .await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{body}"
    );

    let ana =
        sqlx::query_scalar::<_, Uuid>("SELECT id FROM accounts WHERE email = 'ana@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let cart = domain::cart::find(&pool, Owner::Account(ana))
        .await
        .unwrap()
        .unwrap();
    answer_checkout(&pool, cart, Provider::TestCard, &Config::default()).await;
    // The review page shows totals in the shopper's currency (USD for this request).
    let usd = Audience {
        currency: Currency::Usd,
        locale: "en",
        default_locale: "en",
    };
    let total = domain::checkout::quote(&pool, cart, usd)
        .await
        .unwrap()
        .totals
        .total
        .to_string();
    let cart = cart.to_string();
    fn place<'a>(cart: &'a str, total: &'a str, card: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("lang", "en"),
            ("cart", cart),
            ("total", total),
            ("card_number", card),
        ]
    }
    let orders = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM orders")
            .fetch_one(&pool)
            .await
            .unwrap()
    };

    // A tampered total, another customer, a declined card: refused, nothing written.
    let (response, body) = post(
        &app,
        fns::PlaceOrder::PATH,
        &place(&cart, "0.01", "4242424242424242"),
        &as_ana,
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "{body}");
    assert!(body.contains("checkout.errors.total_changed"), "{body}");
    let (response, _) = post(
        &app,
        fns::PlaceOrder::PATH,
        &place(&cart, &total, "4242424242424242"),
        &[("cookie", bia_cookie.as_str())],
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (response, _) = post(
        &app,
        fns::PlaceOrder::PATH,
        &place(&cart, &total, "4242424242424242"),
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (response, body) = post(
        &app,
        fns::PlaceOrder::PATH,
        &place(&cart, &total, "4000000000000002"),
        &as_ana,
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("payment.errors.declined"), "{body}");
    assert_eq!(orders().await, 0);

    // Placed, twice: one order.
    for _ in 0..2 {
        let (response, body) = post(
            &app,
            fns::PlaceOrder::PATH,
            &place(&cart, &total, "4242424242424242"),
            &as_ana,
        )
        .await;
        assert!(
            !response.status().is_client_error() && !response.status().is_server_error(),
            "{body}"
        );
    }
    assert_eq!(orders().await, 1);
    let order = sqlx::query_scalar::<_, Uuid>("SELECT id FROM orders")
        .fetch_one(&pool)
        .await
        .unwrap()
        .to_string();

    // Another customer cannot read it; a customer cannot use staff functions.
    let (response, _) = post(
        &app,
        fns::GetOrder::PATH,
        &[("lang", "en"), ("id", &order)],
        &[("cookie", bia_cookie.as_str())],
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (response, _) = post(
        &app,
        fns::GetOrder::PATH,
        &[("lang", "en"), ("id", &order), ("key", "00ff")],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (response, body) = post(
        &app,
        fns::GetOrder::PATH,
        &[("lang", "en"), ("id", &order)],
        &as_ana,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    for (path, form) in [
        (fns::GetStaffOrders::PATH, vec![("lang", "en")]),
        (
            fns::GetStaffOrder::PATH,
            vec![("lang", "en"), ("id", order.as_str())],
        ),
        (
            fns::StaffMoveOrder::PATH,
            vec![
                ("lang", "en"),
                ("id", order.as_str()),
                ("to", "shipped"),
                ("reason", ""),
            ],
        ),
        (
            fns::StaffConfirmPayment::PATH,
            vec![("lang", "en"), ("id", order.as_str())],
        ),
        (
            fns::StaffRefund::PATH,
            vec![
                ("lang", "en"),
                ("id", order.as_str()),
                ("amount", "1"),
                ("reason", ""),
            ],
        ),
    ] {
        let (response, _) = post(&app, path, &form, &as_ana).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let (response, _) = post(&app, path, &form, &[]).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(status_of(&pool, order.parse().unwrap()).await, "paid");

    // Staff: a bad refund amount and a move the state machine forbids are 4xx.
    sqlx::query("UPDATE accounts SET role = 'staff' WHERE id = $1")
        .bind(bia)
        .execute(&pool)
        .await
        .unwrap();
    let bia_cookie = signed_in(&app, "bia@example.com").await;
    let as_bia = [("cookie", bia_cookie.as_str())];
    let (response, _) = post(
        &app,
        fns::StaffRefund::PATH,
        &[
            ("lang", "en"),
            ("id", &order),
            ("amount", "lots"),
            ("reason", ""),
        ],
        &as_bia,
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (response, _) = post(
        &app,
        fns::StaffMoveOrder::PATH,
        &[
            ("lang", "en"),
            ("id", &order),
            ("to", "delivered"),
            ("reason", ""),
        ],
        &as_bia,
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let (response, _) = post(
        &app,
        fns::StaffMoveOrder::PATH,
        &[
            ("lang", "en"),
            ("id", &order),
            ("to", "shipped"),
            ("reason", "by post"),
        ],
        &as_bia,
    )
    .await;
    assert!(!response.status().is_client_error(), "staff ship it");
    assert_eq!(status_of(&pool, order.parse().unwrap()).await, "shipped");
}
