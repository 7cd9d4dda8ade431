//! What needs doing, as counts the home page links to the lists they come from: orders
//! to fulfil, bank payments to confirm, variants out of stock or running low.

use sqlx::PgPool;

use crate::DomainResult;
use crate::accounts::staff::{Allowed, can};

/// At or below this many units (and above zero) a variant is running low.
pub const LOW_STOCK: i32 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct OrderTodos {
    /// Paid and not yet being prepared.
    pub to_fulfil: i64,
    /// Waiting for a PIX or boleto payment someone has to confirm.
    pub awaiting_payment: i64,
}

pub async fn orders(pool: &PgPool, _by: &Allowed<can::Orders>) -> DomainResult<OrderTodos> {
    let row = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM orders WHERE status = 'paid') AS "to_fulfil!",
                  (SELECT count(*) FROM orders o
                   WHERE o.status = 'pending_payment'
                     AND EXISTS (SELECT 1 FROM payments p
                                 WHERE p.order_id = o.id AND p.provider IN ('pix', 'boleto')
                                   AND p.status = 'pending')) AS "awaiting_payment!""#
    )
    .fetch_one(pool)
    .await?;
    Ok(OrderTodos {
        to_fulfil: row.to_fulfil,
        awaiting_payment: row.awaiting_payment,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct StockTodos {
    /// Variants with no stock.
    pub out: i64,
    /// Variants with 1 to [`LOW_STOCK`] units.
    pub low: i64,
}

/// Who may see stock to-dos: staff who keep stock, and those who run the catalog.
pub trait SeesStock: can::Grant {}
impl SeesStock for can::Inventory {}
impl SeesStock for can::Catalog {}

/// Variants out of stock and running low, of products still on sale or in
/// preparation (an archived product's empty shelf is nobody's to-do). The same rule as
/// the inventory grid's stock filter, so a count and its list agree.
pub async fn stock<P: SeesStock>(pool: &PgPool, _by: &Allowed<P>) -> DomainResult<StockTodos> {
    let row = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE v.stock = 0) AS "out!",
                  count(*) FILTER (WHERE v.stock > 0) AS "low!"
           FROM variants v
           JOIN products p ON p.id = v.product_id
           WHERE v.stock <= $1 AND p.status <> 'archived'"#,
        LOW_STOCK
    )
    .fetch_one(pool)
    .await?;
    Ok(StockTodos {
        out: row.out,
        low: row.low,
    })
}
