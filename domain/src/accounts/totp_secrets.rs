//! How two-factor secrets are kept: encrypted with the shop's secret key, bound to their
//! account (see `crate::keys`), so the database alone gives no one's authenticator codes.

use sqlx::PgPool;
use uuid::Uuid;

use crate::keys::Keys;
use crate::{DomainError, DomainResult};

/// What to store for `secret` of `account_id`.
pub fn seal(keys: &Keys, account_id: Uuid, secret: &[u8]) -> Vec<u8> {
    keys.seal(account_id.as_bytes(), secret)
}

/// The secret in `stored`. A value kept before secrets were encrypted is read as it is
/// (until [`seal_plain_secrets`] encrypts it at the next start).
pub fn open(keys: &Keys, account_id: Uuid, stored: &[u8]) -> DomainResult<Vec<u8>> {
    if !Keys::is_sealed(stored) {
        return Ok(stored.to_vec());
    }
    keys.open(account_id.as_bytes(), stored).ok_or_else(|| {
        tracing::error!(
            %account_id,
            "a two-factor secret does not open with this VITRINE_SECRET_KEY (was it changed?)"
        );
        DomainError::Internal("two-factor secret".into())
    })
}

/// Encrypts the secrets stored in plain text by earlier versions; run at start (every
/// replica may: each row is rewritten only while it is still plain).
pub async fn seal_plain_secrets(pool: &PgPool, keys: &Keys) -> DomainResult<u64> {
    let rows = sqlx::query!(
        "SELECT id, totp_secret, totp_pending_secret FROM accounts
         WHERE totp_secret IS NOT NULL OR totp_pending_secret IS NOT NULL"
    )
    .fetch_all(pool)
    .await?;
    let mut sealed = 0;
    for row in rows {
        let reseal = |stored: &Option<Vec<u8>>| match stored {
            Some(plain) if !Keys::is_sealed(plain) => Some(seal(keys, row.id, plain)),
            _ => None,
        };
        let (secret, pending) = (reseal(&row.totp_secret), reseal(&row.totp_pending_secret));
        if secret.is_none() && pending.is_none() {
            continue;
        }
        sealed += sqlx::query!(
            "UPDATE accounts SET
                 totp_secret = CASE WHEN totp_secret = $2 THEN $3 ELSE totp_secret END,
                 totp_pending_secret = CASE WHEN totp_pending_secret = $4 THEN $5
                                            ELSE totp_pending_secret END
             WHERE id = $1",
            row.id,
            row.totp_secret,
            secret.as_ref().or(row.totp_secret.as_ref()),
            row.totp_pending_secret,
            pending.as_ref().or(row.totp_pending_secret.as_ref()),
        )
        .execute(pool)
        .await?
        .rows_affected();
    }
    Ok(sealed)
}
