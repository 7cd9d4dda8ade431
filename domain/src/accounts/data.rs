//! Data rights (LGPD/GDPR): a copy of everything kept about an account, and erasure.

use sqlx::PgPool;
use uuid::Uuid;

use super::recovery;
use crate::DomainResult;

/// Everything the shop keeps about the account, as JSON: profile, addresses, signed-in
/// browsers and e-mails sent. Secrets (password hash, two-factor secret, token and code
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
    .ok_or(crate::DomainError::NotFound("account"))?;
    Ok(value)
}

/// Erases the account (the password is asked of its sign-in `login`): its addresses,
/// sign-ins, tokens and the e-mails sent to it go with it.
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
    sqlx::query!(
        "DELETE FROM outbox_emails WHERE lower(to_address) =
           (SELECT email_key FROM accounts WHERE id = $1)",
        account_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM accounts WHERE id = $1", account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
