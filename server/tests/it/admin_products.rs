//! The back office's products over HTTP, in-process against the demo shop: who may call
//! the product functions (anonymous, customer, staff without `catalog`, staff with it,
//! admin), bad input answered 400 with the field named and nothing written, and a
//! plain form's failed save coming back to the editor with the message beside its field.

use crate::common;

use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

use app::server::admin::product::{GetAdminProduct, SaveProduct};
use app::server::admin::products::{BulkProducts, GetAdminProducts};
use common::accounts::*;
use common::{app_and_pool, get_with};

const ADMIN: &str = "boss@example.com";

/// Makes `email` a staff member with `permissions` (codes).
async fn staff(pool: &sqlx::PgPool, email: &str, permissions: &str) {
    let id = customer(pool, email).await;
    sqlx::query("UPDATE accounts SET role = 'staff', permissions = $2::text[] WHERE id = $1")
        .bind(id)
        .bind(permissions)
        .execute(pool)
        .await
        .unwrap();
}

async fn a_category(pool: &sqlx::PgPool) -> String {
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM categories ORDER BY position LIMIT 1")
        .fetch_one(pool)
        .await
        .unwrap();
    id.to_string()
}

fn new_product<'a>(category: &'a str, sku: &'a str, price: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("lang", "en"),
        ("id", "new"),
        ("status", "draft"),
        ("category", category),
        ("t[en][name]", "Linen Apron"),
        ("t[en][slug]", ""),
        ("t[pt-BR][name]", "Avental de Linho"),
        ("v[new][sku]", sku),
        ("v[new][price]", price),
        ("v[new][stock]", "3"),
        ("v[new][fixed][BRL]", "59,90"),
    ]
}

