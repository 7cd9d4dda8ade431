//! Slowing down guessing: attempts counted per key, in PostgreSQL so every server process
//! sees the same counts.
//!
//! An attempt is counted *before* the work it guards (hashing a password, checking a
//! code), in one statement that also says whether it may go ahead ([`attempt`]), so a
//! burst of simultaneous requests cannot all pass a check made before any of them is
//! counted. A success gives its attempt back ([`refund`]) or forgets the key ([`clear`]).
//!
//! Past a rule's limit within its window the key is locked; each further attempt counted
//! after a lock ends, while the window lasts, doubles the lock, up to the rule's maximum.
//! Attempts refused while locked are not counted. A quiet window resets the key.
//!
//! Signing in is throttled per (e-mail, client address) and per client address, so a
//! stranger's failures lock only the stranger; a per-e-mail ceiling over all addresses
//! stops guessing from many addresses, but a browser that has signed in to the account
//! before (a known browser, see `devices`) is held only by its own throttle instead. A
//! signed-in session's re-authentication (the password asked again before changing
//! security settings) counts against that session alone, never against keys strangers
//! can fill.

use sqlx::PgPool;
use uuid::Uuid;

use crate::{DomainError, DomainResult};

#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Attempts allowed within the window before the key is locked.
    pub limit: i32,
    pub window_secs: i64,
    pub first_lock_secs: i64,
    pub max_lock_secs: i64,
}

/// Sign-in attempts for one e-mail address from one client address: what holds back
/// someone guessing one account's password.
pub const SIGN_IN_PAIR: Rule = Rule {
    limit: 5,
    window_secs: 15 * 60,
    first_lock_secs: 60,
    max_lock_secs: 60 * 60,
};
/// Sign-in attempts from one client address, over all e-mails.
pub const SIGN_IN_ADDRESS: Rule = Rule {
    limit: 50,
    window_secs: 15 * 60,
    first_lock_secs: 5 * 60,
    max_lock_secs: 60 * 60,
};
/// Sign-in attempts for one e-mail address from browsers it does not know, over all
/// client addresses: a ceiling for guessing from many addresses. Strangers can fill it,
/// so a known browser is not held by it (see [`SIGN_IN_DEVICE`]).
pub const SIGN_IN_ACCOUNT: Rule = Rule {
    limit: 20,
    window_secs: 15 * 60,
    first_lock_secs: 5 * 60,
    max_lock_secs: 60 * 60,
};
/// Sign-in attempts for one account from one browser that has signed in to it before.
pub const SIGN_IN_DEVICE: Rule = Rule {
    limit: 5,
    window_secs: 15 * 60,
    first_lock_secs: 60,
    max_lock_secs: 60 * 60,
};
/// The password (or code) asked again of a signed-in session before it changes the
/// account's security: per sign-in, so strangers' failures never lock the owner out.
pub const REAUTH_LOGIN: Rule = Rule {
    limit: 5,
    window_secs: 15 * 60,
    first_lock_secs: 60,
    max_lock_secs: 60 * 60,
};
/// Two-factor or recovery codes for one account at the second step of signing in.
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

fn clean_email(email: &str) -> String {
    email.trim().to_lowercase().chars().take(254).collect()
}

fn clean_client(client: &str) -> String {
    client.chars().take(64).collect()
}

/// The throttle key for an e-mail address, compared without case.
pub fn account_key(action: &str, email: &str) -> String {
    format!("{action}:account:{}", clean_email(email))
}

pub fn address_key(action: &str, client: &str) -> String {
    format!("{action}:ip:{}", clean_client(client))
}

/// The key for one e-mail address from one client address.
pub fn pair_key(action: &str, email: &str, client: &str) -> String {
    format!(
        "{action}:pair:{}|{}",
        clean_client(client),
        clean_email(email)
    )
}

/// The key for one signed-in session (its `account_sessions` id).
pub fn login_key(action: &str, login: Uuid) -> String {
    format!("{action}:login:{login}")
}

/// Counts one attempt for `key` under `rule` and says whether it may go ahead: refused
/// with `TooManyAttempts` (and not counted) while the key is locked. The count and the
/// check are one statement, so simultaneous attempts take turns on the key's row and at
/// most `rule.limit` of them get through.
pub async fn attempt(pool: &PgPool, key: &str, rule: Rule) -> DomainResult<()> {
    let row = sqlx::query!(
        r#"WITH counted AS (
             INSERT INTO auth_throttles AS t (key, failures, window_started, locked_until)
             VALUES ($1, 1, now(), CASE WHEN $2 <= 1
                                   THEN now() + make_interval(secs => $3::float8) END)
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN throttle_is_quiet(t, $5) THEN 1 ELSE t.failures + 1 END,
               window_started = CASE WHEN throttle_is_quiet(t, $5) THEN now()
                                     ELSE t.window_started END,
               locked_until = CASE
                 WHEN throttle_is_quiet(t, $5) THEN NULL
                 WHEN t.failures + 1 >= $2 THEN now() + make_interval(secs =>
                   least($4::float8, $3::float8 * power(2, least(t.failures + 1 - $2, 30))))
                 ELSE t.locked_until END
             WHERE t.locked_until IS NULL OR t.locked_until <= now()
             RETURNING 1 AS one
           )
           SELECT EXISTS (SELECT 1 FROM counted) AS "counted!",
                  (SELECT ceil(extract(epoch FROM locked_until - now()))::bigint
                   FROM auth_throttles WHERE key = $1) AS "wait""#,
        key,
        rule.limit,
        rule.first_lock_secs as f64,
        rule.max_lock_secs as f64,
        rule.window_secs as f64,
    )
    .fetch_one(pool)
    .await?;
    if row.counted {
        return Ok(());
    }
    // The wait read here may predate the lock that refused us (another request's);
    // then the rule's first lock is the honest lower bound.
    let wait = row
        .wait
        .filter(|secs| *secs > 0)
        .unwrap_or(rule.first_lock_secs);
    Err(DomainError::TooManyAttempts {
        retry_after_secs: wait as u64,
    })
}

/// Gives back one attempt counted by [`attempt`] after it succeeded, lifting a lock
/// that only the successful attempt had brought about.
pub async fn refund(pool: &PgPool, key: &str, rule: Rule) -> DomainResult<()> {
    sqlx::query!(
        "UPDATE auth_throttles SET failures = greatest(failures - 1, 0),
                locked_until = CASE WHEN failures - 1 < $2 THEN NULL ELSE locked_until END
         WHERE key = $1",
        key,
        rule.limit
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets `key`'s attempts (after a success).
pub async fn clear(pool: &PgPool, key: &str) -> DomainResult<()> {
    sqlx::query!("DELETE FROM auth_throttles WHERE key = $1", key)
        .execute(pool)
        .await?;
    Ok(())
}
