//! Reading orders: one order with its lines, payments and history, who may see it
//! ([`visible`], [`for_staff`]), and order lists for a customer and for staff.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use super::OrderStatus;
use crate::accounts::staff::{Allowed, can};
use crate::addresses::PostalAddress;
use crate::money::{Currencies, Currency, Money};
use crate::payments::{PaymentStatus, Provider};
use crate::{DomainError, DomainResult, Thing};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price: Money,
    pub line_total: Money,
    pub discount: Money,
    pub tax: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentView {
    pub id: Uuid,
    pub provider: Provider,
    pub status: PaymentStatus,
    pub amount: Money,
    pub refunded: Money,
    pub reference: Option<String>,
    pub instructions: Value,
    pub card_last4: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub actor: String,
    pub actor_email: Option<String>,
    /// Why: what a staff member typed, or the shop's own words (see `orders::Reason`).
    pub reason: super::Reason,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderDetail {
    pub id: Uuid,
    pub number: i64,
    pub account_id: Option<Uuid>,
    pub email: String,
    pub locale: String,
    pub status: OrderStatus,
    pub currency: Currency,
    pub exchange_rate: Decimal,
    pub prices_include_tax: bool,
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    pub tax: Money,
    pub total: Money,
    pub refunded: Money,
    pub coupon_code: Option<String>,
    pub address: PostalAddress,
    pub shipping_method: String,
    pub tax_name: Option<String>,
    pub tax_rate: Decimal,
    pub reserved_until: Option<DateTime<Utc>>,
    pub placed_at: DateTime<Utc>,
    pub lines: Vec<OrderLine>,
    pub payments: Vec<PaymentView>,
    pub history: Vec<HistoryEntry>,
}

/// The currency an order was made in, from the shop's table (on or off).
fn currency_of(currencies: &Currencies, code: &str) -> DomainResult<Currency> {
    currencies
        .get(code)
        .ok_or_else(|| DomainError::Internal(format!("unknown currency {code}").into()))
}

/// Who asks to see an order on its page.
#[derive(Clone, Copy, Debug, Default)]
pub struct Viewer<'a> {
    /// The signed-in customer, if any.
    pub account: Option<Uuid>,
    /// A staff member allowed to see every order.
    pub staff: Option<&'a Allowed<can::Orders>>,
    /// The key of a guest's signed link, as given.
    pub key: Option<&'a str>,
    /// The orders this browser placed as a guest (kept in its session).
    pub placed_here: &'a [Uuid],
}

/// The order, if `viewer` may see it: its customer, for a guest's order the browser that
/// placed it or anyone holding its signed link, and staff allowed to see orders. Anyone
/// else finds nothing, exactly as for an order that does not exist.
pub async fn visible(pool: &PgPool, viewer: &Viewer<'_>, id: Uuid) -> DomainResult<OrderDetail> {
    let order = detail(pool, id).await?;
    let guest_order = order.account_id.is_none();
    let allowed = viewer.staff.is_some()
        || (viewer.account.is_some() && order.account_id == viewer.account)
        || (guest_order && viewer.placed_here.contains(&order.id))
        || (guest_order
            && match viewer.key {
                Some(key) => super::link_opens(&super::signing_key(pool).await?, order.id, key),
                None => false,
            });
    if allowed {
        Ok(order)
    } else {
        Err(DomainError::NotFound(Thing::Order))
    }
}

/// Any order, for staff allowed to see orders.
pub async fn for_staff(
    pool: &PgPool,
    _allowed: &Allowed<can::Orders>,
    id: Uuid,
) -> DomainResult<OrderDetail> {
    detail(pool, id).await
}

