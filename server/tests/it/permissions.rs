//! Staff permissions over HTTP, in-process against a real PostgreSQL: a staff member
//! without the "refunds" permission is refused every refund (over HTTP and in the
//! domain), an admin's ticks on the staff page take effect, and nobody gives
//! themselves permissions.

use crate::common;

use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use uuid::Uuid;

use app::server::account as accounts_fns;
use app::server::shop as shop_fns;
use common::accounts::*;
use common::app_and_pool;
use common::shop::*;
use domain::DomainError;
use domain::accounts::staff::{Permission, Staff, can};
use domain::payments::{Config, Provider};
use rust_decimal::Decimal;
use sqlx::PgPool;

const ADMIN: &str = "boss@example.com";
const CLERK: &str = "clerk@example.com";

/// The shop's admin, who can sign in over HTTP.
async fn admin(pool: &PgPool) -> Uuid {
    domain::accounts::admin::create_admin(pool, ADMIN, Some(PASSWORD))
        .await
        .unwrap()
        .0
}

async fn checked(pool: &PgPool, id: Uuid) -> Staff {
    let account = domain::accounts::find(pool, id).await.unwrap();
    domain::accounts::staff::sign_in_as_staff(pool, &account)
        .await
        .unwrap()
}

/// A PIX order the admin confirmed as paid: something to refund.
async fn paid_order(pool: &PgPool, admin: Uuid) -> Uuid {
    let (order, _) = placed(pool, Provider::Pix, &Config::default()).await;
    let boss = checked(pool, admin).await;
    domain::payments::events::confirm_offline(pool, &boss.allowed().unwrap(), order, &links())
        .await
        .unwrap();
    order
}

/// The staff page's permissions form, as the admin (or anyone) posts it.
async fn tick(
    app: &axum::Router,
    cookie: &str,
    who: Uuid,
    permissions: &[&str],
) -> (StatusCode, String) {
    let who = who.to_string();
    let mut form = vec![("lang", "en"), ("id", who.as_str())];
    form.extend(permissions.iter().map(|p| (*p, "on")));
    let (response, body) = post(
        app,
        accounts_fns::SetStaffPermissions::PATH,
        &form,
        &[("cookie", cookie)],
    )
    .await;
    (response.status(), body)
}

/// The admin makes the clerk staff on the staff page, then leaves them `permissions`;
/// returns the admin's cookie and the clerk's id.
async fn clerk_with(app: &axum::Router, pool: &PgPool, permissions: &[&str]) -> (String, Uuid) {
    let clerk = customer(pool, CLERK).await;
    let boss = signed_in(app, ADMIN).await;
    let id = clerk.to_string();
    let (response, body) = post(
        app,
        accounts_fns::SetAccountRole::PATH,
        &[("lang", "en"), ("id", &id), ("role", "staff")],
        &[("cookie", boss.as_str())],
    )
    .await;
    assert!(!response.status().is_client_error(), "{body}");
    let (status, body) = tick(app, &boss, clerk, permissions).await;
    assert!(!status.is_client_error(), "{body}");
    (boss, clerk)
}

async fn refunds(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM refunds")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn refund_form(order: &str) -> Vec<(&str, &str)> {
    vec![
        ("lang", "en"),
        ("id", order),
        ("amount", "1"),
        ("reason", "damaged"),
    ]
}

