//! Placing an order: one transaction that locks the cart, reserves the stock with
//! conditional updates, takes the coupon, writes the order with its lines, history and
//! payment, and marks the cart as placed.
//!
//! - **Never oversold**: each line's stock is taken with
//!   `UPDATE … SET stock = stock - n WHERE stock >= n`; PostgreSQL's row lock makes
//!   concurrent buyers of the last units queue, and the loser finds too little and
//!   rolls back everything. Lines are taken in variant-id order so two carts never wait
//!   on each other in a cycle.
//! - **Placed once**: the cart row is locked first; a double click, a retried request or
//!   a second tab waits, then finds the cart already placed and gets the same order.
//! - **Charged what was shown**: the review step posts the total it showed; a different
//!   total now (a price changed, a tampered form) places nothing.
//! - **Stock held unpaid is bounded**: an order that waits for its money holds stock, so
//!   one shopper — by session (or account) and by normalised e-mail — may have at most
//!   [`MAX_UNPAID`] such orders open at once, and one client address
//!   [`MAX_UNPAID_PER_ADDRESS`]. The count is taken under
//!   a transaction-scoped advisory lock per key, so simultaneous checkouts cannot pass it
//!   together.
//! - **Nothing to pay**: a zero total (a 100 % coupon) needs no payment: the order is
//!   placed paid, with its history row and no payment row.

use chrono::{Duration, Utc};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::begin::{Charge, PixAccount, begin};
use super::{Quote, Step, quote};
use crate::cart::Owner;
use crate::catalog::listing::Audience;
use crate::mail::Links;
use crate::money::{Currency, Money};
use crate::orders::{self, Actor, OrderStatus};
use crate::payments::test_card::{self, CardOutcome};
use crate::payments::{self, Config, Provider};
use crate::{DomainError, DomainResult, Message, Thing};

/// Unpaid orders one shopper may have open at once, per session (or account) and per
/// e-mail.
pub const MAX_UNPAID: i64 = 3;
/// Unpaid orders open at once from one client address. Higher than [`MAX_UNPAID`]:
/// many shoppers can share an address (offices, mobile carriers' NAT).
pub const MAX_UNPAID_PER_ADDRESS: i64 = 10;

/// Who is placing the order, beyond the cart: what bounds the unpaid orders they hold.
#[derive(Clone, Copy, Debug, Default)]
pub struct Placer<'a> {
    /// An opaque id kept in the browser's session (a signed-in customer's account is
    /// used instead); `None` counts nothing for it.
    pub session: Option<&'a str>,
    /// The client's address, as the server determined it.
    pub client: Option<&'a str>,
}

pub struct PlaceOrder<'a> {
    pub cart: Uuid,
    pub owner: Owner,
    pub audience: Audience<'a>,
    /// The total the review step showed, as posted back.
    pub expected_total: Decimal,
    /// For the test card provider only; never stored.
    pub card_number: Option<&'a str>,
    pub config: &'a Config,
    pub links: &'a Links,
    pub placer: Placer<'a>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub order: Uuid,
    pub number: i64,
    /// The secret of a guest's link to the order.
    pub key: Option<String>,
    /// False when the cart had already been placed (the same order again).
    pub new: bool,
}

fn problem(field: &'static str, message: impl Into<Message>) -> DomainError {
    DomainError::Validation {
        field,
        message: message.into(),
    }
}

