//! Carts and checkout against a real PostgreSQL: stock and price checks, merging at
//! sign-in, shipping zones, tax, and placing an order exactly once.

use crate::common;

use common::shop::*;
use domain::cart::{self, Notice, Owner};
use domain::checkout::{self, PlaceOrder};
use domain::money::{Currency, Money};
use domain::payments::{Provider, test_card};
use domain::{Arg, Message};
use rust_decimal_macros::dec;
use uuid::Uuid;

#[tokio::test]
async fn a_cart_checks_quantity_stock_and_price_and_tells_what_changed() {
    let pool = common::database().await;
    let mug = product(&pool, "Mug", dec!(10), 3, 300).await;
    let cart = cart::find_or_create(&pool, Owner::Guest(None))
        .await
        .unwrap();
    cart::add(&pool, cart, mug, 2, Currency::USD).await.unwrap();
    let too_many = cart::add(&pool, cart, mug, 2, Currency::USD)
        .await
        .unwrap_err();
    assert_eq!(
        message(&too_many),
        Message::new("cart.errors.only_left").with("count", 3)
    );
    for bad in [0, -1, 1000, i32::MAX] {
        let error = cart::add(&pool, cart, mug, bad, Currency::USD)
            .await
            .unwrap_err();
        assert_eq!(
            message(&error),
            Message::new("cart.errors.quantity").with("max", 999),
            "{bad}"
        );
    }
    let unknown = cart::add(&pool, cart, Uuid::new_v4(), 1, Currency::USD)
        .await
        .unwrap_err();
    assert!(matches!(unknown, domain::DomainError::NotFound(_)));
    assert!(
        cart::set_quantity(&pool, cart, mug, 4, Currency::USD)
            .await
            .is_err()
    );
    // Two tabs adding at once: both count (one waits for the other), and never past stock.
    let other = cart::find_or_create(&pool, Owner::Guest(None))
        .await
        .unwrap();
    let pen = product(&pool, "Pen", dec!(2), 10, 10).await;
    let adds: Vec<_> = (0..12)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { cart::add(&pool, other, pen, 1, Currency::USD).await })
        })
        .collect();
    let mut added = 0;
    for add in adds {
        added += i32::from(add.await.unwrap().is_ok());
    }
    assert_eq!(added, 10);
    assert_eq!(cart::review(&pool, other, USD).await.unwrap().count, 10);

    // The price goes up: told once, with both prices.
    sqlx::query("UPDATE variants SET price = 12 WHERE id = $1")
        .bind(mug)
        .execute(&pool)
        .await
        .unwrap();
    let view = cart::review(&pool, cart, USD).await.unwrap();
    assert_eq!(
        view.notices,
        vec![Notice::PriceChanged {
            name: "Mug".into(),
            from: Money::new(dec!(10.00), Currency::USD),
            to: Money::new(dec!(12.00), Currency::USD),
        }]
    );
    assert_eq!(view.subtotal.amount, dec!(24.00));
    assert!(
        cart::review(&pool, cart, USD)
            .await
            .unwrap()
            .notices
            .is_empty()
    );

    // Stock falls below the quantity, then to nothing.
    sqlx::query("UPDATE variants SET stock = 1 WHERE id = $1")
        .bind(mug)
        .execute(&pool)
        .await
        .unwrap();
    let view = cart::review(&pool, cart, USD).await.unwrap();
    assert_eq!(
        view.notices,
        vec![Notice::QuantityLowered {
            name: "Mug".into(),
            to: 1
        }]
    );
    assert_eq!(view.count, 1);
    sqlx::query("UPDATE variants SET stock = 0 WHERE id = $1")
        .bind(mug)
        .execute(&pool)
        .await
        .unwrap();
    let view = cart::review(&pool, cart, USD).await.unwrap();
    assert_eq!(view.notices, vec![Notice::SoldOut { name: "Mug".into() }]);
    assert!(view.lines.is_empty());
}

