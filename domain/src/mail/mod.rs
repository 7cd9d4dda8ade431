//! E-mail: requests only write messages to the outbox (in their own transaction, so a
//! message exists exactly when the change that caused it does); a background worker
//! in any server process delivers them (see [`delivery`]).

pub mod delivery;
pub mod templates;

/// A message ready to send, in the recipient's language, with text and HTML parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub locale: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What e-mails need to know about the shop: its name and the address links start at.
#[derive(Clone, Debug)]
pub struct Links {
    pub base_url: String,
    pub shop_name: String,
}

impl Links {
    /// An address on the storefront in `locale`: `page("pt-BR", "/account/verify")`.
    pub fn page(&self, locale: &str, path: &str) -> String {
        let slug = crate::locale::supported_or_default(locale).to_lowercase();
        format!("{}/{slug}{path}", self.base_url.trim_end_matches('/'))
    }
}

/// Puts a message in the outbox. Run it in the transaction of the change it reports.
pub async fn enqueue(db: impl sqlx::PgExecutor<'_>, email: &Email) -> crate::DomainResult<i64> {
    Ok(sqlx::query_scalar!(
        "INSERT INTO outbox_emails (to_address, locale, subject, text_body, html_body)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        email.to,
        email.locale,
        email.subject,
        email.text,
        email.html
    )
    .fetch_one(db)
    .await?)
}
