//! Starting a Stripe payment after the order is placed: outside the placing transaction,
//! since Stripe may be slow or away, and repeatable from the order page.

use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::money::Money;
use crate::payments::{self, Config};
use crate::{DomainError, DomainResult};

/// Creates (or, after a failure, creates again — the payment id is the idempotency key)
/// the Stripe PaymentIntent of an order's pending payment.
pub async fn start_stripe(pool: &PgPool, config: &Config, order: Uuid) -> DomainResult<()> {
    let stripe = config.stripe.as_ref().ok_or(DomainError::Conflict(
        "payment.errors.provider_unavailable".into(),
    ))?;
    let payment = sqlx::query!(
        r#"SELECT p.id, p.amount, p.currency AS "currency!: String", o.number
           FROM payments p JOIN orders o ON o.id = p.order_id
           WHERE p.order_id = $1 AND p.provider = 'stripe' AND p.status = 'pending'
             AND p.reference IS NULL"#,
        order
    )
    .fetch_optional(pool)
    .await?
    .ok_or(DomainError::Conflict(
        "payment.errors.not_confirmable".into(),
    ))?;
    let currency = crate::money::currencies::by_code(pool, &payment.currency).await?;
    let intent = payments::stripe::create_intent(
        stripe,
        Money::new(payment.amount, currency),
        &payment.id.to_string(),
        payment.number,
    )
    .await?;
    sqlx::query!(
        "UPDATE payments SET reference = $2, instructions = $3, updated_at = now() WHERE id = $1",
        payment.id,
        intent.id,
        json!({ "client_secret": intent.client_secret })
    )
    .execute(pool)
    .await?;
    Ok(())
}
