//! The category pages and server functions over HTTP: who may use them (anonymous sent
//! to sign in, customers and staff without `catalog` refused, staff with it served), bad
//! input answered 4xx with a typed message and nothing written, and a rename shown on
//! the storefront at once.

use crate::common;

use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

use app::server::admin::categories as fns;
use common::accounts::*;
use common::{app_and_pool, get_with};

async fn staff_with(pool: &sqlx::PgPool, email: &str, permissions: &str) -> uuid::Uuid {
    let id = customer(pool, email).await;
    sqlx::query("UPDATE accounts SET role = 'staff', permissions = $2::text[] WHERE id = $1")
        .bind(id)
        .bind(permissions)
        .execute(pool)
        .await
        .unwrap();
    id
}

fn names<'a>(en: &'a str, pt: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name_en", en),
        ("slug_en", ""),
        ("name_pt_br", pt),
        ("slug_pt_br", ""),
        ("name_es", ""),
        ("slug_es", ""),
        ("name_zh_cn", ""),
        ("slug_zh_cn", ""),
    ]
}

#[tokio::test]
async fn only_staff_with_the_catalog_permission_open_the_categories() {
    let (app, pool) = app_and_pool().await;
    // Anonymous: the page sends to sign in, the function answers 401.
    let (response, _) = get_with(&app, "/en/admin/categories", &[("accept", "text/html")]).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(common::header(&response, "location"), "/en/account/sign-in");
    let mut form = vec![("lang", "en"), ("parent", "")];
    form.extend(names("Hats", ""));
    let (response, _) = post(&app, fns::AdminCreateCategory::PATH, &form, &[]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    customer(&pool, "shopper@example.com").await;
    staff_with(&pool, "clerk@example.com", "{orders}").await;
    staff_with(&pool, "buyer@example.com", "{catalog}").await;
    for (email, page, function) in [
        (
            "shopper@example.com",
            StatusCode::FORBIDDEN,
            StatusCode::FORBIDDEN,
        ),
        (
            "clerk@example.com",
            StatusCode::FORBIDDEN,
            StatusCode::FORBIDDEN,
        ),
        ("buyer@example.com", StatusCode::OK, StatusCode::OK),
    ] {
        let cookie = signed_in(&app, email).await;
        let (response, body) = get_with(&app, "/en/admin/categories", &[("cookie", &cookie)]).await;
        assert_eq!(response.status(), page, "{email}");
        assert_eq!(
            body.contains("data-testid=\"category-tree\""),
            page == StatusCode::OK
        );
        let (response, body) = post(
            &app,
            fns::GetAdminCategories::PATH,
            &[("lang", "en")],
            &[("cookie", &cookie)],
        )
        .await;
        assert_eq!(response.status(), function, "{email}: {body}");
    }
    let hats: i64 =
        sqlx::query_scalar("SELECT count(*) FROM category_translations WHERE name = 'Hats'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(hats, 0, "nobody without the permission added one");
}

#[tokio::test]
async fn bad_input_is_a_4xx_with_a_typed_message_and_a_rename_shows_on_the_storefront() {
    let (app, pool) = app_and_pool().await;
    staff_with(&pool, "buyer@example.com", "{catalog}").await;
    let cookie = signed_in(&app, "buyer@example.com").await;
    let headers = [("cookie", cookie.as_str())];
    let create = |en: &'static str, slug: &'static str| {
        let mut form = vec![("lang", "en"), ("parent", "")];
        form.extend(names(en, "Chapéus de Sol"));
        form[3] = ("slug_en", slug);
        form
    };
    let (response, body) = post(
        &app,
        fns::AdminCreateCategory::PATH,
        &create("Sun hats", "sun hats"),
        &headers,
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("slug_en") && body.contains("admin.categories.errors.slug_invalid"),
        "{body}"
    );
    let (response, body) = post(
        &app,
        fns::AdminCreateCategory::PATH,
        &create("", ""),
        &headers,
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("admin.categories.errors.default_name"),
        "{body}"
    );

    let (response, body) = post(
        &app,
        fns::AdminCreateCategory::PATH,
        &create("Sun hats", "sun-hats"),
        &headers,
    )
    .await;
    assert!(response.status().is_success(), "{body}");
    let (response, body) = post(
        &app,
        fns::AdminCreateCategory::PATH,
        &create("More hats", "sun-hats"),
        &headers,
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("admin.categories.errors.slug_taken"),
        "{body}"
    );
    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT category_id FROM category_translations WHERE slug = 'sun-hats'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let id = id.to_string();
    let hats: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM category_translations WHERE locale = 'en' AND name LIKE '%hats'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(hats, 1, "nothing half-written");

    // Moved under itself: refused beside the parent field.
    let (response, body) = post(
        &app,
        fns::AdminMoveCategory::PATH,
        &[("lang", "en"), ("id", &id), ("parent", &id)],
        &headers,
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("admin.categories.errors.into_itself"),
        "{body}"
    );
    // Not a category id at all: not found, never a server error.
    let (response, _) = post(
        &app,
        fns::AdminMoveCategory::PATH,
        &[("lang", "en"), ("id", "nonsense"), ("parent", "")],
        &headers,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // Renamed in Portuguese: the storefront's menu says so at once.
    let mut form = vec![("lang", "en"), ("id", id.as_str())];
    form.extend(names("Sun hats", "Chapéus Praianos"));
    let (response, body) = post(&app, fns::AdminRenameCategory::PATH, &form, &headers).await;
    assert!(response.status().is_success(), "{body}");
    let (_, page) = get_with(&app, "/pt-br", &[]).await;
    assert!(
        page.contains("Chapéus Praianos"),
        "the storefront shows the new name"
    );
    assert!(!page.contains("Chapéus de Sol"));
    let (_, page) = get_with(&app, "/en", &[]).await;
    assert!(page.contains("Sun hats"));

    // The back office lists it, and a customer cannot delete it.
    let (_, page) = get_with(&app, "/en/admin/categories", &headers).await;
    assert!(page.contains("Sun hats"));
    customer(&pool, "shopper@example.com").await;
    let shopper = signed_in(&app, "shopper@example.com").await;
    let (response, _) = post(
        &app,
        fns::AdminDeleteCategory::PATH,
        &[("lang", "en"), ("id", &id), ("move_to", "")],
        &[("cookie", &shopper)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (response, body) = post(
        &app,
        fns::AdminDeleteCategory::PATH,
        &[("lang", "en"), ("id", &id), ("move_to", "")],
        &headers,
    )
    .await;
    assert!(response.status().is_success(), "{body}");
}

#[tokio::test]
async fn attributes_take_the_catalog_permission_and_refuse_deleting_what_is_in_use() {
    use app::server::admin::attributes as attr;
    let (app, pool) = app_and_pool().await;
    customer(&pool, "shopper@example.com").await;
    staff_with(&pool, "clerk@example.com", "{orders}").await;
    staff_with(&pool, "buyer@example.com", "{catalog}").await;
    let create = [
        ("lang", "en"),
        ("target", "option_type"),
        ("parent", ""),
        ("code", "fit"),
        ("name_en", "Fit"),
        ("name_pt_br", "Caimento"),
        ("name_es", ""),
        ("name_zh_cn", ""),
    ];
    let (response, _) = post(&app, attr::AdminCreateAttribute::PATH, &create, &[]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    for email in ["shopper@example.com", "clerk@example.com"] {
        let cookie = signed_in(&app, email).await;
        let (response, _) = post(
            &app,
            attr::AdminCreateAttribute::PATH,
            &create,
            &[("cookie", &cookie)],
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
        let (response, _) = get_with(&app, "/en/admin/attributes", &[("cookie", &cookie)]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
    }
    let cookie = signed_in(&app, "buyer@example.com").await;
    let headers = [("cookie", cookie.as_str())];
    let (response, body) = post(&app, attr::AdminCreateAttribute::PATH, &create, &headers).await;
    assert!(response.status().is_success(), "{body}");
    let mut bad = create;
    bad[3] = ("code", "Fit Type");
    let (response, body) = post(&app, attr::AdminCreateAttribute::PATH, &bad, &headers).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("admin.categories.errors.code"), "{body}");

    let (response, page) = get_with(&app, "/en/admin/attributes", &headers).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(page.contains("Fit") && page.contains("data-testid=\"attribute-group\""));

    // The demo shop's material attribute is on products: deleting it is refused (409)
    // with how many use it, and it stays.
    let material: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM attributes WHERE code = 'material'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let material = material.to_string();
    let (response, body) = post(
        &app,
        attr::AdminDeleteAttribute::PATH,
        &[("lang", "en"), ("target", "attribute"), ("id", &material)],
        &headers,
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "{body}");
    assert!(body.contains("admin.categories.errors.in_use"), "{body}");
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM attributes WHERE code = 'material'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 1);
}
