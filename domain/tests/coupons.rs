//! Coupons against a real PostgreSQL: every reason a code is refused, and the usage
//! limits held at placement (and given back when an order is cancelled).

mod common;

use common::shop::*;
use domain::checkout;
use domain::payments::{Provider, test_card};
use rust_decimal_macros::dec;

#[tokio::test]
async fn coupons_say_why_they_are_refused_and_keep_their_limits() {
    let pool = common::database().await;
    let lamp = product(&pool, "Lamp", dec!(30), 100, 800).await;
    sqlx::query(
        "INSERT INTO coupons (code, kind, value, starts_at, ends_at, usage_limit, per_customer_limit) VALUES
           ('OLD', 'percent', 10, NULL, now() - interval '1 day', NULL, NULL),
           ('SOON', 'percent', 10, now() + interval '1 day', NULL, NULL, NULL),
           ('ONCE', 'fixed', 5, NULL, NULL, 1, NULL),
           ('MINE', 'fixed', 5, NULL, NULL, NULL, 1)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let cart = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    let refusal = |code: &'static str| {
        let pool = pool.clone();
        async move {
            message(
                &checkout::apply_coupon(&pool, cart, USD, code)
                    .await
                    .unwrap_err(),
            )
        }
    };
    assert_eq!(refusal("NOPE").await, "coupon.errors.unknown");
    assert_eq!(refusal("old").await, "coupon.errors.expired");
    assert_eq!(refusal("SOON").await, "coupon.errors.not_started");
    // WELCOME10 needs a $20 subtotal… which this cart has; one with less does not.
    checkout::apply_coupon(&pool, cart, USD, " welcome10 ")
        .await
        .unwrap();
    assert_eq!(
        refusal("ONCE").await,
        "coupon.errors.one_per_order|code=WELCOME10"
    );
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    assert_eq!(quote.totals.discount, dec!(3.00));
    let cheap = product(&pool, "Pin", dec!(5), 100, 10).await;
    let small = ready_cart(&pool, USD, &[(cheap, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    let error = checkout::apply_coupon(&pool, small, USD, "WELCOME10")
        .await
        .unwrap_err();
    assert_eq!(message(&error), "coupon.errors.minimum|amount=$20.00");

    // A total usage limit of 1, claimed by two carts: the second order is refused at
    // placement and nothing of it is written.
    let first = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    let second = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    checkout::apply_coupon(&pool, first, USD, "ONCE")
        .await
        .unwrap();
    checkout::apply_coupon(&pool, second, USD, "ONCE")
        .await
        .unwrap();
    place(&pool, USD, first).await.unwrap();
    let before = stock(&pool, lamp).await;
    let refused = place(&pool, USD, second).await.unwrap_err();
    assert_eq!(message(&refused), "coupon.errors.used_up");
    assert_eq!(stock(&pool, lamp).await, before);
    assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 1);

    // A cancelled order gives its use back.
    let unpaid = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    sqlx::query("UPDATE coupons SET times_used = 0 WHERE code = 'ONCE'")
        .execute(&pool)
        .await
        .unwrap();
    checkout::apply_coupon(&pool, unpaid, USD, "ONCE")
        .await
        .unwrap();
    let pending = place_with(&pool, USD, unpaid, Some(test_card::NEEDS_CONFIRMATION))
        .await
        .unwrap();
    assert_eq!(
        count(
            &pool,
            "SELECT times_used::bigint FROM coupons WHERE code = 'ONCE'"
        )
        .await,
        1
    );
    domain::payments::events::confirm_test_card(&pool, pending.order, false, &links())
        .await
        .unwrap();
    assert_eq!(order_status(&pool, pending.order).await, "cancelled");
    assert_eq!(
        count(
            &pool,
            "SELECT times_used::bigint FROM coupons WHERE code = 'ONCE'"
        )
        .await,
        0
    );

    // One use per customer, counted by e-mail.
    let a = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    let b = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    for cart in [a, b] {
        checkout::set_email(&pool, cart, "Same@Example.com")
            .await
            .unwrap();
    }
    checkout::apply_coupon(&pool, a, USD, "MINE").await.unwrap();
    checkout::apply_coupon(&pool, b, USD, "MINE").await.unwrap();
    place(&pool, USD, a).await.unwrap();
    let quote = checkout::quote(&pool, b, USD).await.unwrap();
    assert_eq!(
        quote.coupon_problem.as_deref(),
        Some("coupon.errors.already_used")
    );
    assert_eq!(
        message(&place(&pool, USD, b).await.unwrap_err()),
        "coupon.errors.already_used"
    );
}
