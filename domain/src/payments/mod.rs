//! Payments. One interface over every provider — [`offered`], [`Provider::begin`] (in
//! `checkout::place`), [`settle`] (a provider or staff says the money arrived), [`fail`],
//! and [`refund`] — with four providers behind it:
//!
//! - `test_card`: built in, offline; documented card numbers succeed, decline, or ask
//!   for an extra confirmation. Off unless the server turns it on (the demo shop, or
//!   `VITRINE_TEST_PAYMENTS=true`): it sells for nothing.
//! - `stripe`: Payment Intents over Stripe's API; webhooks verified by signature.
//! - `pix`: a BR Code ("copia e cola" and QR) the shopper pays from their bank app; the
//!   bank's notification (webhook) or staff confirm it.
//! - `boleto`: a bank slip with its digitable line; confirmed the same way.
//!
//! Every provider message goes through [`events::handle`], which stores its id first:
//! the same event delivered again changes nothing, and an event arriving late never
//! moves an order backwards.

pub mod boleto;
pub mod events;
pub mod pix;
pub mod stripe;
pub mod test_card;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::accounts::staff::{Allowed, can};
use crate::mail::Links;
use crate::money::{Currency, Money};
use crate::orders::{self, Actor, OrderStatus, Reason};
use crate::{DomainError, DomainResult, Message, Thing};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Provider {
    TestCard,
    Stripe,
    Pix,
    Boleto,
}

impl Provider {
    pub const ALL: [Provider; 4] = [
        Provider::TestCard,
        Provider::Stripe,
        Provider::Pix,
        Provider::Boleto,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Provider::TestCard => "test_card",
            Provider::Stripe => "stripe",
            Provider::Pix => "pix",
            Provider::Boleto => "boleto",
        }
    }

    pub fn parse(code: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Paid later, outside the shop (a bank transfer or slip): staff may confirm it.
    pub fn is_offline(self) -> bool {
        matches!(self, Provider::Pix | Provider::Boleto)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "payment_status", rename_all = "snake_case")]
pub enum PaymentStatus {
    Pending,
    RequiresAction,
    Succeeded,
    Failed,
    Cancelled,
}

impl PaymentStatus {
    /// As stored: `requires_action`.
    pub fn code(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::RequiresAction => "requires_action",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
        }
    }
}

/// Which providers the shop has set up (from the environment).
#[derive(Clone, Debug)]
pub struct Config {
    pub test_card: bool,
    pub stripe: Option<stripe::StripeConfig>,
    /// Shared secret the PIX and boleto notifications are signed with (same scheme as
    /// Stripe's: `t=…,v1=HMAC-SHA256(t.body)`); without it their webhooks are closed.
    pub bank_webhook_secret: Option<String>,
    /// The boleto agreement with the bank: bank code, 7-digit agreement, wallet.
    pub boleto_bank: String,
    pub boleto_agreement: String,
    pub boleto_wallet: String,
}

/// No provider but the bank slips: the test card, which sells for nothing, only when
/// asked for.
impl Default for Config {
    fn default() -> Self {
        Config {
            test_card: false,
            stripe: None,
            bank_webhook_secret: None,
            boleto_bank: "001".into(),
            boleto_agreement: "1234567".into(),
            boleto_wallet: "17".into(),
        }
    }
}

/// The providers a shopper paying in `currency` can choose from. PIX and boleto are
/// Brazilian and take only reais.
pub fn offered(config: &Config, currency: Currency) -> Vec<Provider> {
    let mut providers = Vec::new();
    if config.test_card {
        providers.push(Provider::TestCard);
    }
    if config.stripe.is_some() {
        providers.push(Provider::Stripe);
    }
    if currency == Currency::BRL {
        providers.extend([Provider::Pix, Provider::Boleto]);
    }
    providers
}