pub async fn place(pool: &PgPool, request: PlaceOrder<'_>) -> DomainResult<Placed> {
    let signing_key = orders::signing_key(pool).await?;
    if let Some(placed) = already_placed(pool, &request, &signing_key).await? {
        return Ok(placed);
    }
    let quote = quote(pool, request.cart, request.audience).await?;
    let offered = payments::offered_for(pool, request.config, quote.totals.currency).await?;
    let (provider, card) = check(&quote, &request, &offered)?;
    // Paid on the spot (nothing to pay, or a card approved now): it holds no stock unpaid.
    let paid_now = provider.is_none() || matches!(card, Some(CardOutcome::Approved { .. }));

    let mut tx = pool.begin().await?;
    let cart = sqlx::query!(
        "SELECT account_id, order_id FROM carts WHERE id = $1 FOR UPDATE",
        request.cart
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound(Thing::Cart))?;
    if cart.order_id.is_some() {
        drop(tx);
        return already_placed(pool, &request, &signing_key)
            .await?
            .ok_or(DomainError::NotFound(Thing::Cart));
    }
    // The cart may have changed between the quote and the lock (another tab).
    let items = sqlx::query!(
        "SELECT variant_id, quantity FROM cart_items WHERE cart_id = $1 ORDER BY variant_id",
        request.cart
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut quoted: Vec<(Uuid, i32)> = quote
        .cart
        .lines
        .iter()
        .map(|l| (l.variant_id, l.quantity))
        .collect();
    quoted.sort();
    if items
        .iter()
        .map(|i| (i.variant_id, i.quantity))
        .ne(quoted.iter().copied())
    {
        return Err(DomainError::Conflict("checkout.errors.cart_changed".into()));
    }

    let email = quote.answers.email.clone().unwrap_or_default();
    let email_key = super::rules::email_key(&email);
    let holder_session = match cart.account_id {
        Some(account) => Some(format!("account:{account}")),
        None => request.placer.session.map(|s| format!("session:{s}")),
    };
    let holder_client: Option<String> = request.placer.client.map(|c| c.chars().take(64).collect());
    if !paid_now {
        hold_limit(
            &mut tx,
            holder_session.as_deref(),
            &email_key,
            holder_client.as_deref(),
        )
        .await?;
    }

    // Reserve the stock.
    for (variant, quantity) in &quoted {
        let left = sqlx::query_scalar!(
            "UPDATE variants SET stock = stock - $2, updated_at = now()
             WHERE id = $1 AND stock >= $2 RETURNING stock",
            variant,
            quantity
        )
        .fetch_optional(&mut *tx)
        .await?;
        if left.is_none() {
            let name = quote
                .cart
                .lines
                .iter()
                .find(|l| l.variant_id == *variant)
                .map(|l| l.name.clone())
                .unwrap_or_default();
            // Someone else took the last units: nothing is written, and the cart is
            // brought up to date now, so the page the shopper lands on says what went.
            tx.rollback().await?;
            crate::cart::review(pool, request.cart, request.audience).await?;
            return Err(DomainError::Conflict(
                Message::new("checkout.errors.sold_out").with("name", name),
            ));
        }
    }

    // Take the coupon: the conditional update holds its usage limit under concurrency.
    let mut coupon_id = None;
    if let Some(code) = &quote.answers.coupon {
        let taken = sqlx::query!(
            "UPDATE coupons SET times_used = times_used + 1
             WHERE code = $1 AND active
               AND (usage_limit IS NULL OR times_used < usage_limit)
               AND (starts_at IS NULL OR starts_at <= now())
               AND (ends_at IS NULL OR ends_at > now())
             RETURNING id, per_customer_limit",
            code
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| problem("coupon", "coupon.errors.used_up"))?;
        if let Some(limit) = taken.per_customer_limit {
            let used =
                super::rules::coupon_uses_by(&mut *tx, taken.id, cart.account_id, &email_key)
                    .await?;
            if used >= i64::from(limit) {
                return Err(problem("coupon", "coupon.errors.already_used"));
            }
        }
        coupon_id = Some(taken.id);
    }

    let settings = sqlx::query!(
        "SELECT base_currency AS \"base!: String\", reservation_minutes, boleto_days,
                boleto_hold_hours, pix_key, pix_merchant_name, pix_merchant_city
         FROM shop_settings"
    )
    .fetch_one(&mut *tx)
    .await?;
    // A boleto is due when its hold ends: `boleto_hold_hours` when the shop set it,
    // else `boleto_days`.
    let hold = match provider {
        Some(Provider::Boleto) => match settings.boleto_hold_hours {
            Some(hours) => Duration::hours(i64::from(hours)),
            None => Duration::days(i64::from(settings.boleto_days)),
        },
        _ => Duration::minutes(i64::from(settings.reservation_minutes)),
    };
    let reserved_until = Utc::now() + hold;
    let t = &quote.totals;
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
        request.cart,
        cart.account_id,
        email,
        request.audience.locale,
        t.currency.code(),
        settings.base,
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
        hold.num_seconds() as f64,
        holder_session,
        email_key,
        holder_client
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut mailed_lines = Vec::new();
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
        .execute(&mut *tx)
        .await?;
        mailed_lines.push((name, line.quantity));
    }
    let customer = Actor::Customer(cart.account_id);
    orders::record(
        &mut tx,
        order.id,
        None,
        OrderStatus::PendingPayment,
        customer,
        "order placed",
    )
    .await?;
    if let Some(coupon) = coupon_id {
        sqlx::query!(
            "INSERT INTO coupon_redemptions (coupon_id, order_id, account_id, email_key)
             VALUES ($1, $2, $3, $4)",
            coupon,
            order.id,
            cart.account_id,
            email_key
        )
        .execute(&mut *tx)
        .await?;
    }

    // The payment, as its provider starts it; none when there is nothing to pay.
    let mut mailed_instructions = None;
    let paid_reason = match provider {
        None => Some("nothing to pay"),
        Some(provider) => {
            let charge = Charge {
                order: order.id,
                number: order.number,
                amount: Money::new(t.total, t.currency),
                due: reserved_until,
                pix: PixAccount {
                    key: settings.pix_key,
                    merchant_name: settings.pix_merchant_name,
                    merchant_city: settings.pix_merchant_city,
                },
            };
            let started = begin(&mut tx, request.config, provider, card.as_ref(), charge).await?;
            mailed_instructions = started.mailed;
            started.paid.then_some("test card payment approved")
        }
    };
    if let Some(reason) = paid_reason {
        // Paid at once: no "payment received" e-mail on top of the confirmation.
        sqlx::query!(
            "UPDATE orders SET status = 'paid', reserved_until = NULL WHERE id = $1",
            order.id
        )
        .execute(&mut *tx)
        .await?;
        orders::record(
            &mut tx,
            order.id,
            Some(OrderStatus::PendingPayment),
            OrderStatus::Paid,
            Actor::System("payment"),
            reason,
        )
        .await?;
    }
    sqlx::query!(
        "UPDATE carts SET order_id = $2, updated_at = now() WHERE id = $1",
        request.cart,
        order.id
    )
    .execute(&mut *tx)
    .await?;
    orders::mail::placed(
        &mut tx,
        order.id,
        &mailed_lines,
        mailed_instructions,
        request.links,
    )
    .await?;
    tx.commit().await?;

    if provider == Some(Provider::Stripe) {
        // Outside the transaction: the order exists whatever Stripe answers, and the
        // order page can start the payment again.
        if let Err(error) = start_stripe(pool, request.config, order.id).await {
            tracing::warn!(%error, order = order.number, "Stripe payment not started yet");
        }
    }
    Ok(Placed {
        order: order.id,
        number: order.number,
        key: cart
            .account_id
            .is_none()
            .then(|| orders::link_key(&signing_key, order.id)),
        new: true,
    })
}

