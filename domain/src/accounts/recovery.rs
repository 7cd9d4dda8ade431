//! One-time links (verify e-mail, reset password) and changing credentials.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{Client, devices, logins, password, secret, throttle};
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

/// Voids the account's outstanding links (`purpose`'s only, or all): reset links,
/// e-mail confirmations and e-mail changes. Whatever secures an account (a reset, a new
/// password, signing out everywhere, a new address) calls this, so a link an intruder
/// asked for earlier cannot undo it.
pub(crate) async fn void_links(
    db: impl sqlx::PgExecutor<'_>,
    account_id: Uuid,
    purpose: Option<&str>,
) -> DomainResult<u64> {
    Ok(sqlx::query!(
        "UPDATE account_tokens SET used_at = now()
         WHERE account_id = $1 AND used_at IS NULL AND purpose = coalesce($2, purpose)",
        account_id,
        purpose
    )
    .execute(db)
    .await?
    .rows_affected())
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
    throttle::attempt(pool, &address_key, throttle::RESET_ADDRESS).await?;
    throttle::attempt(pool, &account_key, throttle::RESET_ACCOUNT).await?;
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

/// Sets a new password from a reset link, ends every sign-in of the account, voids its
/// other links (an e-mail change asked for by whoever had the password too) and forgets
/// its known browsers. Following the link also proves the address, so it counts as
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
    devices::forget_all(&mut *tx, used.account_id).await?;
    tx.commit().await?;
    // Strangers' failures on the old password no longer hold the owner back.
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
    void_links(&mut *tx, account_id, None).await?;
    Ok(())
}

/// Checks the current password of the account signed in as `login`, before a change to
/// its security. Attempts count against that sign-in only (counted before hashing): a
/// stranger's failed sign-ins never lock the owner's session out, and a stolen session
/// guessing the password locks only itself. A wrong password is a field error on
/// `current_password`.
pub async fn confirm_password(
    pool: &PgPool,
    account_id: Uuid,
    login: Uuid,
    password: &str,
) -> DomainResult<()> {
    let key = throttle::login_key("reauth", login);
    throttle::attempt(pool, &key, throttle::REAUTH_LOGIN).await?;
    let hash = sqlx::query_scalar!(
        "SELECT password_hash FROM accounts WHERE id = $1",
        account_id
    )
    .fetch_one(pool)
    .await?;
    if password::verify(password, Some(hash)).await? == password::Verified::No {
        return Err(DomainError::Validation {
            field: "current_password",
            message: "account.errors.current_password".into(),
        });
    }
    throttle::clear(pool, &key).await?;
    Ok(())
}

/// Changes the password (the current one is asked for), signs out every other browser
/// and voids the account's outstanding links; `login` is the sign-in making the change.
pub async fn change_password(
    pool: &PgPool,
    account_id: Uuid,
    login: Uuid,
    current: &str,
    new_password: &str,
) -> DomainResult<()> {
    confirm_password(pool, account_id, login, current).await?;
    let account = super::find(pool, account_id).await?;
    let hash = password::hash_new(new_password, &[&account.email, &account.name]).await?;
    let mut tx = pool.begin().await?;
    set_password(&mut tx, account_id, &hash).await?;
    logins::close_all(&mut *tx, account_id, Some(login)).await?;
    tx.commit().await?;
    Ok(())
}

/// Starts changing the e-mail address (the password is asked for): the new address
/// gets a link and becomes the account's only once followed; the old address is told.
/// The newest request wins: earlier e-mail links of the account are void.
pub async fn change_email(
    pool: &PgPool,
    account_id: Uuid,
    login: Uuid,
    password: &str,
    new_email: &str,
    links: &Links,
) -> DomainResult<()> {
    let new_email = super::email::parse(new_email)?;
    confirm_password(pool, account_id, login, password).await?;
    let account = super::find(pool, account_id).await?;
    let mut tx = pool.begin().await?;
    void_links(&mut *tx, account_id, Some("verify_email")).await?;
    let token = new_token(&mut tx, account_id, "verify_email", Some(&new_email)).await?;
    let mail = mail::templates::verify_email(&account.locale, links, &new_email, &token);
    mail::enqueue(&mut *tx, &mail).await?;
    let notice = mail::templates::email_change_requested(&account.locale, links, &account.email);
    mail::enqueue(&mut *tx, &notice).await?;
    tx.commit().await?;
    Ok(())
}
