//! An order's totals, and the one rounding rule that makes its parts add up.
//!
//! Every amount is in the presentment currency (what the shopper sees and pays) and is
//! rounded, half away from zero, to that currency's minor units (0.01 USD, 1 JPY) at
//! these points and nowhere else:
//!
//! 1. A unit price is rounded when it is converted from the base currency (or is the
//!    variant's fixed price there). A line total is unit price × quantity: exact.
//! 2. The subtotal is the sum of the line totals: exact.
//! 3. The discount is rounded once on the subtotal (a percentage), or is the coupon's
//!    converted amount capped at the subtotal. It is then shared among the lines in
//!    proportion to their totals, in whole minor units, the leftover units going to the
//!    lines with the largest remainders: the shares always sum to the discount.
//! 4. Shipping is rounded when converted.
//! 5. Tax is rounded per line, on the line's total after its share of the discount, and
//!    once on the shipping when the rate taxes shipping; the order's tax is their sum.
//!    With prices entered tax-inclusive the tax is the part already inside the price
//!    (net × rate / (1 + rate)); otherwise it is added (net × rate).
//! 6. total = subtotal − discount + shipping (+ tax when prices exclude it): a sum of
//!    rounded parts, so the parts on the receipt always add up to the total.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::money::{Currency, round};

/// A line as priced: unit price already in the presentment currency's minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineInput {
    pub unit_price: Decimal,
    pub quantity: u32,
}

/// A coupon's effect, before it meets the subtotal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Discount {
    None,
    /// Percent off the subtotal (10 = 10 %).
    Percent(Decimal),
    /// An amount off, already converted to the presentment currency.
    Fixed(Decimal),
}

/// The tax rule for the shipping address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaxRule {
    /// 0.23 for 23 %.
    pub rate: Decimal,
    pub taxes_shipping: bool,
    /// Prices were entered with tax inside them.
    pub included: bool,
}

