//! Boleto bancário: the 44-digit barcode and the 47-digit "linha digitável" a shopper
//! types into a banking app, with FEBRABAN's check digits.
//!
//! Barcode: bank (3) · currency 9 (1) · check digit (1) · due-date factor (4) ·
//! amount in centavos (10) · "campo livre" (25, the bank's own layout).
//! Here the campo livre follows Banco do Brasil's layout for 7-digit agreements
//! ("convênio"): six zeros · convênio (7) · nosso número (10) · carteira (2).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

#[derive(Clone, Debug)]
pub struct BoletoCharge<'a> {
    /// The bank's compensation code: 001 for Banco do Brasil.
    pub bank: &'a str,
    /// The shop's agreement with the bank, 7 digits.
    pub agreement: &'a str,
    /// This boleto's own number, up to 10 digits.
    pub our_number: u64,
    pub wallet: &'a str,
    pub amount: Decimal,
    pub due: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Boleto {
    pub barcode: String,
    /// Grouped as printed: `00190.00009 01234.567004 00000.001172 1 77550000010000`.
    pub digitable_line: String,
}

/// Days since 1997-10-07; after factor 9999 (2025-02-21) the count starts again at 1000.
pub fn due_factor(due: NaiveDate) -> Option<u32> {
    let base = NaiveDate::from_ymd_opt(1997, 10, 7)?;
    let days = u32::try_from((due - base).num_days()).ok()?;
    match days {
        1000..=9999 => Some(days),
        d if d > 9999 => Some((d - 10_000) % 9000 + 1000),
        _ => None,
    }
}

/// FEBRABAN module 10 (weights 2, 1, 2, … from the right; two-digit products add their
/// digits).
pub fn module10(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let product = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            product / 10 + product % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

/// FEBRABAN module 11 for the barcode (weights 2 to 9 from the right, repeating); a
/// result of 0, 10 or 11 is written 1.
pub fn module11(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (2 + (i as u32 % 8)))
        .sum();
    match 11 - sum % 11 {
        0 | 10 | 11 => 1,
        d => d,
    }
}

/// The barcode and digitable line for a charge, or `None` when it cannot have one (a
/// due date outside the factor's range, an amount past 99,999,999.99).
pub fn issue(charge: &BoletoCharge<'_>) -> Option<Boleto> {
    let factor = due_factor(charge.due)?;
    let cents = (charge.amount.round_dp(2) * Decimal::ONE_HUNDRED).to_u64()?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if cents > 9_999_999_999
        || !digits(charge.bank, 3)
        || !digits(charge.agreement, 7)
        || !digits(charge.wallet, 2)
        || charge.our_number > 9_999_999_999
    {
        return None;
    }
    let free = format!(
        "000000{}{:010}{}",
        charge.agreement, charge.our_number, charge.wallet
    );
    let without_dv = format!("{}9{factor:04}{cents:010}{free}", charge.bank);
    let dv = module11(&without_dv);
    let barcode = format!("{}{dv}{}", &without_dv[..4], &without_dv[4..]);
    Some(Boleto {
        digitable_line: digitable_line(&barcode),
        barcode,
    })
}

/// The digitable line of a 44-digit barcode.
pub fn digitable_line(barcode: &str) -> String {
    let b = barcode;
    let field1 = format!("{}{}", &b[0..4], &b[19..24]);
    let field2 = &b[24..34];
    let field3 = &b[34..44];
    let with_dv = |f: &str| format!("{f}{}", module10(f));
    let (f1, f2, f3) = (with_dv(&field1), with_dv(field2), with_dv(field3));
    format!(
        "{}.{} {}.{} {}.{} {} {}",
        &f1[..5],
        &f1[5..],
        &f2[..5],
        &f2[5..],
        &f3[..5],
        &f3[5..],
        &b[4..5],
        &b[5..19]
    )
}

