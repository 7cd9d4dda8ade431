//! The home page's figures against real orders: two currencies added up in the base
//! currency with each order's own rate, unpaid and cancelled orders left out, refunds
//! taken off, today against yesterday up to the same time, the period against the one
//! before, the chart's days, the best sellers, and the to-do counts.

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::accounts::staff_with;
use common::shop::*;
use domain::accounts::staff::{Permission, can};
use domain::money::{Currency, round};
use domain::payments::Provider;
use domain::reports::{Period, sales, todo};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use sqlx::PgPool;
use uuid::Uuid;

/// The moment the reports are asked for: a fixed noon, so every order can be placed
/// exactly where a window begins or ends.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap()
}

/// Places `items` in `currency` (paid by test card, or left waiting for PIX) and moves
/// its placing to `at`.
async fn order_at(
    pool: &PgPool,
    currency: Currency,
    items: &[(Uuid, i32)],
    provider: Provider,
    at: DateTime<Utc>,
) -> Uuid {
    let audience = audience(currency);
    let address = if currency == Currency::BRL {
        br_address()
    } else {
        us_address()
    };
    let cart = ready_cart(pool, audience, items, &address, provider)
        .await
        .unwrap();
    let card = (provider == Provider::TestCard).then_some(domain::payments::test_card::SUCCEEDS);
    let placed = place_with(pool, audience, cart, card).await.unwrap();
    sqlx::query("UPDATE orders SET placed_at = $2 WHERE id = $1")
        .bind(placed.order)
        .bind(at)
        .execute(pool)
        .await
        .unwrap();
    placed.order
}

/// An order's (net of refunds, as placed) amounts in US dollars, worked out here in
/// Rust from its stored total and rate.
async fn in_usd(pool: &PgPool, order: Uuid) -> (Decimal, Decimal) {
    let (total, refunded, rate): (Decimal, Decimal, Decimal) =
        sqlx::query_as("SELECT total, refunded, exchange_rate FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(pool)
            .await
            .unwrap();
    (
        round((total - refunded) / rate, Currency::USD),
        round(total / rate, Currency::USD),
    )
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, day, hour, 0, 0).unwrap()
}

