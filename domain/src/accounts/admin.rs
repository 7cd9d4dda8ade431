//! Staff work on accounts: the first admin, roles, permissions, the account list. Each
//! staff function takes the proof of its check (see [`super::staff`]).

use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::staff::{Allowed, Permission, STARTER, can, from_codes, to_codes};
use super::{Role, email, logins, password, secret};
use crate::audit::{self, Change};
use crate::{DomainError, DomainResult, Thing};
use serde_json::json;

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
    /// What a staff member was given (empty for customers; admins may do everything).
    pub permissions: Vec<Permission>,
    pub email_verified: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The newest accounts.
pub async fn list(
    pool: &PgPool,
    _allowed: &Allowed<can::Customers>,
    limit: i64,
) -> DomainResult<Vec<AccountSummary>> {
    let rows = sqlx::query!(
        r#"SELECT id, email, name, role AS "role: Role", permissions,
                  email_verified_at IS NOT NULL AS "email_verified!",
                  created_at AS "created_at: chrono::DateTime<chrono::Utc>"
           FROM accounts ORDER BY created_at DESC LIMIT $1"#,
        limit.clamp(1, 500)
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AccountSummary {
            id: r.id,
            email: r.email,
            name: r.name,
            role: r.role,
            permissions: from_codes(&r.permissions),
            email_verified: r.email_verified,
            created_at: r.created_at,
        })
        .collect())
}

/// Changes an account's role (admins only). The account's sign-ins end, so its next
/// session starts with the new privileges. Someone who becomes staff starts with
/// [`STARTER`]; someone who stops being staff keeps no permissions.
pub async fn set_role(
    pool: &PgPool,
    by: &Allowed<can::Admin>,
    target: Uuid,
    role: Role,
) -> DomainResult<()> {
    if target == by.staff().id() {
        return Err(DomainError::Conflict("account.errors.own_role".into()));
    }
    let mut tx = pool.begin().await?;
    let before = sqlx::query_scalar!(
        r#"SELECT role AS "role: Role" FROM accounts WHERE id = $1 FOR UPDATE"#,
        target
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound(Thing::Account))?;
    let permissions = match (before, role) {
        (Role::Staff, Role::Staff) => None,
        (_, Role::Staff) => Some(to_codes(&STARTER)),
        _ => Some(Vec::new()),
    };
    sqlx::query!(
        "UPDATE accounts SET role = $2, permissions = COALESCE($3, permissions) WHERE id = $1",
        target,
        role as Role,
        permissions.as_deref()
    )
    .execute(&mut *tx)
    .await?;
    logins::close_all(&mut *tx, target, None).await?;
    if before != role {
        let change = Change::new("account.role", "account", target)
            .label(email_of(&mut tx, target).await?)
            .values(
                Some(json!({ "role": before.as_str() })),
                Some(json!({ "role": role.as_str() })),
            );
        audit::record(&mut tx, by.actor(), change).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The e-mail an account is known by, for the audit log.
async fn email_of(conn: &mut sqlx::PgConnection, account: Uuid) -> DomainResult<String> {
    Ok(
        sqlx::query_scalar!("SELECT email FROM accounts WHERE id = $1", account)
            .fetch_optional(conn)
            .await?
            .unwrap_or_default(),
    )
}

/// Sets what a staff member may do. Nobody changes their own; admins may do everything
/// already, and customers nothing, so only staff members have permissions to set. A
/// staff member holding the `staff` permission (short of an admin) changes only
/// permissions they hold themselves, so no one can hand out more than they have. The
/// member's sign-ins end, as for a role change.
pub async fn set_permissions(
    pool: &PgPool,
    by: &Allowed<can::Staff>,
    target: Uuid,
    permissions: &[Permission],
) -> DomainResult<()> {
    if target == by.staff().id() {
        return Err(DomainError::Conflict(
            "account.errors.own_permissions".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"SELECT role AS "role: Role", permissions FROM accounts WHERE id = $1 FOR UPDATE"#,
        target
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound(Thing::Account))?;
    if row.role != Role::Staff {
        return Err(DomainError::Conflict(
            "account.errors.permissions_staff_only".into(),
        ));
    }
    let before = from_codes(&row.permissions);
    let changed = Permission::ALL
        .into_iter()
        .filter(|p| before.contains(p) != permissions.contains(p));
    if changed.clone().any(|p| !by.staff().has(p)) {
        return Err(DomainError::Forbidden);
    }
    if changed.count() == 0 {
        return Ok(());
    }
    sqlx::query!(
        "UPDATE accounts SET permissions = $2 WHERE id = $1",
        target,
        &to_codes(permissions)
    )
    .execute(&mut *tx)
    .await?;
    // Its next session starts with what it may do now (as after a role change).
    logins::close_all(&mut *tx, target, None).await?;
    let change = Change::new("account.permissions", "account", target)
        .label(email_of(&mut tx, target).await?)
        .values(Some(to_codes(&before)), Some(to_codes(permissions)));
    audit::record(&mut tx, by.actor(), change).await?;
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
    by: &Allowed<can::Admin>,
    required: bool,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let before = sqlx::query_scalar!("SELECT staff_two_factor FROM shop_settings FOR UPDATE")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query!(
        "UPDATE shop_settings SET staff_two_factor = $1, updated_at = now()",
        required
    )
    .execute(&mut *tx)
    .await?;
    if before != required {
        let change = Change::new("settings.staff_two_factor", "settings", "shop").values(
            Some(json!({ "staff_two_factor": before })),
            Some(json!({ "staff_two_factor": required })),
        );
        audit::record(&mut tx, by.actor(), change).await?;
    }
    tx.commit().await?;
    Ok(())
}
