//! Product pictures against a real PostgreSQL and a real picture store on disk: an
//! upload is stored in the storefront's widths and shown with its alt text in the
//! shopper's language; order, alt text, variant and removal are staff changes in the
//! audit log; bad files leave nothing behind.

use crate::common;

use common::accounts::staff_with;
use common::shop::*;
use domain::accounts::staff::{Allowed, Permission, can};
use domain::catalog::images::{self, Description, Move};
use domain::catalog::listing::{self, Audience, Showcase};
use domain::catalog::product;
use domain::media::{Media, ObjectKey};
use domain::money::Currency;
use domain::{DomainError, Thing};
use image::{ImageEncoder, Rgb, RgbImage};
use rust_decimal_macros::dec;
use sqlx::PgPool;
use uuid::Uuid;

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 128])
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

struct Shop {
    pool: PgPool,
    media: Media,
    dir: tempfile::TempDir,
    catalog: Allowed<can::Catalog>,
    product: Uuid,
    variant: Uuid,
    slug: String,
}

async fn shop() -> Shop {
    let pool = common::database().await;
    let staff = staff_with(&pool, "pictures@example.com", &[Permission::Catalog]).await;
    let variant = product(&pool, "Lamp", dec!(30), 5, 900).await;
    let (product, slug): (Uuid, String) = sqlx::query_as(
        "SELECT v.product_id, t.slug FROM variants v
         JOIN product_translations t ON t.product_id = v.product_id WHERE v.id = $1",
    )
    .bind(variant)
    .fetch_one(&pool)
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    Shop {
        media: Media::on_disk(dir.path().join("media")),
        dir,
        catalog: staff.allowed().unwrap(),
        pool,
        product,
        variant,
        slug,
    }
}

impl Shop {
    async fn upload(&self, bytes: Vec<u8>) -> Result<Uuid, DomainError> {
        images::upload(&self.pool, &self.media, &self.catalog, self.product, bytes).await
    }

    /// Every file in the store.
    fn files(&self) -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                if entry.path().is_dir() {
                    walk(&entry.path(), out);
                } else {
                    out.push(entry.path().display().to_string());
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), &mut out);
        out.sort();
        out
    }

    async fn page(&self, audience: Audience<'_>) -> product::ProductDetail {
        product::page(&self.pool, audience, &self.slug, None)
            .await
            .unwrap()
    }

    async fn audit_actions(&self) -> Vec<String> {
        sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .unwrap()
    }
}

