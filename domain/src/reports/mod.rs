//! Figures for the back office's home page: sales, orders and average order value for
//! today and for a period, each beside the one before it; sales per day for the chart;
//! the best-selling products; and the counts of what needs doing.
//!
//! Every amount is in the shop's base currency. An order keeps the currency the shopper
//! paid in and the exchange rate of that moment (units of that currency per unit of the
//! base currency), so an order's base value is its amount divided by its own rate,
//! worked out in SQL with NUMERIC and rounded once per order to the base currency's
//! minor units (half away from zero, the shop's one rounding rule). Rates that changed
//! later never rewrite past sales.
//!
//! An order counts as a sale once it is paid (any status but `pending_payment` and
//! `cancelled`), on the day it was placed. Days are UTC days. Sales are net of
//! refunds; the average order value is what orders were placed for (before refunds),
//! so a refund lowers sales without making the average orders look smaller.

pub mod sales;
pub mod todo;

use chrono::{DateTime, Duration, NaiveTime, Utc};

/// How far back the home page looks: the last 30 or 90 days (today included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    Days30,
    Days90,
}

impl Period {
    pub fn days(self) -> i64 {
        match self {
            Period::Days30 => 30,
            Period::Days90 => 90,
        }
    }

    /// `90` is the longer period; anything else the default 30 days (a period is a view
    /// choice in an address, not something to refuse).
    pub fn parse(text: &str) -> Period {
        match text.trim() {
            "90" => Period::Days90,
            _ => Period::Days30,
        }
    }
}

/// A span of time, `from` included and `to` not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Window {
    /// Today so far.
    pub fn today(now: DateTime<Utc>) -> Window {
        Window {
            from: start_of_day(now),
            to: now,
        }
    }

    /// The last `period`'s days, today so far included.
    pub fn last(period: Period, now: DateTime<Utc>) -> Window {
        Window {
            from: start_of_day(now) - Duration::days(period.days() - 1),
            to: now,
        }
    }

    /// The window to compare with: the same hours of the days just before (today so far
    /// against yesterday up to the same time), so a morning is never set against a
    /// whole day.
    pub fn previous(self) -> Window {
        let days = (start_of_day(self.to) - start_of_day(self.from)).num_days() + 1;
        Window {
            from: self.from - Duration::days(days),
            to: self.to - Duration::days(days),
        }
    }
}

fn start_of_day(at: DateTime<Utc>) -> DateTime<Utc> {
    at.date_naive().and_time(NaiveTime::MIN).and_utc()
}

/// The change from `previous` to `current` in percent, one decimal; `None` when there
/// was nothing before to compare with.
pub fn change_percent(
    current: rust_decimal::Decimal,
    previous: rust_decimal::Decimal,
) -> Option<rust_decimal::Decimal> {
    use rust_decimal::{Decimal, RoundingStrategy};
    if previous.is_zero() {
        return None;
    }
    let change = (current - previous) / previous * Decimal::ONE_HUNDRED;
    Some(change.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rust_decimal_macros::dec;

    #[test]
    fn windows_compare_like_with_like() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 15, 30, 0).unwrap();
        let today = Window::today(now);
        assert_eq!(
            today.from,
            Utc.with_ymd_and_hms(2026, 12, 3, 0, 0, 0).unwrap()
        );
        let yesterday = today.previous();
        assert_eq!(
            yesterday.from,
            Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap()
        );
        assert_eq!(
            yesterday.to,
            Utc.with_ymd_and_hms(2026, 12, 2, 15, 30, 0).unwrap()
        );

        let month = Window::last(Period::Days30, now);
        assert_eq!(
            month.from,
            Utc.with_ymd_and_hms(2026, 11, 4, 0, 0, 0).unwrap()
        );
        let before = month.previous();
        assert_eq!(
            before.from,
            Utc.with_ymd_and_hms(2026, 10, 5, 0, 0, 0).unwrap()
        );
        assert_eq!(
            before.to,
            Utc.with_ymd_and_hms(2026, 11, 3, 15, 30, 0).unwrap()
        );
        assert_eq!(
            Window::last(Period::Days90, now).previous().to,
            now - Duration::days(90)
        );
    }

    #[test]
    fn changes_are_in_percent_and_none_from_nothing() {
        assert_eq!(change_percent(dec!(150), dec!(100)), Some(dec!(50.0)));
        assert_eq!(change_percent(dec!(1), dec!(3)), Some(dec!(-66.7)));
        assert_eq!(change_percent(dec!(5), dec!(0)), None);
    }

    #[test]
    fn only_ninety_picks_the_longer_period() {
        assert_eq!(Period::parse("90"), Period::Days90);
        assert_eq!(Period::parse("30"), Period::Days30);
        assert_eq!(Period::parse("abc"), Period::Days30);
    }
}
