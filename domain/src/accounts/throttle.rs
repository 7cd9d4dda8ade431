//! Slowing down guessing: failed attempts counted per key (an account's e-mail, a client
//! address), in PostgreSQL so every server process sees the same counts.
//!
//! Past a rule's limit within its window the key is locked; each further failure while
//! the window lasts doubles the lock, up to the rule's maximum. A quiet window resets it.

use sqlx::PgPool;

use crate::{DomainError, DomainResult};

#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Failures allowed within the window before the key is locked.
    pub limit: i32,
    pub window_secs: i64,
    pub first_lock_secs: i64,
    pub max_lock_secs: i64,
}

/// Wrong passwords for one e-mail address (whether or not it has an account).
pub const SIGN_IN_ACCOUNT: Rule = Rule {
    limit: 5,
    window_secs: 15 * 60,
    first_lock_secs: 60,
    max_lock_secs: 60 * 60,
};
/// Wrong passwords from one client address, over all e-mails.
pub const SIGN_IN_ADDRESS: Rule = Rule {
    limit: 50,
    window_secs: 15 * 60,
    first_lock_secs: 5 * 60,
    max_lock_secs: 60 * 60,
};
/// Wrong two-factor or recovery codes for one account.
pub const TWO_FACTOR_ACCOUNT: Rule = Rule {
    limit: 5,
    window_secs: 15 * 60,
    first_lock_secs: 60,
    max_lock_secs: 60 * 60,
};
/// New accounts from one client address (every attempt counts).
pub const REGISTER_ADDRESS: Rule = Rule {
    limit: 20,
    window_secs: 60 * 60,
    first_lock_secs: 15 * 60,
    max_lock_secs: 24 * 60 * 60,
};
/// Reset e-mails asked for one address (every request counts).
pub const RESET_ACCOUNT: Rule = Rule {
    limit: 5,
    window_secs: 60 * 60,
    first_lock_secs: 15 * 60,
    max_lock_secs: 24 * 60 * 60,
};
/// Reset e-mails asked from one client address.
pub const RESET_ADDRESS: Rule = Rule {
    limit: 20,
    window_secs: 60 * 60,
    first_lock_secs: 15 * 60,
    max_lock_secs: 24 * 60 * 60,
};

/// The throttle key for an e-mail address, compared without case.
pub fn account_key(action: &str, email: &str) -> String {
    let email: String = email.trim().to_lowercase().chars().take(254).collect();
    format!("{action}:account:{email}")
}

pub fn address_key(action: &str, client: &str) -> String {
    let client: String = client.chars().take(64).collect();
    format!("{action}:ip:{client}")
}

/// Refuses with `TooManyAttempts` if any of `keys` is locked.
pub async fn check(pool: &PgPool, keys: &[String]) -> DomainResult<()> {
    let wait = sqlx::query_scalar!(
        r#"SELECT ceil(extract(epoch FROM max(locked_until) - now()))::bigint AS "wait"
           FROM auth_throttles WHERE key = ANY($1) AND locked_until > now()"#,
        keys
    )
    .fetch_one(pool)
    .await?;
    match wait {
        Some(secs) if secs > 0 => Err(DomainError::TooManyAttempts {
            retry_after_secs: secs as u64,
        }),
        _ => Ok(()),
    }
}

/// Counts one failure for `key` under `rule`, locking it when over the limit.
pub async fn record_failure(pool: &PgPool, key: &str, rule: Rule) -> DomainResult<()> {
    sqlx::query!(
        r#"INSERT INTO auth_throttles AS t (key, failures, window_started) VALUES ($1, 1, now())
           ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN throttle_is_quiet(t, $5) THEN 1 ELSE t.failures + 1 END,
             window_started = CASE WHEN throttle_is_quiet(t, $5) THEN now()
                                   ELSE t.window_started END,
             locked_until = CASE
               WHEN throttle_is_quiet(t, $5) THEN NULL
               WHEN t.failures + 1 >= $2 THEN now() + make_interval(secs =>
                 least($4::float8, $3::float8 * power(2, least(t.failures + 1 - $2, 30))))
               ELSE t.locked_until END"#,
        key,
        rule.limit,
        rule.first_lock_secs as f64,
        rule.max_lock_secs as f64,
        rule.window_secs as f64,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets `key`'s failures (after a success).
pub async fn clear(pool: &PgPool, key: &str) -> DomainResult<()> {
    sqlx::query!("DELETE FROM auth_throttles WHERE key = $1", key)
        .execute(pool)
        .await?;
    Ok(())
}
