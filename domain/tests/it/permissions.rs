//! Staff permissions against a real PostgreSQL: what becoming staff gives, who may change
//! whose permissions, and the rules that moved into the domain with them: who may see an
//! order, and whose cart a cart id is.

use crate::common;

use common::accounts::*;
use common::shop::*;
use domain::DomainError;
use domain::accounts::staff::{self, Permission, Staff, can};
use domain::accounts::{self, Role, logins};
use domain::cart::{self, Owner};
use domain::money::Currency;
use domain::orders::{self, Viewer};
use domain::payments::Provider;
use rust_decimal_macros::dec;
use sqlx::PgPool;
use uuid::Uuid;

async fn admin(pool: &PgPool) -> Staff {
    let (id, _) = accounts::admin::create_admin(pool, "boss@example.com", None)
        .await
        .unwrap();
    as_staff(pool, id).await.unwrap()
}

async fn as_staff(pool: &PgPool, id: Uuid) -> domain::DomainResult<Staff> {
    let account = accounts::find(pool, id).await.unwrap();
    staff::sign_in_as_staff(pool, &account).await
}

/// The permission codes stored for an account, in alphabetical order.
async fn stored(pool: &PgPool, id: Uuid) -> Vec<String> {
    let mut codes: Vec<String> =
        sqlx::query_scalar("SELECT permissions FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    codes.sort();
    codes
}

#[tokio::test]
async fn becoming_staff_gives_what_staff_could_do_before_and_leaving_takes_it_away() {
    let pool = common::database().await;
    let boss = admin(&pool).await;
    let clerk = verified(&pool, "clerk@example.com").await;
    accounts::admin::set_role(&pool, &boss.allowed().unwrap(), clerk, Role::Staff)
        .await
        .unwrap();
    assert_eq!(
        as_staff(&pool, clerk).await.unwrap().permissions(),
        vec![
            Permission::Orders,
            Permission::Refunds,
            Permission::Customers
        ]
    );
    accounts::admin::set_role(&pool, &boss.allowed().unwrap(), clerk, Role::Customer)
        .await
        .unwrap();
    assert!(stored(&pool, clerk).await.is_empty());
    assert!(matches!(
        as_staff(&pool, clerk).await,
        Err(DomainError::Forbidden)
    ));
}

#[tokio::test]
async fn staff_are_refused_what_they_were_not_given() {
    let pool = common::database().await;
    let clerk = staff_with(&pool, "clerk@example.com", &[Permission::Orders]).await;
    assert!(clerk.allowed::<can::Orders>().is_ok());
    assert!(matches!(
        clerk.allowed::<can::Refunds>(),
        Err(DomainError::Forbidden)
    ));
    assert!(matches!(
        clerk.allowed::<can::Customers>(),
        Err(DomainError::Forbidden)
    ));
    let boss = admin(&pool).await;
    assert_eq!(boss.permissions(), Permission::ALL.to_vec());
}

#[tokio::test]
async fn an_admin_sets_a_staff_members_permissions_which_ends_their_sign_ins() {
    let pool = common::database().await;
    let boss = admin(&pool).await;
    let clerk = staff(&pool, "clerk@example.com").await;
    let login = logins::open(&pool, clerk.id(), &client("3.3.3.3"))
        .await
        .unwrap();
    accounts::admin::set_permissions(
        &pool,
        &boss.allowed().unwrap(),
        clerk.id(),
        &[Permission::Catalog, Permission::Inventory],
    )
    .await
    .unwrap();
    assert!(logins::current(&pool, login).await.unwrap().is_none());
    let again = as_staff(&pool, clerk.id()).await.unwrap();
    assert_eq!(
        again.permissions(),
        vec![Permission::Catalog, Permission::Inventory]
    );
    assert!(again.allowed::<can::Refunds>().is_err());
}

#[tokio::test]
async fn nobody_changes_their_own_permissions() {
    let pool = common::database().await;
    let lead = staff_with(
        &pool,
        "lead@example.com",
        &[Permission::Staff, Permission::Orders],
    )
    .await;
    let refused = accounts::admin::set_permissions(
        &pool,
        &lead.allowed().unwrap(),
        lead.id(),
        &[Permission::Staff, Permission::Orders, Permission::Refunds],
    )
    .await
    .unwrap_err();
    assert_eq!(message(&refused), "account.errors.own_permissions");
    assert_eq!(stored(&pool, lead.id()).await, vec!["orders", "staff"]);
}

#[tokio::test]
async fn staff_who_manage_staff_change_only_permissions_they_hold() {
    let pool = common::database().await;
    let lead = staff_with(
        &pool,
        "lead@example.com",
        &[Permission::Staff, Permission::Orders],
    )
    .await;
    let clerk = staff_with(&pool, "clerk@example.com", &[Permission::Refunds]).await;
    let by = lead.allowed().unwrap();
    // Taking away refunds, which the lead does not have: refused.
    let refused = accounts::admin::set_permissions(&pool, &by, clerk.id(), &[Permission::Orders])
        .await
        .unwrap_err();
    assert!(matches!(refused, DomainError::Forbidden));
    assert_eq!(stored(&pool, clerk.id()).await, vec!["refunds"]);
    // Giving orders, which the lead has: done.
    accounts::admin::set_permissions(
        &pool,
        &by,
        clerk.id(),
        &[Permission::Orders, Permission::Refunds],
    )
    .await
    .unwrap();
    assert_eq!(stored(&pool, clerk.id()).await, vec!["orders", "refunds"]);
}

#[tokio::test]
async fn only_staff_members_have_permissions_to_set() {
    let pool = common::database().await;
    let boss = admin(&pool).await;
    let customer = verified(&pool, "ana@example.com").await;
    let refused = accounts::admin::set_permissions(
        &pool,
        &boss.allowed().unwrap(),
        customer,
        &[Permission::Refunds],
    )
    .await
    .unwrap_err();
    assert_eq!(message(&refused), "account.errors.permissions_staff_only");
    assert!(stored(&pool, customer).await.is_empty());
}

async fn sees(pool: &PgPool, viewer: Viewer<'_>, order: Uuid) -> domain::DomainResult<Uuid> {
    orders::read::visible(pool, &viewer, order)
        .await
        .map(|o| o.id)
}

#[tokio::test]
async fn an_order_is_seen_by_its_browser_its_link_its_customer_and_staff_with_orders_only() {
    let pool = common::database().await;
    let brl = audience(Currency::BRL);
    let fan = product(&pool, "Fan", dec!(30), 10, 1000).await;
    let cart = ready_cart(&pool, brl, &[(fan, 1)], &br_address(), Provider::Pix)
        .await
        .unwrap();
    let placed = place_with(&pool, brl, cart, None).await.unwrap();
    let order = placed.order;
    let key = placed.key.unwrap();
    let not_found =
        |seen: domain::DomainResult<Uuid>| matches!(seen, Err(DomainError::NotFound(_)));
    // Nobody in particular, a wrong key: not found.
    assert!(not_found(sees(&pool, Viewer::default(), order).await));
    let wrong = format!("{}00", &key[..key.len() - 2]);
    let with_key = |key| Viewer {
        key: Some(key),
        ..Viewer::default()
    };
    assert!(not_found(sees(&pool, with_key(&wrong), order).await));
    // The browser that placed it, and anyone holding its link.
    let here = [order];
    let from_here = Viewer {
        placed_here: &here,
        ..Viewer::default()
    };
    assert_eq!(sees(&pool, from_here, order).await.unwrap(), order);
    assert_eq!(sees(&pool, with_key(&key), order).await.unwrap(), order);
    // Staff allowed to see orders.
    let clerk = staff_with(&pool, "clerk@example.com", &[Permission::Orders]).await;
    let allowed = clerk.allowed::<can::Orders>().unwrap();
    let staff_viewer = Viewer {
        staff: Some(&allowed),
        ..Viewer::default()
    };
    assert_eq!(sees(&pool, staff_viewer, order).await.unwrap(), order);
    // A customer's order: theirs to see, not another customer's, and a guest's link
    // does not open it.
    let ana = verified(&pool, "ana@example.com").await;
    let bia = verified(&pool, "bia@example.com").await;
    sqlx::query("UPDATE orders SET account_id = $2 WHERE id = $1")
        .bind(order)
        .bind(ana)
        .execute(&pool)
        .await
        .unwrap();
    let customer = |account| Viewer {
        account: Some(account),
        ..Viewer::default()
    };
    assert_eq!(sees(&pool, customer(ana), order).await.unwrap(), order);
    assert!(not_found(sees(&pool, customer(bia), order).await));
    assert!(not_found(sees(&pool, with_key(&key), order).await));
}

#[tokio::test]
async fn a_cart_id_is_found_only_for_the_shopper_whose_cart_it_is() {
    let pool = common::database().await;
    let ana = verified(&pool, "ana@example.com").await;
    let bia = verified(&pool, "bia@example.com").await;
    let anas = cart::find_or_create(&pool, Owner::Account(ana))
        .await
        .unwrap();
    let guests = cart::find_or_create(&pool, Owner::Guest(None))
        .await
        .unwrap();
    assert_eq!(
        cart::of(&pool, Owner::Account(ana), anas.id())
            .await
            .unwrap(),
        anas
    );
    assert_eq!(
        cart::of(&pool, Owner::Guest(Some(guests.id())), guests.id())
            .await
            .unwrap()
            .id(),
        guests.id()
    );
    for (owner, id) in [
        (Owner::Account(bia), anas.id()),
        (Owner::Account(ana), guests.id()),
        (Owner::Guest(Some(guests.id())), anas.id()),
        (Owner::Guest(Some(Uuid::new_v4())), guests.id()),
        (Owner::Guest(None), guests.id()),
        (Owner::Account(ana), Uuid::new_v4()),
    ] {
        assert!(
            matches!(
                cart::of(&pool, owner, id).await,
                Err(DomainError::NotFound(_))
            ),
            "{owner:?} {id}"
        );
    }
}