fn in_language(locale: &'static str) -> Audience<'static> {
    Audience {
        locale,
        default_locale: "en",
        currency: Currency::USD,
    }
}

#[tokio::test]
async fn an_upload_is_stored_in_the_storefronts_widths_and_shown_with_srcset() {
    let shop = shop().await;
    let id = shop.upload(png(1600, 800)).await.unwrap();

    let listed = images::list(&shop.pool, &shop.catalog, shop.product)
        .await
        .unwrap();
    assert_eq!(listed.name, "Lamp");
    assert_eq!(listed.images.len(), 1);
    let picture = &listed.images[0];
    assert_eq!(picture.id, id);
    assert_eq!((picture.width, picture.height), (1280, 640));
    let sizes = picture.sizes.clone().expect("uploaded pictures have sizes");
    assert_eq!(sizes.widths, vec![320, 640, 1280]);
    assert_eq!(picture.url, sizes.largest());
    // Each width is a WebP file in the store.
    for width in [320, 640, 1280] {
        let bytes = shop
            .media
            .store()
            .get(&ObjectKey::picture(sizes.key, width))
            .await
            .unwrap()
            .expect("stored");
        let back = image::load_from_memory(&bytes).unwrap();
        assert_eq!(back.width(), width);
    }
    assert_eq!(shop.files().len(), 3);

    // The storefront: the product page and the product's card.
    let page = shop.page(USD).await;
    assert_eq!(page.images.len(), 1);
    assert_eq!(page.images[0].sizes.as_ref(), Some(&sizes));
    assert_eq!(page.images[0].alt, None);
    let cards = listing::showcase(&shop.pool, USD, Showcase::NewArrivals, 10)
        .await
        .unwrap();
    let card = cards.iter().find(|c| c.id == shop.product).unwrap();
    assert_eq!(card.image_sizes.as_ref(), Some(&sizes));
    assert_eq!(card.image_url.as_deref(), Some(&*sizes.largest()));
    // The cart's 64 px thumbnail is the smallest width, not the full picture.
    let cart = domain::cart::find_or_create(&shop.pool, domain::cart::Owner::Guest(None))
        .await
        .unwrap();
    domain::cart::add(&shop.pool, cart, shop.variant, 1, Currency::USD)
        .await
        .unwrap();
    let lines = domain::cart::read(&shop.pool, cart, USD)
        .await
        .unwrap()
        .lines;
    assert_eq!(lines[0].image.as_deref(), Some(&*sizes.url(320)));
    assert_eq!(shop.audit_actions().await, vec!["product.image_add"]);
}

#[tokio::test]
async fn alt_text_is_per_language_with_the_shops_language_as_fallback() {
    let shop = shop().await;
    let id = shop.upload(png(300, 300)).await.unwrap();
    let describe = |alts: &[(&str, &str)], variant| Description {
        alts: alts
            .iter()
            .map(|(l, t)| (l.to_string(), t.to_string()))
            .collect(),
        variant_id: variant,
    };
    images::describe(
        &shop.pool,
        &shop.catalog,
        shop.product,
        id,
        &describe(
            &[
                ("en", " A brass lamp "),
                ("pt-BR", "Uma luminária de latão"),
                ("es", ""),
            ],
            Some(shop.variant),
        ),
    )
    .await
    .unwrap();
    let shop = &shop;
    let alt_in = |locale| async move { shop.page(in_language(locale)).await.images[0].alt.clone() };
    assert_eq!(alt_in("en").await.as_deref(), Some("A brass lamp"));
    assert_eq!(
        alt_in("pt-BR").await.as_deref(),
        Some("Uma luminária de latão")
    );
    assert_eq!(
        alt_in("es").await.as_deref(),
        Some("A brass lamp"),
        "falls back"
    );
    let cards = listing::showcase(&shop.pool, in_language("pt-BR"), Showcase::NewArrivals, 10)
        .await
        .unwrap();
    assert_eq!(
        cards[0].image_alt.as_deref(),
        Some("Uma luminária de latão")
    );
    let listed = images::list(&shop.pool, &shop.catalog, shop.product)
        .await
        .unwrap();
    assert_eq!(listed.images[0].variant_id, Some(shop.variant));
    assert_eq!(listed.images[0].alts.len(), 2);

    // The audit log has the values before and after.
    let (before, after): (serde_json::Value, serde_json::Value) =
        sqlx::query_as("SELECT before, after FROM audit_log WHERE action = 'product.image_update'")
            .fetch_one(&shop.pool)
            .await
            .unwrap();
    assert_eq!(before["alt"], serde_json::json!({}));
    assert_eq!(after["alt"]["pt-BR"], "Uma luminária de latão");
    assert!(after["variant"].as_str().unwrap().starts_with("SKU-"));

    // Too long: refused beside its field, nothing changed.
    let long = "x".repeat(251);
    let error = images::describe(
        &shop.pool,
        &shop.catalog,
        shop.product,
        id,
        &describe(&[("en", "fine"), ("zh-CN", &long)], None),
    )
    .await
    .unwrap_err();
    match error {
        DomainError::Invalid(fields) => assert_eq!(fields[0].0, "alt_zh_cn"),
        other => panic!("{other:?}"),
    }
    assert_eq!(alt_in("en").await.as_deref(), Some("A brass lamp"));

    // Another product's variant is refused.
    let other_variant = product(&shop.pool, "Chair", dec!(10), 1, 100).await;
    let error = images::describe(
        &shop.pool,
        &shop.catalog,
        shop.product,
        id,
        &describe(&[], Some(other_variant)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            error,
            DomainError::Validation {
                field: "variant",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn pictures_move_up_and_down_and_the_first_is_the_cover() {
    let shop = shop().await;
    let first = shop.upload(png(200, 200)).await.unwrap();
    let second = shop.upload(png(210, 200)).await.unwrap();
    let third = shop.upload(png(220, 200)).await.unwrap();
    let order = || async {
        images::list(&shop.pool, &shop.catalog, shop.product)
            .await
            .unwrap()
            .images
            .iter()
            .map(|i| i.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(order().await, vec![first, second, third]);
    images::reorder(&shop.pool, &shop.catalog, shop.product, third, Move::Up)
        .await
        .unwrap();
    assert_eq!(order().await, vec![first, third, second]);
    images::reorder(&shop.pool, &shop.catalog, shop.product, third, Move::Up)
        .await
        .unwrap();
    assert_eq!(order().await, vec![third, first, second]);
    // Already first: nothing changes, nothing is recorded.
    images::reorder(&shop.pool, &shop.catalog, shop.product, third, Move::Up)
        .await
        .unwrap();
    images::reorder(&shop.pool, &shop.catalog, shop.product, first, Move::Down)
        .await
        .unwrap();
    assert_eq!(order().await, vec![third, second, first]);
    let moves = shop
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a == "product.image_move")
        .count();
    assert_eq!(moves, 3);

    // The cover in listings is the first picture, the product page follows the order.
    let cards = listing::showcase(&shop.pool, USD, Showcase::NewArrivals, 10)
        .await
        .unwrap();
    let listed = images::list(&shop.pool, &shop.catalog, shop.product)
        .await
        .unwrap();
    assert_eq!(cards[0].image_url.as_deref(), Some(&*listed.images[0].url));
    let page = shop.page(USD).await;
    let urls: Vec<&str> = page.images.iter().map(|i| i.url.as_str()).collect();
    let expected: Vec<&str> = listed.images.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(urls, expected);

    // A picture of another product is not found through this one.
    let other = shop.upload(png(100, 100)).await.unwrap();
    let elsewhere = {
        let variant = product(&shop.pool, "Desk", dec!(99), 1, 100).await;
        sqlx::query_scalar::<_, Uuid>("SELECT product_id FROM variants WHERE id = $1")
            .bind(variant)
            .fetch_one(&shop.pool)
            .await
            .unwrap()
    };
    let error = images::reorder(&shop.pool, &shop.catalog, elsewhere, other, Move::Up)
        .await
        .unwrap_err();
    assert!(
        matches!(error, DomainError::NotFound(Thing::Image)),
        "{error:?}"
    );
    let error = images::remove(&shop.pool, &shop.media, &shop.catalog, elsewhere, other)
        .await
        .unwrap_err();
    assert!(
        matches!(error, DomainError::NotFound(Thing::Image)),
        "{error:?}"
    );
}

#[tokio::test]
async fn removing_a_picture_removes_its_files_and_closes_the_gap() {
    let shop = shop().await;
    let first = shop.upload(png(700, 400)).await.unwrap();
    let second = shop.upload(png(300, 300)).await.unwrap();
    assert_eq!(shop.files().len(), 3 + 1);
    images::remove(&shop.pool, &shop.media, &shop.catalog, shop.product, first)
        .await
        .unwrap();
    assert_eq!(shop.files().len(), 1, "{:?}", shop.files());
    let listed = images::list(&shop.pool, &shop.catalog, shop.product)
        .await
        .unwrap();
    assert_eq!(listed.images.len(), 1);
    assert_eq!(
        (listed.images[0].id, listed.images[0].position),
        (second, 0)
    );
    let (before, after): (serde_json::Value, Option<serde_json::Value>) =
        sqlx::query_as("SELECT before, after FROM audit_log WHERE action = 'product.image_remove'")
            .fetch_one(&shop.pool)
            .await
            .unwrap();
    assert_eq!(before["image"], first.to_string());
    assert_eq!(after, None);
    // Gone means gone: a second removal is "not found".
    let error = images::remove(&shop.pool, &shop.media, &shop.catalog, shop.product, first)
        .await
        .unwrap_err();
    assert!(
        matches!(error, DomainError::NotFound(Thing::Image)),
        "{error:?}"
    );
}

#[tokio::test]
async fn bad_files_are_refused_and_leave_nothing_behind() {
    let shop = shop().await;
    let bomb = {
        // A PNG header claiming 30,000 × 30,000 pixels over a few bytes of data.
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&30_000u32.to_be_bytes());
        ihdr.extend_from_slice(&30_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        out.extend_from_slice(&13u32.to_be_bytes());
        let mut chunk = b"IHDR".to_vec();
        chunk.extend_from_slice(&ihdr);
        out.extend_from_slice(&chunk);
        out.extend_from_slice(&crc32(&chunk).to_be_bytes());
        out
    };
    let jpeg = {
        let picture = RgbImage::from_pixel(64, 64, Rgb([10, 20, 30]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out)
            .write_image(picture.as_raw(), 64, 64, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    };
    let mut huge = png(10, 10);
    huge.resize(domain::media::picture::MAX_BYTES + 1, 0);
    for (bytes, key) in [
        (
            b"name me photo.jpg all you like".to_vec(),
            "admin.images.errors.type",
        ),
        (
            jpeg[..jpeg.len() / 2].to_vec(),
            "admin.images.errors.unreadable",
        ),
        (bomb, "admin.images.errors.too_many_pixels"),
        (huge, "admin.images.errors.too_big"),
        (Vec::new(), "admin.images.errors.empty"),
    ] {
        match shop.upload(bytes).await {
            Err(DomainError::Validation {
                field: "file",
                message,
            }) => {
                assert_eq!(message.key, key)
            }
            other => panic!("{key}: {other:?}"),
        }
    }
    assert!(shop.files().is_empty(), "{:?}", shop.files());
    assert_eq!(
        count(&shop.pool, "SELECT count(*) FROM product_images").await,
        0
    );
    assert_eq!(count(&shop.pool, "SELECT count(*) FROM audit_log").await, 0);

    // No such product: nothing is processed or stored either.
    let error = images::upload(
        &shop.pool,
        &shop.media,
        &shop.catalog,
        Uuid::new_v4(),
        png(50, 50),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, DomainError::NotFound(Thing::Product)),
        "{error:?}"
    );
    assert!(shop.files().is_empty());
}

#[tokio::test]
async fn only_staff_with_the_catalog_permission_get_the_proof() {
    let pool = common::database().await;
    let clerk = staff_with(&pool, "orders@example.com", &[Permission::Orders]).await;
    assert!(matches!(
        clerk.allowed::<can::Catalog>(),
        Err(DomainError::Forbidden)
    ));
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
