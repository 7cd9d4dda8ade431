//! Product pictures over HTTP, in-process against a real PostgreSQL and a picture store
//! in a temporary folder: an admin uploads through the real multipart route, the files
//! are served as WebP with immutable caching and offered on the product page with
//! `srcset`; bad uploads and the wrong people get a 4xx with a message and write
//! nothing.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use image::{ImageEncoder, Rgb, RgbImage};
use leptos::server_fn::ServerFn;
use sqlx::PgPool;
use uuid::Uuid;

use app::server::admin::images as fns;
use common::accounts::*;
use common::{get_with, header, send};

const ADMIN: &str = "owner@example.com";

struct Shop {
    app: axum::Router,
    pool: PgPool,
    dir: tempfile::TempDir,
    product: Uuid,
    slug: String,
    admin: String,
}

async fn shop() -> Shop {
    let (_, pool) = common::app_and_pool().await;
    let dir = tempfile::tempdir().unwrap();
    let app = common::router_with_media(
        pool.clone(),
        domain::media::Media::on_disk(dir.path().join("media")),
    );
    domain::accounts::admin::create_admin(&pool, ADMIN, Some(PASSWORD))
        .await
        .unwrap();
    let admin = signed_in(&app, ADMIN).await;
    let (product, slug): (Uuid, String) = sqlx::query_as(
        "SELECT p.id, t.slug FROM products p
         JOIN product_translations t ON t.product_id = p.id AND t.locale = 'en'
         WHERE p.status = 'active' ORDER BY p.created_at, p.id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    Shop {
        app,
        pool,
        dir,
        product,
        slug,
        admin,
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 60])
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            picture.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

const BOUNDARY: &str = "----vitrine-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body: `lang`, `id`, then the file.
fn form(product: &str, file_name: &str, file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in [("lang", "en"), ("id", product)] {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl Shop {
    async fn upload_as(
        &self,
        cookie: Option<&str>,
        file_name: &str,
        file: &[u8],
        extra: &[(&str, &str)],
    ) -> (axum::http::Response<Body>, String) {
        let body = form(&self.product.to_string(), file_name, file);
        let mut request = Request::post(fns::UploadProductImage::PATH)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header("content-length", body.len().to_string());
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        send(&self.app, request.body(Body::from(body)).unwrap()).await
    }

    async fn upload(&self, file_name: &str, file: &[u8]) -> (axum::http::Response<Body>, String) {
        self.upload_as(Some(&self.admin), file_name, file, &[])
            .await
    }

    fn stored_files(&self) -> usize {
        fn count(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir).map_or(0, |entries| {
                entries
                    .flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            count(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
        }
        count(self.dir.path())
    }

    async fn uploaded_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM product_images WHERE storage_key IS NOT NULL")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    async fn storage_keys(&self) -> Vec<Uuid> {
        sqlx::query_scalar(
            "SELECT storage_key FROM product_images WHERE product_id = $1
             AND storage_key IS NOT NULL ORDER BY position",
        )
        .bind(self.product)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }
}

#[tokio::test]
async fn an_admin_uploads_a_picture_and_the_product_page_offers_it_with_srcset() {
    let shop = shop().await;
    let (response, body) = shop.upload("photo.png", &png(900, 600)).await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{} {body}",
        response.status()
    );
    let keys = shop.storage_keys().await;
    assert_eq!(keys.len(), 1);
    let key = keys[0];
    assert_eq!(shop.stored_files(), 3, "320, 640 and 900 wide");

    // Each size is served as WebP, cached for good.
    for width in [320u32, 640, 900] {
        let (response, _) = get_with(&shop.app, &format!("/media/{key}/{width}.webp"), &[]).await;
        assert_eq!(response.status(), StatusCode::OK, "{width}");
        assert_eq!(header(&response, "content-type"), "image/webp");
        assert!(header(&response, "cache-control").contains("immutable"));
    }
    let bytes = {
        let request = Request::get(format!("/media/{key}/640.webp"))
            .body(Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(shop.app.clone(), request)
            .await
            .unwrap();
        axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap()
    };
    let served = image::load_from_memory(&bytes).unwrap();
    assert_eq!((served.width(), served.height()), (640, 427));

    // Unknown or malformed addresses are a plain 404, never a listing.
    for path in [
        format!("/media/{}/640.webp", Uuid::new_v4()),
        format!("/media/{key}/1280.webp"),
        format!("/media/{key}/640.png"),
        format!("/media/{key}/"),
        format!("/media/{key}"),
        "/media/..%2F..%2Fsecret.key/640.webp".to_string(),
        "/media/images/640.webp".to_string(),
    ] {
        let (response, body) = get_with(&shop.app, &path, &[]).await;
        assert!(
            matches!(
                response.status(),
                StatusCode::NOT_FOUND
                    | StatusCode::MOVED_PERMANENTLY
                    | StatusCode::PERMANENT_REDIRECT
                    | StatusCode::FOUND
                    | StatusCode::SEE_OTHER
            ) && !body.contains("webp\""),
            "{path}: {}",
            response.status()
        );
        assert_ne!(response.status(), StatusCode::OK, "{path}");
    }

    // The product page offers every width; the demo's drawn pictures stay as they are.
    let (response, page) = get_with(&shop.app, &format!("/en/p/{}", shop.slug), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let srcset = format!(
        "/media/{key}/320.webp 320w, /media/{key}/640.webp 640w, /media/{key}/900.webp 900w"
    );
    assert!(page.contains(&srcset), "{page}");
    assert!(page.contains("sizes=\""), "{page}");

    // The back office lists it; the change is in the audit log.
    let (response, admin_page) = get_with(
        &shop.app,
        &format!("/en/admin/products/{}/images", shop.product),
        &[("cookie", &shop.admin)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        admin_page.contains("data-testid=\"admin-image\""),
        "{admin_page}"
    );
    assert!(admin_page.contains(&format!("/media/{key}/320.webp")));
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'product.image_add' AND actor = $1",
    )
    .bind(ADMIN)
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn bad_uploads_get_a_4xx_with_a_message_and_write_nothing() {
    let shop = shop().await;
    let jpeg = {
        let picture = RgbImage::from_pixel(200, 200, Rgb([200, 100, 50]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out)
            .write_image(picture.as_raw(), 200, 200, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    };
    let bomb = png_claiming(30_000, 30_000);
    let mut fifty_mb = png(8, 8);
    fifty_mb.resize(50 * 1024 * 1024, 7);
    let cases: [(&str, Vec<u8>, StatusCode, &str); 4] = [
        (
            "huge.png",
            fifty_mb,
            StatusCode::PAYLOAD_TOO_LARGE,
            "admin.images.errors.too_big",
        ),
        (
            "notes.jpg",
            b"These are my notes, not a photo.".to_vec(),
            StatusCode::BAD_REQUEST,
            "admin.images.errors.type",
        ),
        (
            "cut.jpg",
            jpeg[..jpeg.len() / 2].to_vec(),
            StatusCode::BAD_REQUEST,
            "admin.images.errors.unreadable",
        ),
        (
            "bomb.png",
            bomb,
            StatusCode::BAD_REQUEST,
            "admin.images.errors.too_many_pixels",
        ),
    ];
    for (name, bytes, status, key) in cases {
        let (response, body) = shop.upload(name, &bytes).await;
        assert_eq!(response.status(), status, "{name}: {body}");
        assert!(body.contains(key), "{name}: {body}");
        assert!(
            body.contains("\"file\""),
            "the message is the file field's: {body}"
        );
    }
    assert_eq!(shop.stored_files(), 0);
    assert_eq!(shop.uploaded_rows().await, 0);

    // Not a multipart form at all: 400, not a server error.
    let (response, body) = post(
        &shop.app,
        fns::UploadProductImage::PATH,
        &[("lang", "en"), ("id", &shop.product.to_string())],
        &[("cookie", &shop.admin)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");

    // A plain form (no JavaScript) comes back to its page with the message by the field.
    let page = format!("/en/admin/products/{}/images", shop.product);
    let (response, _) = shop
        .upload_as(
            Some(&shop.admin),
            "notes.jpg",
            b"still not a photo",
            &[
                ("accept", "text/html"),
                ("referer", &format!("http://localhost{page}")),
            ],
        )
        .await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = header(&response, "location");
    let back = location.trim_start_matches("http://localhost").to_string();
    assert!(
        back.starts_with(&page) && back.contains("__err"),
        "{location}"
    );
    let (response, html) = get_with(&shop.app, &back, &[("cookie", &shop.admin)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let message = html
        .split("data-testid=\"error-file\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        message.contains("not a JPEG, PNG or WebP"),
        "the message is beside the file field: {html}"
    );
    assert_eq!(shop.stored_files(), 0);
}

#[tokio::test]
async fn only_staff_with_the_catalog_permission_may_upload() {
    let shop = shop().await;
    let picture = png(50, 50);
    // Signed out.
    let (response, _) = shop.upload_as(None, "a.png", &picture, &[]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // A customer.
    customer(&shop.pool, "shopper@example.com").await;
    let shopper = signed_in(&shop.app, "shopper@example.com").await;
    let (response, _) = shop.upload_as(Some(&shopper), "a.png", &picture, &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Staff without the catalog permission, for the upload and every other change.
    let clerk = customer(&shop.pool, "clerk@example.com").await;
    sqlx::query(
        "UPDATE accounts SET role = 'staff', permissions = '{orders,inventory}' WHERE id = $1",
    )
    .bind(clerk)
    .execute(&shop.pool)
    .await
    .unwrap();
    let clerk = signed_in(&shop.app, "clerk@example.com").await;
    let (response, _) = shop.upload_as(Some(&clerk), "a.png", &picture, &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(shop.stored_files(), 0);

    // The admin's picture cannot be moved, described or removed by the others.
    let (response, _) = shop.upload("a.png", &picture).await;
    assert!(!response.status().is_client_error());
    let image: Uuid =
        sqlx::query_scalar("SELECT id FROM product_images WHERE storage_key IS NOT NULL")
            .fetch_one(&shop.pool)
            .await
            .unwrap();
    let (product, image) = (shop.product.to_string(), image.to_string());
    for cookie in [&shopper, &clerk] {
        for (path, form) in [
            (
                fns::RemoveProductImage::PATH,
                vec![("lang", "en"), ("id", &*product), ("image", &*image)],
            ),
            (
                fns::MoveProductImage::PATH,
                vec![
                    ("lang", "en"),
                    ("id", &product),
                    ("image", &image),
                    ("to", "up"),
                ],
            ),
            (
                fns::DescribeProductImage::PATH,
                vec![
                    ("lang", "en"),
                    ("id", &product),
                    ("image", &image),
                    ("alt_en", "x"),
                    ("alt_pt_br", ""),
                    ("alt_es", ""),
                    ("alt_zh_cn", ""),
                    ("variant", ""),
                ],
            ),
        ] {
            let (response, _) = post(&shop.app, path, &form, &[("cookie", cookie)]).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        }
        let (response, _) = get_with(
            &shop.app,
            &format!("/en/admin/products/{product}/images"),
            &[("cookie", cookie)],
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(shop.stored_files(), 1, "50 px wide: one size");
}

#[tokio::test]
async fn staff_describe_reorder_and_remove_pictures_over_http() {
    let shop = shop().await;
    shop.upload("first.png", &png(400, 400)).await;
    shop.upload("second.png", &png(300, 300)).await;
    let keys = shop.storage_keys().await;
    assert_eq!(keys.len(), 2);
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM product_images WHERE product_id = $1 AND storage_key IS NOT NULL ORDER BY position",
    )
    .bind(shop.product)
    .fetch_all(&shop.pool)
    .await
    .unwrap();
    let (product, second) = (shop.product.to_string(), ids[1].to_string());
    let cookie = [("cookie", shop.admin.as_str())];

    let (response, body) = post(
        &shop.app,
        fns::DescribeProductImage::PATH,
        &[
            ("lang", "en"),
            ("id", &product),
            ("image", &second),
            ("alt_en", "A lamp on a desk"),
            ("alt_pt_br", "Uma luminária na mesa"),
            ("alt_es", ""),
            ("alt_zh_cn", ""),
            ("variant", ""),
        ],
        &cookie,
    )
    .await;
    assert!(!response.status().is_client_error(), "{body}");
    let (response, body) = post(
        &shop.app,
        fns::MoveProductImage::PATH,
        &[
            ("lang", "en"),
            ("id", &product),
            ("image", &second),
            ("to", "up"),
        ],
        &cookie,
    )
    .await;
    assert!(!response.status().is_client_error(), "{body}");
    assert_eq!(shop.storage_keys().await, vec![keys[1], keys[0]]);
    let slug_pt: String = sqlx::query_scalar(
        "SELECT COALESCE((SELECT slug FROM product_translations WHERE product_id = $1 AND locale = 'pt-BR'), $2)",
    )
    .bind(shop.product)
    .bind(&shop.slug)
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    let (_, page) = get_with(&shop.app, &format!("/pt-br/p/{slug_pt}"), &[]).await;
    assert!(page.contains("alt=\"Uma luminária na mesa\""), "{page}");

    // A wrong `to` or another product's id is "not found", nothing moves.
    let (response, _) = post(
        &shop.app,
        fns::MoveProductImage::PATH,
        &[
            ("lang", "en"),
            ("id", &product),
            ("image", &second),
            ("to", "sideways"),
        ],
        &cookie,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (response, _) = post(
        &shop.app,
        fns::RemoveProductImage::PATH,
        &[
            ("lang", "en"),
            ("id", &Uuid::new_v4().to_string()),
            ("image", &second),
        ],
        &cookie,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let (response, body) = post(
        &shop.app,
        fns::RemoveProductImage::PATH,
        &[("lang", "en"), ("id", &product), ("image", &second)],
        &cookie,
    )
    .await;
    assert!(!response.status().is_client_error(), "{body}");
    assert_eq!(shop.storage_keys().await, vec![keys[0]]);
    let (response, _) = get_with(&shop.app, &format!("/media/{}/300.webp", keys[1]), &[]).await;
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "its files are gone"
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'product.image%' ORDER BY id",
    )
    .fetch_all(&shop.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        vec![
            "product.image_add",
            "product.image_add",
            "product.image_update",
            "product.image_move",
            "product.image_remove"
        ]
    );
}

/// A PNG whose header claims `width` × `height` over a few bytes of data.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(&crc_input);
        let mut crc = !0u32;
        for byte in &crc_input {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        out.extend_from_slice(&(!crc).to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}
