//! Turning two-factor sign-in on and off, and using its codes.
//!
//! Every change asks for the password again (and turning it off, for a current code
//! too), so a stolen session alone cannot change how the account signs in; see
//! `recovery::confirm_password` for how those checks are throttled.

use sqlx::PgPool;
use uuid::Uuid;

use super::{recovery, secret, throttle, totp_secrets, two_factor};
use crate::keys::Keys;
use crate::{DomainError, DomainResult};

/// How many recovery codes an account gets at a time.
pub const RECOVERY_CODES: usize = 10;

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Starts setting up an authenticator once the password (of the account signed in as
/// `login`) checks out: a new secret is kept aside until a code from it is confirmed,
/// replacing any earlier one. The secret is shown to whoever typed the password, so a
/// stolen session alone never sees the secret its owner is about to trust.
pub async fn start_two_factor(
    pool: &PgPool,
    keys: &Keys,
    account_id: Uuid,
    login: Uuid,
    password: &str,
    issuer: &str,
) -> DomainResult<two_factor::Enrolment> {
    recovery::confirm_password(pool, account_id, login, password).await?;
    let fresh = totp_secrets::seal(keys, account_id, &secret::new_totp_secret());
    sqlx::query_scalar!(
        "UPDATE accounts SET totp_pending_secret = $2
         WHERE id = $1 AND totp_enabled_at IS NULL
         RETURNING id",
        account_id,
        fresh
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| DomainError::Conflict("account.errors.two_factor_on".into()))?;
    pending_enrolment(pool, keys, account_id, issuer)
        .await?
        .ok_or_else(|| DomainError::Conflict("account.errors.two_factor_start".into()))
}

/// The authenticator being set up, to show it again after a wrong code: only ever called
/// right after the password was checked (see the app's confirm step).
pub async fn pending_enrolment(
    pool: &PgPool,
    keys: &Keys,
    account_id: Uuid,
    issuer: &str,
) -> DomainResult<Option<two_factor::Enrolment>> {
    let Some(row) = sqlx::query!(
        r#"SELECT email, totp_pending_secret AS "secret!" FROM accounts
           WHERE id = $1 AND totp_enabled_at IS NULL AND totp_pending_secret IS NOT NULL"#,
        account_id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let secret = totp_secrets::open(keys, account_id, &row.secret)?;
    two_factor::enrolment(&secret, issuer, &row.email).map(Some)
}

/// Turns two-factor sign-in on once the password (of the account signed in as `login`)
/// and a code from the new secret check out; returns the recovery codes, shown this once.
pub async fn confirm_two_factor(
    pool: &PgPool,
    keys: &Keys,
    account_id: Uuid,
    login: Uuid,
    password: &str,
    code: &str,
) -> DomainResult<Vec<String>> {
    recovery::confirm_password(pool, account_id, login, password).await?;
    let pending = sqlx::query_scalar!(
        "SELECT totp_pending_secret FROM accounts WHERE id = $1 AND totp_enabled_at IS NULL",
        account_id
    )
    .fetch_optional(pool)
    .await?
    .flatten()
    .ok_or_else(|| DomainError::Conflict("account.errors.two_factor_start".into()))?;
    let pending = totp_secrets::open(keys, account_id, &pending)?;
    let Some(step) = two_factor::matching_step(&pending, code, now_secs()) else {
        return Err(DomainError::Validation {
            field: "code",
            message: "account.errors.code".into(),
        });
    };
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE accounts SET totp_secret = totp_pending_secret, totp_pending_secret = NULL,
                totp_enabled_at = now(), totp_last_step = $2
         WHERE id = $1",
        account_id,
        step as i64
    )
    .execute(&mut *tx)
    .await?;
    let codes = replace_recovery_codes(&mut tx, account_id).await?;
    tx.commit().await?;
    Ok(codes)
}

/// New recovery codes, voiding the old ones (the password is asked for).
pub async fn new_recovery_codes(
    pool: &PgPool,
    account_id: Uuid,
    login: Uuid,
    password: &str,
) -> DomainResult<Vec<String>> {
    recovery::confirm_password(pool, account_id, login, password).await?;
    let mut tx = pool.begin().await?;
    let codes = replace_recovery_codes(&mut tx, account_id).await?;
    tx.commit().await?;
    Ok(codes)
}

async fn replace_recovery_codes(
    tx: &mut sqlx::PgConnection,
    account_id: Uuid,
) -> DomainResult<Vec<String>> {
    sqlx::query!(
        "DELETE FROM account_recovery_codes WHERE account_id = $1",
        account_id
    )
    .execute(&mut *tx)
    .await?;
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| secret::new_recovery_code())
        .collect();
    let hashes: Vec<Vec<u8>> = codes
        .iter()
        .map(|c| secret::digest(&secret::normalize_recovery_code(c)))
        .collect();
    sqlx::query!(
        "INSERT INTO account_recovery_codes (account_id, code_hash)
         SELECT $1, h FROM unnest($2::bytea[]) AS h",
        account_id,
        &hashes
    )
    .execute(&mut *tx)
    .await?;
    Ok(codes)
}

