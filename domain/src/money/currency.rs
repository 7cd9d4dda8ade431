//! The currencies the shop can show and charge in.
//!
//! Which currencies a shop offers is data, not code: the `currencies` table holds each
//! one's ISO 4217 code, minor units, rate, whether it is on, and (for currencies the
//! built-in CLDR table does not know) its symbol. A [`Currency`] value is made from that
//! table ([`super::currencies`]), so a seventh currency is a row, not a release.

use std::collections::HashSet;
use std::sync::Mutex;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 4217 currency as the shop knows it: its code, the digits after the decimal
/// point in ordinary use, and the symbol the shop set for it (if any). Two values are the
/// same currency when their codes are the same.
#[derive(Clone, Copy, Debug)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
    symbol: Option<&'static str>,
}

impl Currency {
    pub const USD: Currency = Currency::built_in(*b"USD", 2);
    pub const EUR: Currency = Currency::built_in(*b"EUR", 2);
    pub const BRL: Currency = Currency::built_in(*b"BRL", 2);
    pub const GBP: Currency = Currency::built_in(*b"GBP", 2);
    pub const JPY: Currency = Currency::built_in(*b"JPY", 0);
    pub const CNY: Currency = Currency::built_in(*b"CNY", 2);

    /// The currencies a new shop starts with (the first migration's rows); tests and
    /// properties range over them. What a shop offers comes from its database.
    pub const BUILT_IN: [Currency; 6] = [
        Currency::USD,
        Currency::EUR,
        Currency::BRL,
        Currency::GBP,
        Currency::JPY,
        Currency::CNY,
    ];

    const fn built_in(code: [u8; 3], minor_units: u8) -> Currency {
        Currency {
            code,
            minor_units,
            symbol: None,
        }
    }

    /// A currency from its table row: an upper-case three-letter code, 0 to 4 minor
    /// units (the table's checks), and the shop's symbol for it if it set one.
    pub fn from_row(code: &str, minor_units: i16, symbol: Option<&str>) -> Option<Currency> {
        let code: [u8; 3] = code.trim().as_bytes().try_into().ok()?;
        if !code.iter().all(u8::is_ascii_uppercase) || !(0..=4).contains(&minor_units) {
            return None;
        }
        Some(Currency {
            code,
            minor_units: minor_units as u8,
            symbol: symbol.map(str::trim).filter(|s| !s.is_empty()).map(intern),
        })
    }

    pub fn code(&self) -> &str {
        // Only ASCII upper-case letters are ever stored (see `from_row`).
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Digits after the decimal point in ordinary use (ISO 4217): the yen has none.
    pub fn minor_units(self) -> u32 {
        u32::from(self.minor_units)
    }

    /// The symbol the shop set for this currency, if any (CLDR's symbols for the
    /// built-in currencies are in `format`).
    pub fn symbol(self) -> Option<&'static str> {
        self.symbol
    }

    /// Whether `code` names this currency, ignoring case (`brl` from a URL is fine).
    pub fn is(&self, code: &str) -> bool {
        self.code().eq_ignore_ascii_case(code.trim())
    }
}

/// Symbols live as long as the process: a shop has a handful, each kept once however
/// often the table is read again.
fn intern(symbol: &str) -> &'static str {
    static SYMBOLS: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut symbols = SYMBOLS.lock().unwrap_or_else(|e| e.into_inner());
    let symbols = symbols.get_or_insert_with(HashSet::new);
    if let Some(kept) = symbols.get(symbol) {
        return kept;
    }
    let kept: &'static str = Box::leak(symbol.to_owned().into_boxed_str());
    symbols.insert(kept);
    kept
}

impl PartialEq for Currency {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Eq for Currency {}

impl std::hash::Hash for Currency {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.code.hash(state);
    }
}

impl PartialOrd for Currency {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Currency {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code.cmp(&other.code)
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Written as its row: `{"code":"USD","minor_units":2}` (and the symbol when set), so a
/// value read back needs no table.
#[derive(Serialize, Deserialize)]
struct Row {
    code: String,
    minor_units: i16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    symbol: Option<String>,
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Row {
            code: self.code().to_string(),
            minor_units: self.minor_units as i16,
            symbol: self.symbol.map(str::to_string),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let row = Row::deserialize(deserializer)?;
        Currency::from_row(&row.code, row.minor_units, row.symbol.as_deref())
            .ok_or_else(|| serde::de::Error::custom("not a currency"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_make_currencies_and_bad_rows_are_refused() {
        let mxn = Currency::from_row("MXN", 2, Some("MX$")).unwrap();
        assert_eq!(mxn.code(), "MXN");
        assert_eq!(mxn.minor_units(), 2);
        assert_eq!(mxn.symbol(), Some("MX$"));
        assert_eq!(Currency::from_row("USD", 2, None), Some(Currency::USD));
        assert!(Currency::from_row("usd", 2, None).is_none());
        assert!(Currency::from_row("US", 2, None).is_none());
        assert!(Currency::from_row("USDX", 2, None).is_none());
        assert!(Currency::from_row("USD", 5, None).is_none());
        assert!(Currency::from_row("USD", -1, None).is_none());
    }

    #[test]
    fn a_currency_is_its_code() {
        let set = Currency::from_row("USD", 2, Some("US$")).unwrap();
        assert_eq!(set, Currency::USD);
        assert!(Currency::JPY.is("jpy"));
        assert!(!Currency::JPY.is("JP"));
    }

    #[test]
    fn json_round_trip() {
        let mxn = Currency::from_row("MXN", 2, Some("MX$")).unwrap();
        let json = serde_json::to_string(&mxn).unwrap();
        assert_eq!(json, r#"{"code":"MXN","minor_units":2,"symbol":"MX$"}"#);
        let back: Currency = serde_json::from_str(&json).unwrap();
        assert_eq!(back.symbol(), Some("MX$"));
        assert_eq!(back.minor_units(), 2);
        assert!(serde_json::from_str::<Currency>(r#"{"code":"x","minor_units":2}"#).is_err());
    }
}
