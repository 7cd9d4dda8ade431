//! The shop's currencies as its `currencies` table has them: which are on (the
//! switcher's list), each one's minor units and symbol, and its rate. Pages read this
//! through the storefront cache (the table's triggers empty it on every change), so
//! turning a currency on shows at once on every replica.

use rust_decimal::Decimal;
use sqlx::PgExecutor;

use super::Currency;
use crate::{DomainError, DomainResult, Thing};

/// One row of the table.
#[derive(Clone, Debug)]
pub struct ShopCurrency {
    pub currency: Currency,
    pub enabled: bool,
    /// Units of this currency one unit of the base currency buys.
    pub rate: Decimal,
}

/// Every currency the shop has, on or off, in code order.
#[derive(Clone, Debug, Default)]
pub struct Currencies {
    all: Vec<ShopCurrency>,
}

impl Currencies {
    /// The currencies a shopper may pick, in code order.
    pub fn enabled(&self) -> impl Iterator<Item = Currency> + '_ {
        self.all.iter().filter(|c| c.enabled).map(|c| c.currency)
    }

    /// The currency named `code` if a shopper may pick it (on); ignores case.
    pub fn offered(&self, code: &str) -> Option<Currency> {
        self.find(code).filter(|c| c.enabled).map(|c| c.currency)
    }

    /// The currency named `code`, on or off: orders and payments keep the currency they
    /// were made in after the shop turns it off.
    pub fn get(&self, code: &str) -> Option<Currency> {
        self.find(code).map(|c| c.currency)
    }

    pub fn rows(&self) -> &[ShopCurrency] {
        &self.all
    }

    fn find(&self, code: &str) -> Option<&ShopCurrency> {
        self.all.iter().find(|c| c.currency.is(code))
    }
}

/// Reads the table.
pub async fn load(db: impl PgExecutor<'_>) -> DomainResult<Currencies> {
    let rows = sqlx::query!(
        "SELECT code, minor_units, symbol, enabled, rate FROM currencies ORDER BY code"
    )
    .fetch_all(db)
    .await?;
    let all = rows
        .into_iter()
        .filter_map(|r| {
            let currency = Currency::from_row(&r.code, r.minor_units, r.symbol.as_deref());
            if currency.is_none() {
                tracing::error!(code = %r.code, "a currency row the shop cannot use");
            }
            Some(ShopCurrency {
                currency: currency?,
                enabled: r.enabled,
                rate: r.rate,
            })
        })
        .collect();
    Ok(Currencies { all })
}

/// The currency an order, payment or account names by `code`, on or off. A code the
/// table does not have is an error, never a guess.
pub async fn by_code(db: impl PgExecutor<'_>, code: &str) -> DomainResult<Currency> {
    let row = sqlx::query!(
        "SELECT code, minor_units, symbol FROM currencies WHERE code = upper(trim($1))",
        code
    )
    .fetch_optional(db)
    .await?
    .ok_or(DomainError::NotFound(Thing::Currency))?;
    Currency::from_row(&row.code, row.minor_units, row.symbol.as_deref())
        .ok_or(DomainError::NotFound(Thing::Currency))
}
