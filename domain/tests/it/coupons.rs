//! Coupons against a real PostgreSQL: every reason a code is refused, and the usage
//! limits held at placement (and given back when an order is cancelled).

use crate::common;

use common::shop::*;
use domain::cart::Owner;
use domain::checkout;
use domain::money::{Currency, Money};
use domain::payments::{Provider, test_card};
use domain::{DomainError, DomainResult, Message};
use rust_decimal_macros::dec;

/// The client address the shopper's requests come from.
const CLIENT: &str = "203.0.113.7";

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
                &checkout::apply_coupon(&pool, cart, USD, code, CLIENT)
                    .await
                    .unwrap_err(),
            )
        }
    };
    assert_eq!(refusal("NOPE").await, "coupon.errors.unknown");
    assert_eq!(refusal("old").await, "coupon.errors.expired");
    // Not valid yet reads as unknown: a guess is not confirmed before the start.
    assert_eq!(refusal("SOON").await, "coupon.errors.unknown");
    // WELCOME10 needs a $20 subtotal… which this cart has; one with less does not.
    checkout::apply_coupon(&pool, cart, USD, " welcome10 ", CLIENT)
        .await
        .unwrap();
    assert_eq!(
        refusal("ONCE").await,
        Message::new("coupon.errors.one_per_order").with("code", "WELCOME10")
    );
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    assert_eq!(quote.totals.discount, dec!(3.00));
    let cheap = product(&pool, "Pin", dec!(5), 100, 10).await;
    let small = ready_cart(&pool, USD, &[(cheap, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    let error = checkout::apply_coupon(&pool, small, USD, "WELCOME10", CLIENT)
        .await
        .unwrap_err();
    assert_eq!(
        message(&error),
        Message::new("coupon.errors.minimum").with("amount", Money::new(dec!(20), Currency::USD))
    );

    // A total usage limit of 1, claimed by two carts: the second order is refused at
    // placement and nothing of it is written.
    let first = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    let second = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    checkout::apply_coupon(&pool, first, USD, "ONCE", CLIENT)
        .await
        .unwrap();
    checkout::apply_coupon(&pool, second, USD, "ONCE", CLIENT)
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
    checkout::apply_coupon(&pool, unpaid, USD, "ONCE", CLIENT)
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
    domain::payments::events::confirm_test_card(&pool, &config(), pending.order, false, &links())
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
    checkout::apply_coupon(&pool, a, USD, "MINE", CLIENT)
        .await
        .unwrap();
    checkout::apply_coupon(&pool, b, USD, "MINE", CLIENT)
        .await
        .unwrap();
    place(&pool, USD, a).await.unwrap();
    let quote = checkout::quote(&pool, b, USD).await.unwrap();
    assert_eq!(
        quote.coupon_problem,
        Some(Message::new("coupon.errors.already_used"))
    );
    assert_eq!(
        message(&place(&pool, USD, b).await.unwrap_err()),
        "coupon.errors.already_used"
    );
}

/// A customer's own cart (signed in), ready to place with `email` typed at checkout.
async fn customer_cart(
    pool: &sqlx::PgPool,
    account: uuid::Uuid,
    variant: uuid::Uuid,
    email: &str,
) -> domain::cart::Cart {
    let cart = domain::cart::find_or_create(pool, Owner::Account(account))
        .await
        .unwrap();
    domain::cart::add(pool, cart, variant, 1, USD.currency)
        .await
        .unwrap();
    checkout::set_email(pool, cart, email).await.unwrap();
    checkout::set_address(pool, cart, &us_address())
        .await
        .unwrap();
    let quote = checkout::quote(pool, cart, USD).await.unwrap();
    checkout::set_method(pool, cart, USD, quote.methods[0].id)
        .await
        .unwrap();
    let offered = domain::payments::offered(&config(), USD.currency);
    checkout::set_payment(pool, cart, Provider::TestCard, &offered)
        .await
        .unwrap();
    cart
}

async fn place_for(pool: &sqlx::PgPool, cart: domain::cart::Cart) -> DomainResult<()> {
    let quote = checkout::quote(pool, cart, USD).await?;
    let (config, links) = (config(), links());
    checkout::place(
        pool,
        checkout::PlaceOrder {
            cart,
            audience: USD,
            expected_total: quote.totals.total,
            card_number: Some(test_card::SUCCEEDS),
            config: &config,
            links: &links,
            placer: Default::default(),
        },
    )
    .await
    .map(|_| ())
}

#[tokio::test]
async fn once_per_customer_means_once_per_account_and_per_mailbox() {
    let pool = common::database().await;
    let lamp = product(&pool, "Lamp", dec!(30), 100, 800).await;
    set_up_payments_and_coupon(&pool).await;
    sqlx::query("INSERT INTO coupons (code, kind, value, per_customer_limit) VALUES ('MINE', 'fixed', 5, 1)")
        .execute(&pool)
        .await
        .unwrap();
    // Signed in: a different e-mail typed at checkout is still the same customer.
    let ana = common::accounts::verified(&pool, "ana@example.com").await;
    let first = customer_cart(&pool, ana, lamp, "ana@example.com").await;
    checkout::apply_coupon(&pool, first, USD, "MINE", CLIENT)
        .await
        .unwrap();
    place_for(&pool, first).await.unwrap();
    let second = customer_cart(&pool, ana, lamp, "ana+2@example.com").await;
    let refused = checkout::apply_coupon(&pool, second, USD, "MINE", CLIENT)
        .await
        .unwrap_err();
    assert_eq!(message(&refused), "coupon.errors.already_used");
    // Slipped onto the cart anyway, it is refused at placement.
    sqlx::query("UPDATE carts SET coupon_code = 'MINE' WHERE id = $1")
        .bind(second.id())
        .execute(&pool)
        .await
        .unwrap();
    let refused = place_for(&pool, second).await.unwrap_err();
    assert_eq!(message(&refused), "coupon.errors.already_used");

    // Guests: one mailbox however it is spelt.
    let used = |email: &'static str| {
        let pool = pool.clone();
        async move {
            let cart = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
                .await
                .unwrap();
            checkout::set_email(&pool, cart, email).await.unwrap();
            match checkout::apply_coupon(&pool, cart, USD, "MINE", CLIENT).await {
                Ok(()) => {
                    place(&pool, USD, cart).await.unwrap();
                    Message::new("applied")
                }
                Err(error) => message(&error),
            }
        }
    };
    assert_eq!(used("Bea@Example.com").await, "applied");
    assert_eq!(
        used("bea+deals@example.com").await,
        "coupon.errors.already_used"
    );
    assert_eq!(
        used("BEA+x@EXAMPLE.COM").await,
        "coupon.errors.already_used"
    );
    assert_eq!(used("c.a.r.l@gmail.com").await, "applied");
    assert_eq!(
        used("carl+1@googlemail.com").await,
        "coupon.errors.already_used"
    );
    // Dots count outside Gmail: another person.
    assert_eq!(used("b.ea@example.com").await, "applied");
}

#[tokio::test]
async fn guessing_coupon_codes_is_slowed_down_per_browser_and_per_address() {
    let pool = common::database().await;
    let lamp = product(&pool, "Lamp", dec!(30), 100, 800).await;
    let cart = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    let guess = |cart, code: String, client: &'static str| {
        let pool = pool.clone();
        async move { checkout::apply_coupon(&pool, cart, USD, &code, client).await }
    };
    for n in 0..10 {
        let error = guess(cart, format!("GUESS{n}"), CLIENT).await.unwrap_err();
        assert_eq!(message(&error), "coupon.errors.unknown");
    }
    // The eleventh try waits, even with a real code.
    let error = guess(cart, "WELCOME10".into(), CLIENT).await.unwrap_err();
    assert!(
        matches!(error, DomainError::TooManyAttempts { .. }),
        "{error:?}"
    );
    // A fresh cart from the same address keeps guessing until the address's limit.
    let mut locked = false;
    for n in 0..40 {
        let cart = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
            .await
            .unwrap();
        if let Err(DomainError::TooManyAttempts { .. }) =
            guess(cart, format!("AGAIN{n}"), CLIENT).await
        {
            locked = true;
            break;
        }
    }
    assert!(locked, "the address is never slowed down");
    // Another address is not.
    let other = ready_cart(&pool, USD, &[(lamp, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    guess(other, "WELCOME10".into(), "198.51.100.1")
        .await
        .unwrap();
}
