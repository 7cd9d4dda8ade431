//! Prices as shoppers read them in their language, following CLDR: `$1,234.56` in
//! English, `R$ 1.234,56` in Brazilian Portuguese, `1234,56 €` in Spanish, `¥1,234.56` for
//! yuan in Chinese, and no decimals for the yen anywhere.
//!
//! The separator between symbol and number is a no-break space (U+00A0), as CLDR has
//! it, so a price never wraps across lines.

use std::borrow::Cow;

use super::{Currency, Money};

const NBSP: char = '\u{a0}';

/// How a language writes a currency amount.
struct Style {
    decimal: char,
    group: char,
    /// CLDR's minimumGroupingDigits: Spanish leaves four-digit numbers ungrouped.
    min_grouping: usize,
    symbol_first: bool,
    /// A no-break space between symbol and number.
    spaced: bool,
}

fn style(locale: &str) -> Style {
    match locale {
        "pt-BR" => Style {
            decimal: ',',
            group: '.',
            min_grouping: 1,
            symbol_first: true,
            spaced: true,
        },
        "es" => Style {
            decimal: ',',
            group: '.',
            min_grouping: 2,
            symbol_first: false,
            spaced: true,
        },
        // English and Chinese share the pattern ¤#,##0.00.
        _ => Style {
            decimal: '.',
            group: ',',
            min_grouping: 1,
            symbol_first: true,
            spaced: false,
        },
    }
}

/// CLDR's symbol for `currency` in `locale`: each language marks foreign dollars, yen
/// and yuan so they are not mistaken for its own. A currency CLDR's table here does not
/// cover is written with the symbol the shop set for it, else its code.
fn symbol(locale: &str, currency: Currency) -> Cow<'static, str> {
    let cldr = match (locale, currency.code()) {
        (_, "EUR") => "€",
        (_, "BRL") if locale != "es" => "R$",
        ("en", "USD") => "$",
        ("en", "GBP") | ("pt-BR", "GBP") | ("zh-CN", "GBP") => "£",
        ("en", "JPY") => "¥",
        ("en", "CNY") | ("pt-BR", "CNY") => "CN¥",
        ("zh-CN", "CNY") => "¥",
        ("pt-BR", "JPY") | ("zh-CN", "JPY") => "JP¥",
        (_, "USD") => "US$",
        // Spanish writes the less common built-in currencies by code.
        (_, "GBP" | "JPY" | "CNY" | "BRL") => return Cow::Owned(currency.code().to_string()),
        _ => match currency.symbol() {
            Some(symbol) => symbol,
            None => return Cow::Owned(currency.code().to_string()),
        },
    };
    Cow::Borrowed(cldr)
}

/// Formats `money`, rounded to its currency's minor units, for a shopper reading
/// `locale`. Unknown locales use English conventions.
pub fn format(money: Money, locale: &str) -> String {
    let locale = match locale {
        "pt-BR" | "es" | "zh-CN" => locale,
        _ => "en",
    };
    let money = money.rounded();
    let style = style(locale);
    let digits = money.amount.abs().to_string();
    let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
    let mut number = group(whole, style.group, style.min_grouping);
    if !fraction.is_empty() {
        number.push(style.decimal);
        number.push_str(fraction);
    }
    let symbol = symbol(locale, money.currency);
    let space = if style.spaced {
        NBSP.to_string()
    } else {
        String::new()
    };
    let body = if style.symbol_first {
        format!("{symbol}{space}{number}")
    } else {
        format!("{number}{space}{symbol}")
    };
    if money.amount.is_sign_negative() && !money.amount.is_zero() {
        format!("-{body}")
    } else {
        body
    }
}

