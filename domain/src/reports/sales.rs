//! Sales figures in the base currency (see the module above for what counts and how
//! amounts convert). Each function is one SQL query over the orders placed in the
//! windows it reports, found through `orders_placed_sales` (placed_at, with the
//! columns the figures need, so a big shop's months are read from the index alone).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

use super::{Period, Window};
use crate::DomainResult;
use crate::accounts::staff::{Allowed, can};
use crate::money::{Currency, currencies};

/// Sales, orders and average order value over one window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Figures {
    /// What paid orders came to, net of refunds.
    pub sales: Decimal,
    pub orders: i64,
    /// What an order was placed for on average (before refunds); zero without orders.
    pub average: Decimal,
}

/// A window's figures beside the previous window's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Compared {
    pub current: Figures,
    pub previous: Figures,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The base currency every amount is in.
    pub currency: Currency,
    pub period: Period,
    /// Today so far, against yesterday up to the same time.
    pub today: Compared,
    /// The period, against the one before it.
    pub last: Compared,
}

/// The home page's figures at `now`.
pub async fn summary(
    pool: &PgPool,
    _by: &Allowed<can::Orders>,
    period: Period,
    now: DateTime<Utc>,
) -> DomainResult<Summary> {
    let currency = base_currency(pool).await?;
    let (today, last) = (Window::today(now), Window::last(period, now));
    let (yesterday, before) = (today.previous(), last.previous());
    // One pass over the orders of the period and the one before (which hold today
    // and yesterday), each figure a FILTER of it.
    let row = sqlx::query!(
        r#"WITH base AS (
               SELECT c.code, c.minor_units FROM shop_settings s
               JOIN currencies c ON c.code = s.base_currency
           ), sold AS (
               SELECT o.placed_at,
                      round((o.total - o.refunded) / o.exchange_rate / COALESCE(ob.rate, 1), b.minor_units) AS net,
                      round(o.total / o.exchange_rate / COALESCE(ob.rate, 1), b.minor_units) AS gross
               FROM orders o
               CROSS JOIN base b
               -- An order placed while the shop had another base currency: that
               -- currency's rate against today's base.
               LEFT JOIN currencies ob ON ob.code = o.base_currency AND o.base_currency <> b.code
               WHERE o.placed_at >= $1 AND o.placed_at < $2
                 AND o.status NOT IN ('pending_payment', 'cancelled')
           )
           SELECT COALESCE(sum(net) FILTER (WHERE placed_at >= $3 AND placed_at < $4), 0) AS "today_sales!",
                  COALESCE(sum(gross) FILTER (WHERE placed_at >= $3 AND placed_at < $4), 0) AS "today_gross!",
                  count(*) FILTER (WHERE placed_at >= $3 AND placed_at < $4) AS "today_orders!",
                  COALESCE(sum(net) FILTER (WHERE placed_at >= $5 AND placed_at < $6), 0) AS "yesterday_sales!",
                  COALESCE(sum(gross) FILTER (WHERE placed_at >= $5 AND placed_at < $6), 0) AS "yesterday_gross!",
                  count(*) FILTER (WHERE placed_at >= $5 AND placed_at < $6) AS "yesterday_orders!",
                  COALESCE(sum(net) FILTER (WHERE placed_at >= $7 AND placed_at < $8), 0) AS "last_sales!",
                  COALESCE(sum(gross) FILTER (WHERE placed_at >= $7 AND placed_at < $8), 0) AS "last_gross!",
                  count(*) FILTER (WHERE placed_at >= $7 AND placed_at < $8) AS "last_orders!",
                  COALESCE(sum(net) FILTER (WHERE placed_at >= $9 AND placed_at < $10), 0) AS "before_sales!",
                  COALESCE(sum(gross) FILTER (WHERE placed_at >= $9 AND placed_at < $10), 0) AS "before_gross!",
                  count(*) FILTER (WHERE placed_at >= $9 AND placed_at < $10) AS "before_orders!"
           FROM sold"#,
        // `as _`: the server's build also has sqlx's `time` types, which the macros
        // would otherwise expect for timestamptz.
        before.from as _,
        last.to.max(today.to) as _,
        today.from as _,
        today.to as _,
        yesterday.from as _,
        yesterday.to as _,
        last.from as _,
        last.to as _,
        before.from as _,
        before.to as _,
    )
    .fetch_one(pool)
    .await?;
    let figures = |sales: Decimal, gross: Decimal, orders: i64| Figures {
        sales: crate::money::round(sales, currency),
        orders,
        average: average(gross, orders, currency),
    };
    Ok(Summary {
        currency,
        period,
        today: Compared {
            current: figures(row.today_sales, row.today_gross, row.today_orders),
            previous: figures(
                row.yesterday_sales,
                row.yesterday_gross,
                row.yesterday_orders,
            ),
        },
        last: Compared {
            current: figures(row.last_sales, row.last_gross, row.last_orders),
            previous: figures(row.before_sales, row.before_gross, row.before_orders),
        },
    })
}

