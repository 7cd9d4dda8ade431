//! Orders: status changes through the state machine (each with its history row, in the
//! same transaction), stock given back when an order is cancelled or its payment time
//! runs out, the guest's signed link, and what the order pages show.

pub mod mail;
pub mod read;
pub mod status;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::accounts::staff::{Allowed, StaffId, can};
use crate::mail::Links;
use crate::{DomainError, DomainResult, Thing};

pub use read::{HistoryEntry, OrderDetail, OrderLine, OrderSummary, PaymentView, Viewer};
pub use status::OrderStatus;

/// Who changed an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A staff member who passed the check for what they did.
    Staff(StaffId),
    /// The shopper (signed in or not).
    Customer(Option<Uuid>),
    /// The shop itself: a payment provider's message, the expiry job.
    System(&'static str),
}

impl Actor {
    fn parts(self) -> (Option<Uuid>, &'static str) {
        match self {
            Actor::Staff(id) => (Some(id.get()), "staff"),
            Actor::Customer(id) => (id, "customer"),
            Actor::System(what) => (None, what),
        }
    }
}

/// Why a history row was written: what a staff member typed (kept as written), or the
/// shop's own words, a locale key with values shown in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    Said(String),
    Shop(crate::Message),
}

impl Reason {
    /// What a staff member typed.
    pub fn said(text: &str) -> Reason {
        Reason::Said(text.chars().take(500).collect())
    }

    /// The shop's words: `order.why.<key>` with a payment method's name.
    pub fn payment(key: &str, method: &str) -> Reason {
        Reason::Shop(
            crate::Message::new(format!("order.why.{key}"))
                .with("method", crate::Arg::method(method)),
        )
    }
}

impl From<crate::Message> for Reason {
    fn from(message: crate::Message) -> Reason {
        Reason::Shop(message)
    }
}

/// The first history row of a new order (placed, waiting for its payment). Written by
/// placing only, in the same transaction as the order row.
pub async fn opened(conn: &mut PgConnection, order: Uuid, actor: Actor) -> DomainResult<()> {
    history_row(
        conn,
        order,
        None,
        OrderStatus::PendingPayment,
        actor,
        crate::Message::new("order.why.placed").into(),
    )
    .await
}

/// A note in the order's history that changes nothing (`status` stays): a payment that
/// arrived for a closed order, a partial payment, a failed attempt.
pub async fn note(
    conn: &mut PgConnection,
    order: Uuid,
    status: OrderStatus,
    actor: Actor,
    reason: Reason,
) -> DomainResult<()> {
    history_row(conn, order, Some(status), status, actor, reason).await
}

