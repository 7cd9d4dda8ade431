//! Signed-in browsers. Each sign-in opens a row; the browser's session (tower-sessions)
//! keeps only its id. Ending a row signs that browser out on every server at once.

use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::{Account, Client, Role};
use crate::{DomainError, DomainResult, Thing};

/// A sign-in ends after this long without a request...
pub const IDLE_TIMEOUT_SECS: i64 = 12 * 60 * 60;
/// ...and after this long in any case (staff: a working day).
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 30 * 24 * 60 * 60;
pub const STAFF_ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;

/// A signed-in browser, for the account's security page.
#[derive(Clone, Debug, Serialize)]
pub struct Login {
    pub id: Uuid,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub user_agent: String,
    pub ip: String,
}

pub async fn open(pool: &PgPool, account_id: Uuid, client: &Client) -> DomainResult<Uuid> {
    let user_agent: String = client.user_agent.chars().take(300).collect();
    let ip: String = client.ip.chars().take(64).collect();
    Ok(sqlx::query_scalar!(
        "INSERT INTO account_sessions (account_id, user_agent, ip) VALUES ($1, $2, $3)
         RETURNING id",
        account_id,
        user_agent,
        ip
    )
    .fetch_one(pool)
    .await?)
}

/// The account a sign-in belongs to, if it is still open and within its timeouts, in one
/// round trip (it runs on every page a signed-in shopper opens). Notes the visit at most
/// every minute, so browsing does not write on every page.
pub async fn current(pool: &PgPool, login_id: Uuid) -> DomainResult<Option<Account>> {
    Ok(sqlx::query_as!(
        Account,
        r#"WITH live AS (
             SELECT s.id AS login_id, s.last_seen_at AS seen, a.* FROM account_sessions s
             JOIN accounts a ON a.id = s.account_id
             WHERE s.id = $1
               AND s.last_seen_at > now() - make_interval(secs => $2::float8)
               AND s.created_at > now() - make_interval(secs =>
                     CASE WHEN a.role = 'customer' THEN $3::float8 ELSE $4::float8 END)
           ), touched AS (
             UPDATE account_sessions SET last_seen_at = now()
             WHERE id IN (SELECT login_id FROM live WHERE seen < now() - interval '1 minute')
           )
           SELECT id AS "id!", email AS "email!",
                  email_verified_at IS NOT NULL AS "email_verified!", name AS "name!",
                  role AS "role!: Role", locale AS "locale!", currency::text AS "currency?",
                  totp_enabled_at IS NOT NULL AS "two_factor!"
           FROM live"#,
        login_id,
        IDLE_TIMEOUT_SECS as f64,
        ABSOLUTE_TIMEOUT_SECS as f64,
        STAFF_ABSOLUTE_TIMEOUT_SECS as f64,
    )
    .fetch_optional(pool)
    .await?)
}

pub async fn close(pool: &PgPool, login_id: Uuid) -> DomainResult<()> {
    sqlx::query!("DELETE FROM account_sessions WHERE id = $1", login_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Signs the account out of every browser but `keep` (the one asking, if any).
pub async fn close_all(
    db: impl sqlx::PgExecutor<'_>,
    account_id: Uuid,
    keep: Option<Uuid>,
) -> DomainResult<u64> {
    Ok(sqlx::query!(
        "DELETE FROM account_sessions WHERE account_id = $1 AND id IS DISTINCT FROM $2",
        account_id,
        keep
    )
    .execute(db)
    .await?
    .rows_affected())
}

/// "Sign out everywhere": ends every sign-in of the account but `keep` (the browser
/// asking) and voids the account's outstanding links, in one transaction, so a reset or
/// e-mail-change link someone else asked for dies with their sign-in.
pub async fn sign_out_everywhere(
    pool: &PgPool,
    account_id: Uuid,
    keep: Option<Uuid>,
) -> DomainResult<u64> {
    let mut tx = pool.begin().await?;
    let ended = close_all(&mut *tx, account_id, keep).await?;
    super::recovery::void_links(&mut *tx, account_id, None).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Ends one of the account's own sign-ins; another account's id is simply not found.
pub async fn close_own(pool: &PgPool, account_id: Uuid, login_id: Uuid) -> DomainResult<()> {
    let done = sqlx::query!(
        "DELETE FROM account_sessions WHERE id = $1 AND account_id = $2",
        login_id,
        account_id
    )
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound(Thing::Session));
    }
    Ok(())
}

pub async fn list(pool: &PgPool, account_id: Uuid) -> DomainResult<Vec<Login>> {
    Ok(sqlx::query_as!(
        Login,
        r#"SELECT id, created_at AS "created_at: chrono::DateTime<chrono::Utc>",
                  last_seen_at AS "last_seen_at: chrono::DateTime<chrono::Utc>", user_agent, ip
           FROM account_sessions WHERE account_id = $1 ORDER BY last_seen_at DESC"#,
        account_id
    )
    .fetch_all(pool)
    .await?)
}
