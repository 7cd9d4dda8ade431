//! Amounts as shoppers read them in their language, following CLDR: `$1,234.56` in
//! English, `R$ 1.234,56` in Brazilian Portuguese, `1234,56 €` in Spanish, `¥1,234.56` for
//! yuan in Chinese.
//!
//! It works on the amount's decimal text, already rounded to its currency's minor units
//! (`domain::money::format` rounds, then calls this), so the browser can write the amounts
//! a message carries without the server's decimal arithmetic.
//!
//! The separator between symbol and number is a no-break space (U+00A0), as CLDR has
//! it, so a price never wraps across lines.

pub const NBSP: char = '\u{a0}';

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

/// CLDR's symbol for the currency `code` in `locale`: each language marks foreign
/// dollars, yen and yuan so they are not mistaken for its own. A currency this table
/// does not cover is written with the symbol the shop set for it (`shop`), else its code.
fn symbol<'a>(locale: &str, code: &'a str, shop: Option<&'a str>) -> &'a str {
    match (locale, code) {
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
        (_, "GBP" | "JPY" | "CNY" | "BRL") => code,
        _ => shop.unwrap_or(code),
    }
}

/// Writes `amount` (decimal text such as `-1234.50`, already rounded) in currency `code`
/// (whose symbol the shop may have set: `shop_symbol`) for a reader of `locale`.
/// Unknown locales use English conventions.
pub fn format(amount: &str, code: &str, shop_symbol: Option<&str>, locale: &str) -> String {
    let locale = match locale {
        "pt-BR" | "es" | "zh-CN" => locale,
        _ => "en",
    };
    let style = style(locale);
    let amount = amount.trim();
    let (negative, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount.strip_prefix('+').unwrap_or(amount)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut number = group(whole, style.group, style.min_grouping);
    if !fraction.is_empty() {
        number.push(style.decimal);
        number.push_str(fraction);
    }
    let symbol = symbol(locale, code, shop_symbol);
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
    let zero = digits.chars().all(|c| c == '0' || c == '.');
    if negative && !zero {
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

    #[test]
    fn decimal_text_in_each_language() {
        let f = |amount, code, locale| format(amount, code, None, locale).replace(NBSP, " ");
        assert_eq!(f("1234.56", "USD", "en"), "$1,234.56");
        assert_eq!(f("1234.56", "BRL", "pt-BR"), "R$ 1.234,56");
        assert_eq!(f("1234.56", "EUR", "es"), "1234,56 €");
        assert_eq!(f("1234", "JPY", "zh-CN"), "JP¥1,234");
        assert_eq!(f("-7.00", "EUR", "es"), "-7,00 €");
        assert_eq!(f("-0.00", "USD", "en"), "$0.00");
        assert_eq!(f("10.00", "MXN", "es"), "10,00 MXN");
    }

    #[test]
    fn a_currency_outside_the_table_takes_the_shops_symbol() {
        let mxn = |locale| format("1234.50", "MXN", Some("MX$"), locale).replace(NBSP, " ");
        assert_eq!(mxn("en"), "MX$1,234.50");
        assert_eq!(mxn("es"), "1234,50 MX$");
        // The table's own symbols win over a shop's.
        assert_eq!(format("5.00", "USD", Some("X"), "en"), "$5.00");
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
