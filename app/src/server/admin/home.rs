//! The dashboard's data: sales figures and the chart for staff with the `orders`
//! permission, stock to-dos for those with `inventory` or `catalog`, and for any staff
//! member the page itself (what they may not see is simply left out).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

/// One figure now, before, and how it changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureDto {
    pub now: String,
    pub before: String,
    /// `+12.5%`, `-3%`; `None` when there was nothing before.
    pub change: Option<String>,
    /// 1 up, -1 down, 0 the same.
    pub trend: i8,
}

/// Sales, orders and average order value over one window, beside the one before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiguresDto {
    pub sales: FigureDto,
    pub orders: FigureDto,
    pub average: FigureDto,
}

/// A day of the chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarDto {
    /// `2026-12-03`.
    pub day: String,
    pub sales: String,
    pub orders: i64,
    /// Of the chart's height, in thousandths (the best day is 1000).
    pub height: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopProductDto {
    pub product_id: Option<String>,
    pub name: String,
    pub units: i64,
    pub revenue: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesDto {
    /// 30 or 90.
    pub days: u32,
    /// The base currency's code.
    pub currency: String,
    pub today: FiguresDto,
    pub period: FiguresDto,
    pub bars: Vec<BarDto>,
    /// The best day's sales (the chart's top).
    pub best_day: String,
    pub top: Vec<TopProductDto>,
    pub to_fulfil: i64,
    pub awaiting_payment: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockDto {
    pub out: i64,
    pub low: i64,
    pub threshold: i32,
    /// Whether the inventory grid opens for them (the counts link there).
    pub can_open: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeDto {
    /// With the `orders` permission.
    pub sales: Option<SalesDto>,
    /// With `inventory` or `catalog`.
    pub stock: Option<StockDto>,
    /// Whether product names link to their editor (`catalog`).
    pub can_edit_products: bool,
}

/// The dashboard for the last 30 days, or 90 (`period=90`).
#[server]
pub async fn get_admin_home(lang: String, period: Option<String>) -> Result<HomeDto, AppError> {
    use domain::accounts::staff::{Permission, can};
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let staff = request.staff().await?;
            crate::server::ssr::no_store();
            let period = domain::reports::Period::parse(period.as_deref().unwrap_or_default());
            let sales = match staff.allowed::<can::Orders>() {
                Ok(allowed) => Some(ssr::sales(&request, &allowed, period).await?),
                Err(_) => None,
            };
            let stock = if let Ok(allowed) = staff.allowed::<can::Inventory>() {
                Some(domain::reports::todo::stock(&request.pool, &allowed).await?)
            } else if let Ok(allowed) = staff.allowed::<can::Catalog>() {
                Some(domain::reports::todo::stock(&request.pool, &allowed).await?)
            } else {
                None
            };
            Ok(HomeDto {
                sales,
                stock: stock.map(|s| StockDto {
                    out: s.out,
                    low: s.low,
                    threshold: domain::reports::todo::LOW_STOCK,
                    can_open: staff.has(Permission::Inventory),
                }),
                can_edit_products: staff.has(Permission::Catalog),
            })
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
mod ssr {
    use chrono::Utc;
    use domain::accounts::staff::{Allowed, can};
    use domain::money::{Currency, Money};
    use domain::reports::{self, Period, sales};
    use rust_decimal::Decimal;
    use rust_decimal::prelude::ToPrimitive;

    use super::*;
    use crate::i18n::Locale;

    /// Best sellers shown.
    const TOP: i64 = 5;

    pub async fn sales(
        request: &Request,
        allowed: &Allowed<can::Orders>,
        period: Period,
    ) -> Result<SalesDto, AppError> {
        let now = Utc::now();
        let pool = &request.pool;
        let reader = request.reader().await?;
        let summary = sales::summary(pool, allowed, period, now).await?;
        let days = sales::by_day(pool, allowed, period, now).await?;
        let top = sales::top_products(
            pool,
            allowed,
            period,
            now,
            (request.locale.tag(), &reader.default_locale),
            TOP,
        )
        .await?;
        let todos = reports::todo::orders(pool, allowed).await?;
        let locale = request.locale;
        let currency = summary.currency;
        let money =
            |amount: Decimal| domain::money::format(Money::new(amount, currency), locale.tag());
        let best = days.iter().map(|d| d.sales).max().unwrap_or_default();
        Ok(SalesDto {
            days: period.days() as u32,
            currency: currency.code().to_string(),
            today: figures(&summary.today, currency, locale),
            period: figures(&summary.last, currency, locale),
            bars: days
                .iter()
                .map(|d| BarDto {
                    day: d.day.format("%Y-%m-%d").to_string(),
                    sales: money(d.sales),
                    orders: d.orders,
                    height: height(d.sales, best),
                })
                .collect(),
            best_day: money(best),
            top: top
                .into_iter()
                .map(|p| TopProductDto {
                    product_id: p.product_id.map(|id| id.to_string()),
                    name: p.name,
                    units: p.units,
                    revenue: money(p.revenue),
                })
                .collect(),
            to_fulfil: todos.to_fulfil,
            awaiting_payment: todos.awaiting_payment,
        })
    }

    fn figures(compared: &sales::Compared, currency: Currency, locale: Locale) -> FiguresDto {
        let money =
            |amount: Decimal| domain::money::format(Money::new(amount, currency), locale.tag());
        let (now, before) = (compared.current, compared.previous);
        FiguresDto {
            sales: figure(
                now.sales,
                before.sales,
                money(now.sales),
                money(before.sales),
                locale,
            ),
            orders: figure(
                now.orders.into(),
                before.orders.into(),
                now.orders.to_string(),
                before.orders.to_string(),
                locale,
            ),
            average: figure(
                now.average,
                before.average,
                money(now.average),
                money(before.average),
                locale,
            ),
        }
    }

    fn figure(
        now: Decimal,
        before: Decimal,
        shown: String,
        shown_before: String,
        locale: Locale,
    ) -> FigureDto {
        let change = reports::change_percent(now, before);
        FigureDto {
            now: shown,
            before: shown_before,
            change: change.map(|c| percent(c, locale)),
            trend: match now.cmp(&before) {
                std::cmp::Ordering::Greater => 1,
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
            },
        }
    }

    /// `+12.5%`, in the language's decimal sign (`+12,5%`).
    pub(super) fn percent(change: Decimal, locale: Locale) -> String {
        let sign = if change > Decimal::ZERO { "+" } else { "" };
        let number = change.normalize().to_string();
        let number = match locale {
            Locale::PtBr | Locale::Es => number.replace('.', ","),
            _ => number,
        };
        format!("{sign}{number}%")
    }

    /// A day's bar, in thousandths of the best day's.
    pub(super) fn height(sales: Decimal, best: Decimal) -> u32 {
        if best <= Decimal::ZERO || sales <= Decimal::ZERO {
            return 0;
        }
        (sales * Decimal::from(1000) / best)
            .round()
            .to_u32()
            .unwrap_or(0)
            .clamp(1, 1000)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::ssr::*;
    use crate::i18n::Locale;
    use rust_decimal::Decimal;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn changes_read_in_the_language_and_bars_scale_to_the_best_day() {
        assert_eq!(percent(dec("12.5"), Locale::En), "+12.5%");
        assert_eq!(percent(dec("-3.0"), Locale::PtBr), "-3%");
        assert_eq!(percent(dec("0.0"), Locale::Es), "0%");
        assert_eq!(height(dec("50"), dec("200")), 250);
        assert_eq!(
            height(dec("0.01"), dec("100000")),
            1,
            "a sale is never invisible"
        );
        assert_eq!(height(dec("0"), dec("0")), 0);
    }
}
