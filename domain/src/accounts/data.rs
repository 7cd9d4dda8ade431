//! Data rights (LGPD/GDPR): a copy of everything kept about an account, and erasure.

use sqlx::PgPool;
use uuid::Uuid;

use super::recovery;
use crate::DomainResult;

/// Everything the shop keeps about the account, as JSON: profile, addresses, signed-in
/// browsers, orders (lines, totals, address, payments, status history) and e-mails sent.
/// Secrets (password hash, two-factor secret, token and code
/// hashes) are left out: they are ours to protect, not personal data to hand over.
pub async fn export(pool: &PgPool, account_id: Uuid) -> DomainResult<serde_json::Value> {
    let value = sqlx::query_scalar!(
        r#"SELECT jsonb_build_object(
             'account', jsonb_build_object(
                 'email', a.email, 'email_verified_at', a.email_verified_at, 'name', a.name,
                 'role', a.role, 'language', a.locale, 'currency', a.currency,
                 'two_factor_enabled_at', a.totp_enabled_at, 'created_at', a.created_at,
                 'password_changed_at', a.password_changed_at),
             'addresses', coalesce((SELECT jsonb_agg(to_jsonb(d) - 'account_id' ORDER BY d.created_at)
                                    FROM addresses d WHERE d.account_id = a.id), '[]'),
             'signed_in_browsers', coalesce((SELECT jsonb_agg(to_jsonb(s) - 'account_id'
                                                            ORDER BY s.created_at)
                                    FROM account_sessions s WHERE s.account_id = a.id), '[]'),
             'orders', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                   'number', o.number, 'placed_at', o.placed_at,
                                   'status', o.status, 'email', o.email, 'language', o.locale,
                                   'currency', o.currency, 'subtotal', o.subtotal,
                                   'discount', o.discount, 'shipping', o.shipping, 'tax', o.tax,
                                   'tax_name', o.tax_name, 'prices_include_tax', o.prices_include_tax,
                                   'total', o.total, 'refunded', o.refunded,
                                   'coupon', o.coupon_code, 'shipping_address', o.shipping_address,
                                   'shipping_method', o.shipping_method,
                                   'lines', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                         'sku', l.sku, 'name', l.name, 'quantity', l.quantity,
                                         'unit_price', l.unit_price, 'line_total', l.line_total,
                                         'discount', l.discount, 'tax', l.tax) ORDER BY l.position)
                                       FROM order_lines l WHERE l.order_id = o.id), '[]'),
                                   'payments', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                         'provider', p.provider, 'status', p.status,
                                         'amount', p.amount, 'currency', p.currency,
                                         'refunded', p.refunded, 'card_last4', p.card_last4,
                                         'created_at', p.created_at) ORDER BY p.created_at)
                                       FROM payments p WHERE p.order_id = o.id), '[]'),
                                   'history', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                         'from', h.from_status, 'to', h.to_status,
                                         'by', h.actor, 'at', h.at) ORDER BY h.id)
                                       FROM order_history h WHERE h.order_id = o.id), '[]')
                                 ) ORDER BY o.placed_at)
                                FROM orders o WHERE o.account_id = a.id), '[]'),
             'emails', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                   'to', m.to_address, 'subject', m.subject,
                                   'created_at', m.created_at, 'sent_at', m.sent_at,
                                   'text', m.text_body) ORDER BY m.id)
                                FROM outbox_emails m WHERE lower(m.to_address) = a.email_key), '[]')
           ) AS "data!"
           FROM accounts a WHERE a.id = $1"#,
        account_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(crate::DomainError::NotFound(crate::Thing::Account))?;
    Ok(value)
}

/// What an erased customer's orders keep in place of their e-mail address (`.invalid`
/// can never receive mail).
pub const ERASED_EMAIL: &str = "erased@erased.invalid";

/// Erases the account (the password is asked for): its addresses, sign-ins (and the
/// browsers' session records), tokens, carts with their checkout answers and the e-mails
/// sent to it go with it, and its orders are anonymised.
///
/// What an order keeps, and why: the shop must keep its sales records for accounting and
/// tax audits (five to ten years depending on the country, e.g. Brazil's CTN art. 173/195,
/// the EU VAT directive art. 242), and GDPR art. 17(3)(b) / LGPD art. 16(I) allow keeping
/// what a legal obligation requires. So the order's number, dates, status history,
/// lines, amounts, currency and exchange rate, tax, payments and refunds stay, with the
/// address's country and region (they decide the tax charged). Everything else that
/// names or reaches the person goes: the e-mail (replaced by [`ERASED_EMAIL`]), and the
/// name, street lines, city, postal code and phone of the shipping address, and who held
/// the order's stock while it was unpaid (session, e-mail, client address).
pub async fn delete(
    pool: &PgPool,
    account_id: Uuid,
    login: Uuid,
    password: &str,
) -> DomainResult<()> {
    recovery::confirm_password(pool, account_id, login, password).await?;
    let mut tx = pool.begin().await?;
    // The shop must keep someone who can run it. Locking the admins' rows makes two
    // admins deleting themselves at once take turns, so one always stays.
    let admins: Vec<uuid::Uuid> =
        sqlx::query_scalar!("SELECT id FROM accounts WHERE role = 'admin' FOR UPDATE")
            .fetch_all(&mut *tx)
            .await?;
    if admins == [account_id] {
        return Err(crate::DomainError::Conflict(
            "account.errors.last_admin".into(),
        ));
    }
    // The e-mails sent to the account, and about its orders to the address typed at
    // checkout.
    sqlx::query!(
        "DELETE FROM outbox_emails WHERE lower(to_address) IN (
           SELECT email_key FROM accounts WHERE id = $1
           UNION SELECT lower(email) FROM orders WHERE account_id = $1)",
        account_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"UPDATE orders SET email = $2, updated_at = now(),
             holder_session = NULL, holder_email = NULL, holder_client = NULL,
             shipping_address = jsonb_build_object(
                 'name', '', 'line1', '', 'line2', '', 'city', '', 'postal_code', '', 'phone', '',
                 'region', coalesce(shipping_address->>'region', ''),
                 'country', coalesce(shipping_address->>'country', ''))
           WHERE account_id = $1"#,
        account_id,
        ERASED_EMAIL
    )
    .execute(&mut *tx)
    .await?;
    // The browsers' session records: they may hold what was typed into a form that
    // failed (addresses, e-mails). A record names its sign-in by id (as text, inside the
    // store's opaque data), which is how the account's are found.
    sqlx::query!(
        "DELETE FROM tower_sessions.session s WHERE EXISTS (
           SELECT 1 FROM account_sessions l
           WHERE l.account_id = $1 AND position(convert_to(l.id::text, 'UTF8') IN s.data) > 0)",
        account_id
    )
    .execute(&mut *tx)
    .await?;
    // Sign-ins, tokens, recovery codes, saved addresses and carts (open or placed, with
    // their checkout answers) go with the account (ON DELETE CASCADE); orders keep only
    // their anonymous account-less copy (ON DELETE SET NULL).
    sqlx::query!("DELETE FROM accounts WHERE id = $1", account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