#[tokio::test]
async fn a_staff_member_without_the_refunds_permission_is_refused_every_refund() {
    let (app, pool) = app_and_pool().await;
    let boss = admin(&pool).await;
    let (_, clerk) = clerk_with(&app, &pool, &["orders"]).await;
    let order = paid_order(&pool, boss).await;
    let order_id = order.to_string();
    let as_clerk = signed_in(&app, CLERK).await;
    let as_clerk = [("cookie", as_clerk.as_str())];

    // The refund server function.
    let (response, body) = post(
        &app,
        shop_fns::StaffRefund::PATH,
        &refund_form(&order_id),
        &as_clerk,
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "{body}");
    // Moving the order to a refunded status by hand is no way round it.
    for to in ["refunded", "partially_refunded"] {
        let (response, body) = post(
            &app,
            shop_fns::StaffMoveOrder::PATH,
            &[
                ("lang", "en"),
                ("id", &order_id),
                ("to", to),
                ("reason", ""),
            ],
            &as_clerk,
        )
        .await;
        assert!(response.status().is_client_error(), "{to}: {body}");
    }
    // The order page they may see offers no refund.
    let (response, body) = post(
        &app,
        shop_fns::GetStaffOrder::PATH,
        &[("lang", "en"), ("id", &order_id)],
        &as_clerk,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    assert!(body.contains(r#""refundable":null"#), "{body}");
    // The domain: no proof, so no call.
    let staff = checked(&pool, clerk).await;
    assert!(matches!(
        staff.allowed::<can::Refunds>(),
        Err(DomainError::Forbidden)
    ));

    assert_eq!(refunds(&pool).await, 0);
    assert_eq!(status_of(&pool, order).await, "paid");
}

#[tokio::test]
async fn refunds_given_by_an_admin_on_the_staff_page_take_effect_at_the_next_sign_in() {
    let (app, pool) = app_and_pool().await;
    let boss = admin(&pool).await;
    let (boss_cookie, clerk) = clerk_with(&app, &pool, &["orders"]).await;
    let order = paid_order(&pool, boss).await;
    let order_id = order.to_string();
    let before = signed_in(&app, CLERK).await;

    let (status, body) = tick(&app, &boss_cookie, clerk, &["orders", "refunds"]).await;
    assert!(!status.is_client_error(), "{body}");
    // The change ended the clerk's sign-in.
    let (response, _) = post(
        &app,
        shop_fns::StaffRefund::PATH,
        &refund_form(&order_id),
        &[("cookie", before.as_str())],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // Signed in again, the clerk refunds over HTTP, and through the domain.
    let after = signed_in(&app, CLERK).await;
    let (response, body) = post(
        &app,
        shop_fns::StaffRefund::PATH,
        &refund_form(&order_id),
        &[("cookie", after.as_str())],
    )
    .await;
    assert!(!response.status().is_client_error(), "{body}");
    let staff = checked(&pool, clerk).await;
    domain::payments::refund(
        &pool,
        &staff.allowed().unwrap(),
        &Config::default(),
        order,
        Decimal::ONE,
        "damaged",
        &links(),
    )
    .await
    .unwrap();

    assert_eq!(refunds(&pool).await, 2);
    assert_eq!(status_of(&pool, order).await, "partially_refunded");
}

#[tokio::test]
async fn a_staff_member_cannot_give_themselves_permissions() {
    let (app, pool) = app_and_pool().await;
    admin(&pool).await;
    // One who may manage staff, and one who may not: neither can tick their own boxes.
    let (_, clerk) = clerk_with(&app, &pool, &["orders", "staff"]).await;
    let cookie = signed_in(&app, CLERK).await;
    let (status, body) = tick(&app, &cookie, clerk, &["orders", "staff", "refunds"]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("account.errors.own_permissions"), "{body}");

    let plain = customer(&pool, "plain@example.com").await;
    sqlx::query("UPDATE accounts SET role = 'staff', permissions = '{orders}' WHERE id = $1")
        .bind(plain)
        .execute(&pool)
        .await
        .unwrap();
    let cookie = signed_in(&app, "plain@example.com").await;
    let (status, _) = tick(&app, &cookie, plain, &["orders", "refunds"]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    assert_eq!(
        checked(&pool, clerk).await.permissions(),
        vec![Permission::Orders, Permission::Staff]
    );
    assert_eq!(
        checked(&pool, plain).await.permissions(),
        vec![Permission::Orders]
    );
}
