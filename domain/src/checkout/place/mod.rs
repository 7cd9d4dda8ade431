//! Placing an order: one transaction in named steps — lock the cart, bound the unpaid
//! orders, reserve the stock, take the coupon, write the order (lines, history,
//! redemption), begin the payment, mark the cart placed — each in a file of its own
//! where it is more than a few lines.
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

mod hold;
mod stock;
mod stripe;
mod write;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::begin::{Charge, PixAccount, begin};
use super::{Quote, Step, quote};
use crate::cart::Cart;
use crate::catalog::listing::Audience;
use crate::mail::Links;
use crate::money::Money;
use crate::orders::{self, Actor, OrderStatus};
use crate::payments::test_card::{self, CardOutcome};
use crate::payments::{self, Config, Provider};
use crate::{DomainError, DomainResult, Message, Thing};

pub use hold::{MAX_UNPAID, MAX_UNPAID_PER_ADDRESS};
pub use stripe::start_stripe;

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
    /// The shopper's cart (see [`crate::cart::of`]): whose it is was checked there.
    pub cart: Cart,
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
    let Some(account) = lock_cart(&mut tx, request.cart.id()).await? else {
        // Placed meanwhile (a second tab, a double click): the same order again.
        drop(tx);
        return already_placed(pool, &request, &signing_key)
            .await?
            .ok_or(DomainError::NotFound(Thing::Cart));
    };
    let lines = unchanged_lines(&mut tx, request.cart.id(), &quote).await?;
    let email_key = super::rules::email_key(quote.answers.email.as_deref().unwrap_or_default());
    let holder = hold::Holder::of(account, &request.placer, email_key);
    if !paid_now {
        hold::hold_limit(&mut tx, &holder).await?;
    }
    if let Err(name) = stock::reserve_stock(&mut tx, &quote, &lines).await? {
        // Someone else took the last units: nothing is written, and the cart is brought
        // up to date now, so the page the shopper lands on says what went.
        tx.rollback().await?;
        crate::cart::review(pool, request.cart, request.audience).await?;
        return Err(DomainError::Conflict(
            Message::new("checkout.errors.sold_out").with("name", name),
        ));
    }
    let coupon = stock::take_coupon(&mut tx, &quote, account, &holder.email).await?;
    let settings = Settings::read(&mut tx).await?;
    let hold = settings.hold(provider);
    let order = write::write_order(
        &mut tx,
        &quote,
        write::OrderFacts {
            cart: request.cart.id(),
            account,
            locale: request.audience.locale,
            base_currency: &settings.base_currency,
            hold,
            holder: &holder,
            coupon,
        },
    )
    .await?;
    let instructions = begin_payment(
        &mut tx,
        &request,
        &quote,
        provider,
        card.as_ref(),
        &order,
        settings,
        Utc::now() + hold,
    )
    .await?;
    sqlx::query!(
        "UPDATE carts SET order_id = $2, updated_at = now() WHERE id = $1",
        request.cart.id(),
        order.id
    )
    .execute(&mut *tx)
    .await?;
    orders::mail::placed(&mut tx, order.id, &order.lines, instructions, request.links).await?;
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
        key: account
            .is_none()
            .then(|| orders::link_key(&signing_key, order.id)),
        new: true,
    })
}

/// Locks the cart row (a second placing of it waits here). `None` when it was placed
/// already; else the cart's account, if a customer's.
async fn lock_cart(conn: &mut PgConnection, cart: Uuid) -> DomainResult<Option<Option<Uuid>>> {
    let row = sqlx::query!(
        "SELECT account_id, order_id FROM carts WHERE id = $1 FOR UPDATE",
        cart
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound(Thing::Cart))?;
    Ok(row.order_id.is_none().then_some(row.account_id))
}

