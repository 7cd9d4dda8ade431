//! Writing the order: its row (with the totals the shopper was shown), its lines, its
//! first history row and its coupon redemption.

use chrono::Duration;
use sqlx::PgConnection;
use uuid::Uuid;

use super::hold::Holder;
use crate::checkout::Quote;
use crate::orders::{self, Actor};
use crate::{DomainError, DomainResult};

/// The order as written.
pub(super) struct Written {
    pub id: Uuid,
    pub number: i64,
    /// (name, quantity) per line, for the confirmation e-mail.
    pub lines: Vec<(String, i32)>,
}

/// What the order needs besides the quote.
pub(super) struct OrderFacts<'a> {
    pub cart: Uuid,
    pub account: Option<Uuid>,
    pub locale: &'a str,
    pub base_currency: &'a str,
    pub hold: Duration,
    pub holder: &'a Holder,
    pub coupon: Option<Uuid>,
}

pub(super) async fn write_order(
    conn: &mut PgConnection,
    quote: &Quote,
    facts: OrderFacts<'_>,
) -> DomainResult<Written> {
    let t = &quote.totals;
    let email = quote.answers.email.clone().unwrap_or_default();
    let address = serde_json::to_value(&quote.answers.address)
        .map_err(|e| DomainError::Internal(Box::new(e)))?;
    let method = quote
        .method
        .as_ref()
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let order = sqlx::query!(
        "INSERT INTO orders (cart_id, account_id, email, locale, currency, base_currency,
                             exchange_rate, prices_include_tax, subtotal, discount, shipping,
                             tax, total, coupon_code, shipping_address, shipping_method,
                             tax_name, tax_rate, reserved_until, holder_session, holder_email,
                             holder_client)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, now() + make_interval(secs => $19), $20, $21, $22)
         RETURNING id, number",
        facts.cart,
        facts.account,
        email,
        facts.locale,
        t.currency.code(),
        facts.base_currency,
        quote.rate,
        t.tax_included,
        t.subtotal,
        t.discount,
        t.shipping,
        t.tax,
        t.total,
        quote.answers.coupon,
        address,
        method,
        quote.tax_name,
        quote.tax.rate,
        facts.hold.num_seconds() as f64,
        facts.holder.session,
        facts.holder.email,
        facts.holder.client
    )
    .fetch_one(&mut *conn)
    .await?;
    let mut lines = Vec::new();
    for (position, (line, totals)) in quote.cart.lines.iter().zip(&t.lines).enumerate() {
        let name = if line.options.is_empty() {
            line.name.clone()
        } else {
            format!("{} ({})", line.name, line.options)
        };
        sqlx::query!(
            "INSERT INTO order_lines (order_id, position, variant_id, sku, name, quantity,
                                      unit_price, line_total, discount, tax)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            order.id,
            position as i32,
            line.variant_id,
            line.sku,
            name,
            line.quantity,
            line.unit_price.amount,
            totals.line_total,
            totals.discount,
            totals.tax
        )
        .execute(&mut *conn)
        .await?;
        lines.push((name, line.quantity));
    }
    orders::opened(conn, order.id, Actor::Customer(facts.account)).await?;
    if let Some(coupon) = facts.coupon {
        sqlx::query!(
            "INSERT INTO coupon_redemptions (coupon_id, order_id, account_id, email_key)
             VALUES ($1, $2, $3, $4)",
            coupon,
            order.id,
            facts.account,
            facts.holder.email
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(Written {
        id: order.id,
        number: order.number,
        lines,
    })
}
