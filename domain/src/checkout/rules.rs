//! Where an address ships from and what it pays: shipping methods by zone, the tax rate
//! by country and region, and coupons with every reason one can be refused.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::PgExecutor;
use uuid::Uuid;

use super::totals::{Discount, TaxRule};
use crate::Message;
use crate::accounts::throttle::Rule;
use crate::money::{Currency, Money};

/// A shipping method offered for an address, priced for this cart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShippingOption {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub price: Money,
    pub days_min: i32,
    pub days_max: i32,
}

/// What the cart weighs and costs, for pricing shipping.
#[derive(Clone, Copy, Debug)]
pub struct Parcel {
    pub weight_grams: i64,
    pub subtotal: Decimal,
    pub currency: Currency,
    /// Units of the presentment currency per unit of the base currency.
    pub rate: Decimal,
}

/// The methods of the zone an address falls in: the zone naming its region, else its
/// country, else the rest of the world.
pub async fn shipping_options(
    db: impl PgExecutor<'_>,
    country: &str,
    region: &str,
    locale: &str,
    parcel: Parcel,
) -> sqlx::Result<Vec<ShippingOption>> {
    let rows = sqlx::query!(
        r#"WITH zone AS (
               SELECT zone_id FROM shipping_zone_areas
               WHERE (country = $1 AND region IN ($2, '')) OR country = '*'
               ORDER BY country = '*', region = '' LIMIT 1)
           SELECT m.id, m.code, m.names, m.kind::text AS "kind!", m.price, m.per_kg,
                  m.free_above, m.days_min, m.days_max
           FROM shipping_methods m JOIN zone USING (zone_id)
           ORDER BY m.position, m.code"#,
        country,
        region
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let base = |amount: Decimal| {
                Money::new(amount, parcel.currency).convert(parcel.currency, parcel.rate)
            };
            let kilos = Decimal::from((parcel.weight_grams.max(0) + 999) / 1000);
            let price = match row.kind.as_str() {
                "weight" => base(row.price + row.per_kg * kilos),
                "free_above" => {
                    let threshold = base(row.free_above.unwrap_or(Decimal::MAX / Decimal::TEN));
                    if parcel.subtotal >= threshold.amount {
                        Money::new(Decimal::ZERO, parcel.currency).rounded()
                    } else {
                        base(row.price)
                    }
                }
                _ => base(row.price),
            };
            ShippingOption {
                id: row.id,
                name: localized(&row.names, locale).unwrap_or_else(|| row.code.clone()),
                code: row.code,
                price,
                days_min: row.days_min,
                days_max: row.days_max,
            }
        })
        .collect())
}

