//! Stripe: Payment Intents created over its HTTP API, refunds, and webhooks verified by
//! their `Stripe-Signature` header.
//!
//! Stripe signs `"{timestamp}.{raw body}"` with HMAC-SHA256 under the endpoint's secret
//! (`whsec_…`) and sends `t=<timestamp>,v1=<hex signature>[,v1=…]`. An event is accepted
//! when one `v1` matches (compared in constant time) and the timestamp is within five
//! minutes of our clock, so a captured request cannot be replayed later.

use hmac::{Hmac, Mac};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::Value;
use sha2::Sha256;

use crate::money::Money;
use crate::{DomainError, DomainResult};

pub const TOLERANCE_SECS: i64 = 300;

#[derive(Clone, Debug)]
pub struct StripeConfig {
    pub secret_key: String,
    pub publishable_key: String,
    pub webhook_secret: String,
    /// `https://api.stripe.com` (another address only for tests).
    pub api_base: String,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing or malformed")]
    Malformed,
    #[error("the signature's timestamp is too far from now")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// Checks a webhook's `Stripe-Signature` header against its raw body.
pub fn verify(header: &str, body: &[u8], secret: &str, now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", s)) => signatures.extend(hex::decode(s).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    for signature in signatures {
        // `verify_slice` compares in constant time.
        if signer(secret, timestamp, body)
            .verify_slice(&signature)
            .is_ok()
        {
            return Ok(());
        }
    }
    Err(SignatureError::Mismatch)
}

fn signer(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// A `Stripe-Signature` header for `body` (what Stripe sends; used by the tests and by
/// our own bank webhooks, which sign the same way).
pub fn sign(body: &[u8], secret: &str, timestamp: i64) -> String {
    let signature = signer(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(signature))
}

/// An amount in the currency's smallest unit, as Stripe's API takes it (cents; yen).
pub fn minor_amount(money: Money) -> Option<i64> {
    let units = money.rounded().amount * Decimal::from(10i64.pow(money.currency.minor_units()));
    units.to_i64()
}

/// What a webhook event means for us.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub kind: EventKind,
    /// The PaymentIntent it is about.
    pub intent: String,
    pub amount_minor: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    Succeeded,
    Failed,
    Canceled,
}

/// Reads a verified event. Types we do not handle are refused, so a misconfigured
/// endpoint shows up in Stripe's dashboard as failing rather than silently ignored.
pub fn parse_event(body: &[u8]) -> DomainResult<Event> {
    let bad = |what: &str| DomainError::BadEvent(what.to_string());
    let json: Value = serde_json::from_slice(body).map_err(|_| bad("the body is not JSON"))?;
    let id = json["id"]
        .as_str()
        .ok_or_else(|| bad("the event has no id"))?;
    let kind = match json["type"].as_str() {
        Some("payment_intent.succeeded") => EventKind::Succeeded,
        Some("payment_intent.payment_failed") => EventKind::Failed,
        Some("payment_intent.canceled") => EventKind::Canceled,
        Some(other) => return Err(bad(&format!("event type {other} is not handled"))),
        None => return Err(bad("the event has no type")),
    };
    let object = &json["data"]["object"];
    let intent = object["id"]
        .as_str()
        .filter(|id| id.starts_with("pi_"))
        .ok_or_else(|| bad("the event names no PaymentIntent"))?;
    Ok(Event {
        id: id.to_string(),
        kind,
        intent: intent.to_string(),
        amount_minor: object["amount_received"]
            .as_i64()
            .or_else(|| object["amount"].as_i64()),
    })
}

/// A created PaymentIntent: its id and the secret the browser confirms it with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent {
    pub id: String,
    pub client_secret: String,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap_or_default()
}

fn unreachable(error: impl std::fmt::Display) -> DomainError {
    tracing::warn!(%error, "Stripe request failed");
    DomainError::Conflict("payment.errors.provider_unavailable".into())
}

async fn post(
    config: &StripeConfig,
    path: &str,
    idempotency_key: &str,
    form: &[(&str, String)],
) -> DomainResult<Value> {
    let response = client()
        .post(format!("{}{path}", config.api_base.trim_end_matches('/')))
        .bearer_auth(&config.secret_key)
        // A retried request (our timeout, a restart) creates nothing twice.
        .header("Idempotency-Key", idempotency_key)
        .form(form)
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    let body: Value = response.json().await.map_err(unreachable)?;
    if !status.is_success() {
        let message = body["error"]["message"].as_str().unwrap_or("unknown error");
        return Err(unreachable(format!("{status}: {message}")));
    }
    Ok(body)
}

