//! Checkout: the answers a shopper gives step by step (contact, shipping address,
//! shipping method, coupon, payment method) are kept on the cart; a quote works out
//! what the order would cost now; [`place`] turns the cart into an order.

mod begin;
pub mod place;
pub mod rules;
pub mod totals;

use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

use crate::addresses::{self, AddressInput, PostalAddress};
use crate::cart::{self, Cart, CartView};
use crate::catalog::listing::Audience;
use crate::money::Money;
use crate::payments::Provider;
use crate::{DomainError, DomainResult, Message, Thing};

pub use place::{MAX_UNPAID, MAX_UNPAID_PER_ADDRESS, PlaceOrder, Placed, Placer, place};
use rules::{Parcel, ShippingOption};
use totals::{Discount, LineInput, TaxRule, Totals};

/// Where the shopper is in checkout: the cart, then one page per answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Cart,
    Contact,
    Address,
    Shipping,
    Payment,
    Review,
}

impl Step {
    /// The step's name in addresses (`/checkout/<code>`, `cart` for the cart page).
    pub fn code(self) -> &'static str {
        match self {
            Step::Cart => "cart",
            Step::Contact => "contact",
            Step::Address => "address",
            Step::Shipping => "shipping",
            Step::Payment => "payment",
            Step::Review => "review",
        }
    }
}

/// What the shopper has told the checkout so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answers {
    pub email: Option<String>,
    pub address: Option<PostalAddress>,
    pub method: Option<Uuid>,
    pub coupon: Option<String>,
    pub payment: Option<Provider>,
    /// The customer whose cart it is, when signed in (coupon limits count by account).
    pub account: Option<Uuid>,
}

pub async fn answers(pool: &PgPool, cart: Cart) -> DomainResult<Answers> {
    let row = sqlx::query!(
        "SELECT email, shipping_address, shipping_method_id, coupon_code, payment_method,
                account_id
         FROM carts WHERE id = $1",
        cart.id()
    )
    .fetch_optional(pool)
    .await?
    .ok_or(DomainError::NotFound(Thing::Cart))?;
    Ok(Answers {
        email: row.email,
        address: row
            .shipping_address
            .and_then(|json| serde_json::from_value(json).ok()),
        method: row.shipping_method_id,
        coupon: row.coupon_code,
        payment: row.payment_method.as_deref().and_then(Provider::parse),
        account: row.account_id,
    })
}

