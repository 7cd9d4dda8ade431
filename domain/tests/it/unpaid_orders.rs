//! Orders that wait for payment: free orders placed paid, the bound on unpaid orders per
//! shopper, and how long boleto stock is held.

use crate::common;

use common::shop::*;
use domain::cart::Cart;
use domain::checkout::{self, PlaceOrder};
use domain::money::Currency;
use domain::payments::{Provider, test_card};
use rust_decimal_macros::dec;

#[tokio::test]
async fn an_order_with_nothing_to_pay_is_placed_paid_without_a_payment() {
    let pool = common::database().await;
    let book = product(&pool, "Book", dec!(12), 5, 300).await;
    sqlx::query("UPDATE shipping_methods SET kind = 'flat', price = 0, per_kg = 0")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO coupons (code, kind, value) VALUES ('GIFT', 'percent', 100)")
        .execute(&pool)
        .await
        .unwrap();
    let cart = ready_cart(&pool, USD, &[(book, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    checkout::apply_coupon(&pool, cart, USD, "GIFT", "203.0.113.7")
        .await
        .unwrap();
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    assert!(quote.totals.total.is_zero(), "{:?}", quote.totals);
    assert!(quote.is_free());
    // No card is asked for: there is nothing to charge.
    let placed = place_with(&pool, USD, cart, None).await.unwrap();
    let order = crate::common::shop::order_detail(&pool, placed.order)
        .await
        .unwrap();
    assert_eq!(order.status, domain::orders::OrderStatus::Paid);
    assert!(order.payments.is_empty());
    assert!(order.reserved_until.is_none(), "nothing to expire");
    let steps: Vec<_> = order.history.iter().map(|h| (h.from, h.to)).collect();
    use domain::orders::OrderStatus::*;
    assert_eq!(
        steps,
        vec![(None, PendingPayment), (Some(PendingPayment), Paid)]
    );
    assert_eq!(stock(&pool, book).await, 4);
}

/// Places a guest's cart (not paid on the spot) as `placer`.
async fn place_unpaid(
    pool: &sqlx::PgPool,
    cart: Cart,
    placer: checkout::Placer<'_>,
) -> domain::DomainResult<checkout::Placed> {
    place_as(pool, cart, placer, None).await
}

async fn place_as(
    pool: &sqlx::PgPool,
    cart: Cart,
    placer: checkout::Placer<'_>,
    card_number: Option<&str>,
) -> domain::DomainResult<checkout::Placed> {
    let brl = audience(Currency::BRL);
    let quote = checkout::quote(pool, cart, brl).await?;
    let (config, links) = (config(), links());
    checkout::place(
        pool,
        PlaceOrder {
            cart,
            audience: brl,
            expected_total: quote.totals.total,
            card_number,
            config: &config,
            links: &links,
            placer,
        },
    )
    .await
}

#[tokio::test]
async fn one_shopper_holds_at_most_three_unpaid_orders_by_session_email_or_address() {
    let pool = common::database().await;
    let brl = audience(Currency::BRL);
    let stove = product(&pool, "Stove", dec!(90), 100, 9000).await;
    let pix_cart = |email: &'static str| {
        let pool = pool.clone();
        async move {
            let cart = ready_cart(&pool, brl, &[(stove, 5)], &br_address(), Provider::Pix)
                .await
                .unwrap();
            if !email.is_empty() {
                checkout::set_email(&pool, cart, email).await.unwrap();
            }
            cart
        }
    };
    let session = |s| checkout::Placer {
        session: Some(s),
        client: None,
    };
    // By session: three unpaid orders, then a refusal with nothing taken.
    for _ in 0..3 {
        let cart = pix_cart("").await;
        place_unpaid(&pool, cart, session("browser-1"))
            .await
            .unwrap();
    }
    let cart = pix_cart("").await;
    let refused = place_unpaid(&pool, cart, session("browser-1"))
        .await
        .unwrap_err();
    assert_eq!(
        message(&refused),
        domain::Message::new("checkout.errors.too_many_unpaid").with("count", 3)
    );
    assert_eq!(stock(&pool, stove).await, 85);
    // Paid on the spot holds nothing unpaid: still allowed.
    let offered = domain::payments::offered(&config(), Currency::BRL);
    checkout::set_payment(&pool, cart, Provider::TestCard, &offered)
        .await
        .unwrap();
    place_as(&pool, cart, session("browser-1"), Some(test_card::SUCCEEDS))
        .await
        .unwrap();
    // By e-mail, however it is spelt, from other browsers.
    for (n, email) in ["eve@example.com", "Eve+1@example.com", "eve+2@EXAMPLE.com"]
        .into_iter()
        .enumerate()
    {
        let cart = pix_cart(email).await;
        let browser = ["b-a", "b-b", "b-c"][n];
        place_unpaid(&pool, cart, session(browser)).await.unwrap();
    }
    let cart = pix_cart("eve+3@example.com").await;
    let refused = place_unpaid(&pool, cart, session("b-d")).await.unwrap_err();
    assert_eq!(
        message(&refused),
        domain::Message::new("checkout.errors.too_many_unpaid").with("count", 3)
    );
    // By client address, whatever the session and e-mail: more, as shoppers share them.
    let from = |s: String| {
        let s: &'static str = Box::leak(s.into_boxed_str());
        checkout::Placer {
            session: Some(s),
            client: Some("198.51.100.9"),
        }
    };
    for n in 0..checkout::MAX_UNPAID_PER_ADDRESS {
        let cart = pix_cart("").await;
        place_unpaid(&pool, cart, from(format!("c-{n}")))
            .await
            .unwrap();
    }
    let cart = pix_cart("").await;
    let refused = place_unpaid(&pool, cart, from("c-last".into()))
        .await
        .unwrap_err();
    assert_eq!(
        message(&refused),
        domain::Message::new("checkout.errors.too_many_unpaid").with("count", 10)
    );
    // Once one is no longer waiting (expired here), there is room again.
    sqlx::query(
        "UPDATE orders SET reserved_until = now() - interval '1 second'
         WHERE id = (SELECT id FROM orders WHERE holder_client = '198.51.100.9' LIMIT 1)",
    )
    .execute(&pool)
    .await
    .unwrap();
    place_unpaid(&pool, cart, from("c-last".into()))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_shop_may_hold_boleto_stock_for_hours_rather_than_days() {
    let pool = common::database().await;
    let brl = audience(Currency::BRL);
    let sofa = product(&pool, "Sofa", dec!(900), 3, 40000).await;
    sqlx::query("UPDATE shop_settings SET boleto_hold_hours = 6")
        .execute(&pool)
        .await
        .unwrap();
    let cart = ready_cart(&pool, brl, &[(sofa, 3)], &br_address(), Provider::Boleto)
        .await
        .unwrap();
    let placed = place_with(&pool, brl, cart, None).await.unwrap();
    let order = crate::common::shop::order_detail(&pool, placed.order)
        .await
        .unwrap();
    let until = order.reserved_until.unwrap();
    let now = chrono::Utc::now();
    assert!(until > now + chrono::Duration::hours(5));
    assert!(until < now + chrono::Duration::hours(7));
    // The slip is due the day the hold ends.
    assert_eq!(
        order.payments[0].instructions["due"].as_str().unwrap(),
        until.date_naive().to_string()
    );
}
