//! Reserving an order's stock and taking its coupon: the two conditional updates that
//! keep "never oversold" and "never over-used" true under concurrency.

use sqlx::PgConnection;
use uuid::Uuid;

use super::problem;
use crate::DomainResult;
use crate::checkout::Quote;

/// Takes each line's quantity from stock (`lines` in variant-id order, so two carts never
/// wait on each other in a cycle). `Err(name)` names the first product that ran out;
/// the caller rolls back what was taken.
pub(super) async fn reserve_stock(
    conn: &mut PgConnection,
    quote: &Quote,
    lines: &[(Uuid, i32)],
) -> DomainResult<Result<(), String>> {
    for (variant, quantity) in lines {
        let left = sqlx::query_scalar!(
            "UPDATE variants SET stock = stock - $2, updated_at = now()
             WHERE id = $1 AND stock >= $2 RETURNING stock",
            variant,
            quantity
        )
        .fetch_optional(&mut *conn)
        .await?;
        if left.is_none() {
            let name = quote
                .cart
                .lines
                .iter()
                .find(|l| l.variant_id == *variant)
                .map(|l| l.name.clone())
                .unwrap_or_default();
            return Ok(Err(name));
        }
    }
    Ok(Ok(()))
}

/// Takes one use of the quote's coupon, if it has one: the conditional update holds its
/// usage limit under concurrency; the per-customer limit counts by account and by
/// normalised e-mail. Returns the coupon's id.
pub(super) async fn take_coupon(
    conn: &mut PgConnection,
    quote: &Quote,
    account: Option<Uuid>,
    email_key: &str,
) -> DomainResult<Option<Uuid>> {
    let Some(code) = &quote.answers.coupon else {
        return Ok(None);
    };
    let taken = sqlx::query!(
        "UPDATE coupons SET times_used = times_used + 1
         WHERE code = $1 AND active
           AND (usage_limit IS NULL OR times_used < usage_limit)
           AND (starts_at IS NULL OR starts_at <= now())
           AND (ends_at IS NULL OR ends_at > now())
         RETURNING id, per_customer_limit",
        code
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| problem("coupon", "coupon.errors.used_up"))?;
    if let Some(limit) = taken.per_customer_limit {
        let used = crate::checkout::rules::coupon_uses_by(&mut *conn, taken.id, account, email_key)
            .await?;
        if used >= i64::from(limit) {
            return Err(problem("coupon", "coupon.errors.already_used"));
        }
    }
    Ok(Some(taken.id))
}