#[tokio::test]
async fn a_guests_cart_joins_the_customers_cart_at_sign_in() {
    let pool = common::database().await;
    let mug = product(&pool, "Mug", dec!(10), 50, 300).await;
    let cap = product(&pool, "Cap", dec!(15), 50, 100).await;
    let account = common::accounts::verified(&pool, "merge@example.com").await;
    let mine = cart::find_or_create(&pool, Owner::Account(account))
        .await
        .unwrap();
    cart::add(&pool, mine, mug, 1, Currency::USD).await.unwrap();
    let guest = cart::find_or_create(&pool, Owner::Guest(None))
        .await
        .unwrap();
    cart::add(&pool, guest, mug, 2, Currency::USD)
        .await
        .unwrap();
    cart::add(&pool, guest, cap, 1, Currency::USD)
        .await
        .unwrap();

    cart::merge(&pool, guest, account).await.unwrap();
    let view = cart::review(&pool, mine, USD).await.unwrap();
    let quantities: Vec<(String, i32)> = view
        .lines
        .iter()
        .map(|l| (l.name.clone(), l.quantity))
        .collect();
    assert_eq!(quantities, vec![("Mug".into(), 3), ("Cap".into(), 1)]);
    assert_eq!(
        cart::find(&pool, Owner::Guest(Some(guest.id())))
            .await
            .unwrap(),
        None
    );
    // The same cart on every device: found by the account.
    assert_eq!(
        cart::find(&pool, Owner::Account(account)).await.unwrap(),
        Some(mine)
    );

    // Without a customer cart, the guest's becomes theirs.
    let other = common::accounts::verified(&pool, "fresh@example.com").await;
    let guest = cart::find_or_create(&pool, Owner::Guest(None))
        .await
        .unwrap();
    cart::add(&pool, guest, cap, 2, Currency::USD)
        .await
        .unwrap();
    cart::merge(&pool, guest, other).await.unwrap();
    assert_eq!(
        cart::find(&pool, Owner::Account(other))
            .await
            .unwrap()
            .map(cart::Cart::id),
        Some(guest.id())
    );
}

