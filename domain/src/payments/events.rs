//! Messages from payment providers (webhooks) and from staff, applied once each.

use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use super::{PaymentStatus, Provider, fail, settle};
use crate::accounts::staff::{Allowed, can};
use crate::mail::Links;
use crate::money::Money;
use crate::orders::{self, Actor, Reason};
use crate::{DomainError, DomainResult, Thing};

/// What a provider says happened to a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Happened {
    /// Money arrived: in the payment's currency, in major units, when the provider says.
    Paid {
        amount: Option<Decimal>,
    },
    Failed,
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The event changed the payment (and maybe the order).
    Applied,
    /// Seen before: nothing changed.
    Duplicate,
    /// Recorded, but it changes nothing (a payment already settled, a short payment).
    Noted,
}

/// Applies one provider event: stored first under its unique id, so a second delivery
/// finds it and changes nothing; all in one transaction with the change it causes.
pub async fn handle(
    pool: &PgPool,
    provider: Provider,
    event_id: &str,
    reference: &str,
    happened: Happened,
    links: &Links,
) -> DomainResult<Outcome> {
    let bad = |detail: &str| DomainError::BadEvent(detail.into());
    if event_id.is_empty() || event_id.len() > 255 {
        return Err(bad("the event id is missing or too long"));
    }
    let mut tx = pool.begin().await?;
    let payment = sqlx::query!(
        r#"SELECT id, amount, currency AS "currency!: String" FROM payments
           WHERE provider = $1 AND reference = $2"#,
        provider.code(),
        reference
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| bad("no payment has this reference"))?;
    let kind = match happened {
        Happened::Paid { .. } => "paid",
        Happened::Failed => "failed",
        Happened::Cancelled => "cancelled",
    };
    let fresh = sqlx::query_scalar!(
        "INSERT INTO payment_events (provider, event_id, payment_id, kind)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1",
        provider.code(),
        event_id,
        payment.id,
        kind
    )
    .fetch_optional(&mut *tx)
    .await?;
    if fresh.is_none() {
        return Ok(Outcome::Duplicate);
    }
    let actor = Actor::System("payment");
    let changed = match happened {
        Happened::Paid { amount: Some(paid) } if paid < payment.amount => {
            let order = super::lock(&mut tx, payment.id).await?.order;
            let status = orders::lock(&mut tx, order).await?;
            let currency = crate::money::currencies::by_code(&mut *tx, &payment.currency).await?;
            let note = Reason::Shop(
                crate::Message::new("order.why.underpaid")
                    .with("method", crate::Arg::method(provider.code()))
                    .with("paid", Money::new(paid, currency))
                    .with("total", Money::new(payment.amount, currency)),
            );
            orders::note(&mut tx, order, status, actor, note).await?;
            false
        }
        Happened::Paid { .. } => {
            let reason = Reason::payment("paid", provider.code());
            settle(&mut tx, payment.id, actor, reason, links).await?
        }
        Happened::Failed => {
            let reason = Reason::payment("payment_failed", provider.code());
            fail(&mut tx, payment.id, actor, reason, false, links).await?
        }
        Happened::Cancelled => {
            let reason = Reason::payment("payment_cancelled", provider.code());
            fail(&mut tx, payment.id, actor, reason, true, links).await?
        }
    };
    tx.commit().await?;
    Ok(if changed {
        Outcome::Applied
    } else {
        Outcome::Noted
    })
}

/// A PIX notification as the Banco Central's PIX API sends it:
/// `{"pix": [{"endToEndId": "E…", "txid": "…", "valor": "123.45", …}]}` — one entry per
/// transfer received; the end-to-end id is unique per transfer.
pub fn parse_pix(body: &[u8]) -> DomainResult<Vec<(String, String, Decimal)>> {
    let bad = |detail: &str| DomainError::BadEvent(detail.into());
    let json: Value = serde_json::from_slice(body).map_err(|_| bad("the body is not JSON"))?;
    let entries = json["pix"]
        .as_array()
        .ok_or_else(|| bad("no \"pix\" list"))?;
    if entries.is_empty() || entries.len() > 100 {
        return Err(bad("the \"pix\" list is empty or too long"));
    }
    entries
        .iter()
        .map(|e| {
            let text = |name: &str| {
                e[name]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| bad(&format!("a transfer without \"{name}\"")))
            };
            let amount = text("valor")?
                .parse::<Decimal>()
                .map_err(|_| bad("\"valor\" is not an amount"))?;
            Ok((
                text("endToEndId")?.to_string(),
                text("txid")?.to_string(),
                amount,
            ))
        })
        .collect()
}

