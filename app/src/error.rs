//! The error a server function sends to the browser: what the user can act on, and no
//! internal details.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
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
            D::NotFound(what) => AppError::NotFound(what.into()),
            D::Validation { field, message } => AppError::Validation {
                field: field.into(),
                message,
            },
            D::Conflict(message) => AppError::Conflict(message),
            D::Forbidden => AppError::Forbidden,
            D::Unauthorized => AppError::Unauthorized,
            D::Busy => {
                tracing::warn!("database pool exhausted; answering 503");
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
