//! The shop's server functions over HTTP, in-process against a real PostgreSQL: bad
//! input, tampered totals and other shoppers' ids get a 4xx, never a 500, and staff
//! functions are for staff.

use crate::common;

use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use uuid::Uuid;

use app::error::AppError;
use app::message::{Arg, Message};
use app::server::shop as fns;
use common::accounts::*;
use common::app_and_pool;
use common::shop::*;
use domain::cart::Owner;
use domain::catalog::listing::Audience;
use domain::money::Currency;
use domain::payments::Provider;

#[tokio::test]
async fn shop_server_functions_answer_bad_input_and_other_shoppers_with_a_4xx() {
    let (app, pool) = app_and_pool().await;
    // A visitor without a cart sees "your cart is empty" at checkout, and no cart is made.
    let (response, page) = common::get(&app, "/en/checkout/contact").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(page.contains("Your cart is empty."));
    let carts: i64 = sqlx::query_scalar("SELECT count(*) FROM carts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(carts, 0);
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
    answer_checkout(&pool, cart, Provider::TestCard, &with_test_card()).await;
    // The review page shows totals in the shopper's currency (USD for this request).
    let usd = Audience {
        currency: Currency::USD,
        locale: "en",
        default_locale: "en",
    };
    let total = domain::checkout::quote(&pool, cart, usd)
        .await
        .unwrap()
        .totals
        .total
        .to_string();
    let cart = cart.id().to_string();
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
    sqlx::query("UPDATE accounts SET role = 'staff', permissions = '{orders,refunds,customers}' WHERE id = $1")
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
    let (response, body) = post(
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
    // The statuses travel by code and are named where the message is shown.
    let refused = Message::new("order.errors.transition")
        .with("from", Arg::status("paid"))
        .with("to", Arg::status("delivered"));
    assert_eq!(
        serde_json::from_str::<AppError>(&body).ok(),
        Some(AppError::Conflict(refused.clone())),
        "{body}"
    );
    assert!(
        app::i18n::message_in(app::i18n::Locale::En, &refused).contains("from Paid to Delivered")
    );
    // Refunded (and paid) come from refunds and payments, never from this form, even
    // when the state machine has such a step.
    for to in ["refunded", "partially_refunded", "paid"] {
        let (response, body) = post(
            &app,
            fns::StaffMoveOrder::PATH,
            &[("lang", "en"), ("id", &order), ("to", to), ("reason", "")],
            &as_bia,
        )
        .await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{to}: {body}");
    }
    assert_eq!(status_of(&pool, order.parse().unwrap()).await, "paid");
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

/// A customer's order paid with the test card that asks for a confirmation, placed over
/// HTTP; returns (the customer's cookie, the order id).
async fn an_order_awaiting_confirmation(
    app: &axum::Router,
    pool: &sqlx::PgPool,
    email: &str,
) -> (String, String) {
    let account = customer(pool, email).await;
    let cookie = signed_in(app, email).await;
    let variant = a_variant(pool).await.to_string();
    let (response, body) = post(
        app,
        fns::AddToCart::PATH,
        &[("lang", "en"), ("variant", &variant), ("quantity", "1")],
        &[("cookie", cookie.as_str())],
    )
    .await;
    assert!(!response.status().is_client_error(), "{body}");
    let cart = domain::cart::find(pool, Owner::Account(account))
        .await
        .unwrap()
        .unwrap();
    answer_checkout(pool, cart, Provider::TestCard, &with_test_card()).await;
    let usd = Audience {
        currency: Currency::USD,
        locale: "en",
        default_locale: "en",
    };
    let total = domain::checkout::quote(pool, cart, usd)
        .await
        .unwrap()
        .totals
        .total
        .to_string();
    let (response, body) = post(
        app,
        fns::PlaceOrder::PATH,
        &[
            ("lang", "en"),
            ("cart", &cart.id().to_string()),
            ("total", &total),
            ("card_number", "4000002760003184"),
        ],
        &[("cookie", cookie.as_str())],
    )
    .await;
    assert!(!response.status().is_client_error(), "{body}");
    let order: Uuid = sqlx::query_scalar("SELECT id FROM orders WHERE account_id = $1")
        .bind(account)
        .fetch_one(pool)
        .await
        .unwrap();
    (cookie, order.to_string())
}

#[tokio::test]
async fn an_order_key_with_a_control_character_is_refused_before_the_payment_is_confirmed() {
    let (app, pool) = app_and_pool().await;
    let (cookie, order) = an_order_awaiting_confirmation(&app, &pool, "key@example.com").await;
    assert_eq!(
        status_of(&pool, order.parse().unwrap()).await,
        "pending_payment"
    );
    for accept in ["application/json", "text/html"] {
        for key in ["\u{1}", "ab\ncd", "k\0", "é"] {
            let (response, body) = post(
                &app,
                fns::ConfirmTestPayment::PATH,
                &[
                    ("lang", "en"),
                    ("id", &order),
                    ("key", key),
                    ("approve", "yes"),
                ],
                &[
                    ("cookie", cookie.as_str()),
                    ("accept", accept),
                    ("referer", "http://localhost/en/orders/1"),
                ],
            )
            .await;
            assert!(
                !response.status().is_server_error() && !response.status().is_success(),
                "{key:?}: {} {body}",
                response.status()
            );
            // Nothing was done with the payment.
            assert_eq!(
                status_of(&pool, order.parse().unwrap()).await,
                "pending_payment"
            );
        }
    }
    // Without a key (the customer's own order), the confirmation goes through and the
    // browser is sent to the order's page.
    let (response, body) = post(
        &app,
        fns::ConfirmTestPayment::PATH,
        &[
            ("lang", "en"),
            ("id", &order),
            ("key", ""),
            ("approve", "yes"),
        ],
        &[
            ("cookie", cookie.as_str()),
            ("accept", "text/html"),
            ("referer", "http://localhost/en/orders/1"),
        ],
    )
    .await;
    assert!(response.status().is_redirection(), "{body}");
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        format!("/en/orders/{order}")
    );
    assert_eq!(status_of(&pool, order.parse().unwrap()).await, "paid");
}
