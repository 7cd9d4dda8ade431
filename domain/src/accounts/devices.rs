//! Known browsers: those that have signed in to an account before. Each keeps a random
//! token in a long-lived cookie ([`COOKIE`]); only the token's hash is stored, per
//! account. A known browser with the right password gets past the account's overall
//! ceiling on failed sign-ins (which strangers can fill) and is held by a throttle of
//! its own instead (see `throttle`).

use sqlx::PgPool;
use uuid::Uuid;

use super::secret;
use crate::DomainResult;

/// The cookie that carries a browser's token.
pub const COOKIE: &str = "vitrine_device";
/// A browser is forgotten after this long without signing in (and its cookie lasts as
/// long from its last sign-in).
pub const KEEP_SECS: i64 = 180 * 24 * 60 * 60;

/// A token as we make them (64 hex characters); anything else a cookie says is ignored.
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether the browser with `token` has signed in to the account of `email`.
pub async fn is_known(pool: &PgPool, email: &str, token: Option<&str>) -> DomainResult<bool> {
    let Some(token) = token.filter(|t| well_formed(t)) else {
        return Ok(false);
    };
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (
             SELECT 1 FROM account_devices d JOIN accounts a ON a.id = d.account_id
             WHERE a.email_key = lower($1) AND d.token_hash = $2
               AND d.last_used_at > now() - make_interval(secs => $3::float8)) AS "known!""#,
        email.trim(),
        secret::digest(token),
        KEEP_SECS as f64
    )
    .fetch_one(pool)
    .await?)
}

/// The throttle key for one known browser of one account.
pub fn throttle_key(email: &str, token: &str) -> String {
    let digest: String = secret::digest(token)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{}:{digest}",
        super::throttle::account_key("sign-in-device", email)
    )
}

/// Notes that the browser holding `token` (if any) signed in to `account_id`; returns
/// the token its cookie should carry (a new one for a browser without one).
pub async fn remember(
    pool: &PgPool,
    account_id: Uuid,
    token: Option<&str>,
) -> DomainResult<String> {
    let token = match token.filter(|t| well_formed(t)) {
        Some(token) => token.to_string(),
        None => secret::new_token(),
    };
    sqlx::query!(
        "INSERT INTO account_devices (token_hash, account_id) VALUES ($1, $2)
         ON CONFLICT (token_hash, account_id) DO UPDATE SET last_used_at = now()",
        secret::digest(&token),
        account_id
    )
    .execute(pool)
    .await?;
    Ok(token)
}

/// Forgets every browser of the account (after its password is reset: whoever had it
/// before proves nothing any more).
pub(crate) async fn forget_all(
    db: impl sqlx::PgExecutor<'_>,
    account_id: Uuid,
) -> DomainResult<()> {
    sqlx::query!(
        "DELETE FROM account_devices WHERE account_id = $1",
        account_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes browsers unused for longer than [`KEEP_SECS`]; returns how many.
pub(crate) async fn sweep(pool: &PgPool) -> DomainResult<u64> {
    let done = sqlx::query!(
        "DELETE FROM account_devices
         WHERE last_used_at < now() - make_interval(secs => $1::float8)",
        KEEP_SECS as f64
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
