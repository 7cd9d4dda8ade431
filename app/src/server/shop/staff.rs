//! Staff work on orders: the list, one order, and the actions on it (move it along,
//! confirm a PIX or boleto payment, refund). Each gets the proof of its permission from
//! `allowed` (the domain's check) and hands it to the domain function, which takes
//! nothing else as the staff member.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
use super::{OrderDto, OrderSummaryDto};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::answer;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};
#[cfg(feature = "ssr")]
use domain::accounts::staff::can;

#[server]
pub async fn get_staff_orders(
    lang: String,
    status: Option<String>,
) -> Result<Vec<OrderSummaryDto>, AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let staff = request.allowed::<can::Orders>().await?;
            let reader = request.reader().await?;
            crate::server::ssr::no_store();
            let status = status
                .filter(|s| !s.is_empty())
                .map(|s| {
                    domain::orders::OrderStatus::parse(&s)
                        .ok_or_else(|| AppError::NotFound("status".into()))
                })
                .transpose()?;
            let orders = domain::orders::read::latest(&request.pool, &staff, status, 200).await?;
            Ok(orders
                .into_iter()
                .map(|o| super::summary_dto(o, reader))
                .collect())
        }
        .await,
    )
}

#[server]
pub async fn get_staff_order(lang: String, id: String) -> Result<OrderDto, AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let staff = request.allowed::<can::Orders>().await?;
            let reader = request.reader().await?;
            crate::server::ssr::no_store();
            let id = request::uuid(&id, "order")?;
            let order = domain::orders::read::for_staff(&request.pool, &staff, id).await?;
            let mut dto = super::order_dto(order, reader, None, true);
            // The refund form only for those who may refund (the domain refuses the rest).
            if let Some(actions) = dto.staff.as_mut()
                && !staff
                    .staff()
                    .has(domain::accounts::staff::Permission::Refunds)
            {
                actions.refundable = None;
            }
            Ok(dto)
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn back(request: &Request, id: uuid::Uuid) {
    request.go_with(&crate::page::Page::StaffOrder(id.to_string()), "saved=1");
}

/// Moves an order to its next status (fulfilling, shipped, delivered, or cancelled
/// while unpaid), with the staff member and reason in its history.
#[server]
pub async fn staff_move_order(
    lang: String,
    id: String,
    to: String,
    reason: String,
) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let staff = request.allowed::<can::Orders>().await?;
            let id = request::uuid(&id, "order")?;
            let to =
                domain::orders::OrderStatus::parse(&to).ok_or_else(|| AppError::Validation {
                    field: "to".into(),
                    message: "staff.errors.status".into(),
                })?;
            let links = crate::server::request::links(&request.pool).await?;
            domain::orders::move_by_staff(&request.pool, &staff, id, to, reason.trim(), &links)
                .await?;
            back(&request, id);
            Ok(())
        }
        .await,
    )
}

/// Confirms that a PIX or boleto payment reached the shop's account.
#[server]
pub async fn staff_confirm_payment(lang: String, id: String) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let staff = request.allowed::<can::Orders>().await?;
            let id = request::uuid(&id, "order")?;
            let links = crate::server::request::links(&request.pool).await?;
            domain::payments::events::confirm_offline(&request.pool, &staff, id, &links).await?;
            back(&request, id);
            Ok(())
        }
        .await,
    )
}

/// Refunds part or all of an order's payment through its provider.
#[server]
pub async fn staff_refund(
    lang: String,
    id: String,
    amount: String,
    reason: String,
) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let staff = request.allowed::<can::Refunds>().await?;
            let id = request::uuid(&id, "order")?;
            let amount = amount
                .trim()
                .replace(',', ".")
                .parse::<rust_decimal::Decimal>()
                .map_err(|_| AppError::Validation {
                    field: "amount".into(),
                    message: "payment.errors.refund_amount".into(),
                })?;
            let links = crate::server::request::links(&request.pool).await?;
            domain::payments::refund(
                &request.pool,
                &staff,
                &ssr::payments(),
                id,
                amount,
                reason.trim(),
                &links,
            )
            .await?;
            back(&request, id);
            Ok(())
        }
        .await,
    )
}