/// Creates a PaymentIntent for a payment (its id is the idempotency key).
pub async fn create_intent(
    config: &StripeConfig,
    amount: Money,
    payment_id: &str,
    order_number: i64,
) -> DomainResult<Intent> {
    let minor = minor_amount(amount).ok_or_else(|| unreachable("amount out of range"))?;
    let body = post(
        config,
        "/v1/payment_intents",
        payment_id,
        &[
            ("amount", minor.to_string()),
            ("currency", amount.currency.code().to_lowercase()),
            ("automatic_payment_methods[enabled]", "true".into()),
            ("description", format!("Order #{order_number}")),
            ("metadata[payment_id]", payment_id.to_string()),
            ("metadata[order_number]", order_number.to_string()),
        ],
    )
    .await?;
    match (body["id"].as_str(), body["client_secret"].as_str()) {
        (Some(id), Some(secret)) => Ok(Intent {
            id: id.to_string(),
            client_secret: secret.to_string(),
        }),
        _ => Err(unreachable("a PaymentIntent without id or client_secret")),
    }
}

/// Refunds part or all of a PaymentIntent; returns Stripe's refund id.
pub async fn refund(
    config: &StripeConfig,
    intent: &str,
    amount: Money,
    refund_id: &str,
) -> DomainResult<String> {
    let minor = minor_amount(amount).ok_or_else(|| unreachable("amount out of range"))?;
    let body = post(
        config,
        "/v1/refunds",
        refund_id,
        &[
            ("payment_intent", intent.to_string()),
            ("amount", minor.to_string()),
        ],
    )
    .await?;
    body["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| unreachable("a refund without id"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use rust_decimal_macros::dec;

    const SECRET: &str = "whsec_test_secret";

    #[test]
    fn a_signed_payload_verifies_and_a_changed_one_does_not() {
        let body = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
        let now = 1_700_000_000;
        let header = sign(body, SECRET, now);
        assert_eq!(verify(&header, body, SECRET, now + 10), Ok(()));
        assert_eq!(
            verify(
                &header,
                br#"{"id":"evt_1","type":"payment_intent.canceled"}"#,
                SECRET,
                now
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&header, body, "whsec_other", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&header, body, SECRET, now + 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(&header, body, SECRET, now - 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify("garbage", body, SECRET, now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(&format!("t={now}"), body, SECRET, now),
            Err(SignatureError::Malformed)
        );
        // Stripe may send several signatures while a secret is rolled: one match is enough.
        let rolled = format!("t={now},v1=00ff,{}", header.split(',').nth(1).unwrap());
        assert_eq!(verify(&rolled, body, SECRET, now), Ok(()));
    }

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_payload() {
        // Worked by hand: HMAC-SHA256("key", "1.{}").
        let header = sign(b"{}", "key", 1);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"key").unwrap();
        mac.update(b"1.{}");
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(header, format!("t=1,v1={expected}"));
    }

    #[test]
    fn amounts_go_in_the_smallest_unit() {
        assert_eq!(
            minor_amount(Money::new(dec!(19.99), Currency::USD)),
            Some(1999)
        );
        assert_eq!(
            minor_amount(Money::new(dec!(3023), Currency::JPY)),
            Some(3023)
        );
        assert_eq!(minor_amount(Money::new(dec!(0.5), Currency::JPY)), Some(1));
    }

    #[test]
    fn events_we_handle_and_those_we_refuse() {
        let event = parse_event(
            br#"{"id":"evt_9","type":"payment_intent.succeeded",
                 "data":{"object":{"id":"pi_123","amount_received":1999}}}"#,
        )
        .unwrap();
        assert_eq!(event.kind, EventKind::Succeeded);
        assert_eq!(event.intent, "pi_123");
        assert_eq!(event.amount_minor, Some(1999));
        assert!(
            parse_event(
                br#"{"id":"evt_9","type":"customer.created","data":{"object":{"id":"cus_1"}}}"#
            )
            .is_err()
        );
        assert!(parse_event(b"not json").is_err());
        assert!(parse_event(br#"{"type":"payment_intent.succeeded"}"#).is_err());
    }
}
