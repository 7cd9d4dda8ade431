//! Checkout's server functions: one per step, each saving its answer on the cart and
//! sending the shopper to the next step; then placing the order.

// `checkout_address` has one argument per form field (a plain form posts them flat).
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use crate::page::Page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ssr;
use crate::error::AppError;
use crate::server::account::AddressFields;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};
#[cfg(feature = "ssr")]
use crate::server::request::{answer, answer_keeping, go};

/// The steps, in order; each is a page at `/checkout/<step>`.
pub const STEPS: [&str; 5] = crate::page::CHECKOUT_STEPS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodDto {
    pub id: String,
    pub name: String,
    pub price: String,
    pub days: String,
    pub chosen: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutDto {
    pub cart_id: String,
    pub cart: super::CartDto,
    pub email: Option<String>,
    pub signed_in: bool,
    pub address: Option<AddressFields>,
    pub address_lines: Vec<String>,
    /// The customer's saved shipping addresses (id, label lines).
    pub saved_addresses: Vec<(String, Vec<String>)>,
    pub countries: Vec<(String, String)>,
    pub methods: Vec<MethodDto>,
    pub method: Option<String>,
    pub coupon: Option<String>,
    pub coupon_problem: Option<crate::message::Message>,
    /// Provider codes offered for the shopper's currency, and the chosen one.
    pub payments: Vec<String>,
    pub payment: Option<String>,
    pub subtotal: String,
    pub discount: Option<String>,
    pub shipping: Option<String>,
    pub tax: Option<String>,
    pub tax_name: Option<String>,
    pub tax_included: bool,
    pub total: String,
    /// The total as a plain number, posted back by "place order".
    pub total_value: String,
    /// Nothing to pay (a 100 % coupon): the order is placed paid, no payment asked for.
    pub free: bool,
    pub currency: String,
    /// The first step that still needs an answer ("cart" when the cart is empty).
    pub missing: Option<String>,
}

impl CheckoutDto {
    /// The checkout of a shopper with no cart: it asks for the cart first.
    pub fn empty(currency: &str) -> CheckoutDto {
        CheckoutDto {
            cart_id: String::new(),
            cart: super::CartDto::default(),
            email: None,
            signed_in: false,
            address: None,
            address_lines: Vec::new(),
            saved_addresses: Vec::new(),
            countries: Vec::new(),
            methods: Vec::new(),
            method: None,
            coupon: None,
            coupon_problem: None,
            payments: Vec::new(),
            payment: None,
            subtotal: String::new(),
            discount: None,
            shipping: None,
            tax: None,
            tax_name: None,
            tax_included: false,
            total: String::new(),
            total_value: String::new(),
            free: false,
            currency: currency.to_string(),
            missing: Some("cart".into()),
        }
    }
}

#[server]
pub async fn get_checkout(lang: String) -> Result<CheckoutDto, AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let reader = request.reader().await?;
            crate::server::ssr::no_store();
            // No cart, nothing to check out (and no cart made for a passing crawler).
            let Some(cart) = shopper.cart().await? else {
                return Ok(CheckoutDto::empty(reader.currency.code()));
            };
            // A signed-in customer's e-mail is their account's.
            if let Some(account) = &shopper.account
                && domain::checkout::answers(&shopper.pool, cart)
                    .await?
                    .email
                    .is_none()
            {
                domain::checkout::set_email(&shopper.pool, cart, &account.email).await?;
            }
            let mut quote = domain::checkout::quote(&shopper.pool, cart, reader.audience()).await?;
            // What changed in the cart (by this look or an earlier one, such as a lost
            // race for the last unit when placing the order) is shown here, once.
            quote.cart.notices = domain::cart::take_notices(&shopper.pool, cart).await?;
            let saved_addresses = match &shopper.account {
                Some(account) => domain::addresses::list(&shopper.pool, account.id)
                    .await?
                    .into_iter()
                    .filter(|a| a.kind == domain::addresses::AddressKind::Shipping)
                    .map(|a| (a.id.to_string(), a.postal().lines()))
                    .collect(),
                None => Vec::new(),
            };
            let offered =
                domain::payments::offered_for(&shopper.pool, &ssr::payments(), reader.currency)
                    .await?;
            Ok(dto(
                &quote,
                reader,
                cart,
                shopper.account.is_some(),
                saved_addresses,
                &offered,
            ))
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn dto(
    quote: &domain::checkout::Quote,
    reader: &ssr::Reader,
    cart: domain::cart::Cart,
    signed_in: bool,
    saved_addresses: Vec<(String, Vec<String>)>,
    offered: &[domain::payments::Provider],
) -> CheckoutDto {
    let t = &quote.totals;
    let money = |amount| reader.money(quote.money(amount));
    let nonzero = |amount: rust_decimal::Decimal| (!amount.is_zero()).then(|| money(amount));
    let address = quote.answers.address.as_ref();
    CheckoutDto {
        cart_id: cart.id().to_string(),
        cart: super::cart_dto(quote.cart.clone(), reader),
        email: quote.answers.email.clone(),
        signed_in,
        address: address.map(|a| AddressFields {
            name: a.name.clone(),
            line1: a.line1.clone(),
            line2: a.line2.clone(),
            city: a.city.clone(),
            region: a.region.clone(),
            postal_code: a.postal_code.clone(),
            country: a.country.clone(),
            phone: a.phone.clone(),
        }),
        address_lines: address.map(|a| a.lines()).unwrap_or_default(),
        saved_addresses,
        countries: domain::addresses::rules::COUNTRIES
            .iter()
            .map(|c| (c.code.to_string(), c.name.to_string()))
            .collect(),
        methods: quote
            .methods
            .iter()
            .map(|m| MethodDto {
                id: m.id.to_string(),
                name: m.name.clone(),
                price: reader.money(m.price),
                days: format!("{}–{}", m.days_min, m.days_max),
                chosen: quote.method.as_ref().is_some_and(|c| c.id == m.id),
            })
            .collect(),
        method: quote.method.as_ref().map(|m| m.name.clone()),
        coupon: quote.answers.coupon.clone(),
        coupon_problem: quote.coupon_problem.clone(),
        payments: offered.iter().map(|p| p.code().to_string()).collect(),
        payment: quote.answers.payment.map(|p| p.code().to_string()),
        subtotal: money(t.subtotal),
        discount: nonzero(t.discount),
        shipping: quote.method.as_ref().map(|_| money(t.shipping)),
        tax: nonzero(t.tax),
        tax_name: quote.tax_name.clone(),
        tax_included: t.tax_included,
        total: money(t.total),
        total_value: t.total.to_string(),
        free: quote.is_free(),
        currency: t.currency.code().to_string(),
        missing: quote.missing_step().map(|step| step.code().to_string()),
    }
}

#[server]
pub async fn checkout_contact(lang: String, email: String) -> Result<(), AppError> {
    answer_keeping(
        &[("email", email.as_str())],
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let cart = shopper.cart_required().await?;
            domain::checkout::set_email(&shopper.pool, cart, &email).await?;
            go(request.locale, &Page::Checkout("address").path());
            Ok(())
        }
        .await,
    )
    .await
}