/// A name from a `{"en": …, "pt-BR": …}` object, in `locale` or else English.
fn localized(names: &Value, locale: &str) -> Option<String> {
    names
        .get(locale)
        .or_else(|| names.get("en"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The tax for an address, its name ("IVA") and rule; none where the shop has no rate.
pub async fn tax_rule(
    db: impl PgExecutor<'_>,
    country: &str,
    region: &str,
    prices_include_tax: bool,
) -> sqlx::Result<(Option<String>, TaxRule)> {
    let row = sqlx::query!(
        "SELECT name, rate, taxes_shipping FROM tax_rates
         WHERE country = $1 AND region IN ($2, '')
         ORDER BY region = '' LIMIT 1",
        country,
        region
    )
    .fetch_optional(db)
    .await?;
    Ok(match row {
        Some(row) => (
            Some(row.name),
            TaxRule {
                rate: row.rate,
                taxes_shipping: row.taxes_shipping,
                included: prices_include_tax,
            },
        ),
        None => (
            None,
            TaxRule {
                included: prices_include_tax,
                ..TaxRule::NONE
            },
        ),
    })
}

pub struct CouponRow {
    pub id: Uuid,
    pub code: String,
    pub kind: String,
    pub value: Decimal,
    pub min_subtotal: Option<Decimal>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub usage_limit: Option<i32>,
    pub per_customer_limit: Option<i32>,
    pub times_used: i32,
    pub active: bool,
}

pub async fn coupon(db: impl PgExecutor<'_>, code: &str) -> sqlx::Result<Option<CouponRow>> {
    sqlx::query_as!(
        CouponRow,
        r#"SELECT id, code, kind::text AS "kind!", value, min_subtotal,
                  starts_at AS "starts_at: DateTime<Utc>", ends_at AS "ends_at: DateTime<Utc>",
                  usage_limit, per_customer_limit, times_used, active
           FROM coupons WHERE code = upper($1)"#,
        code.trim()
    )
    .fetch_optional(db)
    .await
}

/// Wrong coupon codes tried on one cart (one browser) before it must wait.
pub const COUPON_GUESSES_CART: Rule = Rule {
    limit: 10,
    window_secs: 60 * 60,
    first_lock_secs: 5 * 60,
    max_lock_secs: 24 * 60 * 60,
};
/// Wrong coupon codes tried from one client address, over all its carts.
pub const COUPON_GUESSES_ADDRESS: Rule = Rule {
    limit: 30,
    window_secs: 60 * 60,
    first_lock_secs: 15 * 60,
    max_lock_secs: 24 * 60 * 60,
};

/// How often a customer used a coupon: orders with their e-mail (normalised by
/// [`email_key`]) and, when signed in, orders of their account whatever e-mail they gave.
pub async fn coupon_uses_by(
    db: impl PgExecutor<'_>,
    coupon: Uuid,
    account: Option<Uuid>,
    email_key: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM coupon_redemptions
           WHERE coupon_id = $1 AND (email_key = $2 OR account_id = $3)"#,
        coupon,
        email_key,
        account
    )
    .fetch_one(db)
    .await
}

/// One customer's e-mail however they spell it: lower case, without a `+tag` (which
/// every large provider delivers to the same mailbox), and for Gmail without dots and
/// with gmail.com for googlemail.com (Gmail documents that it ignores both). Used to
/// count per-customer coupon uses and unpaid orders; never to send mail.
pub fn email_key(email: &str) -> String {
    let email = email.trim().to_lowercase();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return email;
    };
    let local = local.split('+').next().unwrap_or_default();
    match domain {
        "gmail.com" | "googlemail.com" => format!("{}@gmail.com", local.replace('.', "")),
        _ => format!("{local}@{domain}"),
    }
}

/// What a coupon takes off this cart, or the message key saying why it does not apply.
pub fn coupon_discount(
    coupon: &CouponRow,
    now: DateTime<Utc>,
    parcel: Parcel,
    uses_by_customer: i64,
) -> Result<Discount, Message> {
    if !coupon.active {
        return Err("coupon.errors.unknown".into());
    }
    // A code that is not valid yet reads as unknown: telling them apart would confirm
    // a guess before the campaign starts.
    if coupon.starts_at.is_some_and(|start| now < start) {
        return Err("coupon.errors.unknown".into());
    }
    if coupon.ends_at.is_some_and(|end| now >= end) {
        return Err("coupon.errors.expired".into());
    }
    if coupon
        .usage_limit
        .is_some_and(|limit| coupon.times_used >= limit)
    {
        return Err("coupon.errors.used_up".into());
    }
    if coupon
        .per_customer_limit
        .is_some_and(|limit| uses_by_customer >= i64::from(limit))
    {
        return Err("coupon.errors.already_used".into());
    }
    let convert =
        |amount: Decimal| Money::new(amount, parcel.currency).convert(parcel.currency, parcel.rate);
    if let Some(minimum) = coupon.min_subtotal.map(convert)
        && parcel.subtotal < minimum.amount
    {
        return Err(Message::new("coupon.errors.minimum").with("amount", minimum));
    }
    Ok(match coupon.kind.as_str() {
        "percent" => Discount::Percent(coupon.value),
        _ => Discount::Fixed(convert(coupon.value).amount),
    })
}

/// Normalizes a typed coupon code: trimmed, upper case.
pub fn coupon_code(typed: &str) -> String {
    typed.trim().to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn welcome() -> CouponRow {
        CouponRow {
            id: Uuid::nil(),
            code: "WELCOME10".into(),
            kind: "percent".into(),
            value: dec!(10),
            min_subtotal: Some(dec!(20)),
            starts_at: None,
            ends_at: None,
            usage_limit: Some(100),
            per_customer_limit: Some(1),
            times_used: 0,
            active: true,
        }
    }

    fn parcel(subtotal: Decimal, currency: Currency, rate: Decimal) -> Parcel {
        Parcel {
            weight_grams: 0,
            subtotal,
            currency,
            rate,
        }
    }

    #[test]
    fn each_reason_a_coupon_is_refused_has_its_message() {
        let now = Utc::now();
        let p = parcel(dec!(50), Currency::USD, dec!(1));
        let check = |c: &CouponRow, uses| coupon_discount(c, now, p, uses);
        assert_eq!(check(&welcome(), 0), Ok(Discount::Percent(dec!(10))));
        assert_eq!(
            check(
                &CouponRow {
                    active: false,
                    ..welcome()
                },
                0
            )
            .unwrap_err(),
            "coupon.errors.unknown"
        );
        let later = now + chrono::Duration::days(1);
        assert_eq!(
            check(
                &CouponRow {
                    starts_at: Some(later),
                    ..welcome()
                },
                0
            )
            .unwrap_err(),
            "coupon.errors.unknown"
        );
        assert_eq!(
            check(
                &CouponRow {
                    ends_at: Some(now),
                    ..welcome()
                },
                0
            )
            .unwrap_err(),
            "coupon.errors.expired"
        );
        assert_eq!(
            check(
                &CouponRow {
                    times_used: 100,
                    ..welcome()
                },
                0
            )
            .unwrap_err(),
            "coupon.errors.used_up"
        );
        assert_eq!(
            check(&welcome(), 1).unwrap_err(),
            "coupon.errors.already_used"
        );
        let small = coupon_discount(
            &welcome(),
            now,
            parcel(dec!(19.99), Currency::USD, dec!(1)),
            0,
        );
        assert_eq!(
            small.unwrap_err(),
            Message::new("coupon.errors.minimum")
                .with("amount", Money::new(dec!(20), Currency::USD))
        );
    }

    #[test]
    fn amounts_are_converted_to_the_shoppers_currency() {
        let now = Utc::now();
        // The minimum of 20 USD is R$ 108,00 at 5.40.
        let brl = |subtotal| parcel(subtotal, Currency::BRL, dec!(5.40));
        assert!(coupon_discount(&welcome(), now, brl(dec!(107.99)), 0).is_err());
        assert!(coupon_discount(&welcome(), now, brl(dec!(108.00)), 0).is_ok());
        let fixed = CouponRow {
            kind: "fixed".into(),
            value: dec!(5),
            min_subtotal: None,
            ..welcome()
        };
        let jpy = parcel(dec!(3000), Currency::JPY, dec!(151.5));
        assert_eq!(
            coupon_discount(&fixed, now, jpy, 0),
            Ok(Discount::Fixed(dec!(758)))
        );
    }
}
