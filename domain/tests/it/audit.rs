//! The audit log against a real PostgreSQL: staff changes are recorded in the same
//! transaction with the values before and after, nobody can change a record, and
//! reading it takes the `audit` permission.

use crate::common;

use common::accounts::{staff_with, verified};
use common::shop::*;
use domain::accounts::staff::{Permission, can};
use domain::accounts::{self, Role};
use domain::audit::{self, Filter};
use domain::payments::Provider;
use rust_decimal_macros::dec;

#[tokio::test]
async fn a_refund_is_recorded_with_who_what_and_the_values_before_and_after() {
    let pool = common::database().await;
    let clerk = staff_with(&pool, "clerk@example.com", &[Permission::Refunds]).await;
    let auditor = staff_with(&pool, "auditor@example.com", &[Permission::Audit]).await;
    let chair = product(&pool, "Chair", dec!(40), 5, 5000).await;
    let cart = ready_cart(&pool, USD, &[(chair, 1)], &us_address(), Provider::TestCard)
        .await
        .unwrap();
    let placed = place(&pool, USD, cart).await.unwrap();
    domain::payments::refund(
        &pool,
        &clerk.allowed::<can::Refunds>().unwrap(),
        &config(),
        placed.order,
        dec!(10),
        "scratched",
        &links(),
    )
    .await
    .unwrap();

    let log = audit::list(&pool, &auditor.allowed().unwrap(), &Filter::default(), 50)
        .await
        .unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    let entry = &log[0];
    assert_eq!(entry.actor, "clerk@example.com");
    assert_eq!(entry.actor_id, Some(clerk.id()));
    assert_eq!(entry.action, "order.refund");
    assert_eq!(entry.subject_id, placed.order.to_string());
    assert!(entry.label.starts_with('#'), "{}", entry.label);
    let changes = audit::differences(entry.before.as_ref(), entry.after.as_ref());
    let field = |name: &str| changes.iter().find(|(f, _, _)| f == name).cloned();
    let (_, before, after) = field("status").expect("status changed");
    assert_eq!(
        (before.as_str(), after.as_str()),
        (Some("paid"), Some("partially_refunded"))
    );
    assert_eq!(field("refund").unwrap().2, "10");

    // A filter by area finds it; another area does not.
    let by_area = |action: &str| Filter {
        action: Some(action.into()),
        ..Filter::default()
    };
    let allowed = auditor.allowed::<can::Audit>().unwrap();
    assert_eq!(
        audit::list(&pool, &allowed, &by_area("order"), 50)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        audit::list(&pool, &allowed, &by_area("product"), 50)
            .await
            .unwrap()
            .is_empty()
    );
    // A LIKE pattern in the actor filter is taken literally.
    let actor = Filter {
        actor: Some("%".into()),
        ..Filter::default()
    };
    assert!(
        audit::list(&pool, &allowed, &actor, 50)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_role_change_is_recorded_and_a_refused_change_is_not() {
    let pool = common::database().await;
    let (boss, _) = accounts::admin::create_admin(&pool, "boss@example.com", None)
        .await
        .unwrap();
    let boss =
        accounts::staff::sign_in_as_staff(&pool, &accounts::find(&pool, boss).await.unwrap())
            .await
            .unwrap();
    let clerk = verified(&pool, "clerk@example.com").await;
    let admin = boss.allowed::<can::Admin>().unwrap();
    accounts::admin::set_role(&pool, &admin, clerk, Role::Staff)
        .await
        .unwrap();
    // Refused (own role): nothing is written.
    assert!(
        accounts::admin::set_role(&pool, &admin, boss.id(), Role::Customer)
            .await
            .is_err()
    );
    let log = audit::list(&pool, &boss.allowed().unwrap(), &Filter::default(), 50)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "account.role");
    assert_eq!(log[0].label, "clerk@example.com");
    assert_eq!(log[0].before, Some(serde_json::json!({"role": "customer"})));
    assert_eq!(log[0].after, Some(serde_json::json!({"role": "staff"})));
}

#[tokio::test]
async fn nobody_can_change_or_remove_a_record() {
    let pool = common::database().await;
    let (boss, _) = accounts::admin::create_admin(&pool, "boss@example.com", None)
        .await
        .unwrap();
    let boss =
        accounts::staff::sign_in_as_staff(&pool, &accounts::find(&pool, boss).await.unwrap())
            .await
            .unwrap();
    accounts::admin::require_staff_two_factor(&pool, &boss.allowed().unwrap(), true)
        .await
        .unwrap();
    for statement in [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let refused = sqlx::query(statement).execute(&pool).await;
        assert!(refused.is_err(), "{statement} was allowed");
    }
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE actor = 'boss@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(count, 1);
}