fn average(total: Decimal, orders: i64, currency: Currency) -> Decimal {
    if orders == 0 {
        return crate::money::round(Decimal::ZERO, currency);
    }
    crate::money::round(total / Decimal::from(orders), currency)
}

/// One day of the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    pub day: NaiveDate,
    pub sales: Decimal,
    pub orders: i64,
}

/// Sales and orders for each day of the period, oldest first, days without sales
/// included (as zero).
pub async fn by_day(
    pool: &PgPool,
    _by: &Allowed<can::Orders>,
    period: Period,
    now: DateTime<Utc>,
) -> DomainResult<Vec<Day>> {
    let currency = base_currency(pool).await?;
    let window = Window::last(period, now);
    let rows = sqlx::query!(
        r#"WITH base AS (
               SELECT c.code, c.minor_units FROM shop_settings s
               JOIN currencies c ON c.code = s.base_currency
           ), sold AS (
               SELECT (o.placed_at AT TIME ZONE 'UTC')::date AS day,
                      sum(round((o.total - o.refunded) / o.exchange_rate / COALESCE(ob.rate, 1), b.minor_units)) AS net,
                      count(*) AS orders
               FROM orders o
               CROSS JOIN base b
               LEFT JOIN currencies ob ON ob.code = o.base_currency AND o.base_currency <> b.code
               WHERE o.placed_at >= $1 AND o.placed_at < $2
                 AND o.status NOT IN ('pending_payment', 'cancelled')
               GROUP BY 1
           )
           SELECT d.day::date AS "day!: NaiveDate", COALESCE(s.net, 0) AS "sales!", COALESCE(s.orders, 0) AS "orders!"
           FROM generate_series($3::date::timestamp, $4::date::timestamp, interval '1 day') AS d(day)
           LEFT JOIN sold s ON s.day = d.day::date
           ORDER BY d.day"#,
        window.from as _,
        window.to as _,
        window.from.date_naive() as _,
        window.to.date_naive() as _,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Day {
            day: r.day,
            sales: crate::money::round(r.sales, currency),
            orders: r.orders,
        })
        .collect())
}

/// A best-selling product of the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopProduct {
    /// `None` for a product deleted since (it keeps the name its order lines have).
    pub product_id: Option<Uuid>,
    pub name: String,
    pub units: i64,
    /// What its order lines sold for after discounts, in the base currency.
    pub revenue: Decimal,
}

/// The `limit` products that brought in the most over the period, named in `locale`
/// (else the shop's default language).
pub async fn top_products(
    pool: &PgPool,
    _by: &Allowed<can::Orders>,
    period: Period,
    now: DateTime<Utc>,
    (locale, default_locale): (&str, &str),
    limit: i64,
) -> DomainResult<Vec<TopProduct>> {
    let currency = base_currency(pool).await?;
    let window = Window::last(period, now);
    let rows = sqlx::query!(
        r#"WITH base AS (
               SELECT c.code, c.minor_units FROM shop_settings s
               JOIN currencies c ON c.code = s.base_currency
           ), lines AS (
               SELECT v.product_id,
                      CASE WHEN v.product_id IS NULL THEN l.name END AS gone,
                      l.quantity,
                      round((l.line_total - l.discount) / o.exchange_rate / COALESCE(ob.rate, 1), b.minor_units) AS revenue
               FROM orders o
               CROSS JOIN base b
               LEFT JOIN currencies ob ON ob.code = o.base_currency AND o.base_currency <> b.code
               JOIN order_lines l ON l.order_id = o.id
               LEFT JOIN variants v ON v.id = l.variant_id
               WHERE o.placed_at >= $1 AND o.placed_at < $2
                 AND o.status NOT IN ('pending_payment', 'cancelled')
           ), top AS (
               SELECT product_id, gone, sum(quantity)::bigint AS units, sum(revenue) AS revenue
               FROM lines
               GROUP BY product_id, gone
               ORDER BY revenue DESC, units DESC, product_id
               LIMIT $5
           )
           SELECT top.product_id AS "product_id?", COALESCE(t.name, d.name, top.gone, '') AS "name!",
                  top.units AS "units!", top.revenue AS "revenue!"
           FROM top
           LEFT JOIN product_translations t ON t.product_id = top.product_id AND t.locale = $3
           LEFT JOIN product_translations d ON d.product_id = top.product_id AND d.locale = $4
           ORDER BY top.revenue DESC, top.units DESC, 2"#,
        window.from as _,
        window.to as _,
        locale,
        default_locale,
        limit.clamp(1, 50),
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TopProduct {
            product_id: r.product_id,
            name: r.name,
            units: r.units,
            revenue: crate::money::round(r.revenue, currency),
        })
        .collect())
}

/// The shop's base currency, as its row says.
async fn base_currency(pool: &PgPool) -> DomainResult<Currency> {
    let settings = crate::shop::settings(pool).await?;
    currencies::by_code(pool, &settings.base_currency).await
}