#[tokio::test]
async fn shipping_follows_the_zone_and_tax_the_region() {
    let pool = common::database().await;
    let book = product(&pool, "Book", dec!(25), 100, 1200).await;
    let cart = cart::find_or_create(&pool, Owner::Guest(None))
        .await
        .unwrap();
    cart::add(&pool, cart, book, 2, Currency::USD)
        .await
        .unwrap();
    checkout::set_email(&pool, cart, "ship@example.com")
        .await
        .unwrap();

    // New York: standard (free from $75) and express; 4 % tax on goods and shipping.
    checkout::set_address(&pool, cart, &us_address())
        .await
        .unwrap();
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    let offered: Vec<(&str, _)> = quote
        .methods
        .iter()
        .map(|m| (m.code.as_str(), m.price.amount))
        .collect();
    assert_eq!(
        offered,
        vec![("us-standard", dec!(6.00)), ("us-express", dec!(18.00))]
    );
    checkout::set_method(&pool, cart, USD, quote.methods[0].id)
        .await
        .unwrap();
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    assert_eq!(quote.totals.subtotal, dec!(50.00));
    assert_eq!(quote.totals.tax, dec!(2.24)); // 2.00 on goods + 0.24 on shipping
    assert_eq!(quote.totals.total, dec!(58.24));
    cart::add(&pool, cart, book, 2, Currency::USD)
        .await
        .unwrap();
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    assert_eq!(
        quote.method.as_ref().unwrap().price.amount,
        dec!(0.00),
        "free above $75"
    );

    // California taxes goods only.
    checkout::set_address(&pool, cart, &common::shop::address("US", "CA", "94103"))
        .await
        .unwrap();
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    assert!(
        quote.method.is_none(),
        "a new address asks for the method again"
    );
    checkout::set_method(&pool, cart, USD, quote.methods[1].id)
        .await
        .unwrap();
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    assert_eq!(quote.totals.tax, dec!(7.25)); // 100.00 × 7.25 %, not on the $18 express

    // Brazil, in reais: by weight (4.8 kg → 5 started kilos: 3 + 5 × 1.50 = 10.50 USD).
    let brl = audience(Currency::BRL);
    checkout::set_address(&pool, cart, &br_address())
        .await
        .unwrap();
    let quote = checkout::quote(&pool, cart, brl).await.unwrap();
    assert_eq!(quote.methods[0].code, "br-pac");
    assert_eq!(
        quote.methods[0].price,
        Money::new(dec!(56.70), Currency::BRL)
    );
    assert_eq!(quote.rate, dec!(5.40));

    // A country without its own zone gets the rest of the world's; a method from
    // another zone is refused.
    let us_method =
        sqlx::query_scalar::<_, Uuid>("SELECT id FROM shipping_methods WHERE code = 'us-express'")
            .fetch_one(&pool)
            .await
            .unwrap();
    checkout::set_address(
        &pool,
        cart,
        &common::shop::address("JP", "Tokyo", "100-0001"),
    )
    .await
    .unwrap();
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    assert_eq!(
        quote
            .methods
            .iter()
            .map(|m| m.code.as_str())
            .collect::<Vec<_>>(),
        vec!["world-standard"]
    );
    let refused = checkout::set_method(&pool, cart, USD, us_method)
        .await
        .unwrap_err();
    assert_eq!(message(&refused), "checkout.errors.method");

    // Prices entered with tax inside: the total stays, the tax is the part inside.
    sqlx::query("UPDATE shop_settings SET prices_include_tax = true")
        .execute(&pool)
        .await
        .unwrap();
    checkout::set_address(&pool, cart, &common::shop::address("PT", "", "1000-001"))
        .await
        .unwrap();
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    checkout::set_method(&pool, cart, USD, quote.methods[0].id)
        .await
        .unwrap();
    let quote = checkout::quote(&pool, cart, USD).await.unwrap();
    assert!(quote.totals.tax_included);
    assert_eq!(quote.totals.tax, dec!(18.70)); // 100 × 23/123 = 18.699…
    assert_eq!(quote.totals.total, dec!(100.00));
}

