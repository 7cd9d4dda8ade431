//! Accounts: registering, verifying e-mail, signing in (with a second factor), and the
//! rules around them. Customers, staff and admins are all accounts; the role and, for
//! staff, the permissions an admin gave them decide what they may do (see [`staff`]:
//! staff-only functions take the proof its check makes).
//!
//! Nothing here ever says whether an e-mail address has an account: registering a
//! taken address, asking to reset an unknown one, or signing in to one that does not
//! exist all answer exactly as for any other address.

pub mod admin;
pub mod data;
pub mod devices;
pub mod email;
pub mod logins;
pub mod password;
pub mod recovery;
pub mod secret;
pub mod security;
pub mod staff;
pub mod throttle;
pub mod totp_secrets;
pub mod two_factor;

use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::mail::{self, Links};
use crate::{DomainError, DomainResult, Thing};

/// What an account may do, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, sqlx::Type)]
#[sqlx(type_name = "account_role", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Customer,
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Customer, Role::Staff, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// An account as the rest of the shop sees it: never its password hash or secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    pub role: Role,
    pub locale: String,
    pub currency: Option<String>,
    pub two_factor: bool,
}

/// Who is asking: for throttles and the list of signed-in browsers.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
    /// The browser's known-browser token (its [`devices::COOKIE`]), if it sent one.
    pub device: Option<String>,
}

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub name: &'a str,
    pub locale: &'a str,
    pub currency: Option<&'a str>,
}

