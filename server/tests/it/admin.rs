//! The back office over HTTP, in-process against a real PostgreSQL: who may open it
//! (the signed-out are sent to sign in, customers refused, staff shown only the
//! sections their permissions open), and the audit log page showing a staff change
//! with its values before and after.

use crate::common;

use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

use app::server::account as accounts_fns;
use common::accounts::*;
use common::{app_and_pool, get_with};

const ADMIN: &str = "boss@example.com";

#[tokio::test]
async fn the_signed_out_are_sent_to_sign_in_and_customers_are_refused() {
    let (app, pool) = app_and_pool().await;
    let (response, _) = get_with(&app, "/en/admin", &[("accept", "text/html")]).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(common::header(&response, "location"), "/en/account/sign-in");

    customer(&pool, "shopper@example.com").await;
    let cookie = signed_in(&app, "shopper@example.com").await;
    for path in ["/en/admin", "/en/admin/audit"] {
        let (response, body) = get_with(&app, path, &[("cookie", &cookie)]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(!body.contains("data-testid=\"admin-menu\""), "{path}");
    }
}

#[tokio::test]
async fn staff_see_only_the_sections_their_permissions_open() {
    let (app, pool) = app_and_pool().await;
    let clerk = customer(&pool, "clerk@example.com").await;
    sqlx::query("UPDATE accounts SET role = 'staff', permissions = '{orders}' WHERE id = $1")
        .bind(clerk)
        .execute(&pool)
        .await
        .unwrap();
    let cookie = signed_in(&app, "clerk@example.com").await;
    let (response, body) = get_with(&app, "/en/admin", &[("cookie", &cookie)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.contains("data-testid=\"admin-menu\""));
    assert!(body.contains("/en/admin/orders"));
    assert!(!body.contains("/en/admin/audit"), "no audit permission");
    assert!(
        !body.contains("/en/admin/products"),
        "no catalog permission"
    );
    // The page itself refuses, whatever the menu showed.
    let (response, _) = get_with(&app, "/en/admin/audit", &[("cookie", &cookie)]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_audit_log_shows_who_changed_a_role_from_what_to_what() {
    let (app, pool) = app_and_pool().await;
    domain::accounts::admin::create_admin(&pool, ADMIN, Some(PASSWORD))
        .await
        .unwrap();
    let clerk = customer(&pool, "clerk@example.com").await;
    let boss = signed_in(&app, ADMIN).await;
    let id = clerk.to_string();
    let (response, body) = post(
        &app,
        accounts_fns::SetAccountRole::PATH,
        &[("lang", "en"), ("id", &id), ("role", "staff")],
        &[("cookie", &boss)],
    )
    .await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{body}"
    );

    let (response, body) = get_with(&app, "/en/admin/audit", &[("cookie", &boss)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.contains("account.role"), "{body}");
    assert!(body.contains("clerk@example.com"));
    assert!(body.contains(ADMIN));
    assert!(body.contains("customer") && body.contains("staff"));
    // Filtered to another area, it is not there.
    let (_, body) = get_with(&app, "/en/admin/audit?action=product", &[("cookie", &boss)]).await;
    assert!(!body.contains("data-testid=\"audit-row\""));
}

/// A staff member with the `catalog` permission, signed in; returns the cookie.
async fn catalog_clerk(app: &axum::Router, pool: &sqlx::PgPool) -> String {
    let clerk = customer(pool, "catalog@example.com").await;
    sqlx::query("UPDATE accounts SET role = 'staff', permissions = '{catalog}' WHERE id = $1")
        .bind(clerk)
        .execute(pool)
        .await
        .unwrap();
    signed_in(app, "catalog@example.com").await
}

/// Posts `file` to the import's upload as a browser's multipart form would.
async fn upload(
    app: &axum::Router,
    cookie: &str,
    file: &[u8],
) -> axum::http::Response<axum::body::Body> {
    use app::server::admin::transfer::UploadCatalogFile;
    let boundary = "----vitrine-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"lang\"\r\n\r\nen\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"catalog.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = axum::http::Request::post(UploadCatalogFile::PATH)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", cookie)
        // As browsers send it.
        .header("content-length", body.len())
        .body(axum::body::Body::from(body))
        .unwrap();
    common::send(app, request).await.0
}

#[tokio::test]
async fn the_catalog_downloads_as_csv_and_an_edited_file_comes_back_through_the_preview() {
    let (app, pool) = app_and_pool().await;
    // Customers get no catalog.
    customer(&pool, "shopper@example.com").await;
    let shopper = signed_in(&app, "shopper@example.com").await;
    let (response, _) = get_with(
        &app,
        "/admin/export/products.csv?lang=pt-br",
        &[("cookie", &shopper)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let clerk = catalog_clerk(&app, &pool).await;
    let (response, csv) = get_with(&app, "/admin/export/products.csv", &[("cookie", &clerk)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(common::header(&response, "content-type").starts_with("text/csv"));
    assert!(
        csv.starts_with("handle,status,category,featured,name.en,"),
        "{}",
        &csv[..100]
    );
    let variants: i64 = sqlx::query_scalar("SELECT count(*) FROM variants")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(csv.lines().count() as i64, variants + 1);
    // Compressed as browsers ask for it, the stream ends cleanly too.
    let (response, _) = get_with(
        &app,
        "/admin/export/products.csv",
        &[("cookie", &clerk), ("accept-encoding", "br")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(common::header(&response, "content-encoding"), "br");

    // Upload a file changing one stock level: the preview says so, and applying it does it.
    let sku: String = sqlx::query_scalar("SELECT sku FROM variants ORDER BY sku LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let file = format!("sku,stock.new\n{sku},42\n");
    let response = upload(&app, &clerk, file.as_bytes()).await;
    assert!(response.status().is_redirection() || response.status().is_success());
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM catalog_imports")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (response, page) = get_with(
        &app,
        &format!("/en/admin/transfer?import={id}"),
        &[("cookie", &clerk)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(page.contains("data-testid=\"preview-counts\""), "{page}");
    assert!(page.contains("1 variants changed"), "{page}");
    let id = id.to_string();
    let (response, body) = post(
        &app,
        app::server::admin::transfer::ApplyCatalogImport::PATH,
        &[("lang", "en"), ("id", &id)],
        &[("cookie", &clerk)],
    )
    .await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{body}"
    );
    let stock: i32 = sqlx::query_scalar("SELECT stock FROM variants WHERE sku = $1")
        .bind(&sku)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stock, 42);
    // The audit log names the download and the file that was applied.
    let records: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, label FROM audit_log WHERE action LIKE 'catalog.%' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let exports = records
        .iter()
        .filter(|(a, _)| a == "catalog.export")
        .count();
    assert_eq!(exports, 2, "one per download that was allowed: {records:?}");
    let imports: Vec<_> = records
        .iter()
        .filter(|(a, _)| a == "catalog.import")
        .collect();
    assert_eq!(imports.len(), 1, "{records:?}");
    assert_eq!(imports[0].1, "catalog.csv");
    // Applying it twice is refused.
    let (response, _) = post(
        &app,
        app::server::admin::transfer::ApplyCatalogImport::PATH,
        &[("lang", "en"), ("id", &id)],
        &[("cookie", &clerk)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_file_too_big_or_from_a_customer_is_refused_with_a_4xx() {
    let (app, pool) = app_and_pool().await;
    customer(&pool, "shopper@example.com").await;
    let shopper = signed_in(&app, "shopper@example.com").await;
    let response = upload(&app, &shopper, b"sku,stock.new\nA,1\n").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let clerk = catalog_clerk(&app, &pool).await;
    let huge = vec![b'a'; domain::catalog::transfer::MAX_BYTES + 10];
    let response = upload(&app, &clerk, &huge).await;
    assert!(response.status().is_client_error(), "{}", response.status());
    // Past what any upload may carry, refused before anything reads it.
    let flood = vec![b'a'; server::api::UPLOAD_LIMIT + 10];
    let response = upload(&app, &shopper, &flood).await;
    assert_eq!(
        response.status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "{:?}",
        response.headers()
    );
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM catalog_imports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, 0);
}

#[tokio::test]
async fn a_form_post_past_the_limit_is_refused_before_it_is_read() {
    let (app, _) = app_and_pool().await;
    let big = "x".repeat(server::api::FORM_LIMIT + 1);
    let (response, body) = post(
        &app,
        accounts_fns::SignIn::PATH,
        &[("lang", "en"), ("email", &big), ("password", "p")],
        &[
            ("referer", "http://127.0.0.1:3000/pt-br/account/sign-in"),
            // As browsers send it: the form's length, url-encoded.
            ("content-length", &(big.len() + 25).to_string()),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.contains("grande demais"), "{body}");
}