/// Writes a history row; status changes reach it only through [`transition_quietly`].
async fn history_row(
    conn: &mut PgConnection,
    order: Uuid,
    from: Option<OrderStatus>,
    to: OrderStatus,
    actor: Actor,
    reason: Reason,
) -> DomainResult<()> {
    let (actor_id, actor) = actor.parts();
    let (said, message) = match reason {
        Reason::Said(text) => (text, None),
        Reason::Shop(message) => (String::new(), serde_json::to_value(message).ok()),
    };
    sqlx::query!(
        "INSERT INTO order_history
             (order_id, from_status, to_status, actor_id, actor, reason, reason_message)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        order,
        from as Option<OrderStatus>,
        to as OrderStatus,
        actor_id,
        actor,
        said,
        message
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The order's status, its row locked until the transaction ends.
pub async fn lock(conn: &mut PgConnection, order: Uuid) -> DomainResult<OrderStatus> {
    sqlx::query_scalar!(
        r#"SELECT status AS "status: OrderStatus" FROM orders WHERE id = $1 FOR UPDATE"#,
        order
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound(Thing::Order))
}

/// Moves an order to `to` if the state machine allows it, with its history row and the
/// shopper's e-mail, in the caller's transaction. Cancelling gives the stock back.
pub async fn transition(
    conn: &mut PgConnection,
    order: Uuid,
    to: OrderStatus,
    actor: Actor,
    reason: Reason,
    links: &Links,
) -> DomainResult<OrderStatus> {
    let from = transition_quietly(conn, order, to, actor, reason).await?;
    mail::status_changed(conn, order, to, links).await?;
    Ok(from)
}

/// [`transition`] without the shopper's e-mail about it: for an order paid the moment
/// it is placed, whose confirmation already says so.
pub async fn transition_quietly(
    conn: &mut PgConnection,
    order: Uuid,
    to: OrderStatus,
    actor: Actor,
    reason: Reason,
) -> DomainResult<OrderStatus> {
    let from = lock(conn, order).await?;
    if !from.can_become(to) {
        return Err(refused(from, to));
    }
    sqlx::query!(
        "UPDATE orders SET status = $2, updated_at = now(),
                reserved_until = CASE WHEN $2 = 'pending_payment'::order_status
                                      THEN reserved_until END
         WHERE id = $1",
        order,
        to as OrderStatus
    )
    .execute(&mut *conn)
    .await?;
    history_row(conn, order, Some(from), to, actor, reason).await?;
    // Stock comes back when the goods never left: a cancelled order, or one refunded in
    // full before it shipped, in one refund or several (the order's history says whether
    // it ever shipped; refunded is final, so this happens once).
    if to == OrderStatus::Refunded && !ever_shipped(conn, order).await? {
        release(conn, order).await?;
    }
    if to == OrderStatus::Cancelled {
        release(conn, order).await?;
        sqlx::query!(
            "UPDATE payments SET status = 'cancelled', updated_at = now()
             WHERE order_id = $1 AND status IN ('pending', 'requires_action')",
            order
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(from)
}

/// Staff move an order along by hand (fulfilling, shipped, delivered, or cancelled
/// while unpaid), with their name and reason in its history. Paid and refunded are
/// refused here whatever the page offered: they come from payments and refunds.
pub async fn move_by_staff(
    pool: &PgPool,
    staff: &Allowed<can::Orders>,
    order: Uuid,
    to: OrderStatus,
    reason: &str,
    links: &Links,
) -> DomainResult<OrderStatus> {
    let mut tx = pool.begin().await?;
    let from = lock(&mut tx, order).await?;
    if !from.staff_may_set(to) {
        return Err(refused(from, to));
    }
    let from = transition(
        &mut tx,
        order,
        to,
        Actor::Staff(staff.actor()),
        Reason::said(reason),
        links,
    )
    .await?;
    let change = audited(&mut tx, order, "order.status").await?.values(
        Some(serde_json::json!({ "status": from.code() })),
        Some(serde_json::json!({ "status": to.code(), "reason": reason })),
    );
    crate::audit::record(&mut tx, staff.actor(), change).await?;
    tx.commit().await?;
    Ok(from)
}

/// The audit record of a staff change to `order`, labelled by its number (`#1001`).
pub(crate) async fn audited(
    conn: &mut PgConnection,
    order: Uuid,
    action: &'static str,
) -> DomainResult<crate::audit::Change> {
    let number = sqlx::query_scalar!("SELECT number FROM orders WHERE id = $1", order)
        .fetch_one(conn)
        .await?;
    Ok(crate::audit::Change::new(action, "order", order).label(format!("#{number}")))
}

fn refused(from: OrderStatus, to: OrderStatus) -> DomainError {
    DomainError::Conflict(
        crate::Message::new("order.errors.transition")
            .with("from", crate::Arg::status(from.code()))
            .with("to", crate::Arg::status(to.code())),
    )
}

/// Whether the order's goods ever left: it was once shipped or delivered.
async fn ever_shipped(conn: &mut PgConnection, order: Uuid) -> DomainResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM order_history WHERE order_id = $1
                          AND to_status IN ('shipped', 'delivered')) AS "shipped!""#,
        order
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// Gives an order's stock back and its coupon use (for a cancelled order).
async fn release(conn: &mut PgConnection, order: Uuid) -> DomainResult<()> {
    sqlx::query!(
        "UPDATE variants v SET stock = v.stock + l.quantity, updated_at = now()
         FROM (SELECT variant_id, sum(quantity)::int AS quantity FROM order_lines
               WHERE order_id = $1 AND variant_id IS NOT NULL GROUP BY variant_id) l
         WHERE v.id = l.variant_id",
        order
    )
    .execute(&mut *conn)
    .await?;
    let coupon = sqlx::query_scalar!(
        "DELETE FROM coupon_redemptions WHERE order_id = $1 RETURNING coupon_id",
        order
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(coupon) = coupon {
        sqlx::query!(
            "UPDATE coupons SET times_used = greatest(times_used - 1, 0) WHERE id = $1",
            coupon
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Cancels unpaid orders whose time to pay ran out, giving their stock back. Safe to
/// run in every replica at once: each order is taken by one (`SKIP LOCKED`).
pub async fn expire_unpaid(pool: &PgPool, links: &Links) -> DomainResult<u64> {
    let mut expired = 0;
    loop {
        let mut tx = pool.begin().await?;
        let due = sqlx::query_scalar!(
            "SELECT id FROM orders
             WHERE status = 'pending_payment' AND reserved_until < now()
             ORDER BY reserved_until LIMIT 1 FOR UPDATE SKIP LOCKED"
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(order) = due else {
            return Ok(expired);
        };
        transition(
            &mut tx,
            order,
            OrderStatus::Cancelled,
            Actor::System("expiry"),
            crate::Message::new("order.why.expired").into(),
            links,
        )
        .await?;
        tx.commit().await?;
        expired += 1;
    }
}

/// Checks for unpaid orders whose time ran out every 30 seconds. Quiet when idle: most
/// runs find nothing, and only the ones that cancelled something are worth a history row.
pub fn expiry_job(links: Links) -> crate::jobs::Job {
    crate::jobs::Job::new(
        "orders.expire_unpaid",
        std::time::Duration::from_secs(30),
        move |pool| {
            let links = links.clone();
            async move { expire_unpaid(&pool, &links).await }
        },
    )
    .quiet_when_idle()
}

/// The key order links are signed with, made on first use and shared by every replica.
pub async fn signing_key(pool: &PgPool) -> DomainResult<Vec<u8>> {
    let read = || sqlx::query_scalar!("SELECT key FROM signing_keys WHERE name = 'order_links'");
    if let Some(key) = read().fetch_optional(pool).await? {
        return Ok(key);
    }
    // The first order: make it (another replica may win the race; its key is kept).
    let fresh: [u8; 32] = rand::random();
    sqlx::query!(
        "INSERT INTO signing_keys (name, key) VALUES ('order_links', $1) ON CONFLICT DO NOTHING",
        &fresh[..]
    )
    .execute(pool)
    .await?;
    Ok(read().fetch_one(pool).await?)
}

/// The secret part of a guest's link to an order: an HMAC of its id.
pub fn link_key(signing_key: &[u8], order: Uuid) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(signing_key).expect("any key length");
    mac.update(order.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Whether `key` opens `order` (compared in constant time).
pub fn link_opens(signing_key: &[u8], order: Uuid, key: &str) -> bool {
    let Ok(given) = hex::decode(key.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(signing_key).expect("any key length");
    mac.update(order.as_bytes());
    mac.verify_truncated_left(&given).is_ok() && given.len() == 16
}

/// Whether `key` looks like an order link's key at all: letters, digits, `-` and `_`, at
/// most 128 of them (room for any signature we may use). Checked before anything is done
/// with the order, so a key with a control character or a stray byte stops the request
/// before a payment is confirmed, not in the middle of answering it.
pub fn is_link_key_shaped(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 128
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The address of an order's page, with the key for a guest.
pub fn page_path(order: Uuid, key: Option<&str>) -> String {
    match key {
        Some(key) => format!("/orders/{order}?key={key}"),
        None => format!("/orders/{order}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_key_opens_its_order_only() {
        let key = [7u8; 32];
        let order = Uuid::new_v4();
        let link = link_key(&key, order);
        assert!(link_opens(&key, order, &link));
        assert!(!link_opens(&key, Uuid::new_v4(), &link));
        assert!(!link_opens(&[8u8; 32], order, &link));
        assert!(!link_opens(&key, order, &link[..30]));
        assert!(!link_opens(&key, order, "zz"));
    }
}
