//! One-time links (verify e-mail, reset password) and changing credentials.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{Client, logins, password, secret, throttle};
use crate::mail::{self, Links};
use crate::{DomainError, DomainResult};

/// How long a link works.
pub const VERIFY_EMAIL_SECS: i64 = 24 * 60 * 60;
pub const RESET_PASSWORD_SECS: i64 = 60 * 60;

/// Makes a token for `purpose` and stores its hash; returns the token for the link.
pub(crate) async fn new_token(
    tx: &mut PgConnection,
    account_id: Uuid,
    purpose: &str,
    email: Option<&str>,
) -> DomainResult<String> {
    let token = secret::new_token();
    let lifetime = match purpose {
        "verify_email" => VERIFY_EMAIL_SECS,
        _ => RESET_PASSWORD_SECS,
    };
    sqlx::query!(
        "INSERT INTO account_tokens (token_hash, account_id, purpose, email, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8))",
        secret::digest(&token),
        account_id,
        purpose,
        email,
        lifetime as f64
    )
    .execute(&mut *tx)
    .await?;
    Ok(token)
}

pub(crate) struct UsedToken {
    pub account_id: Uuid,
    pub email: Option<String>,
}

/// Marks a token used and returns what it was for; an unknown, expired or used token
/// gets one answer (which of the three is nobody's business).
pub(crate) async fn use_token(
    tx: &mut PgConnection,
    token: &str,
    purpose: &str,
) -> DomainResult<UsedToken> {
    sqlx::query_as!(
        UsedToken,
        "UPDATE account_tokens SET used_at = now()
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
         RETURNING account_id, email",
        secret::digest(token),
        purpose
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| DomainError::Validation {
        field: "token",
        message: "account.errors.link".into(),
    })
}

/// Sends a fresh verification link to an account's address.
pub(crate) async fn resend_verification(
    pool: &PgPool,
    account_id: Uuid,
    links: &Links,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let account = super::find(&mut *tx, account_id).await?;
    let token = new_token(&mut tx, account_id, "verify_email", Some(&account.email)).await?;
    let mail = mail::templates::verify_email(&account.locale, links, &account.email, &token);
    mail::enqueue(&mut *tx, &mail).await?;
    tx.commit().await?;
    Ok(())
}

/// Sends a reset link if the address has an account; answers the same either way.
pub async fn request_reset(
    pool: &PgPool,
    email: &str,
    client: &Client,
    links: &Links,
) -> DomainResult<()> {
    let email = super::email::parse(email)?;
    let account_key = throttle::account_key("reset", &email);
    let address_key = throttle::address_key("reset", &client.ip);
    throttle::check(pool, &[account_key.clone(), address_key.clone()]).await?;
    throttle::record_failure(pool, &account_key, throttle::RESET_ACCOUNT).await?;
    throttle::record_failure(pool, &address_key, throttle::RESET_ADDRESS).await?;
    let mut tx = pool.begin().await?;
    let account = sqlx::query!(
        "SELECT id, email, locale FROM accounts WHERE email_key = lower($1)",
        email
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(account) = account {
        let token = new_token(&mut tx, account.id, "reset_password", None).await?;
        let mail = mail::templates::reset_password(&account.locale, links, &account.email, &token);
        mail::enqueue(&mut *tx, &mail).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password from a reset link, ends every sign-in of the account and voids
/// its other reset links. Following the link also proves the address, so it counts as
/// verified.
pub async fn reset_password(pool: &PgPool, token: &str, new_password: &str) -> DomainResult<()> {
    // Check the password before using up the link, so a weak one can be retried.
    let email = sqlx::query_scalar!(
        "SELECT a.email FROM account_tokens t JOIN accounts a ON a.id = t.account_id
         WHERE t.token_hash = $1 AND t.purpose = 'reset_password'
           AND t.used_at IS NULL AND t.expires_at > now()",
        secret::digest(token)
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| DomainError::Validation {
        field: "token",
        message: "account.errors.link".into(),
    })?;
    let hash = password::hash_new(new_password, &[&email]).await?;
    let mut tx = pool.begin().await?;
    let used = use_token(&mut tx, token, "reset_password").await?;
    set_password(&mut tx, used.account_id, &hash).await?;
    sqlx::query!(
        "UPDATE accounts SET email_verified_at = coalesce(email_verified_at, now())
         WHERE id = $1",
        used.account_id
    )
    .execute(&mut *tx)
    .await?;
    logins::close_all(&mut *tx, used.account_id, None).await?;
    tx.commit().await?;
    throttle::clear(pool, &throttle::account_key("sign-in", &email)).await?;
    Ok(())
}

async fn set_password(tx: &mut PgConnection, account_id: Uuid, hash: &str) -> DomainResult<()> {
    sqlx::query!(
        "UPDATE accounts SET password_hash = $2, password_changed_at = now() WHERE id = $1",
        account_id,
        hash
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE account_tokens SET used_at = now()
         WHERE account_id = $1 AND purpose = 'reset_password' AND used_at IS NULL",
        account_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Checks the account's current password (throttled like signing in).
pub async fn confirm_password(pool: &PgPool, account_id: Uuid, password: &str) -> DomainResult<()> {
    let row = sqlx::query!(
        "SELECT email, password_hash FROM accounts WHERE id = $1",
        account_id
    )
    .fetch_one(pool)
    .await?;
    let key = throttle::account_key("sign-in", &row.email);
    throttle::check(pool, std::slice::from_ref(&key)).await?;
    if password::verify(password, Some(row.password_hash)).await? == password::Verified::No {
        throttle::record_failure(pool, &key, throttle::SIGN_IN_ACCOUNT).await?;
        return Err(DomainError::Validation {
            field: "current_password",
            message: "account.errors.current_password".into(),
        });
    }
    Ok(())
}

/// Changes the password (the current one is asked for) and signs out every other
/// browser; `keep` is the sign-in making the change.
pub async fn change_password(
    pool: &PgPool,
    account_id: Uuid,
    current: &str,
    new_password: &str,
    keep: Option<Uuid>,
) -> DomainResult<()> {
    confirm_password(pool, account_id, current).await?;
    let account = super::find(pool, account_id).await?;
    let hash = password::hash_new(new_password, &[&account.email, &account.name]).await?;
    let mut tx = pool.begin().await?;
    set_password(&mut tx, account_id, &hash).await?;
    logins::close_all(&mut *tx, account_id, keep).await?;
    tx.commit().await?;
    Ok(())
}

/// Starts changing the e-mail address: the new address gets a link and becomes the
/// account's only once followed; the old address is told.
pub async fn change_email(
    pool: &PgPool,
    account_id: Uuid,
    password: &str,
    new_email: &str,
    links: &Links,
) -> DomainResult<()> {
    let new_email = super::email::parse(new_email)?;
    confirm_password(pool, account_id, password).await?;
    let account = super::find(pool, account_id).await?;
    let mut tx = pool.begin().await?;
    let token = new_token(&mut tx, account_id, "verify_email", Some(&new_email)).await?;
    let mail = mail::templates::verify_email(&account.locale, links, &new_email, &token);
    mail::enqueue(&mut *tx, &mail).await?;
    let notice = mail::templates::email_change_requested(&account.locale, links, &account.email);
    mail::enqueue(&mut *tx, &notice).await?;
    tx.commit().await?;
    Ok(())
}