/// The order a cart already became, if it is the asker's cart and was placed.
async fn already_placed(
    pool: &PgPool,
    request: &PlaceOrder<'_>,
    signing_key: &[u8],
) -> DomainResult<Option<Placed>> {
    let row = sqlx::query!(
        r#"SELECT c.account_id, o.id AS "order_id?", o.number AS "number?"
         FROM carts c LEFT JOIN orders o ON o.id = c.order_id WHERE c.id = $1"#,
        request.cart
    )
    .fetch_optional(pool)
    .await?
    .ok_or(DomainError::NotFound(Thing::Cart))?;
    let mine = match request.owner {
        Owner::Account(me) => row.account_id == Some(me),
        Owner::Guest(session_cart) => {
            row.account_id.is_none() && session_cart == Some(request.cart)
        }
    };
    if !mine {
        return Err(DomainError::NotFound(Thing::Cart));
    }
    Ok(match (row.order_id, row.number) {
        (Some(order), Some(number)) => Some(Placed {
            order,
            number,
            key: row
                .account_id
                .is_none()
                .then(|| orders::link_key(signing_key, order)),
            new: false,
        }),
        _ => None,
    })
}

/// Everything that can be refused before anything is written.
fn check(
    quote: &Quote,
    request: &PlaceOrder<'_>,
    offered: &[Provider],
) -> DomainResult<(Option<Provider>, Option<CardOutcome>)> {
    if !quote.cart.notices.is_empty() {
        return Err(DomainError::Conflict("checkout.errors.cart_changed".into()));
    }
    if let Some(step) = quote.missing_step() {
        return Err(DomainError::StepMissing(step));
    }
    if let Some(coupon) = &quote.coupon_problem {
        return Err(problem("coupon", coupon.clone()));
    }
    if quote.totals.total != request.expected_total {
        return Err(DomainError::Conflict(
            Message::new("checkout.errors.total_changed")
                .with("total", quote.money(quote.totals.total)),
        ));
    }
    if quote.is_free() {
        return Ok((None, None));
    }
    let provider = quote
        .answers
        .payment
        .ok_or(DomainError::StepMissing(Step::Payment))?;
    if !offered.contains(&provider) {
        return Err(problem("payment", "checkout.errors.payment"));
    }
    let card = match provider {
        Provider::TestCard => Some(test_card::authorize(
            request.card_number.unwrap_or_default(),
        )?),
        _ => None,
    };
    Ok((Some(provider), card))
}

/// Refuses a new unpaid order when the shopper already holds [`MAX_UNPAID`] by any of
/// their keys. Each key is locked for the rest of the transaction (in a fixed order, so
/// two checkouts never wait on each other in a cycle) before counting.
async fn hold_limit(
    conn: &mut sqlx::PgConnection,
    session: Option<&str>,
    email: &str,
    client: Option<&str>,
) -> DomainResult<()> {
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
    let currency =
        Currency::from_code(&payment.currency).ok_or(DomainError::NotFound(Thing::Currency))?;
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
