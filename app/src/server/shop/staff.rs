//! Staff work on orders: the list, one order, and the actions on it (move it along,
//! confirm a PIX or boleto payment, refund). Every function checks the staff role on
//! the server; the admin dashboard will build on these.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;
use super::{OrderDto, OrderSummaryDto};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::account::ssr::{answer, go, with_role};

#[cfg(feature = "ssr")]
async fn staff() -> Result<(sqlx::PgPool, domain::accounts::Account), AppError> {
    with_role(domain::accounts::Role::Staff).await
}

#[server]
pub async fn get_staff_orders(
    lang: String,
    status: Option<String>,
) -> Result<Vec<OrderSummaryDto>, AppError> {
    answer(
        async {
            let (pool, _) = staff().await?;
            let reader = ssr::Reader::of(&lang, &pool).await?;
            crate::server::ssr::no_store();
            let status = status
                .filter(|s| !s.is_empty())
                .map(|s| {
                    domain::orders::OrderStatus::parse(&s)
                        .ok_or_else(|| AppError::NotFound("status".into()))
                })
                .transpose()?;
            let orders = domain::orders::read::latest(&pool, status, 200).await?;
            Ok(orders
                .into_iter()
                .map(|o| super::summary_dto(o, &reader))
                .collect())
        }
        .await,
    )
}

#[server]
pub async fn get_staff_order(lang: String, id: String) -> Result<OrderDto, AppError> {
    answer(
        async {
            let (pool, _) = staff().await?;
            let reader = ssr::Reader::of(&lang, &pool).await?;
            crate::server::ssr::no_store();
            let id = ssr::uuid(&id, "order")?;
            let order = domain::orders::read::detail(&pool, id).await?;
            Ok(super::order_dto(order, &reader, None, true))
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn back(locale: crate::i18n::Locale, id: uuid::Uuid) {
    go(locale, &format!("/admin/orders/{id}?saved=1"));
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
            let (pool, account) = staff().await?;
            let locale = crate::server::ssr::locale(&lang)?;
            let id = ssr::uuid(&id, "order")?;
            let to =
                domain::orders::OrderStatus::parse(&to).ok_or_else(|| AppError::Validation {
                    field: "to".into(),
                    message: "staff.errors.status".into(),
                })?;
            let links = crate::server::account::ssr::links(&pool).await?;
            domain::orders::move_by_staff(&pool, id, to, account.id, reason.trim(), &links).await?;
            back(locale, id);
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
            let (pool, account) = staff().await?;
            let locale = crate::server::ssr::locale(&lang)?;
            let id = ssr::uuid(&id, "order")?;
            let links = crate::server::account::ssr::links(&pool).await?;
            domain::payments::events::confirm_offline(&pool, id, account.id, &links).await?;
            back(locale, id);
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
            let (pool, account) = staff().await?;
            let locale = crate::server::ssr::locale(&lang)?;
            let id = ssr::uuid(&id, "order")?;
            let amount = amount
                .trim()
                .replace(',', ".")
                .parse::<rust_decimal::Decimal>()
                .map_err(|_| AppError::Validation {
                    field: "amount".into(),
                    message: "payment.errors.refund_amount".into(),
                })?;
            let links = crate::server::account::ssr::links(&pool).await?;
            domain::payments::refund(
                &pool,
                &ssr::payments(),
                id,
                amount,
                reason.trim(),
                account.id,
                &links,
            )
            .await?;
            back(locale, id);
            Ok(())
        }
        .await,
    )
}
