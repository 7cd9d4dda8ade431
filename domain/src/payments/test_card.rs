//! The built-in test provider: works offline, so a demo shop (and the tests) can take
//! orders. It knows these card numbers (any expiry date and security code):
//!
//! | number              | what happens                                   |
//! |---------------------|------------------------------------------------|
//! | 4242 4242 4242 4242 | paid at once                                   |
//! | 4000 0027 6000 3184 | asks for an extra confirmation (like 3-D Secure) |
//! | 4000 0000 0000 0002 | declined                                       |
//! | 4000 0000 0000 9995 | declined: insufficient funds                   |
//!
//! Any other number is refused, with the list above pointed to.

use crate::{DomainError, DomainResult};

pub const SUCCEEDS: &str = "4242424242424242";
pub const NEEDS_CONFIRMATION: &str = "4000002760003184";
pub const DECLINED: &str = "4000000000000002";
pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CardOutcome {
    Approved { last4: String },
    NeedsConfirmation { last4: String },
}

fn refuse(message: &str) -> DomainError {
    DomainError::Validation {
        field: "card",
        message: message.into(),
    }
}

/// The Luhn check every card number passes.
pub fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Decides what the test bank says about a card number (spaces and dashes ignored).
/// Declines come back as errors on the `card` field, before anything is written.
pub fn authorize(number: &str) -> DomainResult<CardOutcome> {
    let digits: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.len() < 12
        || digits.len() > 19
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !luhn_ok(&digits)
    {
        return Err(refuse("payment.errors.card_number"));
    }
    let last4 = digits[digits.len() - 4..].to_string();
    match digits.as_str() {
        SUCCEEDS => Ok(CardOutcome::Approved { last4 }),
        NEEDS_CONFIRMATION => Ok(CardOutcome::NeedsConfirmation { last4 }),
        DECLINED => Err(refuse("payment.errors.declined")),
        INSUFFICIENT_FUNDS => Err(refuse("payment.errors.insufficient_funds")),
        _ => Err(refuse("payment.errors.test_cards_only")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_cards_do_what_they_say() {
        assert!(
            matches!(authorize("4242 4242 4242 4242"), Ok(CardOutcome::Approved { last4 }) if last4 == "4242")
        );
        assert!(matches!(
            authorize("4000-0027-6000-3184"),
            Ok(CardOutcome::NeedsConfirmation { .. })
        ));
        let message = |n: &str| match authorize(n) {
            Err(DomainError::Validation { message, .. }) => message,
            other => panic!("{other:?}"),
        };
        assert_eq!(message(DECLINED), "payment.errors.declined");
        assert_eq!(
            message(INSUFFICIENT_FUNDS),
            "payment.errors.insufficient_funds"
        );
        assert_eq!(message("4242 4242 4242 4241"), "payment.errors.card_number");
        assert_eq!(message("abcd"), "payment.errors.card_number");
        assert_eq!(
            message("5555555555554444"),
            "payment.errors.test_cards_only"
        );
    }

    #[test]
    fn every_documented_number_passes_luhn() {
        for n in [SUCCEEDS, NEEDS_CONFIRMATION, DECLINED, INSUFFICIENT_FUNDS] {
            assert!(luhn_ok(n), "{n}");
        }
    }
}
