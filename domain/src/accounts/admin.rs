//! Staff work on accounts: the first admin, roles, the customer list.

use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::{Account, Role, email, logins, password, require, secret};
use crate::{DomainError, DomainResult, Thing};

/// Creates an admin with a verified address. Without `password`, a random one is made;
/// the password is returned so the caller can show it once.
pub async fn create_admin(
    pool: &PgPool,
    email: &str,
    password: Option<&str>,
) -> DomainResult<(Uuid, String)> {
    let email = email::parse(email)?;
    let password = match password {
        Some(p) => p.to_string(),
        // 128 random bits, in a form that survives copy and paste.
        None => secret::new_token()[..32].to_string(),
    };
    let hash = password::hash_new(&password, &[&email]).await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO accounts (email, password_hash, role, email_verified_at)
         VALUES ($1, $2, 'admin', now())
         ON CONFLICT (email_key) DO NOTHING RETURNING id",
        email,
        hash
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| DomainError::Conflict("account.errors.email_taken".into()))?;
    Ok((id, password))
}

/// True when `email`'s password is still `password` (for printing a demo login only
/// while it works).
pub async fn password_still_works(
    pool: &PgPool,
    email: &str,
    password: &str,
) -> DomainResult<bool> {
    let hash = sqlx::query_scalar!(
        "SELECT password_hash FROM accounts WHERE email_key = lower($1)",
        email
    )
    .fetch_optional(pool)
    .await?;
    Ok(hash.is_some() && password::verify(password, hash).await? != password::Verified::No)
}

/// An account in the staff list.
#[derive(Clone, Debug, Serialize)]
pub struct AccountSummary {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub email_verified: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The newest accounts (staff only).
pub async fn list(pool: &PgPool, actor: &Account, limit: i64) -> DomainResult<Vec<AccountSummary>> {
    require(pool, actor, Role::Staff).await?;
    Ok(sqlx::query_as!(
        AccountSummary,
        r#"SELECT id, email, name, role AS "role: Role",
                  email_verified_at IS NOT NULL AS "email_verified!",
                  created_at AS "created_at: chrono::DateTime<chrono::Utc>"
           FROM accounts ORDER BY created_at DESC LIMIT $1"#,
        limit.clamp(1, 500)
    )
    .fetch_all(pool)
    .await?)
}

/// Changes an account's role (admins only). The account's sign-ins end, so its next
/// session starts with the new privileges.
pub async fn set_role(
    pool: &PgPool,
    actor: &Account,
    target: Uuid,
    role: Role,
) -> DomainResult<()> {
    require(pool, actor, Role::Admin).await?;
    if target == actor.id {
        return Err(DomainError::Conflict("account.errors.own_role".into()));
    }
    let mut tx = pool.begin().await?;
    let changed = sqlx::query!(
        "UPDATE accounts SET role = $2 WHERE id = $1",
        target,
        role as Role
    )
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(DomainError::NotFound(Thing::Account));
    }
    logins::close_all(&mut *tx, target, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether staff and admins must sign in with two factors.
pub async fn staff_two_factor(pool: &PgPool) -> DomainResult<bool> {
    Ok(
        sqlx::query_scalar!("SELECT staff_two_factor FROM shop_settings")
            .fetch_one(pool)
            .await?,
    )
}

/// Requires (or stops requiring) two factors for staff (admins only). Staff without
/// them keep their account pages but are refused staff work until they turn them on.
pub async fn require_staff_two_factor(
    pool: &PgPool,
    actor: &Account,
    required: bool,
) -> DomainResult<()> {
    require(pool, actor, Role::Admin).await?;
    sqlx::query!(
        "UPDATE shop_settings SET staff_two_factor = $1, updated_at = now()",
        required
    )
    .execute(pool)
    .await?;
    Ok(())
}