/// [`offered`], less PIX while the shop has no PIX key to be paid at.
pub async fn offered_for(
    pool: &PgPool,
    config: &Config,
    currency: Currency,
) -> crate::DomainResult<Vec<Provider>> {
    let mut providers = offered(config, currency);
    let pix_ready = sqlx::query_scalar!(
        r#"SELECT pix_key IS NOT NULL AND pix_merchant_name IS NOT NULL
                  AND pix_merchant_city IS NOT NULL AS "ready!"
           FROM shop_settings"#
    )
    .fetch_one(pool)
    .await?;
    if !pix_ready {
        providers.retain(|p| *p != Provider::Pix);
    }
    Ok(providers)
}

/// The payment's row, locked.
pub(crate) struct Locked {
    pub order: Uuid,
    pub provider: Provider,
    pub status: PaymentStatus,
    pub amount: Decimal,
    pub currency: String,
    pub reference: Option<String>,
    pub refunded: Decimal,
}

pub(crate) async fn lock(conn: &mut PgConnection, payment: Uuid) -> DomainResult<Locked> {
    let row = sqlx::query!(
        r#"SELECT order_id, provider, status AS "status: PaymentStatus", amount,
                  currency AS "currency!: String", reference, refunded
           FROM payments WHERE id = $1 FOR UPDATE"#,
        payment
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound(Thing::Payment))?;
    Ok(Locked {
        order: row.order_id,
        provider: Provider::parse(&row.provider).ok_or(DomainError::NotFound(Thing::Payment))?,
        status: row.status,
        amount: row.amount,
        currency: row.currency,
        reference: row.reference,
        refunded: row.refunded,
    })
}

/// The money for a payment arrived: the payment succeeds and its order becomes paid.
/// Arriving again, or after the order was cancelled, it changes no status: a late
/// payment is noted in the order's history for staff to give back.
pub async fn settle(
    conn: &mut PgConnection,
    payment: Uuid,
    actor: Actor,
    reason: Reason,
    links: &Links,
) -> DomainResult<bool> {
    let p = lock(conn, payment).await?;
    if p.status == PaymentStatus::Succeeded {
        return Ok(false);
    }
    sqlx::query!(
        "UPDATE payments SET status = 'succeeded', updated_at = now() WHERE id = $1",
        payment
    )
    .execute(&mut *conn)
    .await?;
    let status = orders::lock(conn, p.order).await?;
    if status == OrderStatus::PendingPayment {
        orders::transition(conn, p.order, OrderStatus::Paid, actor, reason, links).await?;
    } else {
        orders::note(
            conn,
            p.order,
            status,
            actor,
            Message::new("order.why.paid_when_closed").into(),
        )
        .await?;
    }
    Ok(true)
}

/// A provider says a payment failed or was abandoned. The order stays open for another
/// try until its time runs out — unless `cancel`, when it is cancelled now.
pub async fn fail(
    conn: &mut PgConnection,
    payment: Uuid,
    actor: Actor,
    reason: Reason,
    cancel: bool,
    links: &Links,
) -> DomainResult<bool> {
    let p = lock(conn, payment).await?;
    if !matches!(
        p.status,
        PaymentStatus::Pending | PaymentStatus::RequiresAction
    ) {
        return Ok(false);
    }
    let to = if cancel {
        PaymentStatus::Cancelled
    } else {
        PaymentStatus::Failed
    };
    sqlx::query!(
        "UPDATE payments SET status = $2, updated_at = now() WHERE id = $1",
        payment,
        to as PaymentStatus
    )
    .execute(&mut *conn)
    .await?;
    let status = orders::lock(conn, p.order).await?;
    if cancel && status == OrderStatus::PendingPayment {
        orders::transition(conn, p.order, OrderStatus::Cancelled, actor, reason, links).await?;
    } else {
        orders::note(conn, p.order, status, actor, reason).await?;
    }
    Ok(true)
}