#[tokio::test]
async fn an_order_is_placed_once_with_what_was_shown() {
    let pool = common::database().await;
    let kettle = product(&pool, "Kettle", dec!(19.99), 20, 1500).await;
    let brl = audience(Currency::BRL);
    let cart = ready_cart(
        &pool,
        brl,
        &[(kettle, 2)],
        &br_address(),
        Provider::TestCard,
    )
    .await
    .unwrap();
    let quote = checkout::quote(&pool, cart, brl).await.unwrap();

    // A tampered (or stale) total places nothing.
    let config = config();
    let links = links();
    let request = |total, card| PlaceOrder {
        cart,
        audience: brl,
        expected_total: total,
        card_number: card,
        config: &config,
        links: &links,

        placer: Default::default(),
    };
    let tampered = checkout::place(&pool, request(dec!(1.00), Some(test_card::SUCCEEDS)))
        .await
        .unwrap_err();
    let told = message(&tampered);
    assert_eq!(told.key, "checkout.errors.total_changed");
    assert!(
        matches!(told.arg("total"), Some(Arg::Money { currency, .. }) if currency == "BRL"),
        "{told}"
    );
    // A declined card: a message on the card field, stock untouched, no order.
    let declined = checkout::place(
        &pool,
        request(quote.totals.total, Some(test_card::DECLINED)),
    )
    .await
    .unwrap_err();
    assert_eq!(message(&declined), "payment.errors.declined");
    assert_eq!(stock(&pool, kettle).await, 20);
    assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 0);
    // Someone else's cart is not found: a cart to place is only had through its shopper.
    let stranger = cart::of(&pool, Owner::Guest(Some(Uuid::new_v4())), cart.id())
        .await
        .unwrap_err();
    assert!(matches!(stranger, domain::DomainError::NotFound(_)));

    // A double click: two requests at once make one order.
    let (a, b) = tokio::join!(
        checkout::place(
            &pool,
            request(quote.totals.total, Some(test_card::SUCCEEDS))
        ),
        checkout::place(
            &pool,
            request(quote.totals.total, Some(test_card::SUCCEEDS))
        ),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.order, b.order);
    assert!(a.new != b.new, "one placed it, the other found it");
    assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 1);
    assert_eq!(stock(&pool, kettle).await, 18);
    // And a retried request later: the same order again.
    let again = checkout::place(
        &pool,
        request(quote.totals.total, Some(test_card::SUCCEEDS)),
    )
    .await
    .unwrap();
    assert_eq!((again.order, again.new), (a.order, false));
    assert!(again.key.is_some(), "a guest gets the signed link");

    // The order keeps the currency, the rate, the parts and the history.
    let order = crate::common::shop::order_detail(&pool, a.order)
        .await
        .unwrap();
    assert_eq!(order.currency, Currency::BRL);
    assert_eq!(order.exchange_rate, dec!(5.40));
    assert_eq!(order.lines[0].unit_price.amount, dec!(107.95)); // 19.99 × 5.40 = 107.946
    assert_eq!(
        order.total.amount,
        order.subtotal.amount - order.discount.amount + order.shipping.amount + order.tax.amount
    );
    assert_eq!(order.status, domain::orders::OrderStatus::Paid);
    let steps: Vec<_> = order
        .history
        .iter()
        .map(|h| (h.from, h.to, h.actor.as_str()))
        .collect();
    use domain::orders::OrderStatus::*;
    assert_eq!(
        steps,
        vec![
            (None, PendingPayment, "customer"),
            (Some(PendingPayment), Paid, "payment")
        ]
    );
    assert!(order.number >= 1001);
    let mail: String =
        sqlx::query_scalar("SELECT subject FROM outbox_emails WHERE to_address = $1")
            .bind(&order.email)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        mail,
        format!("Pedido nº {} na Test Shop: recebemos", order.number)
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM carts WHERE order_id IS NOT NULL"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_new_shop_offers_pix_only_once_it_has_a_pix_key_and_has_no_demo_coupon() {
    let pool = common::database().await;
    let config = config();
    let offered = |currency| {
        let (pool, config) = (pool.clone(), config.clone());
        async move {
            domain::payments::offered_for(&pool, &config, currency)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        offered(Currency::BRL).await,
        vec![Provider::TestCard, Provider::Boleto]
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM coupons").await, 0);
    set_up_payments_and_coupon(&pool).await;
    assert_eq!(
        offered(Currency::BRL).await,
        vec![Provider::TestCard, Provider::Pix, Provider::Boleto]
    );
    assert_eq!(offered(Currency::USD).await, vec![Provider::TestCard]);
}

#[tokio::test]
async fn a_customer_ships_to_one_of_their_own_saved_addresses() {
    let pool = common::database().await;
    let ana = common::accounts::verified(&pool, "ana@example.com").await;
    let bia = common::accounts::verified(&pool, "bia@example.com").await;
    let saved = domain::addresses::add(&pool, ana, &br_address())
        .await
        .unwrap();
    let other = domain::addresses::add(&pool, bia, &us_address())
        .await
        .unwrap();
    let cart = cart::find_or_create(&pool, Owner::Account(ana))
        .await
        .unwrap();

    checkout::ship_to_saved(&pool, cart, saved).await.unwrap();
    let address = checkout::answers(&pool, cart)
        .await
        .unwrap()
        .address
        .unwrap();
    assert_eq!(address.postal_code, "01310-100");
    assert_eq!(address.lines()[3], "Brasil");
    // Another customer's address is not found, and the cart keeps its own.
    let refused = checkout::ship_to_saved(&pool, cart, other)
        .await
        .unwrap_err();
    assert!(matches!(refused, domain::DomainError::NotFound(_)));
    assert_eq!(
        checkout::answers(&pool, cart).await.unwrap().address,
        Some(address)
    );
}
