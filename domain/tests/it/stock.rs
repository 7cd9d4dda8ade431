//! Stock under pressure: many buyers for the last units, and unpaid orders giving their
//! stock back when their time runs out.

use crate::common;

use common::shop::*;
use domain::money::Currency;
use domain::payments::Provider;
use rust_decimal_macros::dec;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_checkouts_for_ten_units_make_ten_orders() {
    let pool = common::database_with(40).await;
    let sneaker = product(&pool, "Limited sneaker", dec!(120), 10, 900).await;
    let mut carts = Vec::new();
    for _ in 0..200 {
        carts.push(
            ready_cart(
                &pool,
                USD,
                &[(sneaker, 1)],
                &us_address(),
                Provider::TestCard,
            )
            .await
            .unwrap(),
        );
    }
    // Every buyer presses "place order" at the same moment.
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(carts.len()));
    let tasks: Vec<_> = carts
        .into_iter()
        .map(|cart| {
            let (pool, start) = (pool.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                place(&pool, USD, cart).await
            })
        })
        .collect();
    let mut placed = 0;
    let mut refused = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => placed += 1,
            Err(error) => refused.push(message(&error)),
        }
    }
    assert_eq!(placed, 10);
    assert_eq!(refused.len(), 190);
    // A buyer whose quote ran before the last unit went is told it sold out; one quoted
    // after finds the line already marked sold out and is told the cart changed (its
    // cart page then says what went). Nothing else.
    let sold_out = domain::Message::new("checkout.errors.sold_out").with("name", "Limited sneaker");
    let changed = domain::Message::new("checkout.errors.cart_changed");
    for reason in &refused {
        assert!(*reason == sold_out || *reason == changed, "{reason:?}");
    }
    assert_eq!(stock(&pool, sneaker).await, 0);
    assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 10);
    assert_eq!(
        count(&pool, "SELECT COALESCE(sum(quantity), 0) FROM order_lines").await,
        10
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 10);
}

#[tokio::test]
async fn an_unpaid_order_gives_its_stock_back_when_its_time_runs_out() {
    let pool = common::database().await;
    let brl = audience(Currency::BRL);
    let hammock = product(&pool, "Hammock", dec!(40), 5, 2000).await;
    let cart = ready_cart(&pool, brl, &[(hammock, 2)], &br_address(), Provider::Pix)
        .await
        .unwrap();
    let placed = place_with(&pool, brl, cart, None).await.unwrap();
    assert_eq!(order_status(&pool, placed.order).await, "pending_payment");
    assert_eq!(
        stock(&pool, hammock).await,
        3,
        "reserved while waiting for the PIX"
    );

    // Not yet due: nothing happens.
    assert_eq!(
        domain::orders::expire_unpaid(&pool, &links())
            .await
            .unwrap(),
        0
    );
    sqlx::query("UPDATE orders SET reserved_until = now() - interval '1 second' WHERE id = $1")
        .bind(placed.order)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        domain::orders::expire_unpaid(&pool, &links())
            .await
            .unwrap(),
        1
    );
    assert_eq!(order_status(&pool, placed.order).await, "cancelled");
    assert_eq!(stock(&pool, hammock).await, 5);
    let order = crate::common::shop::order_detail(&pool, placed.order)
        .await
        .unwrap();
    let last = order.history.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), &last.reason),
        (
            "expiry",
            &domain::orders::Reason::Shop(domain::Message::new("order.why.expired"))
        )
    );
    assert_eq!(
        order.payments[0].status,
        domain::payments::PaymentStatus::Cancelled
    );
    // Run again (another replica): nothing more.
    assert_eq!(
        domain::orders::expire_unpaid(&pool, &links())
            .await
            .unwrap(),
        0
    );
    assert_eq!(stock(&pool, hammock).await, 5);
    let subject: String =
        sqlx::query_scalar("SELECT subject FROM outbox_emails ORDER BY id DESC LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        subject,
        format!("O pedido nº {} foi cancelado", order.number)
    );
}
