//! The dashboard and the inventory grid over HTTP, in-process against the demo shop:
//! who sees which blocks (customer, staff without the permission, with it, admin),
//! the chart drawn as SVG in the page itself, and a row of the grid saved by a plain
//! form post — refused without the permission, a wrong value answered 400 on its row.

use crate::common;

use axum::http::StatusCode;
use leptos::server_fn::ServerFn;
use rust_decimal::Decimal;

use app::server::admin::inventory::SaveInventoryRow;
use common::accounts::*;
use common::{app_and_pool, get_with};

const ADMIN: &str = "boss@example.com";

async fn staff(pool: &sqlx::PgPool, email: &str, permissions: &[&str]) {
    let id = customer(pool, email).await;
    sqlx::query("UPDATE accounts SET role = 'staff', permissions = $2 WHERE id = $1")
        .bind(id)
        .bind(permissions)
        .execute(pool)
        .await
        .unwrap();
}

/// A demo variant with its stock and price as the grid shows them.
async fn a_variant(pool: &sqlx::PgPool) -> (String, i32, String) {
    let (id, stock, price): (uuid::Uuid, i32, Decimal) = sqlx::query_as(
        "SELECT id, stock, price FROM variants WHERE stock > 2 ORDER BY sku LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    (id.to_string(), stock, price.normalize().to_string())
}

async fn stock_and_price(pool: &sqlx::PgPool, id: &str) -> (i32, Decimal) {
    sqlx::query_as("SELECT stock, price FROM variants WHERE id = $1::uuid")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn save_row(
    app: &axum::Router,
    cookie: &str,
    (id, stock, price): (&str, &str, Option<&str>),
    (seen_stock, seen_price): (i32, &str),
) -> (StatusCode, String) {
    let seen_stock = seen_stock.to_string();
    let mut form = vec![
        ("lang", "en"),
        ("id", id),
        ("stock", stock),
        ("seen_stock", seen_stock.as_str()),
        ("seen_price", seen_price),
        ("back_stock", "low"),
    ];
    if let Some(price) = price {
        form.push(("price", price));
    }
    let (response, body) = post(app, SaveInventoryRow::PATH, &form, &[("cookie", cookie)]).await;
    (response.status(), body)
}

#[tokio::test]
async fn each_block_of_the_dashboard_shows_for_its_permission() {
    let (app, pool) = app_and_pool().await;
    domain::accounts::admin::create_admin(&pool, ADMIN, Some(PASSWORD))
        .await
        .unwrap();
    customer(&pool, "shopper@example.com").await;
    staff(&pool, "helpdesk@example.com", &["customers"]).await;
    staff(&pool, "sales@example.com", &["orders"]).await;
    staff(&pool, "buyer@example.com", &["catalog"]).await;
    staff(&pool, "keeper@example.com", &["inventory"]).await;

    let page = |email: &'static str, path: &'static str| {
        let app = app.clone();
        async move {
            let cookie = signed_in(&app, email).await;
            let (response, body) = get_with(&app, path, &[("cookie", &cookie)]).await;
            (response.status(), body)
        }
    };
    let (status, body) = page("shopper@example.com", "/en/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.contains("data-testid=\"figures\""));

    // Staff with none of the permissions: the page, and no figures or counts.
    let (status, body) = page("helpdesk@example.com", "/en/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("data-testid=\"figures\""));
    assert!(!body.contains("data-testid=\"todos\""));
    assert!(body.contains("Run the shop from here"));

    // Orders: the figures, the chart and the order to-dos; no stock counts.
    let (status, body) = page("sales@example.com", "/en/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("data-testid=\"figures\""));
    assert!(body.contains("<svg"), "the chart is in the page itself");
    assert_eq!(body.matches("data-testid=\"chart-day\"").count(), 30);
    assert_eq!(
        body.matches("<title>").count(),
        31,
        "the page's own title and one per day"
    );
    assert!(body.contains("data-testid=\"todo-fulfil\""));
    assert!(body.contains("/en/admin/orders?status=paid"));
    assert!(!body.contains("data-testid=\"todo-out\""));
    let (_, body) = page("sales@example.com", "/en/admin?period=90").await;
    assert_eq!(body.matches("data-testid=\"chart-day\"").count(), 90);

    // Catalog: stock counts, but no figures, and no link to a grid it may not open.
    let (_, body) = page("buyer@example.com", "/en/admin").await;
    assert!(!body.contains("data-testid=\"figures\""));
    assert!(body.contains("data-testid=\"todo-out\""));
    assert!(!body.contains("/en/admin/inventory?stock=out"));
    // Inventory: the counts link to the grid.
    let (_, body) = page("keeper@example.com", "/en/admin").await;
    assert!(body.contains("/en/admin/inventory?stock=out"));
    assert!(!body.contains("data-testid=\"figures\""));

    // The admin sees everything.
    let (_, body) = page(ADMIN, "/en/admin").await;
    for block in [
        "figures",
        "sales-chart",
        "todo-fulfil",
        "todo-payments",
        "todo-out",
        "todo-low",
    ] {
        assert!(
            body.contains(&format!("data-testid=\"{block}\"")),
            "{block}"
        );
    }
}

