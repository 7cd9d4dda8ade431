//! The currencies the shop can show and charge in.

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency the shop supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    Usd,
    Eur,
    Brl,
    Gbp,
    Jpy,
    Cny,
}

impl Currency {
    pub const ALL: [Currency; 6] = [
        Currency::Usd,
        Currency::Eur,
        Currency::Brl,
        Currency::Gbp,
        Currency::Jpy,
        Currency::Cny,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Brl => "BRL",
            Currency::Gbp => "GBP",
            Currency::Jpy => "JPY",
            Currency::Cny => "CNY",
        }
    }

    /// Digits after the decimal point in ordinary use (ISO 4217): the yen has none.
    pub fn minor_units(self) -> u32 {
        match self {
            Currency::Jpy => 0,
            _ => 2,
        }
    }

    /// Parses an ISO code, ignoring case (`brl` from a URL or cookie is fine).
    pub fn from_code(code: &str) -> Option<Currency> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for currency in Currency::ALL {
            assert_eq!(Currency::from_code(currency.code()), Some(currency));
        }
        assert_eq!(Currency::from_code("brl"), Some(Currency::Brl));
        assert_eq!(Currency::from_code("XYZ"), None);
        assert_eq!(Currency::from_code(""), None);
        assert_eq!(Currency::from_code("US"), None);
    }
}
