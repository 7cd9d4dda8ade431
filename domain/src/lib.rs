//! Vitrine's business logic: every rule of the shop lives here, once.
//!
//! Server functions, REST handlers, webhooks and background jobs all call these
//! functions. Each context has a `mod.rs` with the service functions (which own
//! transactions) and a `repo.rs` with the SQL (which runs inside the caller's executor).

pub mod accounts;
pub mod addresses;
pub mod audit;
pub mod cache;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod db;
pub mod error;
pub mod jobs;
pub mod keys;
pub mod locale;
pub mod mail;
pub mod media;
pub mod money;
pub mod orders;
pub mod payments;
pub mod reports;
pub mod shop;

// E-mails are written in the recipient's language from `locales/mail` (the UI's strings,
// in `locales/ui`, stay out of the server-only crate and the mail text out of the wasm).
rust_i18n::i18n!("../locales/mail", fallback = "en");

pub use error::{DomainError, DomainResult, Thing};
pub use types::{Arg, Message};
