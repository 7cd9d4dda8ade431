//! Payment providers' webhooks. Each verifies its signature over the raw body first; a
//! bad signature, a body we cannot read, an unknown payment or an event type we do not
//! handle is answered 400 and changes nothing. A verified event is applied once (see
//! `domain::payments::events`): delivered again, it is answered 200 and changes nothing.
//!
//! - `POST /webhooks/stripe`: Stripe's events, signed with `Stripe-Signature`.
//! - `POST /webhooks/pix`: the bank's PIX notification (the Banco Central PIX API's
//!   `{"pix": [...]}`), signed like Stripe's in `X-Vitrine-Signature` with
//!   `VITRINE_BANK_WEBHOOK_SECRET`.
//! - `POST /webhooks/boleto`: the bank's boleto payment notice, signed the same way.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use domain::DomainError;
use domain::payments::events::{self, Happened, Outcome};
use domain::payments::{Provider, stripe};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/stripe", post(stripe_event))
        .route("/webhooks/pix", post(pix_notification))
        .route("/webhooks/boleto", post(boleto_notification))
}

fn refuse(reason: impl std::fmt::Display) -> Response {
    tracing::warn!(%reason, "webhook refused");
    (StatusCode::BAD_REQUEST, reason.to_string()).into_response()
}

fn answer(result: Result<Vec<Outcome>, DomainError>) -> Response {
    match result {
        Ok(outcomes) => {
            let text = outcomes
                .iter()
                .map(|o| format!("{o:?}").to_lowercase())
                .collect::<Vec<_>>()
                .join(",");
            (StatusCode::OK, text).into_response()
        }
        Err(DomainError::BadEvent(detail)) => refuse(detail),
        Err(DomainError::Busy) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Err(error) => {
            // The provider will deliver it again later.
            tracing::error!(%error, "webhook failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Why a request's signature is not good, if it is not.
fn unverified(headers: &HeaderMap, name: &str, body: &[u8], secret: &str) -> Option<String> {
    let Some(header) = headers.get(name).and_then(|v| v.to_str().ok()) else {
        return Some(format!("the {name} header is missing"));
    };
    stripe::verify(header, body, secret, chrono::Utc::now().timestamp())
        .err()
        .map(|e| e.to_string())
}

async fn stripe_event(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(config) = &state.payments.stripe else {
        return refuse("Stripe is not set up in this shop");
    };
    if let Some(reason) = unverified(&headers, "stripe-signature", &body, &config.webhook_secret) {
        return refuse(reason);
    }
    let event = match stripe::parse_event(&body) {
        Ok(event) => event,
        Err(error) => return answer(Err(error)),
    };
    let links = state.links().await;
    // A succeeded PaymentIntent received the amount we created it for.
    let happened = match event.kind {
        stripe::EventKind::Succeeded => Happened::Paid { amount: None },
        stripe::EventKind::Failed => Happened::Failed,
        stripe::EventKind::Canceled => Happened::Cancelled,
    };
    let result = events::handle(
        &state.pool,
        Provider::Stripe,
        &event.id,
        &event.intent,
        happened,
        &links,
    )
    .await;
    answer(result.map(|o| vec![o]))
}

/// Why a bank notification is not verified, if it is not.
fn bank_unverified(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Option<String> {
    match state.payments.bank_webhook_secret.as_deref() {
        None => Some("bank notifications are not set up in this shop".into()),
        Some(secret) => unverified(headers, "x-vitrine-signature", body, secret),
    }
}

async fn pix_notification(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(reason) = bank_unverified(&state, &headers, &body) {
        return refuse(reason);
    }
    let transfers = match events::parse_pix(&body) {
        Ok(transfers) => transfers,
        Err(error) => return answer(Err(error)),
    };
    let links = state.links().await;
    let mut outcomes = Vec::new();
    for (end_to_end, txid, amount) in transfers {
        let paid = Happened::Paid {
            amount: Some(amount),
        };
        match events::handle(&state.pool, Provider::Pix, &end_to_end, &txid, paid, &links).await {
            Ok(outcome) => outcomes.push(outcome),
            Err(error) => return answer(Err(error)),
        }
    }
    answer(Ok(outcomes))
}

async fn boleto_notification(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(reason) = bank_unverified(&state, &headers, &body) {
        return refuse(reason);
    }
    let (id, our_number, amount) = match events::parse_boleto(&body) {
        Ok(notice) => notice,
        Err(error) => return answer(Err(error)),
    };
    let links = state.links().await;
    let paid = Happened::Paid {
        amount: Some(amount),
    };
    let result = events::handle(
        &state.pool,
        Provider::Boleto,
        &id,
        &our_number,
        paid,
        &links,
    )
    .await;
    answer(result.map(|o| vec![o]))
}
