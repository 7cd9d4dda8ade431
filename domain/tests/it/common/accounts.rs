//! Accounts made the way shoppers make them, for the account tests.

use domain::DomainError;
use domain::accounts::{self, Client, NewAccount, SignIn};
use domain::mail::Links;
use sqlx::PgPool;
use uuid::Uuid;

pub const PASSWORD: &str = "purple elephant dances quietly";

pub fn links() -> Links {
    Links {
        base_url: "https://shop.example".into(),
        shop_name: "Test Shop".into(),
    }
}

/// The shop's secret key in tests.
pub fn keys() -> domain::keys::Keys {
    domain::keys::Keys::new("the test shop's secret key, 32+ characters")
}

pub fn client(ip: &str) -> Client {
    Client {
        ip: ip.into(),
        user_agent: "test".into(),
        device: None,
    }
}

/// The token in the newest e-mail to `to` whose link contains `path`.
pub async fn token_in_mail(pool: &PgPool, to: &str, path: &str) -> String {
    let text: String = sqlx::query_scalar(
        "SELECT text_body FROM outbox_emails WHERE to_address = $1 AND text_body LIKE $2
         ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .bind(format!("%{path}?token=%"))
    .fetch_one(pool)
    .await
    .unwrap_or_else(|e| panic!("no mail to {to} with {path}: {e}"));
    let start = text.find("token=").unwrap() + 6;
    text[start..start + 64].to_string()
}

pub async fn mails_to(pool: &PgPool, to: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox_emails WHERE lower(to_address) = lower($1)")
        .bind(to)
        .fetch_one(pool)
        .await
        .unwrap()
}

pub async fn register(pool: &PgPool, email: &str, ip: &str) {
    let new = NewAccount {
        email,
        password: PASSWORD,
        name: "Ana Souza",
        locale: "pt-BR",
        currency: Some("BRL"),
    };
    accounts::register(pool, new, &client(ip), &links())
        .await
        .unwrap();
}

/// Registers and verifies an account; returns its id.
pub async fn verified(pool: &PgPool, email: &str) -> Uuid {
    register(pool, email, "10.0.0.1").await;
    let token = token_in_mail(pool, email, "/account/verify").await;
    accounts::verify_email(pool, &token).await.unwrap().id
}

/// A verified account that an admin made staff with `permissions`, checked as staff.
pub async fn staff_with(
    pool: &PgPool,
    email: &str,
    permissions: &[accounts::staff::Permission],
) -> accounts::staff::Staff {
    let id = verified(pool, email).await;
    let codes: Vec<&str> = permissions.iter().map(|p| p.code()).collect();
    sqlx::query("UPDATE accounts SET role = 'staff', permissions = $2 WHERE id = $1")
        .bind(id)
        .bind(codes)
        .execute(pool)
        .await
        .unwrap();
    let account = accounts::find(pool, id).await.unwrap();
    accounts::staff::sign_in_as_staff(pool, &account)
        .await
        .unwrap()
}

/// A staff member with what becoming staff gives (orders, refunds, customers).
pub async fn staff(pool: &PgPool, email: &str) -> accounts::staff::Staff {
    staff_with(pool, email, &accounts::staff::STARTER).await
}

pub async fn sign_in(pool: &PgPool, email: &str, password: &str) -> Result<SignIn, DomainError> {
    accounts::sign_in(pool, email, password, &client("10.0.0.2"), &links()).await
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
