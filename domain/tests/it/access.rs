//! Who may touch what, against a real PostgreSQL: a customer's own addresses and
//! sign-ins, and the staff and admin roles.

use crate::common;

use common::accounts::*;
use domain::DomainError;
use domain::accounts::staff::{self, can};
use domain::accounts::{self, Role, logins};
use uuid::Uuid;

#[tokio::test]
async fn customers_reach_only_their_own_addresses_sessions_and_roles() {
    let pool = common::database().await;
    let ana = verified(&pool, "ana@example.com").await;
    let bia = verified(&pool, "bia@example.com").await;
    let input = domain::addresses::AddressInput {
        kind: "shipping".into(),
        name: "Ana Souza".into(),
        line1: "Av. Paulista, 1000".into(),
        city: "São Paulo".into(),
        region: "SP".into(),
        postal_code: "01310100".into(),
        country: "BR".into(),
        ..Default::default()
    };
    let address = domain::addresses::add(&pool, ana, &input).await.unwrap();
    let list = domain::addresses::list(&pool, ana).await.unwrap();
    assert_eq!(
        (list.len(), list[0].postal_code.as_str(), list[0].is_default),
        (1, "01310-100", true)
    );
    // Bia cannot see, change or delete Ana's address by its id.
    assert!(
        domain::addresses::list(&pool, bia)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        domain::addresses::delete(&pool, bia, address).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        domain::addresses::make_default(&pool, bia, address).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        domain::addresses::update(&pool, bia, address, &input).await,
        Err(DomainError::NotFound(_))
    ));
    assert_eq!(domain::addresses::list(&pool, ana).await.unwrap().len(), 1);
    // Nor end Ana's sign-in.
    let login = logins::open(&pool, ana, &client("1.1.1.1")).await.unwrap();
    assert!(matches!(
        logins::close_own(&pool, bia, login).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(logins::current(&pool, login).await.unwrap().is_some());
    // A second default of a kind replaces the first.
    let mut second = input.clone();
    second.make_default = true;
    let newer = domain::addresses::add(&pool, ana, &second).await.unwrap();
    let defaults: Vec<Uuid> = domain::addresses::list(&pool, ana)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.is_default)
        .map(|a| a.id)
        .collect();
    assert_eq!(defaults, vec![newer]);

    // Roles: customers are not staff; staff list accounts, but only admins change roles.
    let customer = accounts::find(&pool, bia).await.unwrap();
    assert!(matches!(
        staff::sign_in_as_staff(&pool, &customer).await,
        Err(DomainError::Forbidden)
    ));
    let (admin_id, _) = accounts::admin::create_admin(&pool, "boss@example.com", None)
        .await
        .unwrap();
    let admin_account = accounts::find(&pool, admin_id).await.unwrap();
    let admin = staff::sign_in_as_staff(&pool, &admin_account)
        .await
        .unwrap();
    accounts::admin::set_role(&pool, &admin.allowed().unwrap(), bia, Role::Staff)
        .await
        .unwrap();
    let bia_account = accounts::find(&pool, bia).await.unwrap();
    let bia_staff = staff::sign_in_as_staff(&pool, &bia_account).await.unwrap();
    assert_eq!(
        accounts::admin::list(&pool, &bia_staff.allowed().unwrap(), 10)
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(matches!(
        bia_staff.allowed::<can::Admin>(),
        Err(DomainError::Forbidden)
    ));
    // A role change signs the account out, so its next session starts with the new role.
    let bia_login = logins::open(&pool, bia, &client("2.2.2.2")).await.unwrap();
    accounts::admin::set_role(&pool, &admin.allowed().unwrap(), bia, Role::Customer)
        .await
        .unwrap();
    assert!(logins::current(&pool, bia_login).await.unwrap().is_none());
    // The check reads the role from the database, not from the account value held.
    assert!(matches!(
        staff::sign_in_as_staff(&pool, &bia_account).await,
        Err(DomainError::Forbidden)
    ));
    // When the shop requires it, staff without two factors are refused.
    sqlx::query("UPDATE shop_settings SET staff_two_factor = true")
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        staff::sign_in_as_staff(&pool, &admin_account).await,
        Err(DomainError::Validation {
            field: "two_factor",
            ..
        })
    ));
}