impl TaxRule {
    pub const NONE: TaxRule = TaxRule {
        rate: Decimal::ZERO,
        taxes_shipping: false,
        included: false,
    };
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineTotals {
    pub line_total: Decimal,
    pub discount: Decimal,
    pub tax: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    pub currency: Currency,
    pub lines: Vec<LineTotals>,
    pub subtotal: Decimal,
    pub discount: Decimal,
    pub shipping: Decimal,
    pub shipping_tax: Decimal,
    /// All tax: the lines' and the shipping's.
    pub tax: Decimal,
    pub tax_included: bool,
    pub total: Decimal,
}

/// Works out an order's totals by the rule above.
pub fn compute(
    currency: Currency,
    lines: &[LineInput],
    discount: Discount,
    shipping: Decimal,
    tax: TaxRule,
) -> Totals {
    let r = |amount: Decimal| round(amount, currency);
    let line_totals: Vec<Decimal> = lines
        .iter()
        .map(|l| r(l.unit_price * Decimal::from(l.quantity)))
        .collect();
    let subtotal = r(line_totals.iter().sum());
    let discount = match discount {
        Discount::None => r(Decimal::ZERO),
        Discount::Percent(percent) => {
            r(subtotal * percent.min(Decimal::ONE_HUNDRED) / Decimal::ONE_HUNDRED)
        }
        Discount::Fixed(amount) => r(amount).min(subtotal),
    }
    .max(r(Decimal::ZERO));
    let shares = share(discount, &line_totals, currency);
    let tax_on = |net: Decimal| {
        if tax.included {
            r(net * tax.rate / (Decimal::ONE + tax.rate))
        } else {
            r(net * tax.rate)
        }
    };
    let lines: Vec<LineTotals> = line_totals
        .iter()
        .zip(&shares)
        .map(|(&line_total, &discount)| LineTotals {
            line_total,
            discount,
            tax: tax_on(line_total - discount),
        })
        .collect();
    let shipping = r(shipping);
    let shipping_tax = if tax.taxes_shipping {
        tax_on(shipping)
    } else {
        r(Decimal::ZERO)
    };
    let tax_total = r(lines.iter().map(|l| l.tax).sum::<Decimal>() + shipping_tax);
    let added_tax = if tax.included {
        Decimal::ZERO
    } else {
        tax_total
    };
    Totals {
        currency,
        lines,
        subtotal,
        discount,
        shipping,
        shipping_tax,
        tax: tax_total,
        tax_included: tax.included,
        total: r(subtotal - discount + shipping + added_tax),
    }
}

/// Splits `amount` among lines in proportion to their totals, in whole minor units,
/// largest remainders first (ties to the earlier line), so the shares sum to `amount`.
fn share(amount: Decimal, line_totals: &[Decimal], currency: Currency) -> Vec<Decimal> {
    let zero = round(Decimal::ZERO, currency);
    let whole: Decimal = line_totals.iter().sum();
    if whole.is_zero() || amount.is_zero() {
        return vec![zero; line_totals.len()];
    }
    let unit = Decimal::new(1, currency.minor_units());
    let exact: Vec<Decimal> = line_totals.iter().map(|t| amount * *t / whole).collect();
    let mut shares: Vec<Decimal> = exact
        .iter()
        .map(|e| {
            let mut floor = (*e / unit).floor() * unit;
            floor.rescale(currency.minor_units());
            floor
        })
        .collect();
    let given: Decimal = shares.iter().sum();
    let mut left = ((amount - given) / unit).round().to_usize().unwrap_or(0);
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - shares[b])
            .cmp(&(exact[a] - shares[a]))
            .then(a.cmp(&b))
    });
    // Fewer units are left than there are lines, and a line below its exact share
    // always has room for one more: one pass gives them all out.
    for i in order {
        if left == 0 {
            break;
        }
        if shares[i] + unit <= line_totals[i] {
            shares[i] += unit;
            left -= 1;
        }
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn line(unit_price: Decimal, quantity: u32) -> LineInput {
        LineInput {
            unit_price,
            quantity,
        }
    }

    #[test]
    fn a_percentage_is_rounded_once_and_shared_by_remainders() {
        // 3 × 3.33 = 9.99 and 0.01: 10 % of 10.00 is 1.00, shared 0.999 → 1.00 and 0.001 → 0.
        let totals = compute(
            Currency::USD,
            &[line(dec!(3.33), 3), line(dec!(0.01), 1)],
            Discount::Percent(dec!(10)),
            dec!(0),
            TaxRule::NONE,
        );
        assert_eq!(totals.subtotal, dec!(10.00));
        assert_eq!(totals.discount, dec!(1.00));
        assert_eq!(totals.lines[0].discount, dec!(1.00));
        assert_eq!(totals.lines[1].discount, dec!(0.00));
        assert_eq!(totals.total, dec!(9.00));
    }

    #[test]
    fn tax_added_per_line_and_on_shipping() {
        // New York: 4 % on goods and shipping.
        let totals = compute(
            Currency::USD,
            &[line(dec!(19.99), 2), line(dec!(5.55), 1)],
            Discount::None,
            dec!(6.00),
            TaxRule {
                rate: dec!(0.04),
                taxes_shipping: true,
                included: false,
            },
        );
        // 39.98 × 0.04 = 1.5992 → 1.60; 5.55 × 0.04 = 0.222 → 0.22; 6 × 0.04 = 0.24.
        assert_eq!(totals.tax, dec!(2.06));
        assert_eq!(totals.total, dec!(45.53) + dec!(6.00) + dec!(2.06));
    }

    #[test]
    fn tax_inside_prices_does_not_change_the_total() {
        // Portugal, IVA 23 % included: 123.00 holds 23.00 of tax.
        let totals = compute(
            Currency::EUR,
            &[line(dec!(123.00), 1)],
            Discount::None,
            dec!(0),
            TaxRule {
                rate: dec!(0.23),
                taxes_shipping: true,
                included: true,
            },
        );
        assert_eq!(totals.tax, dec!(23.00));
        assert_eq!(totals.total, dec!(123.00));
    }

    #[test]
    fn yen_has_no_minor_units() {
        let totals = compute(
            Currency::JPY,
            &[line(dec!(3023), 1), line(dec!(151), 3)],
            Discount::Percent(dec!(15)),
            dec!(909),
            TaxRule {
                rate: dec!(0.10),
                taxes_shipping: true,
                included: false,
            },
        );
        // 15 % of 3476 = 521.4 → 521.
        assert_eq!(totals.discount, dec!(521));
        assert_eq!(totals.total.scale(), 0);
        assert_eq!(
            totals.total,
            totals.subtotal - totals.discount + totals.shipping + totals.tax
        );
    }

    #[test]
    fn a_fixed_discount_never_goes_past_the_subtotal() {
        let totals = compute(
            Currency::BRL,
            &[line(dec!(9.90), 1)],
            Discount::Fixed(dec!(50)),
            dec!(12.50),
            TaxRule::NONE,
        );
        assert_eq!(totals.discount, dec!(9.90));
        assert_eq!(totals.total, dec!(12.50));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn currency() -> impl Strategy<Value = Currency> {
            proptest::sample::select(Currency::BUILT_IN.to_vec())
        }

        fn case() -> impl Strategy<Value = (Currency, Vec<(i64, u32)>, Discount, i64, TaxRule)> {
            let discount = prop_oneof![
                Just(Discount::None),
                (0i64..=10_000).prop_map(|bp| Discount::Percent(Decimal::new(bp, 2))),
                (0i64..10_000_000).prop_map(|c| Discount::Fixed(Decimal::new(c, 3))),
            ];
            let tax = (0i64..30_000, any::<bool>(), any::<bool>()).prop_map(|(r, s, i)| TaxRule {
                rate: Decimal::new(r, 5),
                taxes_shipping: s,
                included: i,
            });
            (
                currency(),
                proptest::collection::vec((0i64..5_000_000, 1u32..=999), 1..8),
                discount,
                0i64..1_000_000,
                tax,
            )
        }

        proptest! {
            #[test]
            fn the_parts_always_add_up_to_the_total((c, raw, discount, ship, tax) in case()) {
                let minor = c.minor_units();
                let lines: Vec<LineInput> = raw
                    .iter()
                    .map(|(units, q)| line(Decimal::new(*units, minor), *q))
                    .collect();
                let t = compute(c, &lines, discount, Decimal::new(ship, minor), tax);
                let added = if tax.included { Decimal::ZERO } else { t.tax };
                prop_assert_eq!(t.total, t.subtotal - t.discount + t.shipping + added);
                prop_assert_eq!(t.lines.iter().map(|l| l.line_total).sum::<Decimal>(), t.subtotal);
                prop_assert_eq!(t.lines.iter().map(|l| l.discount).sum::<Decimal>(), t.discount);
                prop_assert_eq!(t.lines.iter().map(|l| l.tax).sum::<Decimal>() + t.shipping_tax, t.tax);
                for amount in [t.subtotal, t.discount, t.shipping, t.tax, t.total] {
                    prop_assert_eq!(amount.scale(), minor);
                    prop_assert!(amount >= Decimal::ZERO);
                }
                for l in &t.lines {
                    prop_assert!(l.discount <= l.line_total);
                    prop_assert!(l.discount >= Decimal::ZERO);
                }
                prop_assert!(t.discount <= t.subtotal);
            }
        }
    }
}
