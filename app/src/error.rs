//! The error a server function sends to the browser: what the user can act on, and no
//! internal details. What a person reads travels as a [`Message`] (a locale key and
//! typed values, JSON on the wire and in a failed form's address) and is translated
//! where it is shown.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::message::Message;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// What was not found, by its code (`order`); every page shows the same text.
    #[error("{0} not found")]
    NotFound(String),
    #[error("{field}: {message}")]
    Validation { field: String, message: Message },
    /// Several fields wrong at once: (field, message) pairs.
    #[error("some fields are not valid")]
    Fields(Vec<(String, Message)>),
    #[error("the e-mail or password is wrong")]
    BadCredentials,
    #[error("too many attempts; try again in {minutes} minutes")]
    TooMany { minutes: u64 },
    #[error("{0}")]
    Conflict(Message),
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("please sign in")]
    Unauthorized,
    #[error("something went wrong on our side; please try again")]
    Internal,
    /// Overloaded: answered 503 with Retry-After.
    #[error("the shop is busy; please try again in a moment")]
    Busy,
    /// The request never reached our code (network, encoding).
    #[error("the request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Validation { .. } | AppError::Fields(_) | AppError::Transport(_) => 400,
            AppError::BadCredentials | AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Conflict(_) => 409,
            AppError::TooMany { .. } => 429,
            AppError::Busy => 503,
            AppError::Internal => 500,
        }
    }

    /// The same error about field `to` when it was about `from`: for a form whose input
    /// has another name than the rule it breaks (`password` for `current_password`).
    pub fn renamed(self, from: &str, to: &str) -> AppError {
        match self {
            AppError::Validation { field, message } if field == from => AppError::Validation {
                field: to.into(),
                message,
            },
            other => other,
        }
    }

    /// The message for one form field, if this error is about it.
    pub fn for_field(&self, name: &str) -> Option<Message> {
        match self {
            AppError::Validation { field, message } if field == name => Some(message.clone()),
            AppError::Fields(fields) => fields
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, message)| message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<domain::DomainError> for AppError {
    fn from(error: domain::DomainError) -> Self {
        use domain::DomainError as D;
        match error {
            D::NotFound(what) => AppError::NotFound(what.code().into()),
            D::Validation { field, message } => AppError::Validation {
                field: field.into(),
                message,
            },
            D::Conflict(message) => AppError::Conflict(message),
            D::Invalid(fields) => AppError::Fields(
                fields
                    .into_iter()
                    .map(|(field, message)| (field.to_string(), message))
                    .collect(),
            ),
            D::Fields(fields) => AppError::Fields(fields),
            // Only `place` asks for an earlier step, and its server function sends the
            // shopper there; any other caller says so in words.
            D::StepMissing(_) => AppError::Conflict(Message::new("checkout.errors.incomplete")),
            D::BadEvent(detail) => {
                tracing::info!(%detail, "unreadable provider event");
                AppError::Validation {
                    field: "event".into(),
                    message: Message::new("error.bad_request"),
                }
            }
            D::BadCredentials => AppError::BadCredentials,
            D::TooManyAttempts { retry_after_secs } => AppError::TooMany {
                minutes: retry_after_secs.div_ceil(60).max(1),
            },
            D::Forbidden => AppError::Forbidden,
            D::Unauthorized => AppError::Unauthorized,
            D::Busy => {
                tracing::warn!("overloaded (database pool or password checks); answering 503");
                AppError::Busy
            }
            D::Internal(source) => {
                // The details stay in the log; the browser gets a generic message.
                tracing::error!(error = %source, "internal error in a server function");
                AppError::Internal
            }
        }
    }
}
