//! Data rights: the download holds the customer's orders, and erasing the account
//! anonymises its orders (keeping what accounting needs) and removes every session and
//! form value kept for it.

use crate::common;

use common::accounts::{PASSWORD, client, verified};
use common::shop::{USD, links, product};
use domain::accounts;
use domain::cart::{self, Owner};
use domain::checkout::{self, PlaceOrder};
use domain::payments::{Provider, test_card};
use rust_decimal_macros::dec;
use sqlx::PgPool;
use uuid::Uuid;

/// The customer's cart with `variant`, answered through checkout with `email` typed in.
async fn answered_cart(pool: &PgPool, account: Uuid, variant: Uuid, email: &str) -> cart::Cart {
    let cart = cart::find_or_create(pool, Owner::Account(account))
        .await
        .unwrap();
    cart::add(pool, cart, variant, 1, USD.currency)
        .await
        .unwrap();
    checkout::set_email(pool, cart, email).await.unwrap();
    let mut address = common::shop::us_address();
    address.phone = "+1 212 555 0100".into();
    address.line2 = "Apartment 4".into();
    checkout::set_address(pool, cart, &address).await.unwrap();
    let quote = checkout::quote(pool, cart, USD).await.unwrap();
    checkout::set_method(pool, cart, USD, quote.methods[0].id)
        .await
        .unwrap();
    let offered = domain::payments::offered(&common::shop::config(), USD.currency);
    checkout::set_payment(pool, cart, Provider::TestCard, &offered)
        .await
        .unwrap();
    cart
}

#[tokio::test]
async fn the_download_has_the_orders_and_erasure_anonymises_them_and_forgets_the_rest() {
    let pool = common::database().await;
    let account = verified(&pool, "ana@example.com").await;
    let variant = product(&pool, "Blue Mug", dec!(12.50), 10, 300).await;

    // An order placed with another e-mail typed at checkout.
    let cart = answered_cart(&pool, account, variant, "ana.orders@example.com").await;
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    let placed = checkout::place(
        &pool,
        PlaceOrder {
            cart,
            audience: USD,
            expected_total: quote.totals.total,
            card_number: Some(test_card::SUCCEEDS),
            placer: Default::default(),
            config: &common::shop::config(),
            links: &links(),
        },
    )
    .await
    .unwrap();
    // A second cart with checkout answers, not placed; a saved address; a sign-in and the
    // browser's session record naming it, beside another browser's.
    answered_cart(&pool, account, variant, "ana.next@example.com").await;
    let mut saved = common::shop::us_address();
    saved.phone = "+1 212 555 0100".into();
    domain::addresses::add(&pool, account, &saved)
        .await
        .unwrap();
    let login = accounts::logins::open(&pool, account, &client("10.0.0.9"))
        .await
        .unwrap();
    for (id, data) in [
        (
            "mine",
            format!("\u{82}\u{a5}login\u{d9}\u{24}{login}\u{a5}typed"),
        ),
        (
            "someone-else",
            format!("\u{81}\u{a4}cart\u{d9}\u{24}{}", Uuid::new_v4()),
        ),
    ] {
        sqlx::query(
            "INSERT INTO tower_sessions.session (id, data, expiry_date)
             VALUES ($1, convert_to($2, 'UTF8'), now() + interval '1 day')",
        )
        .bind(id)
        .bind(data)
        .execute(&pool)
        .await
        .unwrap();
    }

    // The download holds the order: lines, totals, address, payments and history.
    let data = accounts::data::export(&pool, account).await.unwrap();
    let orders = data["orders"].as_array().expect("orders in the download");
    assert_eq!(orders.len(), 1, "{data:#}");
    let order = &orders[0];
    assert_eq!(order["number"], placed.number);
    assert_eq!(order["email"], "ana.orders@example.com");
    assert_eq!(order["status"], "paid");
    assert_eq!(order["lines"][0]["name"], "Blue Mug");
    assert_eq!(order["lines"][0]["quantity"], 1);
    assert_eq!(order["shipping_address"]["name"], "Ana Souza");
    assert_eq!(order["shipping_address"]["phone"], "+1 212 555 0100");
    assert!(order["total"].as_f64().unwrap() > 12.0, "{order:#}");
    assert_eq!(order["payments"][0]["status"], "succeeded");
    let history = order["history"].as_array().unwrap();
    assert!(history.iter().any(|h| h["to"] == "paid"), "{order:#}");

    let total_before: rust_decimal::Decimal =
        sqlx::query_scalar("SELECT total FROM orders WHERE id = $1")
            .bind(placed.order)
            .fetch_one(&pool)
            .await
            .unwrap();
    accounts::data::delete(&pool, account, login, PASSWORD)
        .await
        .unwrap();

    // The order stays for the books, with nothing that names or reaches Ana.
    let (email, address, number, total, owner): (
        String,
        serde_json::Value,
        i64,
        rust_decimal::Decimal,
        Option<Uuid>,
    ) = sqlx::query_as(
        "SELECT email, shipping_address, number, total, account_id FROM orders WHERE id = $1",
    )
    .bind(placed.order)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(email, accounts::data::ERASED_EMAIL);
    assert_eq!(owner, None);
    assert_eq!((number, total), (placed.number, total_before));
    for erased in ["name", "line1", "line2", "city", "postal_code", "phone"] {
        assert_eq!(address[erased], "", "{erased}: {address}");
    }
    assert_eq!(address["country"], "US");
    assert_eq!(address["region"], "NY");
    let everything: String = sqlx::query_scalar(
        "SELECT concat_ws(' ', (SELECT string_agg(o::text, ' ') FROM orders o),
                               (SELECT string_agg(c::text, ' ') FROM carts c),
                               (SELECT string_agg(a::text, ' ') FROM addresses a),
                               (SELECT string_agg(m.to_address || m.text_body, ' ')
                                  FROM outbox_emails m))",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for personal in [
        "Ana Souza",
        "Rua",
        "Flores",
        "555 0100",
        "Apartment 4",
        "ana@example.com",
        "ana.orders@example.com",
        "ana.next@example.com",
    ] {
        assert!(!everything.contains(personal), "{personal} is still kept");
    }
    let lines: i64 = sqlx::query_scalar("SELECT count(*) FROM order_lines WHERE order_id = $1")
        .bind(placed.order)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(lines, 1, "the order's lines stay for the books");
    // The browser's session record went with the sign-in; another browser's stays.
    let sessions: Vec<String> = sqlx::query_scalar("SELECT id FROM tower_sessions.session")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(sessions, vec!["someone-else".to_string()]);
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM account_sessions) + (SELECT count(*) FROM account_tokens)
              + (SELECT count(*) FROM carts)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, 0);
}
