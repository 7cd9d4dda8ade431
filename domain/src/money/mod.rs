//! Money: an amount in `Decimal` with its currency, never a float.
//!
//! Amounts are rounded only at defined points, to the currency's minor units, with one
//! rule everywhere: half away from zero (1.005 USD → 1.01, 0.5 JPY → 1), the rule
//! shoppers expect from a till.

pub mod currencies;
mod currency;
mod format;

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

pub use currencies::{Currencies, ShopCurrency};
pub use currency::Currency;
pub use format::format;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Rounded to the currency's minor units (2 for USD, 0 for JPY).
    pub fn rounded(self) -> Money {
        Money {
            amount: round(self.amount, self.currency),
            currency: self.currency,
        }
    }

    /// This amount in `to`, at `rate` units of `to` per unit of `self.currency`, rounded
    /// to `to`'s minor units.
    pub fn convert(self, to: Currency, rate: Decimal) -> Money {
        Money::new(self.amount * rate, to).rounded()
    }
}

impl fmt::Display for Money {
    /// Locale-neutral, for logs: `1234.50 USD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency.code())
    }
}

/// A message value: the amount rounded to its currency's minor units, written in the
/// reader's language where the message is shown.
impl From<Money> for crate::Arg {
    fn from(money: Money) -> crate::Arg {
        let money = money.rounded();
        crate::Arg::Money {
            amount: money.amount.to_string(),
            currency: money.currency.code().to_string(),
            // For currencies outside CLDR's table (see `format`).
            symbol: money.currency.symbol().map(Into::into),
        }
    }
}

/// Rounds half away from zero to the currency's minor units.
pub fn round(amount: Decimal, currency: Currency) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(
        currency.minor_units(),
        RoundingStrategy::MidpointAwayFromZero,
    );
    // Keep a fixed scale so 10 USD prints as 10.00 and compares by value anyway.
    rounded.rescale(currency.minor_units());
    rounded
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounding_is_half_away_from_zero_to_minor_units() {
        assert_eq!(round(dec!(1.005), Currency::USD), dec!(1.01));
        assert_eq!(round(dec!(1.004), Currency::USD), dec!(1.00));
        assert_eq!(round(dec!(-1.005), Currency::USD), dec!(-1.01));
        assert_eq!(round(dec!(0.5), Currency::JPY), dec!(1));
        assert_eq!(round(dec!(1234.4999), Currency::JPY), dec!(1234));
        assert_eq!(round(dec!(10), Currency::EUR).to_string(), "10.00");
    }

    #[test]
    fn conversion_rounds_in_the_target_currency() {
        let price = Money::new(dec!(19.99), Currency::USD);
        assert_eq!(
            price.convert(Currency::BRL, dec!(5.4321)),
            Money::new(dec!(108.59), Currency::BRL)
        );
        assert_eq!(
            price.convert(Currency::JPY, dec!(151.237)),
            Money::new(dec!(3023), Currency::JPY)
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn amount() -> impl Strategy<Value = Decimal> {
            // Up to 10^12 with up to 6 decimals: any price or rate product we could meet.
            (-1_000_000_000_000_000_000i128..1_000_000_000_000_000_000i128)
                .prop_map(|units| Decimal::from_i128_with_scale(units, 6))
        }

        fn currency() -> impl Strategy<Value = Currency> {
            proptest::sample::select(Currency::BUILT_IN.to_vec())
        }

        proptest! {
            #[test]
            fn rounding_moves_at_most_half_a_minor_unit(x in amount(), c in currency()) {
                let half = Decimal::new(5, c.minor_units() + 1);
                prop_assert!((round(x, c) - x).abs() <= half);
            }

            #[test]
            fn rounded_amounts_have_the_currency_scale(x in amount(), c in currency()) {
                prop_assert_eq!(round(x, c).scale(), c.minor_units());
            }

            #[test]
            fn rounding_is_idempotent(x in amount(), c in currency()) {
                prop_assert_eq!(round(round(x, c), c), round(x, c));
            }

            #[test]
            fn rounding_is_symmetric_around_zero(x in amount(), c in currency()) {
                prop_assert_eq!(round(-x, c), -round(x, c));
            }

            #[test]
            fn rounding_keeps_order(a in amount(), b in amount(), c in currency()) {
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                prop_assert!(round(lo, c) <= round(hi, c));
            }
        }
    }
}