/// The shipping address: typed in, or one of the customer's saved ones (`saved`).
#[server]
pub async fn checkout_address(
    lang: String,
    saved: Option<String>,
    name: Option<String>,
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    phone: Option<String>,
) -> Result<(), AppError> {
    let field = |v: &Option<String>| v.clone().unwrap_or_default();
    let input = domain::addresses::AddressInput {
        kind: "shipping".into(),
        name: field(&name),
        line1: field(&line1),
        line2: field(&line2),
        city: field(&city),
        region: field(&region),
        postal_code: field(&postal_code),
        country: field(&country),
        phone: field(&phone),
        make_default: false,
    };
    let typed = [
        ("name", input.name.as_str()),
        ("line1", input.line1.as_str()),
        ("line2", input.line2.as_str()),
        ("city", input.city.as_str()),
        ("region", input.region.as_str()),
        ("postal_code", input.postal_code.as_str()),
        ("country", input.country.as_str()),
        ("phone", input.phone.as_str()),
    ];
    answer_keeping(
        &typed,
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let cart = shopper.cart_required().await?;
            match saved.filter(|s| !s.is_empty()) {
                Some(id) => {
                    let id = request::uuid(&id, "address")?;
                    domain::checkout::ship_to_saved(&shopper.pool, cart, id).await?;
                }
                None => domain::checkout::set_address(&shopper.pool, cart, &input).await?,
            }
            go(request.locale, &Page::Checkout("shipping").path());
            Ok(())
        }
        .await,
    )
    .await
}