/// Step 1: the e-mail the order's messages go to.
pub async fn set_email(pool: &PgPool, cart: Cart, email: &str) -> DomainResult<()> {
    let email = crate::accounts::email::parse(email)?;
    sqlx::query!(
        "UPDATE carts SET email = $2, updated_at = now() WHERE id = $1",
        cart.id(),
        email
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Step 2: where to ship, checked by the same rules as the address book.
pub async fn set_address(pool: &PgPool, cart: Cart, input: &AddressInput) -> DomainResult<()> {
    let input = AddressInput {
        kind: "shipping".into(),
        ..input.clone()
    };
    let (_, clean) = addresses::validate(&input).map_err(addresses::invalid)?;
    let address = PostalAddress {
        name: clean.name,
        line1: clean.line1,
        line2: clean.line2,
        city: clean.city,
        region: clean.region,
        postal_code: clean.postal_code,
        country: clean.country,
        phone: clean.phone,
    };
    let json = serde_json::to_value(&address).map_err(|e| DomainError::Internal(Box::new(e)))?;
    // A new address may change which methods apply: the method is chosen again.
    sqlx::query!(
        "UPDATE carts SET shipping_address = $2,
                shipping_method_id = CASE WHEN shipping_address = $2 THEN shipping_method_id END,
                updated_at = now()
         WHERE id = $1",
        cart.id(),
        json
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Step 2 from the address book: one of the cart's customer's own saved addresses
/// (another customer's id is not found; a guest has none).
pub async fn ship_to_saved(pool: &PgPool, cart: Cart, address: Uuid) -> DomainResult<()> {
    let account = cart.account().ok_or(DomainError::Unauthorized)?;
    let saved = addresses::list(pool, account)
        .await?
        .into_iter()
        .find(|a| a.id == address)
        .ok_or(DomainError::NotFound(Thing::Address))?;
    set_address(pool, cart, &saved.postal().input("shipping")).await
}

/// Step 3: one of the methods offered for the address.
pub async fn set_method(
    pool: &PgPool,
    cart: Cart,
    audience: Audience<'_>,
    method: Uuid,
) -> DomainResult<()> {
    let quote = quote(pool, cart, audience).await?;
    if !quote.methods.iter().any(|m| m.id == method) {
        return Err(DomainError::Validation {
            field: "method",
            message: "checkout.errors.method".into(),
        });
    }
    sqlx::query!(
        "UPDATE carts SET shipping_method_id = $2, updated_at = now() WHERE id = $1",
        cart.id(),
        method
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Applies a coupon code, or says why it does not apply. One code per order: a second
/// code is refused until the first is removed. Codes that turn out unknown (or not
/// valid yet, which reads the same) count as guesses, per cart (so per browser) and per
/// client address; past [`rules::COUPON_GUESSES_CART`] or
/// [`rules::COUPON_GUESSES_ADDRESS`] the answer is "too many attempts".
pub async fn apply_coupon(
    pool: &PgPool,
    cart: Cart,
    audience: Audience<'_>,
    typed: &str,
    client: &str,
) -> DomainResult<()> {
    use crate::accounts::throttle;
    let code = rules::coupon_code(typed);
    let refuse = |message: Message| DomainError::Validation {
        field: "coupon",
        message,
    };
    let guesser = [
        format!("coupon:cart:{}", cart.id()),
        throttle::address_key("coupon", client),
    ];
    // Every try is counted before it is checked (atomically, so a burst cannot pass).
    throttle::attempt(pool, &guesser[0], rules::COUPON_GUESSES_CART).await?;
    throttle::attempt(pool, &guesser[1], rules::COUPON_GUESSES_ADDRESS).await?;
    let wrong_guess =
        || async { Err::<(), DomainError>(refuse(Message::new("coupon.errors.unknown"))) };
    if code.is_empty() || code.len() > 40 {
        return wrong_guess().await;
    }
    let current = answers(pool, cart).await?;
    if let Some(applied) = current.coupon.clone().filter(|c| *c != code) {
        return Err(refuse(
            Message::new("coupon.errors.one_per_order").with("code", applied),
        ));
    }
    let view = cart::review(pool, cart, audience).await?;
    let Some(coupon) = rules::coupon(pool, &code).await? else {
        return wrong_guess().await;
    };
    let used = uses_by(pool, coupon.id, &current).await?;
    let parcel = parcel_of(pool, &view, audience).await?;
    match rules::coupon_discount(&coupon, chrono::Utc::now(), parcel, used) {
        Err(message) if message == "coupon.errors.unknown" => return wrong_guess().await,
        Err(message) => return Err(refuse(message)),
        Ok(_) => {}
    }
    sqlx::query!(
        "UPDATE carts SET coupon_code = $2, updated_at = now() WHERE id = $1",
        cart.id(),
        code
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn remove_coupon(pool: &PgPool, cart: Cart) -> DomainResult<()> {
    sqlx::query!(
        "UPDATE carts SET coupon_code = NULL, updated_at = now() WHERE id = $1",
        cart.id()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Step 4: how the shopper will pay; only a method offered for their currency.
pub async fn set_payment(
    pool: &PgPool,
    cart: Cart,
    provider: Provider,
    offered: &[Provider],
) -> DomainResult<()> {
    if !offered.contains(&provider) {
        return Err(DomainError::Validation {
            field: "payment",
            message: "checkout.errors.payment".into(),
        });
    }
    sqlx::query!(
        "UPDATE carts SET payment_method = $2, updated_at = now() WHERE id = $1",
        cart.id(),
        provider.code()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// How often the shopper behind `answers` used a coupon: by account when signed in,
/// and by normalised e-mail (see [`rules::email_key`]).
async fn uses_by(
    db: impl sqlx::PgExecutor<'_>,
    coupon: Uuid,
    answers: &Answers,
) -> DomainResult<i64> {
    let email = rules::email_key(answers.email.as_deref().unwrap_or_default());
    Ok(rules::coupon_uses_by(db, coupon, answers.account, &email).await?)
}

/// The checkout as it stands: the cart, the methods for its address, and its totals.
#[derive(Clone, Debug)]
pub struct Quote {
    pub cart: CartView,
    pub answers: Answers,
    pub methods: Vec<ShippingOption>,
    /// The chosen method, if it is still offered.
    pub method: Option<ShippingOption>,
    /// Why the coupon kept on the cart no longer applies, if it does not.
    pub coupon_problem: Option<Message>,
    pub tax_name: Option<String>,
    pub tax: TaxRule,
    pub rate: Decimal,
    pub totals: Totals,
}

impl Quote {
    /// The first step still missing an answer, or `None` when the order can be placed.
    pub fn missing_step(&self) -> Option<Step> {
        if self.cart.lines.is_empty() {
            Some(Step::Cart)
        } else if self.answers.email.is_none() {
            Some(Step::Contact)
        } else if self.answers.address.is_none() {
            Some(Step::Address)
        } else if self.method.is_none() {
            Some(Step::Shipping)
        } else if self.answers.payment.is_none() && !self.is_free() {
            Some(Step::Payment)
        } else {
            None
        }
    }

    /// Nothing to pay (a 100 % coupon, say): the order is placed paid, with no payment.
    pub fn is_free(&self) -> bool {
        self.totals.total.is_zero()
    }

    pub fn money(&self, amount: Decimal) -> Money {
        Money::new(amount, self.totals.currency)
    }
}

async fn parcel_of(pool: &PgPool, view: &CartView, audience: Audience<'_>) -> DomainResult<Parcel> {
    Ok(Parcel {
        weight_grams: view.weight_grams,
        subtotal: view.subtotal.amount,
        currency: audience.currency,
        rate: rate(pool, audience).await?,
    })
}

/// Units of the shopper's currency one unit of the base currency buys.
pub async fn rate(db: impl sqlx::PgExecutor<'_>, audience: Audience<'_>) -> DomainResult<Decimal> {
    Ok(sqlx::query_scalar!(
        "SELECT rate FROM currencies WHERE code = $1",
        audience.currency.code()
    )
    .fetch_one(db)
    .await?)
}

pub async fn prices_include_tax(db: impl sqlx::PgExecutor<'_>) -> DomainResult<bool> {
    Ok(
        sqlx::query_scalar!("SELECT prices_include_tax FROM shop_settings")
            .fetch_one(db)
            .await?,
    )
}

/// Works out the checkout for `cart` now (reviewing the cart on the way).
pub async fn quote(pool: &PgPool, cart: Cart, audience: Audience<'_>) -> DomainResult<Quote> {
    let view = cart::review(pool, cart, audience).await?;
    let answers = answers(pool, cart).await?;
    let parcel = parcel_of(pool, &view, audience).await?;
    let included = prices_include_tax(pool).await?;
    let (methods, tax_name, tax) = match &answers.address {
        Some(a) => {
            let methods =
                rules::shipping_options(pool, &a.country, &a.region, audience.locale, parcel)
                    .await?;
            let (name, tax) = rules::tax_rule(pool, &a.country, &a.region, included).await?;
            (methods, name, tax)
        }
        None => (
            Vec::new(),
            None,
            TaxRule {
                included,
                ..TaxRule::NONE
            },
        ),
    };
    let method = answers
        .method
        .and_then(|id| methods.iter().find(|m| m.id == id).cloned());
    let mut coupon_problem = None;
    let mut discount = Discount::None;
    if let Some(code) = &answers.coupon {
        match rules::coupon(pool, code).await? {
            None => coupon_problem = Some(Message::new("coupon.errors.unknown")),
            Some(coupon) => {
                let used = uses_by(pool, coupon.id, &answers).await?;
                match rules::coupon_discount(&coupon, chrono::Utc::now(), parcel, used) {
                    Ok(d) => discount = d,
                    Err(problem) => coupon_problem = Some(problem),
                }
            }
        }
    }
    let lines: Vec<LineInput> = view
        .lines
        .iter()
        .map(|l| LineInput {
            unit_price: l.unit_price.amount,
            quantity: l.quantity.unsigned_abs(),
        })
        .collect();
    let shipping = method.as_ref().map_or(Decimal::ZERO, |m| m.price.amount);
    let totals = totals::compute(audience.currency, &lines, discount, shipping, tax);
    Ok(Quote {
        cart: view,
        answers,
        methods,
        method,
        coupon_problem,
        tax_name,
        tax,
        rate: parcel.rate,
        totals,
    })
}