/// The cart's lines (variant, quantity) in variant-id order, refused if they are no
/// longer what was quoted (another tab changed the cart between the quote and the lock).
async fn unchanged_lines(
    conn: &mut PgConnection,
    cart: Uuid,
    quote: &Quote,
) -> DomainResult<Vec<(Uuid, i32)>> {
    let items = sqlx::query!(
        "SELECT variant_id, quantity FROM cart_items WHERE cart_id = $1 ORDER BY variant_id",
        cart
    )
    .fetch_all(&mut *conn)
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
    Ok(quoted)
}

/// The shop's settings placing reads, in the placing transaction.
struct Settings {
    base_currency: String,
    reservation_minutes: i32,
    boleto_days: i32,
    boleto_hold_hours: Option<i32>,
    pix: PixAccount,
}

impl Settings {
    async fn read(conn: &mut PgConnection) -> DomainResult<Settings> {
        let s = sqlx::query!(
            "SELECT base_currency AS \"base!: String\", reservation_minutes, boleto_days,
                    boleto_hold_hours, pix_key, pix_merchant_name, pix_merchant_city
             FROM shop_settings"
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(Settings {
            base_currency: s.base,
            reservation_minutes: s.reservation_minutes,
            boleto_days: s.boleto_days,
            boleto_hold_hours: s.boleto_hold_hours,
            pix: PixAccount {
                key: s.pix_key,
                merchant_name: s.pix_merchant_name,
                merchant_city: s.pix_merchant_city,
            },
        })
    }

    /// How long an unpaid order holds its stock. A boleto is due when its hold ends:
    /// `boleto_hold_hours` when the shop set it, else `boleto_days`.
    fn hold(&self, provider: Option<Provider>) -> Duration {
        match provider {
            Some(Provider::Boleto) => match self.boleto_hold_hours {
                Some(hours) => Duration::hours(i64::from(hours)),
                None => Duration::days(i64::from(self.boleto_days)),
            },
            _ => Duration::minutes(i64::from(self.reservation_minutes)),
        }
    }
}

/// Begins the order's payment as its provider does (none when there is nothing to pay),
/// and moves an order paid on the spot to paid. Returns how to pay, for the e-mail.
#[allow(clippy::too_many_arguments)]
async fn begin_payment(
    conn: &mut PgConnection,
    request: &PlaceOrder<'_>,
    quote: &Quote,
    provider: Option<Provider>,
    card: Option<&CardOutcome>,
    order: &write::Written,
    settings: Settings,
    due: DateTime<Utc>,
) -> DomainResult<Option<String>> {
    let (paid, instructions) = match provider {
        None => (Some(Message::new("order.why.nothing_to_pay")), None),
        Some(provider) => {
            let charge = Charge {
                order: order.id,
                number: order.number,
                amount: Money::new(quote.totals.total, quote.totals.currency),
                due,
                pix: settings.pix,
            };
            let started = begin(conn, request.config, provider, card, charge).await?;
            (
                started.paid.then(|| {
                    Message::new("order.why.paid")
                        .with("method", crate::Arg::method(Provider::TestCard.code()))
                }),
                started.mailed,
            )
        }
    };
    if let Some(reason) = paid {
        // Quietly: the confirmation e-mail already says it is paid.
        orders::transition_quietly(
            conn,
            order.id,
            OrderStatus::Paid,
            Actor::System("payment"),
            reason.into(),
        )
        .await?;
    }
    Ok(instructions)
}

/// The order the shopper's cart already became, if it was placed.
async fn already_placed(
    pool: &PgPool,
    request: &PlaceOrder<'_>,
    signing_key: &[u8],
) -> DomainResult<Option<Placed>> {
    let row = sqlx::query!(
        r#"SELECT c.account_id, o.id AS "order_id?", o.number AS "number?"
         FROM carts c LEFT JOIN orders o ON o.id = c.order_id WHERE c.id = $1"#,
        request.cart.id()
    )
    .fetch_optional(pool)
    .await?
    .ok_or(DomainError::NotFound(Thing::Cart))?;
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
