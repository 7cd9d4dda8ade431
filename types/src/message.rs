//! What the shop tells a shopper or staff member: a locale key and typed values, turned
//! into text only where it is shown, in that page's language.
//!
//! A message crosses from the domain to the browser as JSON (in a server function's
//! error, and in a failed form's address), never as text to be parsed back: a value is
//! shown exactly as it was given, whatever characters it holds (a product named `A|B=C`
//! or `%{count}`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A locale key (`cart.errors.only_left`) and the values its text puts in its
/// `%{name}` places (`count`). Built with [`Message::new`] and [`Message::with`]:
/// `Message::new("cart.errors.only_left").with("count", 3)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub key: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

/// One value of a message, typed so each is written the reader's way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    /// Text shown exactly as it is (a product's name, a coupon code).
    Text(String),
    /// A whole number (a count, a limit).
    Int(i64),
    /// An amount in a currency: the decimal text, already rounded to the currency's
    /// minor units (`20.00`), the ISO code (`USD`) and the symbol the shop set for a
    /// currency CLDR's table does not cover; written in the reader's language (`$20.00`,
    /// `US$ 20,00`).
    Money {
        amount: String,
        currency: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        symbol: Option<String>,
    },
    /// An order status by its code (`paid`), shown by its name (`order.status.paid`).
    Status(String),
    /// A payment method by its code (`pix`), shown by its name (`payment.method.pix`).
    Method(String),
}

impl Message {
    pub fn new(key: impl Into<String>) -> Message {
        Message {
            key: key.into(),
            args: BTreeMap::new(),
        }
    }

