//! Who holds an unpaid order's stock, and the bound on how many such orders one shopper
//! may hold at once.

use sqlx::PgConnection;
use uuid::Uuid;

use super::Placer;
use crate::{DomainError, DomainResult, Message};

/// Unpaid orders one shopper may have open at once, per session (or account) and per
/// e-mail.
pub const MAX_UNPAID: i64 = 3;
/// Unpaid orders open at once from one client address. Higher than [`MAX_UNPAID`]:
/// many shoppers can share an address (offices, mobile carriers' NAT).
pub const MAX_UNPAID_PER_ADDRESS: i64 = 10;

/// The keys an order is held by, as stored on it (`holder_*`).
pub(super) struct Holder {
    /// `account:<id>` for a signed-in customer, else `session:<id>`.
    pub session: Option<String>,
    /// The normalised e-mail (see `rules::email_key`).
    pub email: String,
    pub client: Option<String>,
}

impl Holder {
    pub fn of(account: Option<Uuid>, placer: &Placer<'_>, email_key: String) -> Holder {
        Holder {
            session: match account {
                Some(account) => Some(format!("account:{account}")),
                None => placer.session.map(|s| format!("session:{s}")),
            },
            email: email_key,
            client: placer.client.map(|c| c.chars().take(64).collect()),
        }
    }
}

/// Refuses a new unpaid order when the shopper already holds [`MAX_UNPAID`] by any of
/// their keys. Each key is locked for the rest of the transaction (in a fixed order, so
/// two checkouts never wait on each other in a cycle) before counting.
pub(super) async fn hold_limit(conn: &mut PgConnection, holder: &Holder) -> DomainResult<()> {
    let (session, email, client) = (
        holder.session.as_deref(),
        holder.email.as_str(),
        holder.client.as_deref(),
    );
    let mut keys: Vec<String> = [
        session.map(|s| format!("s:{s}")),
        Some(format!("e:{email}")),
        client.map(|c| format!("c:{c}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    keys.sort();
    for key in &keys {
        sqlx::query!(
            "SELECT pg_advisory_xact_lock(hashtextextended('unpaid:' || $1, 0))",
            key
        )
        .execute(&mut *conn)
        .await?;
    }
    let held = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE holder_session = $1) AS "session!",
                  count(*) FILTER (WHERE holder_email = $2) AS "email!",
                  count(*) FILTER (WHERE holder_client = $3) AS "client!"
           FROM orders
           WHERE status = 'pending_payment' AND reserved_until > now()
             AND (holder_session = $1 OR holder_email = $2 OR holder_client = $3)"#,
        session,
        email,
        client
    )
    .fetch_one(&mut *conn)
    .await?;
    let limit = if held.session.max(held.email) >= MAX_UNPAID {
        MAX_UNPAID
    } else if held.client >= MAX_UNPAID_PER_ADDRESS {
        MAX_UNPAID_PER_ADDRESS
    } else {
        return Ok(());
    };
    Err(DomainError::Conflict(
        Message::new("checkout.errors.too_many_unpaid").with("count", limit),
    ))
}