/// One order, whoever asks: for the domain's own work. Pages go through
/// [`visible`] or [`for_staff`].
pub(crate) async fn detail(pool: &PgPool, id: Uuid) -> DomainResult<OrderDetail> {
    let o = sqlx::query!(
        r#"SELECT id, number, account_id, email, locale, status AS "status: OrderStatus",
                  currency AS "currency!: String", exchange_rate, prices_include_tax,
                  subtotal, discount, shipping, tax, total, refunded, coupon_code,
                  shipping_address, shipping_method, tax_name, tax_rate,
                  reserved_until AS "reserved_until: DateTime<Utc>",
                  placed_at AS "placed_at: DateTime<Utc>"
           FROM orders WHERE id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(DomainError::NotFound(Thing::Order))?;
    let currencies = crate::money::currencies::load(pool).await?;
    let currency = currency_of(&currencies, &o.currency)?;
    let money = |amount: Decimal| Money::new(amount, currency).rounded();
    let lines = sqlx::query!(
        "SELECT sku, name, quantity, unit_price, line_total, discount, tax
         FROM order_lines WHERE order_id = $1 ORDER BY position",
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|l| OrderLine {
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        unit_price: money(l.unit_price),
        line_total: money(l.line_total),
        discount: money(l.discount),
        tax: money(l.tax),
    })
    .collect();
    let history = sqlx::query!(
        r#"SELECT h.from_status AS "from_status: OrderStatus", h.to_status AS "to_status: OrderStatus",
                  h.actor, a.email AS "actor_email?", h.reason,
                  h.reason_message AS "reason_message: serde_json::Value", h.at AS "at: DateTime<Utc>"
           FROM order_history h LEFT JOIN accounts a ON a.id = h.actor_id
           WHERE h.order_id = $1 ORDER BY h.id"#,
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|h| HistoryEntry {
        from: h.from_status,
        to: h.to_status,
        actor: h.actor,
        actor_email: h.actor_email,
        reason: match h.reason_message.and_then(|m| serde_json::from_value(m).ok()) {
            Some(message) => super::Reason::Shop(message),
            None => super::Reason::Said(h.reason),
        },
        at: h.at,
    })
    .collect();
    Ok(OrderDetail {
        id: o.id,
        number: o.number,
        account_id: o.account_id,
        email: o.email,
        locale: o.locale,
        status: o.status,
        currency,
        exchange_rate: o.exchange_rate,
        prices_include_tax: o.prices_include_tax,
        subtotal: money(o.subtotal),
        discount: money(o.discount),
        shipping: money(o.shipping),
        tax: money(o.tax),
        total: money(o.total),
        refunded: money(o.refunded),
        coupon_code: o.coupon_code,
        address: serde_json::from_value(o.shipping_address).unwrap_or_default(),
        shipping_method: o.shipping_method,
        tax_name: o.tax_name,
        tax_rate: o.tax_rate,
        reserved_until: o.reserved_until,
        placed_at: o.placed_at,
        lines,
        payments: payments(pool, id).await?,
        history,
    })
}

pub async fn payments(pool: &PgPool, order: Uuid) -> DomainResult<Vec<PaymentView>> {
    let currencies = crate::money::currencies::load(pool).await?;
    let rows = sqlx::query!(
        r#"SELECT id, provider, status AS "status: PaymentStatus", amount, refunded,
                  currency AS "currency!: String", reference, instructions, card_last4,
                  expires_at AS "expires_at: DateTime<Utc>"
           FROM payments WHERE order_id = $1 ORDER BY created_at"#,
        order
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|p| {
            let currency = currency_of(&currencies, &p.currency)?;
            Ok(PaymentView {
                id: p.id,
                provider: Provider::parse(&p.provider)
                    .ok_or_else(|| DomainError::Internal("unknown provider".into()))?,
                status: p.status,
                amount: Money::new(p.amount, currency).rounded(),
                refunded: Money::new(p.refunded, currency).rounded(),
                reference: p.reference,
                instructions: p.instructions,
                card_last4: p.card_last4,
                expires_at: p.expires_at,
            })
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderSummary {
    pub id: Uuid,
    pub number: i64,
    pub email: String,
    pub status: OrderStatus,
    pub total: Money,
    pub items: i64,
    pub placed_at: DateTime<Utc>,
}

struct SummaryRow {
    id: Uuid,
    number: i64,
    email: String,
    status: OrderStatus,
    currency: String,
    total: Decimal,
    items: i64,
    placed_at: DateTime<Utc>,
}

async fn summaries(pool: &PgPool, rows: Vec<SummaryRow>) -> DomainResult<Vec<OrderSummary>> {
    let currencies = crate::money::currencies::load(pool).await?;
    rows.into_iter()
        .map(|r| {
            Ok(OrderSummary {
                total: Money::new(r.total, currency_of(&currencies, &r.currency)?).rounded(),
                id: r.id,
                number: r.number,
                email: r.email,
                status: r.status,
                items: r.items,
                placed_at: r.placed_at,
            })
        })
        .collect()
}

/// A customer's orders, newest first.
pub async fn for_account(pool: &PgPool, account: Uuid) -> DomainResult<Vec<OrderSummary>> {
    let rows = sqlx::query_as!(
        SummaryRow,
        r#"SELECT o.id, o.number, o.email, o.status AS "status: OrderStatus",
                  o.currency AS "currency!: String", o.total,
                  (SELECT COALESCE(sum(quantity), 0) FROM order_lines WHERE order_id = o.id) AS "items!",
                  o.placed_at AS "placed_at: DateTime<Utc>"
           FROM orders o WHERE o.account_id = $1 ORDER BY o.placed_at DESC LIMIT 200"#,
        account
    )
    .fetch_all(pool)
    .await?;
    summaries(pool, rows).await
}

/// The shop's latest orders for staff, optionally of one status.
pub async fn latest(
    pool: &PgPool,
    _allowed: &Allowed<can::Orders>,
    status: Option<OrderStatus>,
    limit: i64,
) -> DomainResult<Vec<OrderSummary>> {
    let rows = sqlx::query_as!(
        SummaryRow,
        r#"SELECT o.id, o.number, o.email, o.status AS "status: OrderStatus",
                  o.currency AS "currency!: String", o.total,
                  (SELECT COALESCE(sum(quantity), 0) FROM order_lines WHERE order_id = o.id) AS "items!",
                  o.placed_at AS "placed_at: DateTime<Utc>"
           FROM orders o WHERE ($1::order_status IS NULL OR o.status = $1)
           ORDER BY o.placed_at DESC LIMIT $2"#,
        status as Option<OrderStatus>,
        limit.clamp(1, 500)
    )
    .fetch_all(pool)
    .await?;
    summaries(pool, rows).await
}