    /// The message with one more value, for the text's `%{name}` place.
    pub fn with(mut self, name: &str, value: impl Into<Arg>) -> Message {
        self.args.insert(name.to_string(), value.into());
        self
    }

    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.get(name)
    }

    /// The message as a reader of `locale` reads it: `translate` gives the text of a
    /// key in that language, whose `%{name}` places get the values, each written once
    /// (a value is never searched for places of its own). A place without a value stays
    /// as it is.
    pub fn render(&self, locale: &str, translate: impl Fn(&str) -> String) -> String {
        let text = translate(&self.key);
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(start) = rest.find("%{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find('}') {
                Some(end) => {
                    let name = &after[..end];
                    match self.args.get(name) {
                        Some(arg) => out.push_str(&arg.render(locale, &translate)),
                        None => out.push_str(&rest[start..start + 2 + end + 1]),
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

impl Arg {
    pub fn text(value: impl Into<String>) -> Arg {
        Arg::Text(value.into())
    }

    pub fn status(code: impl Into<String>) -> Arg {
        Arg::Status(code.into())
    }

    pub fn method(code: impl Into<String>) -> Arg {
        Arg::Method(code.into())
    }

    /// The value as a reader of `locale` reads it.
    pub fn render(&self, locale: &str, translate: impl Fn(&str) -> String) -> String {
        match self {
            Arg::Text(text) => text.clone(),
            Arg::Int(n) => n.to_string(),
            Arg::Money {
                amount,
                currency,
                symbol,
            } => crate::money_text::format(amount, currency, symbol.as_deref(), locale),
            Arg::Status(code) => translate(&format!("order.status.{code}")),
            Arg::Method(code) => translate(&format!("payment.method.{code}")),
        }
    }
}

/// A message without values: `"cart.errors.sold_out".into()`.
impl From<&str> for Message {
    fn from(key: &str) -> Message {
        Message::new(key)
    }
}

impl From<String> for Message {
    fn from(key: String) -> Message {
        Message::new(key)
    }
}

/// True for a message with this key and no values (so tests read
/// `assert_eq!(message, "coupon.errors.unknown")`).
impl PartialEq<&str> for Message {
    fn eq(&self, key: &&str) -> bool {
        self.args.is_empty() && self.key == *key
    }
}

impl PartialEq<str> for Message {
    fn eq(&self, key: &str) -> bool {
        self.args.is_empty() && self.key == key
    }
}

/// For logs: the key and its values (`cart.errors.only_left {count: 3}`).
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)?;
        if !self.args.is_empty() {
            write!(f, " {:?}", self.args)?;
        }
        Ok(())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Text(text)
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Arg {
        Arg::Text(text.to_string())
    }
}

impl From<&String> for Arg {
    fn from(text: &String) -> Arg {
        Arg::Text(text.clone())
    }
}

macro_rules! int_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Int(i64::from(n))
            }
        }
    )*};
}
int_args!(i16, i32, i64, u8, u16, u32);

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english(key: &str) -> String {
        match key {
            "cart.notices.sold_out" => "%{name} sold out and was taken out of your cart.",
            "order.errors.transition" => "This order cannot go from %{from} to %{to}.",
            "order.status.paid" => "Paid",
            "order.status.pending" => "Awaiting payment",
            "coupon.errors.minimum" => "This code needs a subtotal of at least %{amount}.",
            other => other,
        }
        .to_string()
    }

    #[test]
    fn json_round_trip_keeps_every_kind_of_value() {
        let message = Message::new("checkout.errors.sold_out")
            .with("name", "A|B=C")
            .with("count", 3)
            .with(
                "total",
                Arg::Money {
                    amount: "20.00".into(),
                    currency: "USD".into(),
                    symbol: None,
                },
            )
            .with("from", Arg::status("paid"))
            .with("method", Arg::method("pix"));
        let json = serde_json::to_string(&message).unwrap();
        let back: Message = serde_json::from_str(&json).unwrap();
        assert_eq!(back, message);
        assert_eq!(back.arg("name"), Some(&Arg::Text("A|B=C".into())));
    }

    #[test]
    fn statuses_and_payment_methods_are_shown_by_their_names() {
        let message = Message::new("order.why.paid")
            .with("method", Arg::method("pix"))
            .with("status", Arg::status("paid"));
        let names = |key: &str| match key {
            "order.why.paid" => "Paid by %{method} (%{status})".to_string(),
            "payment.method.pix" => "PIX".to_string(),
            "order.status.paid" => "Paid".to_string(),
            other => other.to_string(),
        };
        assert_eq!(message.render("en", names), "Paid by PIX (Paid)");
    }

    #[test]
    fn json_is_keyed_by_value_name() {
        let json =
            serde_json::to_value(Message::new("cart.errors.only_left").with("count", 3)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"key": "cart.errors.only_left", "args": {"count": {"int": 3}}})
        );
        let plain = serde_json::to_string(&Message::new("cart.errors.sold_out")).unwrap();
        assert_eq!(plain, r#"{"key":"cart.errors.sold_out"}"#);
    }

    #[test]
    fn values_are_shown_exactly_as_given() {
        let message = Message::new("cart.notices.sold_out").with("name", "A|B=C %{name}");
        assert_eq!(
            message.render("en", english),
            "A|B=C %{name} sold out and was taken out of your cart."
        );
    }

    #[test]
    fn statuses_are_named_and_money_is_written_in_the_language() {
        let moved = Message::new("order.errors.transition")
            .with("from", Arg::status("paid"))
            .with("to", Arg::status("pending"));
        assert_eq!(
            moved.render("en", english),
            "This order cannot go from Paid to Awaiting payment."
        );
        let minimum = Message::new("coupon.errors.minimum").with(
            "amount",
            Arg::Money {
                amount: "1234.50".into(),
                currency: "BRL".into(),
                symbol: None,
            },
        );
        assert_eq!(
            minimum.render("pt-BR", english),
            "This code needs a subtotal of at least R$\u{a0}1.234,50."
        );
    }

    #[test]
    fn a_place_without_a_value_stays() {
        let message = Message::new("cart.notices.sold_out");
        assert_eq!(
            message.render("en", english),
            "%{name} sold out and was taken out of your cart."
        );
    }
}