/// Inserts `separator` every three digits from the right, unless the number has fewer
/// than `min_grouping + 3` digits.
fn group(whole: &str, separator: char, min_grouping: usize) -> String {
    if whole.len() < 3 + min_grouping {
        return whole.to_string();
    }
    let mut out = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn f(amount: rust_decimal::Decimal, currency: Currency, locale: &str) -> String {
        format(Money::new(amount, currency), locale).replace(NBSP, " ")
    }

    #[test]
    fn english() {
        assert_eq!(f(dec!(1234.56), Currency::USD, "en"), "$1,234.56");
        assert_eq!(f(dec!(1234.5), Currency::JPY, "en"), "¥1,235");
        assert_eq!(f(dec!(0.5), Currency::GBP, "en"), "£0.50");
        assert_eq!(f(dec!(1234567.891), Currency::EUR, "en"), "€1,234,567.89");
        assert_eq!(f(dec!(99), Currency::CNY, "en"), "CN¥99.00");
    }

    #[test]
    fn brazilian_portuguese() {
        assert_eq!(f(dec!(1234.56), Currency::BRL, "pt-BR"), "R$ 1.234,56");
        assert_eq!(f(dec!(1234.56), Currency::USD, "pt-BR"), "US$ 1.234,56");
        assert_eq!(f(dec!(1234), Currency::JPY, "pt-BR"), "JP¥ 1.234");
        assert_eq!(f(dec!(5), Currency::BRL, "pt-BR"), "R$ 5,00");
    }

    #[test]
    fn spanish_puts_the_symbol_last_and_leaves_four_digits_ungrouped() {
        assert_eq!(f(dec!(1234.56), Currency::EUR, "es"), "1234,56 €");
        assert_eq!(f(dec!(12345.6), Currency::EUR, "es"), "12.345,60 €");
        assert_eq!(f(dec!(10), Currency::USD, "es"), "10,00 US$");
        assert_eq!(f(dec!(10), Currency::BRL, "es"), "10,00 BRL");
    }

    #[test]
    fn simplified_chinese() {
        assert_eq!(f(dec!(1234.56), Currency::CNY, "zh-CN"), "¥1,234.56");
        assert_eq!(f(dec!(1234.56), Currency::USD, "zh-CN"), "US$1,234.56");
        assert_eq!(f(dec!(1234), Currency::JPY, "zh-CN"), "JP¥1,234");
    }

    #[test]
    fn negatives_zero_and_unknown_locales() {
        assert_eq!(f(dec!(-1234.56), Currency::USD, "en"), "-$1,234.56");
        assert_eq!(f(dec!(-0.001), Currency::USD, "en"), "$0.00");
        assert_eq!(f(dec!(-7), Currency::EUR, "es"), "-7,00 €");
        assert_eq!(f(dec!(1234.56), Currency::USD, "fr"), "$1,234.56");
    }

    #[test]
    fn a_currency_the_shop_added_is_written_with_its_symbol_else_its_code() {
        let mxn = Currency::from_row("MXN", 2, Some("MX$")).unwrap();
        assert_eq!(f(dec!(1234.5), mxn, "en"), "MX$1,234.50");
        assert_eq!(f(dec!(1234.5), mxn, "pt-BR"), "MX$ 1.234,50");
        assert_eq!(f(dec!(1234.5), mxn, "es"), "1234,50 MX$");
        let chf = Currency::from_row("CHF", 2, None).unwrap();
        assert_eq!(f(dec!(10), chf, "en"), "CHF10.00");
    }

    #[test]
    fn the_space_does_not_break() {
        let formatted = format(Money::new(dec!(1), Currency::BRL), "pt-BR");
        assert!(formatted.contains(NBSP));
        assert!(!formatted.contains(' '));
    }

    #[test]
    fn grouping() {
        assert_eq!(group("1", ',', 1), "1");
        assert_eq!(group("123", ',', 1), "123");
        assert_eq!(group("1234", ',', 1), "1,234");
        assert_eq!(group("1234", '.', 2), "1234");
        assert_eq!(group("12345", '.', 2), "12.345");
        assert_eq!(group("1234567", ',', 1), "1,234,567");
    }
}
