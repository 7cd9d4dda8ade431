//! Payments against a real PostgreSQL: provider events applied once and never
//! backwards, staff confirmation, refunds, the order state machine, and the Stripe
//! adapter talking HTTP to a local stand-in that answers in Stripe's format.

use crate::common;

use common::shop::*;
use domain::money::{Currency, Money};
use domain::orders::{self, Actor, OrderStatus};
use domain::payments::events::{self, Happened, Outcome};
use domain::payments::{Provider, test_card};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use sqlx::PgPool;
use uuid::Uuid;

async fn pix_order(pool: &PgPool) -> (Uuid, String, Decimal) {
    let brl = audience(Currency::BRL);
    let fan = product(pool, "Fan", dec!(30), 10, 1000).await;
    let cart = ready_cart(pool, brl, &[(fan, 1)], &br_address(), Provider::Pix)
        .await
        .unwrap();
    let placed = place_with(pool, brl, cart, None).await.unwrap();
    let order = crate::common::shop::order_detail(pool, placed.order)
        .await
        .unwrap();
    let payment = &order.payments[0];
    let code = payment.instructions["pix_code"].as_str().unwrap();
    assert!(domain::payments::pix::crc_is_valid(code));
    assert!(code.contains(&format!(
        "54{:02}{}",
        order.total.amount.to_string().len(),
        order.total.amount
    )));
    (
        placed.order,
        payment.reference.clone().unwrap(),
        order.total.amount,
    )
}

