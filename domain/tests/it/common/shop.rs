//! A small shop for the checkout tests: products with known prices, stock and weight,
//! carts filled and taken through checkout the way a shopper does.

use domain::addresses::AddressInput;
use domain::cart::{self, Owner};
use domain::catalog::listing::Audience;
use domain::checkout::{self, PlaceOrder, Placed};
use domain::mail::Links;
use domain::money::Currency;
use domain::payments::{Config, Provider, test_card};
use domain::{DomainError, DomainResult};
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

/// The providers the tests pay with: the test card on (it is off unless asked for).
pub fn config() -> Config {
    Config {
        test_card: true,
        ..Config::default()
    }
}

pub fn links() -> Links {
    Links {
        base_url: "https://shop.example".into(),
        shop_name: "Test Shop".into(),
    }
}

pub fn audience(currency: Currency) -> Audience<'static> {
    let locale = if currency == Currency::BRL {
        "pt-BR"
    } else {
        "en"
    };
    Audience {
        locale,
        default_locale: "en",
        currency,
    }
}

pub const USD: Audience<'static> = Audience {
    locale: "en",
    default_locale: "en",
    currency: Currency::USD,
};

/// An active product with one variant; returns the variant's id.
pub async fn product(pool: &PgPool, name: &str, price: Decimal, stock: i32, grams: i32) -> Uuid {
    let category: Uuid = sqlx::query_scalar(
        "WITH c AS (INSERT INTO categories DEFAULT VALUES RETURNING id)
         INSERT INTO category_translations (category_id, locale, name, slug)
         SELECT id, 'en', 'Things', 'things-' || substr(md5(random()::text), 1, 8) FROM c
         RETURNING category_id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let product: Uuid = sqlx::query_scalar(
        "INSERT INTO products (category_id, status) VALUES ($1, 'active') RETURNING id",
    )
    .bind(category)
    .fetch_one(pool)
    .await
    .unwrap();
    let slug = format!(
        "{}-{}",
        name.to_lowercase().replace(' ', "-"),
        &Uuid::new_v4().simple().to_string()[..8]
    );
    sqlx::query("INSERT INTO product_translations (product_id, locale, name, slug) VALUES ($1, 'en', $2, $3)")
        .bind(product)
        .bind(name)
        .bind(slug)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query_scalar(
        "INSERT INTO variants (product_id, sku, price, stock, weight_grams)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(product)
    .bind(format!("SKU-{}", Uuid::new_v4().simple()))
    .bind(price)
    .bind(stock)
    .bind(grams)
    .fetch_one(pool)
    .await
    .unwrap()
}

pub async fn stock(pool: &PgPool, variant: Uuid) -> i32 {
    sqlx::query_scalar("SELECT stock FROM variants WHERE id = $1")
        .bind(variant)
        .fetch_one(pool)
        .await
        .unwrap()
}

pub fn address(country: &str, region: &str, postal_code: &str) -> AddressInput {
    AddressInput {
        kind: "shipping".into(),
        name: "Ana Souza".into(),
        line1: "Rua das Flores, 12".into(),
        city: "Somewhere".into(),
        region: region.into(),
        postal_code: postal_code.into(),
        country: country.into(),
        ..Default::default()
    }
}

pub fn us_address() -> AddressInput {
    address("US", "NY", "10001")
}

pub fn br_address() -> AddressInput {
    address("BR", "SP", "01310-100")
}

/// What a shop owner sets up before selling: PIX details and the welcome coupon.
pub async fn set_up_payments_and_coupon(pool: &PgPool) {
    sqlx::query(
        "UPDATE shop_settings SET pix_key = 'pix@shop.example', pix_merchant_name = 'TEST SHOP',
                pix_merchant_city = 'RECIFE'",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO coupons (code, kind, value, min_subtotal) VALUES ('WELCOME10', 'percent', 10, 20)
         ON CONFLICT (code) DO NOTHING",
    )
    .execute(pool)
    .await
    .unwrap();
}

/// A guest cart holding `items`, with contact, address, the first shipping method and
/// `provider` chosen: ready for "place order".
pub async fn ready_cart(
    pool: &PgPool,
    audience: Audience<'_>,
    items: &[(Uuid, i32)],
    address: &AddressInput,
    provider: Provider,
) -> DomainResult<cart::Cart> {
    set_up_payments_and_coupon(pool).await;
    let cart = cart::find_or_create(pool, Owner::Guest(None)).await?;
    for (variant, quantity) in items {
        cart::add(pool, cart, *variant, *quantity, audience.currency).await?;
    }
    checkout::set_email(
        pool,
        cart,
        &format!("buyer-{}@example.com", Uuid::new_v4().simple()),
    )
    .await?;
    checkout::set_address(pool, cart, address).await?;
    let quote = checkout::quote(pool, cart, audience).await?;
    let method = quote.methods.first().expect("a shipping method").id;
    checkout::set_method(pool, cart, audience, method).await?;
    let offered = domain::payments::offered(&config(), audience.currency);
    checkout::set_payment(pool, cart, provider, &offered).await?;
    Ok(cart)
}

/// Places a guest's cart with the total its quote shows, paying with `card`.
pub async fn place_with(
    pool: &PgPool,
    audience: Audience<'_>,
    cart: cart::Cart,
    card: Option<&str>,
) -> DomainResult<Placed> {
    let quote = checkout::quote(pool, cart, audience).await?;
    let config = config();
    let links = links();
    checkout::place(
        pool,
        PlaceOrder {
            cart,
            audience,
            expected_total: quote.totals.total,
            card_number: card,
            config: &config,
            links: &links,

            placer: Default::default(),
        },
    )
    .await
}

pub async fn place(
    pool: &PgPool,
    audience: Audience<'_>,
    cart: cart::Cart,
) -> DomainResult<Placed> {
    place_with(pool, audience, cart, Some(test_card::SUCCEEDS)).await
}

/// The message of a domain error, for asserting on what the shopper is told (an error
/// without one of its own reads as its debug text, so the assertion shows it).
pub fn message(error: &DomainError) -> domain::Message {
    error
        .message()
        .cloned()
        .unwrap_or_else(|| domain::Message::new(format!("{error:?}")))
}

pub async fn order_status(pool: &PgPool, order: Uuid) -> String {
    sqlx::query_scalar("SELECT status::text FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(pool)
        .await
        .unwrap()
}

pub async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// An order as staff allowed to see orders read it: tests go through the same check
/// pages do (`orders::read::for_staff`), as an admin made for the purpose (no e-mail is
/// sent, so tests can still read the last one the order sent).
pub async fn order_detail(
    pool: &PgPool,
    order: Uuid,
) -> domain::DomainResult<domain::orders::read::OrderDetail> {
    let email = format!("reader-{}@example.com", Uuid::new_v4().simple());
    let (id, _) =
        domain::accounts::admin::create_admin(pool, &email, Some("reader passphrase 4 tests"))
            .await
            .unwrap();
    let account = domain::accounts::find(pool, id).await.unwrap();
    let reader = domain::accounts::staff::sign_in_as_staff(pool, &account)
        .await
        .unwrap();
    domain::orders::read::for_staff(pool, &reader.allowed().unwrap(), order).await
}
