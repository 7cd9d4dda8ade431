//! Prices as shoppers read them in their language, following CLDR: `$1,234.56` in
//! English, `R$ 1.234,56` in Brazilian Portuguese, `1234,56 €` in Spanish, `¥1,234.56` for
//! yuan in Chinese, and no decimals for the yen anywhere.
//!
//! The writing rules live in `types::money_text`, which the browser shares (money in a
//! message is written there); this rounds first, as only the server can.

use super::Money;

/// Formats `money`, rounded to its currency's minor units, for a shopper reading
/// `locale`. Unknown locales use English conventions.
pub fn format(money: Money, locale: &str) -> String {
    let money = money.rounded();
    types::money_text::format(
        &money.amount.to_string(),
        money.currency.code(),
        money.currency.symbol(),
        locale,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use rust_decimal_macros::dec;
    use types::money_text::NBSP;

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
}