/// A boleto payment notice from the bank:
/// `{"id": "…", "nosso_numero": "…", "valor_pago": "189.90"}`.
pub fn parse_boleto(body: &[u8]) -> DomainResult<(String, String, Decimal)> {
    let bad = |detail: &str| DomainError::BadEvent(detail.into());
    let json: Value = serde_json::from_slice(body).map_err(|_| bad("the body is not JSON"))?;
    let text = |name: &str| {
        json[name]
            .as_str()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad(&format!("no \"{name}\"")))
    };
    let amount = text("valor_pago")?
        .parse::<Decimal>()
        .map_err(|_| bad("\"valor_pago\" is not an amount"))?;
    Ok((
        text("id")?.to_string(),
        text("nosso_numero")?.to_string(),
        amount,
    ))
}

/// Staff confirm that a PIX or boleto payment reached the shop's account.
pub async fn confirm_offline(
    pool: &PgPool,
    staff: &Allowed<can::Orders>,
    order: Uuid,
    links: &Links,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    orders::lock(&mut tx, order).await?;
    let payment = sqlx::query!(
        r#"SELECT id, provider, status AS "status: PaymentStatus" FROM payments
           WHERE order_id = $1 ORDER BY created_at DESC LIMIT 1"#,
        order
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound(Thing::Payment))?;
    let offline = Provider::parse(&payment.provider).is_some_and(Provider::is_offline);
    if !offline || payment.status != PaymentStatus::Pending {
        return Err(DomainError::Conflict(
            "payment.errors.not_confirmable".into(),
        ));
    }
    let reason = Reason::payment("confirmed_by_staff", &payment.provider);
    settle(
        &mut tx,
        payment.id,
        Actor::Staff(staff.actor()),
        reason,
        links,
    )
    .await?;
    let change = orders::audited(&mut tx, order, "order.confirm_payment")
        .await?
        .values(
            Some(serde_json::json!({ "payment": PaymentStatus::Pending.code(), "provider": payment.provider })),
            Some(serde_json::json!({ "payment": PaymentStatus::Succeeded.code() })),
        );
    crate::audit::record(&mut tx, staff.actor(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// The shopper answers the test bank's extra confirmation: approved pays the order,
/// refused cancels it and gives its stock back. Once the shop has turned the test card
/// off, a test payment left waiting can no longer pay an order.
pub async fn confirm_test_card(
    pool: &PgPool,
    config: &super::Config,
    order: Uuid,
    approve: bool,
    links: &Links,
) -> DomainResult<()> {
    if approve && !config.test_card {
        return Err(DomainError::Conflict(
            "payment.errors.provider_unavailable".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    let payment = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE order_id = $1 AND provider = 'test_card'
         AND status = 'requires_action' ORDER BY created_at DESC LIMIT 1",
        order
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::Conflict(
        "payment.errors.not_confirmable".into(),
    ))?;
    let actor = Actor::System("payment");
    if approve {
        let reason = Reason::payment("confirmed_by_shopper", Provider::TestCard.code());
        settle(&mut tx, payment, actor, reason, links).await?;
    } else {
        fail(
            &mut tx,
            payment,
            actor,
            Reason::payment("refused_by_shopper", Provider::TestCard.code()),
            true,
            links,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn bank_notifications_are_read_or_refused() {
        let pix = parse_pix(br#"{"pix":[{"endToEndId":"E1","txid":"VT1001abc","valor":"12.30"}]}"#)
            .unwrap();
        assert_eq!(pix, vec![("E1".into(), "VT1001abc".into(), dec!(12.30))]);
        assert!(parse_pix(br#"{"pix":[]}"#).is_err());
        assert!(parse_pix(br#"{"pix":[{"txid":"x","valor":"1"}]}"#).is_err());
        assert!(parse_pix(br#"{"pix":[{"endToEndId":"E1","txid":"x","valor":"abc"}]}"#).is_err());
        let boleto =
            parse_boleto(br#"{"id":"b1","nosso_numero":"0000001001","valor_pago":"189.90"}"#)
                .unwrap();
        assert_eq!(boleto, ("b1".into(), "0000001001".into(), dec!(189.90)));
        assert!(parse_boleto(b"[]").is_err());
    }
}
