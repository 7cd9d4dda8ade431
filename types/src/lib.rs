//! Values both sides of the shop need, compiled into the server and into the wasm alike:
//! nothing here may depend on the database, the server or the browser.

pub mod message;
pub mod money_text;

pub use message::{Arg, Message};
