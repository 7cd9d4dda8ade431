//! An order's page (for its customer, a guest with the signed link, or staff) and the
//! customer's order history.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};
#[cfg(feature = "ssr")]
use crate::server::request::{answer, go};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineDto {
    pub name: String,
    pub sku: String,
    pub quantity: i32,
    pub unit_price: String,
    pub line_total: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentDto {
    pub provider: String,
    pub status: String,
    pub amount: String,
    pub card_last4: Option<String>,
    pub pix_code: Option<String>,
    pub pix_qr_svg: Option<String>,
    pub boleto_line: Option<String>,
    pub boleto_due: Option<String>,
    pub stripe_client_secret: Option<String>,
    pub stripe_publishable_key: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryDto {
    pub to: String,
    pub actor: String,
    pub reason: String,
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDto {
    pub id: String,
    pub number: i64,
    pub status: String,
    pub placed_at: String,
    pub email: String,
    pub lines: Vec<OrderLineDto>,
    pub subtotal: String,
    pub discount: Option<String>,
    pub coupon: Option<String>,
    pub shipping: String,
    pub shipping_method: String,
    pub tax: Option<String>,
    pub tax_name: Option<String>,
    pub tax_included: bool,
    pub total: String,
    pub refunded: Option<String>,
    pub address_lines: Vec<String>,
    pub payment: Option<PaymentDto>,
    pub history: Vec<HistoryDto>,
    /// The guest's link secret, carried by the page's forms.
    pub key: Option<String>,
    /// What staff may do next (only filled for staff).
    pub staff: Option<StaffActions>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffActions {
    pub next_steps: Vec<String>,
    pub can_confirm_payment: bool,
    pub refundable: Option<String>,
    pub currency: String,
    pub exchange_rate: String,
}

#[cfg(feature = "ssr")]
pub(crate) fn order_dto(
    o: domain::orders::OrderDetail,
    reader: &ssr::Reader,
    key: Option<String>,
    staff: bool,
) -> OrderDto {
    use domain::payments::PaymentStatus;
    let money = |m| reader.money(m);
    let nonzero = |m: domain::money::Money| (!m.amount.is_zero()).then(|| money(m));
    let config = ssr::payments();
    let payment = o.payments.last().map(|p| {
        let text = |name: &str| p.instructions[name].as_str().map(str::to_string);
        let pix_code = text("pix_code");
        PaymentDto {
            provider: p.provider.code().into(),
            status: p.status.code().into(),
            amount: money(p.amount),
            card_last4: p.card_last4.clone(),
            pix_qr_svg: pix_code.as_deref().map(domain::payments::pix::qr_svg),
            pix_code,
            boleto_line: text("digitable_line"),
            boleto_due: text("due"),
            stripe_client_secret: text("client_secret"),
            stripe_publishable_key: config.stripe.as_ref().map(|s| s.publishable_key.clone()),
        }
    });
    let last = o.payments.last();
    let staff = staff.then(|| StaffActions {
        next_steps: o
            .status
            .next_steps()
            .iter()
            .map(|s| s.code().to_string())
            .collect(),
        can_confirm_payment: last
            .is_some_and(|p| p.provider.is_offline() && p.status == PaymentStatus::Pending)
            && o.status == domain::orders::OrderStatus::PendingPayment,
        refundable: last
            .filter(|p| p.status == PaymentStatus::Succeeded && o.status.is_paid())
            .map(|p| (p.amount.amount - p.refunded.amount).to_string()),
        currency: o.currency.code().to_string(),
        exchange_rate: o.exchange_rate.normalize().to_string(),
    });
    OrderDto {
        id: o.id.to_string(),
        number: o.number,
        status: o.status.code().into(),
        placed_at: o.placed_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        email: o.email,
        lines: o
            .lines
            .into_iter()
            .map(|l| OrderLineDto {
                name: l.name,
                sku: l.sku,
                quantity: l.quantity,
                unit_price: money(l.unit_price),
                line_total: money(l.line_total),
            })
            .collect(),
        subtotal: money(o.subtotal),
        discount: nonzero(o.discount),
        coupon: o.coupon_code,
        shipping: money(o.shipping),
        shipping_method: o.shipping_method,
        tax: nonzero(o.tax),
        tax_name: o.tax_name,
        tax_included: o.prices_include_tax,
        total: money(o.total),
        refunded: nonzero(o.refunded),
        address_lines: o.address.lines(),
        payment,
        history: o
            .history
            .into_iter()
            .map(|h| HistoryDto {
                to: h.to.code().into(),
                actor: if staff.is_some() {
                    h.actor_email.unwrap_or(h.actor)
                } else {
                    h.actor
                },
                reason: if staff.is_some() {
                    h.reason
                } else {
                    String::new()
                },
                at: h.at.format("%Y-%m-%d %H:%M UTC").to_string(),
            })
            .collect(),
        key,
        staff,
    }
}

/// The key of a guest's link as posted: none when empty, "not found" when it cannot be
/// one (a control character, a stray byte), before anything is done with the order.
#[cfg(feature = "ssr")]
fn link_key(key: Option<String>) -> Result<Option<String>, AppError> {
    match key.map(|k| k.trim().to_string()).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(key) if domain::orders::is_link_key_shaped(&key) => Ok(Some(key)),
        Some(_) => Err(AppError::NotFound("order".into())),
    }
}

/// The order if this request may see it, decided by `domain::orders::read::visible`
/// (its customer, a guest who placed it in this browser or holds its signed link, or
/// staff allowed to see orders); anyone else finds nothing.
#[cfg(feature = "ssr")]
async fn visible_order(
    shopper: &ssr::Shopper,
    id: &str,
    key: Option<&str>,
) -> Result<domain::orders::OrderDetail, AppError> {
    use domain::accounts::{Role, staff};
    let id = request::uuid(id, "order")?;
    // Only an account whose session says staff is asked about (the check re-reads it).
    let staff = match &shopper.account {
        Some(account) if account.role >= Role::Staff => {
            staff::sign_in_as_staff(&shopper.pool, account)
                .await
                .ok()
                .and_then(|s| s.allowed::<staff::can::Orders>().ok())
        }
        _ => None,
    };
    let placed_here = shopper.guest_orders().await?;
    let viewer = domain::orders::Viewer {
        account: shopper.account.as_ref().map(|a| a.id),
        staff: staff.as_ref(),
        key,
        placed_here: &placed_here,
    };
    Ok(domain::orders::read::visible(&shopper.pool, &viewer, id).await?)
}

#[server]
pub async fn get_order(
    lang: String,
    id: String,
    key: Option<String>,
) -> Result<OrderDto, AppError> {
    answer(
        async {
            let key = link_key(key)?;
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let reader = request.reader().await?;
            crate::server::ssr::no_store();
            let order = visible_order(&shopper, &id, key.as_deref()).await?;
            Ok(order_dto(order, reader, key, false))
        }
        .await,
    )
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummaryDto {
    pub id: String,
    pub number: i64,
    pub status: String,
    pub total: String,
    pub items: i64,
    pub placed_at: String,
    pub email: String,
}

#[cfg(feature = "ssr")]
pub(crate) fn summary_dto(
    o: domain::orders::OrderSummary,
    reader: &ssr::Reader,
) -> OrderSummaryDto {
    OrderSummaryDto {
        id: o.id.to_string(),
        number: o.number,
        status: o.status.code().into(),
        total: reader.money(o.total),
        items: o.items,
        placed_at: o.placed_at.format("%Y-%m-%d").to_string(),
        email: o.email,
    }
}

/// The signed-in customer's orders, newest first.
#[server]
pub async fn get_my_orders(lang: String) -> Result<Vec<OrderSummaryDto>, AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let account = request.signed_in().await?;
            let reader = request.reader().await?;
            crate::server::ssr::no_store();
            let orders = domain::orders::read::for_account(&request.pool, account.id).await?;
            Ok(orders.into_iter().map(|o| summary_dto(o, reader)).collect())
        }
        .await,
    )
}

/// The test bank's extra confirmation step, answered by the shopper.
#[server]
pub async fn confirm_test_payment(
    lang: String,
    id: String,
    key: Option<String>,
    approve: String,
) -> Result<(), AppError> {
    answer(
        async {
            // Checked before the payment is touched: a bad key confirms nothing.
            let key = link_key(key)?;
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let order = visible_order(&shopper, &id, key.as_deref()).await?;
            let links = crate::server::request::links(&shopper.pool).await?;
            domain::payments::events::confirm_test_card(
                &shopper.pool,
                &ssr::payments(),
                order.id,
                approve == "yes",
                &links,
            )
            .await?;
            go(
                request.locale,
                &domain::orders::page_path(order.id, key.as_deref()),
            );
            Ok(())
        }
        .await,
    )
}

/// Starts the Stripe payment again after Stripe could not be reached.
#[server]
pub async fn retry_payment(lang: String, id: String, key: Option<String>) -> Result<(), AppError> {
    answer(
        async {
            let key = link_key(key)?;
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let order = visible_order(&shopper, &id, key.as_deref()).await?;
            domain::checkout::place::start_stripe(&shopper.pool, &ssr::payments(), order.id)
                .await?;
            go(
                request.locale,
                &domain::orders::page_path(order.id, key.as_deref()),
            );
            Ok(())
        }
        .await,
    )
}