/// Gives back `amount` of an order's payment through its provider and records it. The
/// order becomes refunded when all of it has been given back, partially refunded before.
pub async fn refund(
    pool: &PgPool,
    staff: &Allowed<can::Refunds>,
    config: &Config,
    order: Uuid,
    amount: Decimal,
    reason: &str,
    links: &Links,
) -> DomainResult<()> {
    // The provider is asked first, outside any transaction (it may be slow); the
    // refund's id makes a retried request to it harmless.
    let refund_id = Uuid::new_v4();
    let (payment, provider, currency, reference) = {
        let mut tx = pool.begin().await?;
        let (payment, p) = refundable(&mut tx, order, amount).await?;
        (payment, p.provider, p.currency, p.reference)
    };
    let currency = crate::money::currencies::by_code(pool, &currency).await?;
    let provider_ref = match (provider, &config.stripe, reference) {
        (Provider::Stripe, Some(stripe), Some(intent)) => Some(
            stripe::refund(
                stripe,
                &intent,
                Money::new(amount, currency),
                &refund_id.to_string(),
            )
            .await?,
        ),
        (Provider::Stripe, _, _) => {
            return Err(DomainError::Conflict(
                "payment.errors.provider_unavailable".into(),
            ));
        }
        (Provider::TestCard, _, _) => Some(format!("test_refund_{}", refund_id.simple())),
        // The shop sends a PIX or bank transfer back itself; the refund is recorded here.
        (Provider::Pix | Provider::Boleto, _, _) => None,
    };
    let mut tx = pool.begin().await?;
    let (payment_again, _) = refundable(&mut tx, order, amount).await?;
    if payment_again != payment {
        return Err(DomainError::Conflict(
            "payment.errors.refund_changed".into(),
        ));
    }
    sqlx::query!(
        "INSERT INTO refunds (id, payment_id, amount, reason, reference, actor_id)
         VALUES ($1, $2, $3, $4, $5, $6)",
        refund_id,
        payment,
        amount,
        reason,
        provider_ref,
        staff.actor().get()
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE payments SET refunded = refunded + $2, updated_at = now() WHERE id = $1",
        payment,
        amount
    )
    .execute(&mut *tx)
    .await?;
    let refunded_total = sqlx::query_scalar!(
        "UPDATE orders SET refunded = refunded + $2 WHERE id = $1 RETURNING total - refunded",
        order,
        amount
    )
    .fetch_one(&mut *tx)
    .await?
    .unwrap_or_default();
    let to = if refunded_total.is_zero() {
        OrderStatus::Refunded
    } else {
        OrderStatus::PartiallyRefunded
    };
    let from = orders::transition(
        &mut tx,
        order,
        to,
        Actor::Staff(staff.actor()),
        Reason::said(reason),
        links,
    )
    .await?;
    let change = orders::audited(&mut tx, order, "order.refund")
        .await?
        .values(
            Some(serde_json::json!({ "status": from.code() })),
            Some(serde_json::json!({
                "status": to.code(),
                "refund": amount.to_string(),
                "currency": currency.code(),
                "reason": reason,
            })),
        );
    crate::audit::record(&mut tx, staff.actor(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// The order's succeeded payment that can give back `amount`, locked.
async fn refundable(
    conn: &mut PgConnection,
    order: Uuid,
    amount: Decimal,
) -> DomainResult<(Uuid, Locked)> {
    let status = orders::lock(conn, order).await?;
    if !status.is_paid() {
        return Err(DomainError::Conflict(
            "payment.errors.not_refundable".into(),
        ));
    }
    let payment = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE order_id = $1 AND status = 'succeeded'
         ORDER BY created_at DESC LIMIT 1",
        order
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::Conflict(
        "payment.errors.not_refundable".into(),
    ))?;
    let p = lock(conn, payment).await?;
    let currency = crate::money::currencies::by_code(&mut *conn, &p.currency).await?;
    if amount <= Decimal::ZERO || crate::money::round(amount, currency) != amount {
        return Err(DomainError::Validation {
            field: "amount",
            message: "payment.errors.refund_amount".into(),
        });
    }
    let left = p.amount - p.refunded;
    if amount > left {
        return Err(DomainError::Validation {
            field: "amount",
            message: crate::Message::new("payment.errors.refund_too_much")
                .with("left", crate::money::Money::new(left, currency)),
        });
    }
    Ok((payment, p))
}