async fn paid_rows(pool: &PgPool, order: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM order_history WHERE order_id = $1 AND to_status = 'paid' AND from_status <> 'paid'")
        .bind(order)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_same_event_delivered_a_hundred_times_changes_the_order_once() {
    let pool = common::database_with(20).await;
    let (order, txid, total) = pix_order(&pool).await;
    let deliveries: Vec<_> = (0..100)
        .map(|_| {
            let (pool, txid) = (pool.clone(), txid.clone());
            tokio::spawn(async move {
                events::handle(
                    &pool,
                    Provider::Pix,
                    "E00000000202611221200abc",
                    &txid,
                    Happened::Paid {
                        amount: Some(total),
                    },
                    &links(),
                )
                .await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for d in deliveries {
        outcomes.push(d.await.unwrap().unwrap());
    }
    assert_eq!(
        outcomes.iter().filter(|o| **o == Outcome::Applied).count(),
        1
    );
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Outcome::Duplicate)
            .count(),
        99
    );
    assert_eq!(order_status(&pool, order).await, "paid");
    assert_eq!(paid_rows(&pool, order).await, 1);
    assert_eq!(count(&pool, "SELECT count(*) FROM payment_events").await, 1);
    let paid_mails = count(
        &pool,
        "SELECT count(*) FROM outbox_emails WHERE subject LIKE '%pagamento recebido'",
    )
    .await;
    assert_eq!(paid_mails, 1);
}

#[tokio::test]
async fn late_and_unknown_events_never_move_an_order_backwards() {
    let pool = common::database().await;
    let (order, txid, total) = pix_order(&pool).await;
    // Unknown payment: refused, nothing stored.
    let unknown = events::handle(
        &pool,
        Provider::Pix,
        "E1",
        "nope",
        Happened::Paid { amount: None },
        &links(),
    )
    .await;
    assert!(matches!(unknown, Err(domain::DomainError::BadEvent(_))));
    assert_eq!(count(&pool, "SELECT count(*) FROM payment_events").await, 0);
    // Paid short: noted for staff, not paid.
    let short = events::handle(
        &pool,
        Provider::Pix,
        "E2",
        &txid,
        Happened::Paid {
            amount: Some(total - dec!(1)),
        },
        &links(),
    )
    .await
    .unwrap();
    assert_eq!(short, Outcome::Noted);
    assert_eq!(order_status(&pool, order).await, "pending_payment");
    // Paid, then a late "failed" and "cancelled": the order stays paid.
    events::handle(
        &pool,
        Provider::Pix,
        "E3",
        &txid,
        Happened::Paid {
            amount: Some(total),
        },
        &links(),
    )
    .await
    .unwrap();
    for (id, happened) in [("E4", Happened::Failed), ("E5", Happened::Cancelled)] {
        let outcome = events::handle(&pool, Provider::Pix, id, &txid, happened, &links())
            .await
            .unwrap();
        assert_eq!(outcome, Outcome::Noted);
    }
    assert_eq!(order_status(&pool, order).await, "paid");

    // Money arriving after the order expired: the order stays cancelled, staff are told.
    let (late, late_txid, late_total) = pix_order(&pool).await;
    sqlx::query("UPDATE orders SET reserved_until = now() - interval '1 s' WHERE id = $1")
        .bind(late)
        .execute(&pool)
        .await
        .unwrap();
    orders::expire_unpaid(&pool, &links()).await.unwrap();
    events::handle(
        &pool,
        Provider::Pix,
        "E6",
        &late_txid,
        Happened::Paid {
            amount: Some(late_total),
        },
        &links(),
    )
    .await
    .unwrap();
    let detail = crate::common::shop::order_detail(&pool, late)
        .await
        .unwrap();
    assert_eq!(detail.status, OrderStatus::Cancelled);
    assert!(
        detail
            .history
            .last()
            .unwrap()
            .reason
            .contains("give it back")
    );
}

#[tokio::test]
async fn staff_confirm_a_boleto_and_move_the_order_along_with_history() {
    let pool = common::database().await;
    let staff = common::accounts::staff(&pool, "staff@example.com").await;
    let brl = audience(Currency::BRL);
    let desk = product(&pool, "Desk", dec!(150), 3, 20000).await;
    let cart = ready_cart(&pool, brl, &[(desk, 1)], &br_address(), Provider::Boleto)
        .await
        .unwrap();
    let placed = place_with(&pool, brl, cart, None).await.unwrap();
    let order = crate::common::shop::order_detail(&pool, placed.order)
        .await
        .unwrap();
    let line = order.payments[0].instructions["digitable_line"]
        .as_str()
        .unwrap();
    assert!(domain::payments::boleto::line_is_valid(line), "{line}");
    assert!(order.reserved_until.unwrap() > chrono::Utc::now() + chrono::Duration::days(2));

    // Shipping an unpaid order is refused, with nothing written.
    let mut tx = pool.begin().await.unwrap();
    let refused = orders::transition(
        &mut tx,
        placed.order,
        OrderStatus::Shipped,
        Actor::Staff(staff.actor()),
        "",
        &links(),
    )
    .await;
    assert!(matches!(refused, Err(domain::DomainError::Conflict(_))));
    drop(tx);
    let l = links();
    events::confirm_offline(&pool, &staff.allowed().unwrap(), placed.order, &l)
        .await
        .unwrap();
    assert!(
        events::confirm_offline(&pool, &staff.allowed().unwrap(), placed.order, &l)
            .await
            .is_err(),
        "only once"
    );
    for to in [
        OrderStatus::Fulfilling,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
    ] {
        let mut tx = pool.begin().await.unwrap();
        orders::transition(
            &mut tx,
            placed.order,
            to,
            Actor::Staff(staff.actor()),
            "by hand",
            &l,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let mut tx = pool.begin().await.unwrap();
    assert!(
        orders::transition(
            &mut tx,
            placed.order,
            OrderStatus::Shipped,
            Actor::Staff(staff.actor()),
            "",
            &l
        )
        .await
        .is_err()
    );
    drop(tx);
    let order = crate::common::shop::order_detail(&pool, placed.order)
        .await
        .unwrap();
    use OrderStatus::*;
    let steps: Vec<_> = order
        .history
        .iter()
        .map(|h| (h.from, h.to, h.actor_email.as_deref()))
        .collect();
    let by = Some("staff@example.com");
    assert_eq!(
        steps,
        vec![
            (None, PendingPayment, None),
            (Some(PendingPayment), Paid, by),
            (Some(Paid), Fulfilling, by),
            (Some(Fulfilling), Shipped, by),
            (Some(Shipped), Delivered, by),
        ]
    );

    // A boleto notice for an order already paid changes nothing.
    let notice = events::handle(
        &pool,
        Provider::Boleto,
        "b-1",
        order.payments[0].reference.as_deref().unwrap(),
        Happened::Paid {
            amount: Some(order.total.amount),
        },
        &l,
    )
    .await
    .unwrap();
    assert_eq!(notice, Outcome::Noted);
    assert_eq!(order_status(&pool, placed.order).await, "delivered");
}

#[tokio::test]
async fn refunds_partial_then_full_are_recorded_against_the_payment() {
    let pool = common::database().await;
    let staff = common::accounts::staff(&pool, "refunds@example.com").await;
    let chair = product(&pool, "Chair", dec!(40), 5, 5000).await;
    let cart = ready_cart(&pool, USD, &[(chair, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    let placed = place(&pool, USD, cart).await.unwrap();
    let total = crate::common::shop::order_detail(&pool, placed.order)
        .await
        .unwrap()
        .total
        .amount;
    let config = config();
    let l = links();
    let allowed = staff.allowed().unwrap();
    let refund = |amount: Decimal| {
        domain::payments::refund(
            &pool,
            &allowed,
            &config,
            placed.order,
            amount,
            "damaged",
            &l,
        )
    };
    for bad in [dec!(0), dec!(-5), dec!(0.001), total + dec!(0.01)] {
        assert!(
            matches!(
                refund(bad).await,
                Err(domain::DomainError::Validation { .. })
            ),
            "{bad}"
        );
    }
    refund(dec!(10)).await.unwrap();
    assert_eq!(
        order_status(&pool, placed.order).await,
        "partially_refunded"
    );
    refund(total - dec!(10)).await.unwrap();
    assert_eq!(order_status(&pool, placed.order).await, "refunded");
    assert!(refund(dec!(1)).await.is_err(), "nothing left to refund");
    let order = crate::common::shop::order_detail(&pool, placed.order)
        .await
        .unwrap();
    assert_eq!(order.refunded, Money::new(total, Currency::USD));
    assert_eq!(order.payments[0].refunded.amount, total);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM refunds WHERE reference LIKE 'test_refund_%'"
        )
        .await,
        2
    );
    // Refunding an unpaid order is refused.
    let other = ready_cart(&pool, USD, &[(chair, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    let pending = place_with(&pool, USD, other, Some(test_card::NEEDS_CONFIRMATION))
        .await
        .unwrap();
    let error = domain::payments::refund(
        &pool,
        &staff.allowed().unwrap(),
        &config,
        pending.order,
        dec!(1),
        "",
        &l,
    )
    .await
    .unwrap_err();
    assert_eq!(message(&error), "payment.errors.not_refundable");
    // A shop that has turned the test card off takes no test payment left waiting.
    let off = domain::payments::Config::default();
    assert!(
        events::confirm_test_card(&pool, &off, pending.order, true, &l)
            .await
            .is_err()
    );
    assert_eq!(order_status(&pool, pending.order).await, "pending_payment");
    // The extra confirmation step pays it.
    events::confirm_test_card(&pool, &config, pending.order, true, &l)
        .await
        .unwrap();
    assert_eq!(order_status(&pool, pending.order).await, "paid");
}

#[tokio::test]
async fn staff_never_mark_an_order_paid_or_refunded_by_hand() {
    let pool = common::database().await;
    let staff = common::accounts::staff(&pool, "hands@example.com").await;
    let l = links();
    let (order, _, total) = pix_order(&pool).await;
    // Unpaid: "paid" by hand is refused, the payment stays pending and the order keeps
    // its time limit (so it still expires).
    let refused = orders::move_by_staff(
        &pool,
        &staff.allowed().unwrap(),
        order,
        OrderStatus::Paid,
        "",
        &l,
    )
    .await
    .unwrap_err();
    assert_eq!(
        message(&refused),
        domain::Message::new("order.errors.transition")
            .with("from", domain::Arg::status("pending_payment"))
            .with("to", domain::Arg::status("paid"))
    );
    assert_eq!(order_status(&pool, order).await, "pending_payment");
    // Paid through the payment: "refunded" by hand moves no money and is refused.
    events::confirm_offline(&pool, &staff.allowed().unwrap(), order, &l)
        .await
        .unwrap();
    for to in [OrderStatus::Refunded, OrderStatus::PartiallyRefunded] {
        assert!(
            orders::move_by_staff(&pool, &staff.allowed().unwrap(), order, to, "", &l)
                .await
                .is_err(),
            "{to:?}"
        );
    }
    assert_eq!(order_status(&pool, order).await, "paid");
    let refund_mails = count(
        &pool,
        "SELECT count(*) FROM outbox_emails WHERE subject LIKE '%reembols%'",
    )
    .await;
    assert_eq!(refund_mails, 0);
    // What the page offers still works, and a real refund is still possible.
    orders::move_by_staff(
        &pool,
        &staff.allowed().unwrap(),
        order,
        OrderStatus::Fulfilling,
        "packing",
        &l,
    )
    .await
    .unwrap();
    domain::payments::refund(
        &pool,
        &staff.allowed().unwrap(),
        &config(),
        order,
        total,
        "changed mind",
        &l,
    )
    .await
    .unwrap();
    assert_eq!(order_status(&pool, order).await, "refunded");
}

#[tokio::test]
async fn a_refund_in_two_steps_gives_the_stock_back_once_as_one_step_does() {
    let pool = common::database().await;
    let staff = common::accounts::staff(&pool, "stock-refunds@example.com").await;
    let lamp = product(&pool, "Lamp", dec!(25), 6, 800).await;
    let config = config();
    let l = links();
    let paid_order = |quantity| {
        let pool = pool.clone();
        async move {
            let cart = ready_cart(
                &pool,
                USD,
                &[(lamp, quantity)],
                &us_address(),
                Provider::TestCard,
            )
            .await
            .unwrap();
            let placed = place(&pool, USD, cart).await.unwrap();
            let total = crate::common::shop::order_detail(&pool, placed.order)
                .await
                .unwrap()
                .total
                .amount;
            (placed.order, total)
        }
    };
    // One step: the stock comes back.
    let (order, total) = paid_order(2).await;
    assert_eq!(stock(&pool, lamp).await, 4);
    domain::payments::refund(
        &pool,
        &staff.allowed().unwrap(),
        &config,
        order,
        total,
        "",
        &l,
    )
    .await
    .unwrap();
    assert_eq!(stock(&pool, lamp).await, 6);
    // Two steps adding up to the whole: the same, once.
    let (order, total) = paid_order(2).await;
    assert_eq!(stock(&pool, lamp).await, 4);
    domain::payments::refund(
        &pool,
        &staff.allowed().unwrap(),
        &config,
        order,
        dec!(5),
        "",
        &l,
    )
    .await
    .unwrap();
    assert_eq!(
        stock(&pool, lamp).await,
        4,
        "a partial refund keeps the goods out"
    );
    domain::payments::refund(
        &pool,
        &staff.allowed().unwrap(),
        &config,
        order,
        total - dec!(5),
        "",
        &l,
    )
    .await
    .unwrap();
    assert_eq!(order_status(&pool, order).await, "refunded");
    assert_eq!(stock(&pool, lamp).await, 6);
    // Goods that shipped before the refunds do not come back by themselves.
    let (order, total) = paid_order(1).await;
    orders::move_by_staff(
        &pool,
        &staff.allowed().unwrap(),
        order,
        OrderStatus::Shipped,
        "",
        &l,
    )
    .await
    .unwrap();
    domain::payments::refund(
        &pool,
        &staff.allowed().unwrap(),
        &config,
        order,
        dec!(5),
        "",
        &l,
    )
    .await
    .unwrap();
    domain::payments::refund(
        &pool,
        &staff.allowed().unwrap(),
        &config,
        order,
        total - dec!(5),
        "",
        &l,
    )
    .await
    .unwrap();
    assert_eq!(stock(&pool, lamp).await, 5);
}
