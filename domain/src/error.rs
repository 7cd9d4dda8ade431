//! The one error type of the business layer.

/// What went wrong, in terms the layers above can act on: each variant maps to one HTTP
/// status and one message a user can read. Internal details are logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{field}: {message}")]
    Validation {
        field: &'static str,
        message: String,
    },
    /// Several fields wrong at once: (field, message key) pairs for the form.
    #[error("some fields are not valid: {0:?}")]
    Invalid(Vec<(&'static str, &'static str)>),
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

impl From<sqlx::Error> for DomainError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => DomainError::NotFound("record"),
            sqlx::Error::PoolTimedOut => DomainError::Busy,
            sqlx::Error::Database(db) if is_unacceptable_text(db.code().as_deref()) => {
                tracing::info!(%error, "refused text PostgreSQL cannot store");
                DomainError::Validation {
                    field: "text",
                    message: INVALID_TEXT.into(),
                }
            }
            sqlx::Error::Database(db) => match db.constraint() {
                // Constraint names, not message text, decide the mapping.
                Some("category_translations_locale_slug_key") => {
                    DomainError::Conflict("another category already uses this URL".into())
                }
                _ => DomainError::Internal(Box::new(error)),
            },
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