#[tokio::test]
async fn sales_in_two_currencies_add_up_in_the_base_currency_beside_the_period_before() {
    let pool = common::database().await;
    let owner = staff_with(
        &pool,
        "owner@example.com",
        &[Permission::Orders, Permission::Refunds],
    )
    .await;
    let allowed = owner.allowed::<can::Orders>().unwrap();
    let chair = product(&pool, "Chair", dec!(40), 50, 5000).await;
    let lamp = product(&pool, "Lamp", dec!(25), 50, 1000).await;

    // Today: one order in dollars (later refunded in part), one in reais.
    let usd_today = order_at(
        &pool,
        Currency::USD,
        &[(chair, 1)],
        Provider::TestCard,
        at(15, 9),
    )
    .await;
    let brl_today = order_at(
        &pool,
        Currency::BRL,
        &[(lamp, 2)],
        Provider::TestCard,
        at(15, 10),
    )
    .await;
    // Waiting for a PIX transfer: not a sale (yet).
    let unpaid = order_at(
        &pool,
        Currency::BRL,
        &[(chair, 1)],
        Provider::Pix,
        at(15, 11),
    )
    .await;
    // Yesterday, before this time of day and after it.
    let yesterday_morning = order_at(
        &pool,
        Currency::USD,
        &[(lamp, 1)],
        Provider::TestCard,
        at(14, 8),
    )
    .await;
    let yesterday_evening = order_at(
        &pool,
        Currency::USD,
        &[(chair, 2)],
        Provider::TestCard,
        at(14, 20),
    )
    .await;
    // The 30 days before the last 30 (from 5 May, noon, back to 16 April).
    let last_month = order_at(
        &pool,
        Currency::BRL,
        &[(chair, 1)],
        Provider::TestCard,
        at(1, 0) - Duration::days(25),
    )
    .await;
    // Only in the 90 days before the last 90.
    let winter = order_at(
        &pool,
        Currency::USD,
        &[(lamp, 3)],
        Provider::TestCard,
        now() - Duration::days(120),
    )
    .await;

    domain::payments::refund(
        &pool,
        &owner.allowed::<can::Refunds>().unwrap(),
        &config(),
        usd_today,
        dec!(10),
        "scratched",
        &links(),
    )
    .await
    .unwrap();

    // The order in reais was converted at the rate the shop had when it was placed.
    let rate: Decimal = sqlx::query_scalar("SELECT exchange_rate FROM orders WHERE id = $1")
        .bind(brl_today)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rate, dec!(5.40));

    let summary = sales::summary(&pool, &allowed, Period::Days30, now())
        .await
        .unwrap();
    assert_eq!(summary.currency, Currency::USD);

    let (a, a_gross) = in_usd(&pool, usd_today).await;
    let (b, b_gross) = in_usd(&pool, brl_today).await;
    let (c, c_gross) = in_usd(&pool, yesterday_morning).await;
    let (d, d_gross) = in_usd(&pool, yesterday_evening).await;
    let (e, e_gross) = in_usd(&pool, last_month).await;
    assert_eq!(a, a_gross - dec!(10), "the refund is taken off");
    // $40 + $6 shipping + 4 % NY tax on both.
    assert_eq!(a_gross, dec!(47.84));
    // Two lamps (R$ 270.00) and PAC for 2 kg (R$ 32.40), at R$ 5.40 to the dollar.
    assert_eq!(b, dec!(56.00));

    let today = summary.today.current;
    assert_eq!(today.sales, a + b);
    assert_eq!(today.orders, 2, "the unpaid PIX order is not a sale");
    assert_eq!(
        today.average,
        round((a_gross + b_gross) / dec!(2), Currency::USD)
    );
    let yesterday = summary.today.previous;
    assert_eq!(
        (yesterday.sales, yesterday.orders, yesterday.average),
        (c, 1, c_gross),
        "yesterday up to noon only"
    );
    let month = summary.last.current;
    assert_eq!(month.sales, a + b + c + d);
    assert_eq!(month.orders, 4);
    assert_eq!(
        month.average,
        round(
            (a_gross + b_gross + c_gross + d_gross) / dec!(4),
            Currency::USD
        )
    );
    let before = summary.last.previous;
    assert_eq!(
        (before.sales, before.orders, before.average),
        (e, 1, e_gross)
    );

    // Over 90 days the order from 40 days ago joins the period; winter's is the one before.
    let quarter = sales::summary(&pool, &allowed, Period::Days90, now())
        .await
        .unwrap();
    assert_eq!(quarter.last.current.sales, a + b + c + d + e);
    assert_eq!(quarter.last.current.orders, 5);
    assert_eq!(quarter.last.previous.sales, in_usd(&pool, winter).await.0);

    assert_eq!(order_status(&pool, unpaid).await, "pending_payment");
    assert_eq!(
        domain::reports::change_percent(month.sales, before.sales),
        Some(
            ((month.sales - before.sales) / before.sales * dec!(100))
                .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        )
    );
}