#[server]
pub async fn checkout_shipping(lang: String, method: Option<String>) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let reader = request.reader().await?;
            let cart = shopper.cart_required().await?;
            let method = method.ok_or_else(|| AppError::Validation {
                field: "method".into(),
                message: "checkout.errors.method".into(),
            })?;
            let method = request::uuid(&method, "shipping method")?;
            domain::checkout::set_method(&shopper.pool, cart, reader.audience(), method).await?;
            go(reader.locale, "/checkout/payment");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn checkout_payment(lang: String, payment: Option<String>) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let reader = request.reader().await?;
            let cart = shopper.cart_required().await?;
            let refused = || AppError::Validation {
                field: "payment".into(),
                message: "checkout.errors.payment".into(),
            };
            let provider = payment
                .as_deref()
                .and_then(domain::payments::Provider::parse)
                .ok_or_else(refused)?;
            let offered =
                domain::payments::offered_for(&shopper.pool, &ssr::payments(), reader.currency)
                    .await?;
            domain::checkout::set_payment(&shopper.pool, cart, provider, &offered).await?;
            go(reader.locale, "/checkout/review");
            Ok(())
        }
        .await,
    )
}

/// Applies a coupon code (`back`: the step to return to).
#[server]
pub async fn apply_coupon(lang: String, code: String, back: String) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let reader = request.reader().await?;
            let cart = shopper.cart_required().await?;
            let client = crate::server::request::client();
            domain::checkout::apply_coupon(
                &shopper.pool,
                cart,
                reader.audience(),
                &code,
                &client.ip,
            )
            .await?;
            go(reader.locale, &back_to(&back));
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn remove_coupon(lang: String, back: String) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let cart = shopper.cart_required().await?;
            domain::checkout::remove_coupon(&shopper.pool, cart).await?;
            go(request.locale, &back_to(&back));
            Ok(())
        }
        .await,
    )
}

/// Only the cart and checkout steps: a form cannot send the shopper anywhere else.
pub fn back_to(back: &str) -> String {
    match back {
        "cart" => "/cart".into(),
        step if STEPS.contains(&step) => format!("/checkout/{step}"),
        _ => "/checkout/review".into(),
    }
}

/// Places the order. `cart` and `total` come from the review page: the cart it showed
/// (a second tab or a repeated click finds that cart's order) and the total it showed (a
/// different total now places nothing). The card number is used once and never kept.
#[server]
pub async fn place_order(
    lang: String,
    cart: String,
    total: String,
    card_number: Option<String>,
) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let reader = request.reader().await?;
            let cart = shopper.cart_posted(&cart).await?;
            let expected_total = total
                .trim()
                .parse()
                .map_err(|_| AppError::Conflict("checkout.errors.cart_changed".into()))?;
            let config = ssr::payments();
            let links = crate::server::request::links(&shopper.pool).await?;
            let holder = shopper.holder().await?;
            let client = crate::server::request::client();
            let placed = domain::checkout::place(
                &shopper.pool,
                domain::checkout::PlaceOrder {
                    cart,
                    audience: reader.audience(),
                    expected_total,
                    card_number: card_number.as_deref(),
                    config: &config,
                    links: &links,
                    placer: domain::checkout::Placer {
                        session: Some(&holder),
                        // An address the server could not tell is nobody's in particular.
                        client: Some(client.ip.as_str())
                            .filter(|ip| !ip.is_empty() && *ip != "unknown"),
                    },
                },
            )
            .await;
            let placed = match placed {
                Err(domain::DomainError::StepMissing(step)) => {
                    go(reader.locale, &back_to(step.code()));
                    return Ok(());
                }
                other => other?,
            };
            if shopper.account.is_none() {
                shopper.remember_order(placed.order).await?;
            }
            let path = domain::orders::page_path(placed.order, placed.key.as_deref());
            go(reader.locale, &path);
            Ok(())
        }
        .await,
    )
}
