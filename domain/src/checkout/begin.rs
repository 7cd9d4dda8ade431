//! Starting an order's payment as its provider does, inside the placing transaction: the
//! test card's answer, a PIX code, a boleto slip, or a Stripe payment to create after
//! the commit. Only orders with something to pay get here.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::money::Money;
use crate::payments::test_card::CardOutcome;
use crate::payments::{Config, PaymentStatus, Provider, boleto, pix};
use crate::{DomainError, DomainResult};

/// Where the shop is paid by PIX (from `shop_settings`).
pub(super) struct PixAccount {
    pub key: Option<String>,
    pub merchant_name: Option<String>,
    pub merchant_city: Option<String>,
}

/// What the payment is for.
pub(super) struct Charge {
    pub order: Uuid,
    pub number: i64,
    pub amount: Money,
    /// When the order's stock is given back unpaid: a boleto is due that day.
    pub due: DateTime<Utc>,
    pub pix: PixAccount,
}

pub(super) struct Started {
    /// Paid already (a test card approved).
    pub paid: bool,
    /// How to pay, for the confirmation e-mail.
    pub mailed: Option<String>,
}

fn unavailable() -> DomainError {
    DomainError::Validation {
        field: "payment",
        message: "payment.errors.provider_unavailable".into(),
    }
}

/// Writes the order's payment row as `provider` starts it.
pub(super) async fn begin(
    conn: &mut PgConnection,
    config: &Config,
    provider: Provider,
    card: Option<&CardOutcome>,
    charge: Charge,
) -> DomainResult<Started> {
    let mut status = PaymentStatus::Pending;
    let mut reference = None;
    let mut instructions = json!({});
    let mut mailed = None;
    match (provider, card) {
        (Provider::TestCard, Some(CardOutcome::Approved { .. })) => {
            status = PaymentStatus::Succeeded
        }
        (Provider::TestCard, _) => status = PaymentStatus::RequiresAction,
        (Provider::Pix, _) => {
            let PixAccount {
                key: Some(key),
                merchant_name: Some(name),
                merchant_city: Some(city),
            } = &charge.pix
            else {
                return Err(unavailable());
            };
            let txid = format!("VT{}{}", charge.number, Uuid::new_v4().simple())
                .chars()
                .take(25)
                .collect::<String>();
            let code = pix::payload(&pix::PixCharge {
                key,
                merchant_name: name,
                merchant_city: city,
                amount: charge.amount.amount,
                txid: &txid,
            });
            mailed = Some(format!("PIX: {code}"));
            instructions = json!({ "pix_code": code });
            reference = Some(txid);
        }
        (Provider::Boleto, _) => {
            let due = charge.due.date_naive();
            let slip = boleto::issue(&boleto::BoletoCharge {
                bank: &config.boleto_bank,
                agreement: &config.boleto_agreement,
                our_number: u64::try_from(charge.number).unwrap_or_default(),
                wallet: &config.boleto_wallet,
                amount: charge.amount.amount,
                due,
            })
            .ok_or_else(unavailable)?;
            mailed = Some(format!("Boleto: {}", slip.digitable_line));
            instructions = json!({
                "digitable_line": slip.digitable_line,
                "barcode": slip.barcode,
                "due": due.to_string(),
            });
            reference = Some(format!("{:010}", charge.number));
        }
        (Provider::Stripe, _) => {}
    }
    let last4 = match card {
        Some(CardOutcome::Approved { last4 } | CardOutcome::NeedsConfirmation { last4 }) => {
            Some(last4.clone())
        }
        None => None,
    };
    sqlx::query!(
        "INSERT INTO payments (order_id, provider, status, amount, currency, reference,
                               instructions, card_last4, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                 (SELECT reserved_until FROM orders WHERE id = $1))",
        charge.order,
        provider.code(),
        status as PaymentStatus,
        charge.amount.amount,
        charge.amount.currency.code(),
        reference,
        instructions,
        last4
    )
    .execute(&mut *conn)
    .await?;
    Ok(Started {
        paid: status == PaymentStatus::Succeeded,
        mailed,
    })
}