/// Turns two-factor sign-in off: the password and a current code (from the app, or a
/// recovery code) are asked for.
pub async fn disable_two_factor(
    pool: &PgPool,
    keys: &Keys,
    account_id: Uuid,
    login: Uuid,
    password: &str,
    code: &str,
) -> DomainResult<()> {
    recovery::confirm_password(pool, account_id, login, password).await?;
    confirm_code(pool, keys, account_id, login, code).await?;
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE accounts SET totp_secret = NULL, totp_enabled_at = NULL,
                totp_pending_secret = NULL WHERE id = $1",
        account_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM account_recovery_codes WHERE account_id = $1",
        account_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a current code of the account signed in as `login` (using it up), throttled
/// on that sign-in's re-authentication key like the password.
async fn confirm_code(
    pool: &PgPool,
    keys: &Keys,
    account_id: Uuid,
    login: Uuid,
    code: &str,
) -> DomainResult<()> {
    let key = throttle::login_key("reauth", login);
    throttle::attempt(pool, &key, throttle::REAUTH_LOGIN).await?;
    if !use_code(pool, keys, account_id, code).await? {
        return Err(DomainError::Validation {
            field: "code",
            message: "account.errors.code".into(),
        });
    }
    throttle::clear(pool, &key).await
}

/// True when `code` is the authenticator's current code (never used before) or an
/// unused recovery code; either is then used up.
pub(crate) async fn use_code(
    pool: &PgPool,
    keys: &Keys,
    account_id: Uuid,
    code: &str,
) -> DomainResult<bool> {
    let Some(secret) =
        sqlx::query_scalar!("SELECT totp_secret FROM accounts WHERE id = $1", account_id)
            .fetch_optional(pool)
            .await?
            .flatten()
    else {
        return Ok(false);
    };
    let secret = totp_secrets::open(keys, account_id, &secret)?;
    if let Some(step) = two_factor::matching_step(&secret, code, now_secs()) {
        // Conditional on the step being newer: a replayed code (or the same code sent
        // twice at once) is accepted once.
        let accepted = sqlx::query!(
            "UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
            account_id,
            step as i64
        )
        .execute(pool)
        .await?;
        return Ok(accepted.rows_affected() == 1);
    }
    let normalized = secret::normalize_recovery_code(code);
    if normalized.len() != 10 {
        return Ok(false);
    }
    let used = sqlx::query!(
        "UPDATE account_recovery_codes SET used_at = now()
         WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL",
        account_id,
        secret::digest(&normalized)
    )
    .execute(pool)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// How many unused recovery codes an account has left.
pub async fn recovery_codes_left(pool: &PgPool, account_id: Uuid) -> DomainResult<i64> {
    Ok(sqlx::query_scalar!(
        "SELECT count(*) AS \"n!\" FROM account_recovery_codes
         WHERE account_id = $1 AND used_at IS NULL",
        account_id
    )
    .fetch_one(pool)
    .await?)
}
