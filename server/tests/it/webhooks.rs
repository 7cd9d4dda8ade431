//! Payment webhooks over HTTP, in-process against a real PostgreSQL: signatures are
//! verified over the raw body, an event is applied once, and a late event never moves an
//! order backwards.

use crate::common;

use axum::http::StatusCode;
use rust_decimal::Decimal;

use common::shop::*;
use common::{BANK_SECRET, STRIPE_SECRET, app_and_pool};
use domain::payments::{Config, Provider};

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