/// Checks every check digit of a digitable line (spaces and dots ignored), as a bank's
/// app would before accepting it.
pub fn line_is_valid(line: &str) -> bool {
    let d: String = line.chars().filter(|c| c.is_ascii_digit()).collect();
    if d.len() != 47
        || line
            .chars()
            .any(|c| !(c.is_ascii_digit() || c == '.' || c == ' '))
    {
        return false;
    }
    let field_ok = |f: &str| module10(&f[..f.len() - 1]).to_string() == f[f.len() - 1..];
    if !(field_ok(&d[0..10]) && field_ok(&d[10..21]) && field_ok(&d[21..32])) {
        return false;
    }
    let barcode = format!(
        "{}{}{}{}{}",
        &d[0..4],
        &d[32..33],
        &d[33..47],
        &d[4..9],
        &d[10..20]
    );
    let barcode = format!("{barcode}{}", &d[21..31]);
    let without_dv = format!("{}{}", &barcode[..4], &barcode[5..]);
    module11(&without_dv).to_string() == barcode[4..5]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn due_factors_match_febrabans_table() {
        assert_eq!(due_factor(date(2000, 7, 3)), Some(1000));
        assert_eq!(due_factor(date(2000, 7, 5)), Some(1002));
        assert_eq!(due_factor(date(2002, 5, 1)), Some(1667));
        assert_eq!(due_factor(date(2010, 11, 17)), Some(4789));
        assert_eq!(due_factor(date(2025, 2, 21)), Some(9999));
        // The count starts again at 1000 the next day.
        assert_eq!(due_factor(date(2025, 2, 22)), Some(1000));
        assert_eq!(due_factor(date(1999, 1, 1)), None);
    }

    #[test]
    fn check_digit_modules() {
        // Module 11 of 5555555555: 245 mod 11 = 3, 11 − 3 = 8.
        assert_eq!(module11("5555555555"), 8);
        // A sum that is a multiple of 11 gives 11, written 1.
        assert_eq!(module11("0"), 1);
        // Banco do Brasil's first field "00190.00009": 9·1 + 1·2 = 11, 10 − 1 = 9.
        assert_eq!(module10("001900000"), 9);
        assert_eq!(module10("0"), 0);
    }

    #[test]
    fn a_boleto_has_valid_check_digits_and_carries_amount_and_due_date() {
        let boleto = issue(&BoletoCharge {
            bank: "001",
            agreement: "1234567",
            our_number: 1001,
            wallet: "17",
            amount: dec!(189.90),
            due: date(2026, 11, 25),
        })
        .unwrap();
        assert_eq!(boleto.barcode.len(), 44);
        assert!(boleto.barcode.starts_with("0019"));
        let factor = due_factor(date(2026, 11, 25)).unwrap();
        assert_eq!(&boleto.barcode[5..9], format!("{factor:04}"));
        assert_eq!(&boleto.barcode[9..19], "0000018990");
        assert_eq!(&boleto.barcode[19..44], "0000001234567000000100117");
        assert!(line_is_valid(&boleto.digitable_line));
        assert_eq!(boleto.digitable_line.len(), 54);
        // Any one digit typed wrong is caught.
        let mut wrong: Vec<char> = boleto.digitable_line.chars().collect();
        for at in [3usize, 14, 27, 38, 52] {
            let saved = wrong[at];
            wrong[at] = if saved == '9' {
                '0'
            } else {
                ((saved as u8) + 1) as char
            };
            assert!(
                !line_is_valid(&wrong.iter().collect::<String>()),
                "digit {at}"
            );
            wrong[at] = saved;
        }
    }

    #[test]
    fn impossible_charges_get_no_boleto() {
        let charge = BoletoCharge {
            bank: "001",
            agreement: "1234567",
            our_number: 1,
            wallet: "17",
            amount: dec!(100_000_000),
            due: date(2026, 11, 25),
        };
        assert!(issue(&charge).is_none());
        assert!(
            issue(&BoletoCharge {
                agreement: "12",
                amount: dec!(1),
                ..charge
            })
            .is_none()
        );
    }
}