#[tokio::test]
async fn the_chart_has_every_day_of_the_period_and_the_best_sellers_come_first() {
    let pool = common::database().await;
    let owner = staff_with(&pool, "owner@example.com", &[Permission::Orders]).await;
    let allowed = owner.allowed::<can::Orders>().unwrap();
    let chair = product(&pool, "Chair", dec!(40), 50, 5000).await;
    let lamp = product(&pool, "Lamp", dec!(25), 50, 1000).await;
    let rug = product(&pool, "Rug", dec!(5), 50, 1000).await;
    let first = order_at(
        &pool,
        Currency::USD,
        &[(lamp, 3), (rug, 1)],
        Provider::TestCard,
        at(15, 9),
    )
    .await;
    let second = order_at(
        &pool,
        Currency::BRL,
        &[(chair, 1)],
        Provider::TestCard,
        at(10, 9),
    )
    .await;
    // Older than the period: neither a bar nor a best seller.
    order_at(
        &pool,
        Currency::USD,
        &[(rug, 9)],
        Provider::TestCard,
        now() - Duration::days(45),
    )
    .await;

    let days = sales::by_day(&pool, &allowed, Period::Days30, now())
        .await
        .unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(
        days.first().unwrap().day,
        chrono::NaiveDate::from_ymd_opt(2026, 5, 17).unwrap()
    );
    assert_eq!(days.last().unwrap().day, now().date_naive());
    assert_eq!(days.last().unwrap().sales, in_usd(&pool, first).await.0);
    let tenth = days
        .iter()
        .find(|d| d.day == at(10, 0).date_naive())
        .unwrap();
    assert_eq!(
        (tenth.sales, tenth.orders),
        (in_usd(&pool, second).await.0, 1)
    );
    assert_eq!(days.iter().filter(|d| d.orders == 0).count(), 28);
    assert_eq!(
        sales::by_day(&pool, &allowed, Period::Days90, now())
            .await
            .unwrap()
            .len(),
        90
    );

    let top = sales::top_products(&pool, &allowed, Period::Days30, now(), ("en", "en"), 5)
        .await
        .unwrap();
    let names: Vec<(&str, i64)> = top.iter().map(|p| (p.name.as_str(), p.units)).collect();
    assert_eq!(names, vec![("Lamp", 3), ("Chair", 1), ("Rug", 1)]);
    // Lines are in the order's currency: the chair was bought in reais.
    let line_usd =
        |currency_total: Decimal, rate: Decimal| round(currency_total / rate, Currency::USD);
    let (chair_line, rate): (Decimal, Decimal) = sqlx::query_as(
        "SELECT l.line_total - l.discount, o.exchange_rate FROM order_lines l
         JOIN orders o ON o.id = l.order_id WHERE o.id = $1",
    )
    .bind(second)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(top[1].revenue, line_usd(chair_line, rate));
    assert_eq!(top[0].revenue, dec!(75.00));
}

#[tokio::test]
async fn to_dos_count_what_waits_for_staff() {
    let pool = common::database().await;
    let owner = staff_with(&pool, "owner@example.com", &[Permission::Orders]).await;
    let keeper = staff_with(&pool, "keeper@example.com", &[Permission::Catalog]).await;
    let allowed = owner.allowed::<can::Orders>().unwrap();
    let chair = product(&pool, "Chair", dec!(40), 6, 5000).await;
    let lamp = product(&pool, "Lamp", dec!(25), 1, 1000).await;
    product(&pool, "Rug", dec!(5), 0, 1000).await;
    product(&pool, "Vase", dec!(5), 5, 1000).await;

    let paid = order_at(
        &pool,
        Currency::USD,
        &[(chair, 1)],
        Provider::TestCard,
        now(),
    )
    .await;
    order_at(
        &pool,
        Currency::USD,
        &[(chair, 1)],
        Provider::TestCard,
        now(),
    )
    .await;
    order_at(&pool, Currency::BRL, &[(lamp, 1)], Provider::Pix, now()).await;
    domain::orders::move_by_staff(
        &pool,
        &allowed,
        paid,
        domain::orders::OrderStatus::Fulfilling,
        "",
        &links(),
    )
    .await
    .unwrap();

    let orders = todo::orders(&pool, &allowed).await.unwrap();
    assert_eq!(
        orders,
        todo::OrderTodos {
            to_fulfil: 1,
            awaiting_payment: 1
        }
    );
    // Chair 4 left and Vase 5: low; Lamp (held by the PIX order) and Rug: out.
    let stock = todo::stock(&pool, &keeper.allowed::<can::Catalog>().unwrap())
        .await
        .unwrap();
    assert_eq!(stock, todo::StockTodos { out: 2, low: 2 });
}
