//! The one error type of the business layer.

use crate::Message;
use crate::checkout::Step;

/// What went wrong, in terms the layers above can act on: each variant maps to one HTTP
/// status and one message a user can read. What a person reads is a [`Message`] (a
/// locale key with typed values), translated where it is shown; the `#[error]` texts
/// are for logs only. Internal details are logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{0} not found")]
    NotFound(Thing),
    #[error("conflict: {0}")]
    Conflict(Message),
    /// One field of a form is wrong.
    #[error("{field}: {message}")]
    Validation {
        field: &'static str,
        message: Message,
    },
    /// Several fields wrong at once: (field, message) pairs for the form.
    #[error("some fields are not valid: {0:?}")]
    Invalid(Vec<(&'static str, Message)>),
    /// Several fields wrong at once, named at run time (`sku.<variant id>`,
    /// `slug.pt-BR`): a form with rows or one field per language.
    #[error("some fields are not valid: {0:?}")]
    Fields(Vec<(String, Message)>),
    /// Checkout cannot go on until an earlier step is answered: not a field's error but
    /// a signal to send the shopper back to that step.
    #[error("the checkout step {0:?} is not answered yet")]
    StepMissing(Step),
    /// A payment provider's event (a webhook) we cannot read. The detail is for the
    /// provider's logs and never reaches a shopper or staff member.
    #[error("unreadable event: {0}")]
    BadEvent(String),
    /// A wrong e-mail or password (never saying which).
    #[error("the e-mail or password is wrong")]
    BadCredentials,
    /// Too many failed attempts: try again after the wait.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("please sign in")]
    Unauthorized,
    /// The shop is overloaded, and the request may simply be tried again in a moment:
    /// every database connection stayed busy for the pool's whole wait, or too many
    /// password checks are already running and waiting (see `accounts::password`).
    /// Answered 503 with `Retry-After`.
    #[error("the shop is busy; please try again in a moment")]
    Busy,
    #[error("something went wrong on our side")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// What was not found. The layers above show one "not found" text for all of them; the
/// code (`order`) is for logs and programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Thing {
    Account,
    Address,
    Cart,
    CartLine,
    Category,
    Currency,
    /// A product's picture.
    Image,
    Order,
    Payment,
    Product,
    Session,
    /// A row a query expected (`sqlx`'s `RowNotFound`).
    Record,
}

impl Thing {
    pub fn code(self) -> &'static str {
        match self {
            Thing::Account => "account",
            Thing::Address => "address",
            Thing::Cart => "cart",
            Thing::CartLine => "cart_line",
            Thing::Category => "category",
            Thing::Currency => "currency",
            Thing::Image => "image",
            Thing::Order => "order",
            Thing::Payment => "payment",
            Thing::Product => "product",
            Thing::Session => "session",
            Thing::Record => "record",
        }
    }
}

impl std::fmt::Display for Thing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl DomainError {
    /// A wrong value in one field, by its message key.
    pub fn field(field: &'static str, message: impl Into<Message>) -> DomainError {
        DomainError::Validation {
            field,
            message: message.into(),
        }
    }

    /// A conflict with the shop's state, by its message.
    pub fn conflict(message: impl Into<Message>) -> DomainError {
        DomainError::Conflict(message.into())
    }

    /// The message a person reads, when the error carries one of its own.
    pub fn message(&self) -> Option<&Message> {
        match self {
            DomainError::Conflict(message) | DomainError::Validation { message, .. } => {
                Some(message)
            }
            DomainError::Invalid(fields) => fields.first().map(|(_, message)| message),
            DomainError::Fields(fields) => fields.first().map(|(_, message)| message),
            _ => None,
        }
    }
}

/// What each database constraint a person can run into means to them, by constraint
/// name (never by the text of PostgreSQL's message). The one place such names are
/// matched: code that can break one lets the error pass (`?`) and gets this.
const CONSTRAINTS: &[(&str, Broken)] = &[
    (
        "category_translations_locale_slug_key",
        Broken::Conflict("staff.errors.category_slug"),
    ),
    (
        "accounts_email_key_key",
        Broken::Conflict("account.errors.email_taken"),
    ),
    // The product editor checks these first and names the field; the constraint only
    // catches two editors saving the same SKU or slug at the same moment.
    (
        "product_translations_locale_slug_key",
        Broken::Conflict("admin.products.errors.slug_taken"),
    ),
    (
        "variants_sku_key",
        Broken::Conflict("admin.products.errors.sku_taken"),
    ),
];

/// How a broken constraint is told.
#[derive(Clone, Copy, Debug)]
enum Broken {
    Conflict(&'static str),
}

/// The error a person gets for breaking constraint `name`, if it is one they can break.
pub fn constraint_error(name: &str) -> Option<DomainError> {
    CONSTRAINTS
        .iter()
        .find(|(constraint, _)| *constraint == name)
        .map(|(_, broken)| match broken {
            Broken::Conflict(key) => DomainError::Conflict(Message::new(*key)),
        })
}

impl From<sqlx::Error> for DomainError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => DomainError::NotFound(Thing::Record),
            sqlx::Error::PoolTimedOut => DomainError::Busy,
            sqlx::Error::Database(db) if is_unacceptable_text(db.code().as_deref()) => {
                tracing::info!(%error, "refused text PostgreSQL cannot store");
                DomainError::field("text", INVALID_TEXT)
            }
            sqlx::Error::Database(db) => db
                .constraint()
                .and_then(constraint_error)
                .unwrap_or_else(|| DomainError::Internal(Box::new(error))),
            _ => DomainError::Internal(Box::new(error)),
        }
    }
}

/// The message key for text PostgreSQL refuses to store or compare.
pub const INVALID_TEXT: &str = "error.invalid_text";

/// Text a browser can send but PostgreSQL cannot take: a NUL byte in a `text` parameter
/// (22021, "invalid byte sequence") or a `\u0000` inside `jsonb` (22P05). Every query
/// parameter passes through here, so the search box, slugs, filters, coupon codes, order
/// keys and account fields all answer 400 for it instead of a server error. Only these
/// two codes: they can only come from the request's text, never from a bug of ours.
fn is_unacceptable_text(code: Option<&str>) -> bool {
    matches!(code, Some("22021" | "22P05"))
}

pub type DomainResult<T> = Result<T, DomainError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_a_person_can_break_are_told_by_name() {
        let taken = constraint_error("accounts_email_key_key");
        assert!(
            matches!(&taken, Some(DomainError::Conflict(m)) if *m == "account.errors.email_taken"),
            "{taken:?}"
        );
        let slug = constraint_error("category_translations_locale_slug_key");
        assert!(
            matches!(&slug, Some(DomainError::Conflict(m)) if *m == "staff.errors.category_slug"),
            "{slug:?}"
        );
    }

    #[test]
    fn other_constraints_are_not_a_persons_doing() {
        assert!(constraint_error("orders_pkey").is_none());
        assert!(constraint_error("").is_none());
    }

    #[test]
    fn every_constraint_is_listed_once() {
        let mut names: Vec<&str> = CONSTRAINTS.iter().map(|(name, _)| *name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CONSTRAINTS.len());
    }
}