#[tokio::test]
async fn the_inventory_grid_opens_and_saves_only_for_its_permission() {
    let (app, pool) = app_and_pool().await;
    customer(&pool, "shopper@example.com").await;
    staff(&pool, "sales@example.com", &["orders", "catalog"]).await;
    staff(&pool, "keeper@example.com", &["inventory"]).await;
    let (id, stock, price) = a_variant(&pool).await;

    for email in ["shopper@example.com", "sales@example.com"] {
        let cookie = signed_in(&app, email).await;
        let (response, _) = get_with(&app, "/en/admin/inventory", &[("cookie", &cookie)]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
        let (status, _) = save_row(&app, &cookie, (&id, "0", None), (stock, &price)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
    }
    assert_eq!(
        stock_and_price(&pool, &id).await.0,
        stock,
        "nothing was written"
    );

    let keeper = signed_in(&app, "keeper@example.com").await;
    let (response, body) = get_with(&app, "/en/admin/inventory", &[("cookie", &keeper)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.matches("data-testid=\"inventory-row\"").count() > 10);
    assert!(
        !body.contains("name=\"price\""),
        "no catalog permission: prices read-only"
    );
    let (response, body) = get_with(
        &app,
        "/en/admin/inventory?stock=out&q=no-such-thing",
        &[("cookie", &keeper)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.contains("data-testid=\"empty\""));

    // Stock saved, back to the same view with the row marked.
    let new_stock = (stock + 3).to_string();
    let (status, _) = save_row(&app, &keeper, (&id, &new_stock, None), (stock, &price)).await;
    assert!(status.is_redirection() || status.is_success(), "{status}");
    assert_eq!(stock_and_price(&pool, &id).await.0, stock + 3);
    // A price without the catalog permission: refused, stock untouched too.
    let (status, _) = save_row(
        &app,
        &keeper,
        (&id, &new_stock, Some("1.00")),
        (stock + 3, &price),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        stock_and_price(&pool, &id).await.1.normalize().to_string(),
        price
    );
}

#[tokio::test]
async fn an_admin_gets_wrong_values_back_on_their_row_and_sees_the_change_audited() {
    let (app, pool) = app_and_pool().await;
    domain::accounts::admin::create_admin(&pool, ADMIN, Some(PASSWORD))
        .await
        .unwrap();
    let boss = signed_in(&app, ADMIN).await;
    let (id, stock, price) = a_variant(&pool).await;

    let (status, body) = save_row(&app, &boss, (&id, "-1", Some(&price)), (stock, &price)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains(&format!("stock@{id}")), "{body}");
    assert!(body.contains("admin.inventory.errors.stock"), "{body}");
    let (status, body) = save_row(
        &app,
        &boss,
        (&id, &stock.to_string(), Some("abc")),
        (stock, &price),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains(&format!("price@{id}")), "{body}");
    assert_eq!(stock_and_price(&pool, &id).await.0, stock);
    // Someone else's id or none at all: not found, not a server error.
    let (status, _) = save_row(&app, &boss, ("not-an-id", "1", None), (0, "1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _) = save_row(&app, &boss, (&id, "7", Some("19.90")), (stock, &price)).await;
    assert!(status.is_redirection() || status.is_success(), "{status}");
    assert_eq!(
        stock_and_price(&pool, &id).await,
        (7, "19.90".parse::<Decimal>().unwrap())
    );

    let (_, body) = get_with(&app, "/en/admin/audit?action=variant", &[("cookie", &boss)]).await;
    assert!(body.contains("variant.update"), "{body}");
    assert!(body.contains("19.90") && body.contains(&price));

    // A browser's post (JavaScript off) comes back to the grid it was sent from, with
    // the message beside the row's field.
    let sku: String = sqlx::query_scalar("SELECT sku FROM variants WHERE id = $1::uuid")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let grid = format!("/en/admin/inventory?q={sku}");
    let (response, _) = post(
        &app,
        SaveInventoryRow::PATH,
        &[
            ("lang", "en"),
            ("id", &id),
            ("stock", "-1"),
            ("seen_stock", "7"),
            ("price", "19.90"),
            ("seen_price", "19.90"),
            ("back_q", &sku),
        ],
        &[
            ("cookie", &boss),
            ("sec-fetch-site", "same-origin"),
            ("accept", "text/html"),
            ("referer", &format!("http://localhost{grid}")),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = common::header(&response, "location");
    let back = location.trim_start_matches("http://localhost").to_string();
    assert!(back.starts_with(&grid) && back.contains("__err"), "{back}");
    let (response, body) = get_with(&app, &back, &[("cookie", &boss)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        body.contains("Enter a whole number, 0 or more."),
        "the message on the row: {body}"
    );
    assert_eq!(stock_and_price(&pool, &id).await.0, 7);
}