/// Registers an account and sends the link that confirms its e-mail. If the address
/// already has an account, that account's owner gets a note instead (and the caller
/// sees the same success), so registering cannot be used to find out who is a customer.
pub async fn register(
    pool: &PgPool,
    new: NewAccount<'_>,
    client: &Client,
    links: &Links,
) -> DomainResult<()> {
    let address_key = throttle::address_key("register", &client.ip);
    throttle::attempt(pool, &address_key, throttle::REGISTER_ADDRESS).await?;
    let email = email::parse(new.email)?;
    let name = clean_name(new.name)?;
    let hash = password::hash_new(new.password, &[&email, &name, &links.shop_name]).await?;
    let mut tx = pool.begin().await?;
    let created = sqlx::query_scalar!(
        "INSERT INTO accounts (email, password_hash, name, locale, currency)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (email_key) DO NOTHING RETURNING id",
        email,
        hash,
        name,
        crate::locale::supported_or_default(new.locale),
        new.currency,
    )
    .fetch_optional(&mut *tx)
    .await?;
    match created {
        Some(id) => {
            let token = recovery::new_token(&mut tx, id, "verify_email", Some(&email)).await?;
            let mail = mail::templates::verify_email(new.locale, links, &email, &token);
            mail::enqueue(&mut *tx, &mail).await?;
        }
        None => {
            let locale = sqlx::query_scalar!(
                "SELECT locale FROM accounts WHERE email_key = lower($1)",
                email
            )
            .fetch_one(&mut *tx)
            .await?;
            let mail = mail::templates::already_registered(&locale, links, &email);
            mail::enqueue(&mut *tx, &mail).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Confirms the e-mail address a verification link was sent to. The token works once.
pub async fn verify_email(pool: &PgPool, token: &str) -> DomainResult<Account> {
    let mut tx = pool.begin().await?;
    let used = recovery::use_token(&mut tx, token, "verify_email").await?;
    let email = used.email.unwrap_or_default();
    let current = find(&mut *tx, used.account_id).await?;
    if !current.email.eq_ignore_ascii_case(&email) {
        // A new address: links sent to the old one (or for other addresses) are void.
        recovery::void_links(&mut *tx, used.account_id, None).await?;
    }
    // Another account may have taken the address meanwhile: its unique key says so
    // (told as `account.errors.email_taken`, see `error::CONSTRAINTS`).
    sqlx::query!(
        "UPDATE accounts SET email = $2, email_verified_at = now() WHERE id = $1",
        used.account_id,
        email
    )
    .execute(&mut *tx)
    .await?;
    let account = find(&mut *tx, used.account_id).await?;
    tx.commit().await?;
    Ok(account)
}

/// The outcome of a correct e-mail and password.
#[derive(Debug)]
pub enum SignIn {
    Done(Account),
    /// The password was right; the account also needs a code from its authenticator.
    NeedsSecondFactor(Uuid),
}

/// Checks an e-mail and password. Wrong passwords and unknown e-mails get the same
/// answer after the same work. Each attempt is counted before the password is hashed:
/// per e-mail from this client address, per client address, and per e-mail over all
/// addresses, except that a browser which signed in to the account before counts on a
/// key of its own instead of that last one, which strangers can fill (see `throttle`).
/// A right password gives its attempts back.
pub async fn sign_in(
    pool: &PgPool,
    email: &str,
    password: &str,
    client: &Client,
    links: &Links,
) -> DomainResult<SignIn> {
    let address_key = throttle::address_key("sign-in", &client.ip);
    let pair_key = throttle::pair_key("sign-in", email, &client.ip);
    throttle::attempt(pool, &address_key, throttle::SIGN_IN_ADDRESS).await?;
    throttle::attempt(pool, &pair_key, throttle::SIGN_IN_PAIR).await?;
    let device = client.device.as_deref();
    let (ceiling_key, ceiling) = match device {
        Some(token) if devices::is_known(pool, email, device).await? => (
            devices::throttle_key(email, token),
            throttle::SIGN_IN_DEVICE,
        ),
        _ => (
            throttle::account_key("sign-in", email),
            throttle::SIGN_IN_ACCOUNT,
        ),
    };
    throttle::attempt(pool, &ceiling_key, ceiling).await?;
    let row = sqlx::query!(
        "SELECT id, password_hash, email_verified_at IS NOT NULL AS \"verified!\",
                totp_enabled_at IS NOT NULL AS \"two_factor!\"
         FROM accounts WHERE email_key = lower($1)",
        email.trim()
    )
    .fetch_optional(pool)
    .await?;
    let hash = row.as_ref().map(|r| r.password_hash.clone());
    let verified = password::verify(password, hash).await?;
    let Some(row) = row.filter(|_| verified != password::Verified::No) else {
        return Err(DomainError::BadCredentials);
    };
    throttle::clear(pool, &pair_key).await?;
    throttle::refund(pool, &address_key, throttle::SIGN_IN_ADDRESS).await?;
    throttle::refund(pool, &ceiling_key, ceiling).await?;
    if let password::Verified::YesRehash(fresh) = verified {
        sqlx::query!(
            "UPDATE accounts SET password_hash = $2 WHERE id = $1",
            row.id,
            fresh
        )
        .execute(pool)
        .await?;
    }
    if !row.verified {
        recovery::resend_verification(pool, row.id, links).await?;
        return Err(DomainError::Validation {
            field: "email",
            message: "account.errors.unverified".into(),
        });
    }
    if row.two_factor {
        return Ok(SignIn::NeedsSecondFactor(row.id));
    }
    Ok(SignIn::Done(find(pool, row.id).await?))
}

/// The second step of signing in: a code from the authenticator app (each works once)
/// or one of the account's recovery codes.
pub async fn second_factor(
    pool: &PgPool,
    keys: &crate::keys::Keys,
    account_id: Uuid,
    code: &str,
) -> DomainResult<Account> {
    let key = format!("two-factor:account:{account_id}");
    throttle::attempt(pool, &key, throttle::TWO_FACTOR_ACCOUNT).await?;
    if security::use_code(pool, keys, account_id, code).await? {
        throttle::clear(pool, &key).await?;
        find(pool, account_id).await
    } else {
        Err(DomainError::Validation {
            field: "code",
            message: "account.errors.code".into(),
        })
    }
}

/// One account by id.
pub async fn find(db: impl sqlx::PgExecutor<'_>, id: Uuid) -> DomainResult<Account> {
    sqlx::query_as!(
        Account,
        r#"SELECT id, email, email_verified_at IS NOT NULL AS "email_verified!", name,
                  role AS "role: Role", locale, currency::text AS "currency?",
                  totp_enabled_at IS NOT NULL AS "two_factor!"
           FROM accounts WHERE id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?
    .ok_or(DomainError::NotFound(Thing::Account))
}

/// Changes name, language and currency.
pub async fn update_profile(
    pool: &PgPool,
    id: Uuid,
    name: &str,
    locale: &str,
    currency: Option<&str>,
) -> DomainResult<Account> {
    let name = clean_name(name)?;
    let currencies = crate::money::currencies::load(pool).await?;
    if let Some(code) = currency
        && currencies.offered(code).is_none()
    {
        return Err(DomainError::Validation {
            field: "currency",
            message: "account.errors.currency".into(),
        });
    }
    sqlx::query!(
        "UPDATE accounts SET name = $2, locale = $3, currency = $4 WHERE id = $1",
        id,
        name,
        crate::locale::supported_or_default(locale),
        currency
    )
    .execute(pool)
    .await?;
    find(pool, id).await
}

fn clean_name(name: &str) -> DomainResult<String> {
    let name = name.trim();
    if name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(DomainError::Validation {
            field: "name",
            message: "account.errors.name".into(),
        });
    }
    Ok(name.to_string())
}

/// Deletes what has expired: used or old links, quiet throttles, ended sign-ins and
/// browser sessions; returns how many records went. Safe to run in every server process
/// at once.
pub async fn sweep(pool: &PgPool) -> DomainResult<u64> {
    let mut deleted = 0;
    deleted +=
        sqlx::query!("DELETE FROM account_tokens WHERE expires_at < now() - interval '7 days'")
            .execute(pool)
            .await?
            .rows_affected();
    deleted += sqlx::query!(
        "DELETE FROM auth_throttles WHERE window_started < now() - interval '1 day'
           AND (locked_until IS NULL OR locked_until < now())"
    )
    .execute(pool)
    .await?
    .rows_affected();
    deleted += sqlx::query!(
        "DELETE FROM account_sessions
         WHERE last_seen_at < now() - make_interval(secs => $1::float8)
            OR created_at < now() - make_interval(secs => $2::float8)",
        logins::IDLE_TIMEOUT_SECS as f64,
        logins::ABSOLUTE_TIMEOUT_SECS as f64
    )
    .execute(pool)
    .await?
    .rows_affected();
    deleted += sqlx::query!("DELETE FROM tower_sessions.session WHERE expiry_date < now()")
        .execute(pool)
        .await?
        .rows_affected();
    deleted += devices::sweep(pool).await?;
    Ok(deleted)
}

/// Deletes expired account records once an hour.
pub fn sweep_job() -> crate::jobs::Job {
    crate::jobs::Job::new(
        "accounts.sweep_expired",
        std::time::Duration::from_secs(3600),
        |pool| async move { sweep(&pool).await },
    )
}