async fn products(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn only_staff_with_the_catalog_permission_may_use_the_product_functions() {
    let (app, pool) = app_and_pool().await;
    let category = a_category(&pool).await;
    domain::accounts::admin::create_admin(&pool, ADMIN, Some(PASSWORD))
        .await
        .unwrap();
    customer(&pool, "shopper@example.com").await;
    staff(&pool, "clerk@example.com", "{orders,inventory}").await;
    staff(&pool, "editor@example.com", "{catalog}").await;
    let before = products(&pool).await;

    let list = [("lang", "en")];
    let (response, _) = post(&app, GetAdminProducts::PATH, &list, &[]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "anonymous");
    for (who, status) in [
        ("shopper@example.com", StatusCode::FORBIDDEN),
        ("clerk@example.com", StatusCode::FORBIDDEN),
        ("editor@example.com", StatusCode::OK),
        (ADMIN, StatusCode::OK),
    ] {
        let cookie = signed_in(&app, who).await;
        let headers = [("cookie", cookie.as_str())];
        let (response, body) = post(&app, GetAdminProducts::PATH, &list, &headers).await;
        assert_eq!(response.status(), status, "{who}: {body}");
        let form = [("lang", "en"), ("id", "new")];
        let (response, _) = post(&app, GetAdminProduct::PATH, &form, &headers).await;
        assert_eq!(response.status(), status, "{who}");
        let sku = format!("APRON-{}", who.len());
        let slug = sku.to_lowercase();
        let mut form = new_product(&category, &sku, "19.90");
        form[5] = ("t[en][slug]", &slug);
        form.push(("t[pt-BR][slug]", &slug));
        let (response, body) = post(&app, SaveProduct::PATH, &form, &headers).await;
        if status == StatusCode::OK {
            assert!(response.status().is_success(), "{who}: {body}");
        } else {
            assert_eq!(response.status(), status, "{who}");
        }
        let (response, _) = post(
            &app,
            BulkProducts::PATH,
            &[("lang", "en"), ("action", "archive")],
            &headers,
        )
        .await;
        // Allowed, the empty tick list is the problem; refused, it never gets that far.
        let expected = if status == StatusCode::OK {
            StatusCode::BAD_REQUEST
        } else {
            status
        };
        assert_eq!(response.status(), expected, "{who}");
    }
    // The editor and the admin each created one; nobody else wrote anything.
    assert_eq!(products(&pool).await, before + 2);
    let (response, _) = get_with(&app, "/en/admin/products", &[]).await;
    assert_ne!(response.status(), StatusCode::OK, "the page is not public");
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_field_and_nothing_is_written() {
    let (app, pool) = app_and_pool().await;
    let category = a_category(&pool).await;
    staff(&pool, "editor@example.com", "{catalog}").await;
    let cookie = signed_in(&app, "editor@example.com").await;
    let headers = [("cookie", cookie.as_str())];
    let before = products(&pool).await;
    let taken: String = sqlx::query_scalar("SELECT sku FROM variants LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    for (sku, price, field) in [
        ("APRON-1", "abc", "price.new"),
        ("APRON-1", "-1", "price.new"),
        (taken.as_str(), "10", "sku.new"),
        ("APRON 1", "10", "sku.new"),
    ] {
        let (response, body) = post(
            &app,
            SaveProduct::PATH,
            &new_product(&category, sku, price),
            &headers,
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{sku} {price}: {body}"
        );
        assert!(body.contains(&format!("\"{field}\"")), "{body}");
    }
    let mut spaced = new_product(&category, "APRON-2", "10");
    spaced[5] = ("t[en][slug]", "linen apron");
    let (response, body) = post(&app, SaveProduct::PATH, &spaced, &headers).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        body.contains("slug.en") && body.contains("admin.products.errors.slug_format"),
        "{body}"
    );
    assert_eq!(products(&pool).await, before);

    // From the editor's page (a plain form), the failed save comes back to it with the
    // message beside the price and what was typed still there.
    let (response, _) = post(
        &app,
        SaveProduct::PATH,
        &new_product(&category, "APRON-3", "abc"),
        &[
            ("cookie", cookie.as_str()),
            ("sec-fetch-site", "same-origin"),
            ("accept", "text/html"),
            ("referer", "http://localhost/en/admin/products/new"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let back = common::header(&response, "location");
    let back = back.trim_start_matches("http://localhost").to_string();
    assert!(back.starts_with("/en/admin/products/new?"), "{back}");
    let (response, body) = get_with(&app, &back, &headers).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.contains("data-testid=\"error-price.new\""), "{body}");
    assert!(body.contains("Enter an amount of zero or more"));
    assert!(
        body.contains("value=\"Avental de Linho\""),
        "typed values kept"
    );
}

#[tokio::test]
async fn the_editor_marks_missing_languages_and_the_list_finds_by_sku() {
    let (app, pool) = app_and_pool().await;
    let category = a_category(&pool).await;
    staff(&pool, "editor@example.com", "{catalog}").await;
    let cookie = signed_in(&app, "editor@example.com").await;
    let headers = [("cookie", cookie.as_str())];
    let (response, body) = post(
        &app,
        SaveProduct::PATH,
        &new_product(&category, "APRON-9", "19.90"),
        &headers,
    )
    .await;
    assert!(response.status().is_success(), "{body}");
    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT product_id FROM variants WHERE sku = 'APRON-9'")
            .fetch_one(&pool)
            .await
            .unwrap();

    let (response, body) = get_with(&app, &format!("/en/admin/products/{id}"), &headers).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.contains("value=\"Linen Apron\""));
    assert!(
        body.contains("value=\"linen-apron\""),
        "a slug from the name"
    );
    assert!(body.contains("value=\"59.9\""), "the fixed BRL price");
    // Spanish and Chinese were not given: two columns say so.
    assert_eq!(body.matches("data-testid=\"missing\"").count(), 2, "{body}");

    let (response, body) = get_with(&app, "/en/admin/products?q=apron-9", &headers).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body.matches("data-testid=\"product-row\"").count(), 1);
    assert!(body.contains("Linen Apron"));

    // Saving again as the form posts it: the existing variant by its id (with a letter
    // in front), and a second one from the empty row.
    let (product, variant) = (
        id.to_string(),
        format!("id{}", variant_of(&pool, "APRON-9").await),
    );
    let field = |name: &str| format!("v[{variant}][{name}]");
    let (sku, price, stock) = (field("sku"), field("price"), field("stock"));
    let form = vec![
        ("lang", "en"),
        ("id", product.as_str()),
        ("status", "draft"),
        ("category", category.as_str()),
        ("t[en][name]", "Linen Apron"),
        ("t[en][slug]", "linen-apron"),
        (sku.as_str(), "APRON-9"),
        (price.as_str(), "21.50"),
        (stock.as_str(), "3"),
        ("v[new][sku]", "APRON-9M"),
        ("v[new][price]", "22"),
    ];
    let (response, body) = post(&app, SaveProduct::PATH, &form, &headers).await;
    assert!(response.status().is_success(), "{body}");
    let prices: Vec<String> =
        sqlx::query_scalar("SELECT price::text FROM variants WHERE product_id = $1 ORDER BY sku")
            .bind(id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(prices, ["21.5000", "22.0000"]);

    // Published from the list's ticked rows.
    let tick = format!("ids[id{id}]");
    let form = [("lang", "en"), ("action", "publish"), (tick.as_str(), "on")];
    let (response, body) = post(&app, BulkProducts::PATH, &form, &headers).await;
    assert!(response.status().is_success(), "{body}");
    let status: String = sqlx::query_scalar("SELECT status FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "active");
}

async fn variant_of(pool: &sqlx::PgPool, sku: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM variants WHERE sku = $1")
        .bind(sku)
        .fetch_one(pool)
        .await
        .unwrap()
}
