//! A product's pictures as staff manage them: upload (checked, resized and stored by
//! [`crate::media`]), order, alt text per language, the variant a picture shows, and
//! removal. Every change takes `Allowed<can::Catalog>` and is audited in its own
//! transaction; the files are written before the row that names them and removed after
//! the row is gone, so a row never names a file that is not there.

use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::accounts::staff::{Allowed, can};
use crate::audit::{self, Change};
use crate::locale::SUPPORTED;
use crate::media::{self, Media, ObjectKey, Sizes, picture};
use crate::{DomainError, DomainResult, Message, Thing};

/// The most pictures one product may have.
pub const MAX_PER_PRODUCT: i64 = 30;
/// The longest alt text, in characters.
pub const MAX_ALT: usize = 250;

/// One picture, as the back office shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffImage {
    pub id: Uuid,
    pub url: String,
    pub width: i32,
    pub height: i32,
    pub position: i32,
    pub variant_id: Option<Uuid>,
    pub sizes: Option<Sizes>,
    /// (language, alt text) for each language that has one.
    pub alts: Vec<(String, String)>,
}

/// A product's pictures and what the page needs around them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductImages {
    pub product_id: Uuid,
    /// In the shop's default language.
    pub name: String,
    /// First shown first.
    pub images: Vec<StaffImage>,
    /// (id, SKU) of each variant, for "shows this variant".
    pub variants: Vec<(Uuid, String)>,
}

/// Where to move a picture in its product's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
}

/// What staff say about a picture: alt text per language (blank: none) and the variant
/// it shows (`None`: the product as a whole).
#[derive(Clone, Debug, Default)]
pub struct Description {
    pub alts: Vec<(String, String)>,
    pub variant_id: Option<Uuid>,
}

/// The form field of a language's alt text: `alt_pt_br`.
pub fn alt_field(locale: &str) -> &'static str {
    match locale {
        "pt-BR" => "alt_pt_br",
        "es" => "alt_es",
        "zh-CN" => "alt_zh_cn",
        _ => "alt_en",
    }
}

/// The product's pictures, for staff with the catalog permission.
pub async fn list(
    pool: &PgPool,
    _by: &Allowed<can::Catalog>,
    product: Uuid,
) -> DomainResult<ProductImages> {
    let mut conn = pool.acquire().await?;
    let name = product_name(&mut conn, product).await?;
    let rows = sqlx::query!(
        "SELECT id, url, width, height, position, variant_id, storage_key, widths
         FROM product_images WHERE product_id = $1 ORDER BY position, id",
        product
    )
    .fetch_all(&mut *conn)
    .await?;
    let alts = sqlx::query!(
        "SELECT t.image_id, t.locale, t.alt FROM product_image_translations t
         JOIN product_images i ON i.id = t.image_id
         WHERE i.product_id = $1 ORDER BY t.locale",
        product
    )
    .fetch_all(&mut *conn)
    .await?;
    let variants = sqlx::query!(
        "SELECT id, sku FROM variants WHERE product_id = $1 ORDER BY position, sku",
        product
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(ProductImages {
        product_id: product,
        name,
        images: rows
            .into_iter()
            .map(|r| StaffImage {
                id: r.id,
                url: r.url,
                width: r.width,
                height: r.height,
                position: r.position,
                variant_id: r.variant_id,
                sizes: Sizes::of(r.storage_key, r.widths),
                alts: alts
                    .iter()
                    .filter(|a| a.image_id == r.id)
                    .map(|a| (a.locale.clone(), a.alt.clone()))
                    .collect(),
            })
            .collect(),
        variants: variants.into_iter().map(|v| (v.id, v.sku)).collect(),
    })
}

/// Adds the picture in `bytes` as the product's last. Nothing is stored unless it is a
/// JPEG, PNG or WebP (by its bytes) within the size and pixel limits that decodes whole.
pub async fn upload(
    pool: &PgPool,
    media: &Media,
    by: &Allowed<can::Catalog>,
    product: Uuid,
    bytes: Vec<u8>,
) -> DomainResult<Uuid> {
    // Cheap refusals first: no such product, too many pictures, not a picture.
    {
        let mut conn = pool.acquire().await?;
        product_name(&mut conn, product).await?;
        full_check(&mut conn, product).await?;
    }
    picture::check(&bytes)?;
    let processed = picture::process(bytes).await?;
    let key = Uuid::new_v4();
    let widths: Vec<i32> = processed.sizes.iter().map(|s| s.width as i32).collect();
    let mut stored = Vec::new();
    for size in &processed.sizes {
        let object = ObjectKey::picture(key, size.width);
        if let Err(error) = media
            .store()
            .put(&object, size.webp.clone(), media::WEBP)
            .await
        {
            forget(media, &stored).await;
            return Err(error.into());
        }
        stored.push(object);
    }
    let largest = processed.largest();
    let sizes = Sizes { key, widths };
    let saved = async {
        let mut tx = pool.begin().await?;
        let name = lock_product(&mut tx, product).await?;
        full_check(&mut tx, product).await?;
        let id = sqlx::query_scalar!(
            "INSERT INTO product_images (product_id, position, url, width, height, storage_key, widths)
             VALUES ($1, (SELECT COALESCE(max(position) + 1, 0) FROM product_images WHERE product_id = $1),
                     $2, $3, $4, $5, $6)
             RETURNING id",
            product,
            sizes.largest(),
            largest.width as i32,
            largest.height as i32,
            key,
            &sizes.widths
        )
        .fetch_one(&mut *tx)
        .await?;
        let after = Snapshot::read(&mut tx, id).await?;
        audit::record(
            &mut tx,
            by.actor(),
            Change::new("product.image_add", "product", product)
                .label(name)
                .values(None::<Snapshot>, Some(after)),
        )
        .await?;
        tx.commit().await?;
        Ok::<Uuid, DomainError>(id)
    }
    .await;
    if saved.is_err() {
        forget(media, &stored).await;
    }
    saved
}

/// Moves a picture one place up or down in its product's order (the first one is the
/// product's cover in listings).
pub async fn reorder(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    product: Uuid,
    image: Uuid,
    to: Move,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let name = lock_product(&mut tx, product).await?;
    let mut order: Vec<Uuid> = sqlx::query_scalar!(
        "SELECT id FROM product_images WHERE product_id = $1 ORDER BY position, id",
        product
    )
    .fetch_all(&mut *tx)
    .await?;
    let from = order
        .iter()
        .position(|id| *id == image)
        .ok_or(DomainError::NotFound(Thing::Image))?;
    let target = match to {
        Move::Up => from.checked_sub(1),
        Move::Down => (from + 1 < order.len()).then_some(from + 1),
    };
    // Already first (or last): nothing changes, nothing to record.
    let Some(target) = target else {
        return Ok(());
    };
    order.swap(from, target);
    renumber(&mut tx, &order).await?;
    audit::record(
        &mut tx,
        by.actor(),
        Change::new("product.image_move", "product", product)
            .label(name)
            .values(
                Some(serde_json::json!({ "image": image, "position": from + 1 })),
                Some(serde_json::json!({ "image": image, "position": target + 1 })),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a picture's alt text in each language (blank removes it) and the variant it
/// shows.
pub async fn describe(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    product: Uuid,
    image: Uuid,
    description: &Description,
) -> DomainResult<()> {
    let mut problems = Vec::new();
    let mut alts: Vec<(&'static str, Option<String>)> = Vec::new();
    for (locale, text) in &description.alts {
        let Some(locale) = crate::locale::supported(locale) else {
            continue;
        };
        let text = text.trim();
        if text.chars().count() > MAX_ALT {
            problems.push((
                alt_field(locale),
                Message::new("admin.images.errors.alt_too_long").with("max", MAX_ALT),
            ));
        }
        alts.push((locale, (!text.is_empty()).then(|| text.to_string())));
    }
    if !problems.is_empty() {
        return Err(DomainError::Invalid(problems));
    }
    let mut tx = pool.begin().await?;
    let name = lock_product(&mut tx, product).await?;
    let before = Snapshot::read_of(&mut tx, product, image).await?;
    if let Some(variant) = description.variant_id {
        let ours = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM variants WHERE id = $1 AND product_id = $2) AS "ours!""#,
            variant,
            product
        )
        .fetch_one(&mut *tx)
        .await?;
        if !ours {
            return Err(DomainError::field("variant", "admin.images.errors.variant"));
        }
    }
    sqlx::query!(
        "UPDATE product_images SET variant_id = $3 WHERE id = $1 AND product_id = $2",
        image,
        product,
        description.variant_id
    )
    .execute(&mut *tx)
    .await?;
    for (locale, alt) in alts {
        match alt {
            Some(alt) => {
                sqlx::query!(
                    "INSERT INTO product_image_translations (image_id, locale, alt) VALUES ($1, $2, $3)
                     ON CONFLICT (image_id, locale) DO UPDATE SET alt = EXCLUDED.alt",
                    image,
                    locale,
                    alt
                )
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query!(
                    "DELETE FROM product_image_translations WHERE image_id = $1 AND locale = $2",
                    image,
                    locale
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    let after = Snapshot::read(&mut tx, image).await?;
    if after != before {
        audit::record(
            &mut tx,
            by.actor(),
            Change::new("product.image_update", "product", product)
                .label(name)
                .values(Some(before), Some(after)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Removes a picture; its files go once the row is gone.
pub async fn remove(
    pool: &PgPool,
    media: &Media,
    by: &Allowed<can::Catalog>,
    product: Uuid,
    image: Uuid,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let name = lock_product(&mut tx, product).await?;
    let before = Snapshot::read_of(&mut tx, product, image).await?;
    let files = sqlx::query!(
        "DELETE FROM product_images WHERE id = $1 AND product_id = $2 RETURNING storage_key, widths",
        image,
        product
    )
    .fetch_one(&mut *tx)
    .await?;
    let order: Vec<Uuid> = sqlx::query_scalar!(
        "SELECT id FROM product_images WHERE product_id = $1 ORDER BY position, id",
        product
    )
    .fetch_all(&mut *tx)
    .await?;
    renumber(&mut tx, &order).await?;
    audit::record(
        &mut tx,
        by.actor(),
        Change::new("product.image_remove", "product", product)
            .label(name)
            .values(Some(before), None::<Snapshot>),
    )
    .await?;
    tx.commit().await?;
    if let Some(sizes) = Sizes::of(files.storage_key, files.widths) {
        let objects: Vec<ObjectKey> = sizes
            .widths
            .iter()
            .map(|w| ObjectKey::picture(sizes.key, *w as u32))
            .collect();
        forget(media, &objects).await;
    }
    Ok(())
}

/// Removes stored files nothing names (any more). A failure leaves an orphan file,
/// never a broken picture, so it is logged rather than reported.
async fn forget(media: &Media, objects: &[ObjectKey]) {
    for object in objects {
        if let Err(error) = media.store().delete(object).await {
            tracing::warn!(%error, key = object.as_str(), "could not remove a picture file");
        }
    }
}

/// The product's name in the shop's default language, or "not found".
async fn product_name(conn: &mut PgConnection, product: Uuid) -> DomainResult<String> {
    sqlx::query_scalar!(
        r#"SELECT COALESCE(
               (SELECT t.name FROM product_translations t, shop_settings s
                WHERE t.product_id = p.id AND t.locale = s.default_locale),
               (SELECT t.name FROM product_translations t WHERE t.product_id = p.id
                ORDER BY t.locale LIMIT 1),
               p.id::text) AS "name!"
           FROM products p WHERE p.id = $1"#,
        product
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound(Thing::Product))
}

/// Locks the product's row, so changes to its pictures' order happen one at a time,
/// and returns its name.
async fn lock_product(conn: &mut PgConnection, product: Uuid) -> DomainResult<String> {
    sqlx::query_scalar!("SELECT id FROM products WHERE id = $1 FOR UPDATE", product)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound(Thing::Product))?;
    product_name(conn, product).await
}

async fn full_check(conn: &mut PgConnection, product: Uuid) -> DomainResult<()> {
    let count = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM product_images WHERE product_id = $1"#,
        product
    )
    .fetch_one(&mut *conn)
    .await?;
    if count >= MAX_PER_PRODUCT {
        return Err(DomainError::field(
            "file",
            Message::new("admin.images.errors.too_many").with("max", MAX_PER_PRODUCT),
        ));
    }
    Ok(())
}

/// Positions 0, 1, 2… in `order`.
async fn renumber(conn: &mut PgConnection, order: &[Uuid]) -> DomainResult<()> {
    sqlx::query!(
        "UPDATE product_images i SET position = o.n - 1
         FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, n)
         WHERE i.id = o.id AND i.position <> o.n - 1",
        order
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A picture as the audit log records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Snapshot {
    image: Uuid,
    url: String,
    position: i32,
    variant: Option<String>,
    alt: std::collections::BTreeMap<String, String>,
}

impl Snapshot {
    async fn read(conn: &mut PgConnection, image: Uuid) -> DomainResult<Snapshot> {
        let row = sqlx::query!(
            "SELECT i.url, i.position, v.sku AS \"sku?\" FROM product_images i
             LEFT JOIN variants v ON v.id = i.variant_id WHERE i.id = $1",
            image
        )
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound(Thing::Image))?;
        let alts = sqlx::query!(
            "SELECT locale, alt FROM product_image_translations WHERE image_id = $1",
            image
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(Snapshot {
            image,
            url: row.url,
            position: row.position,
            variant: row.sku,
            alt: alts
                .into_iter()
                .filter(|a| SUPPORTED.contains(&a.locale.as_str()))
                .map(|a| (a.locale, a.alt))
                .collect(),
        })
    }

    /// [`Snapshot::read`] of a picture of `product` only: another product's is "not
    /// found".
    async fn read_of(
        conn: &mut PgConnection,
        product: Uuid,
        image: Uuid,
    ) -> DomainResult<Snapshot> {
        let ours = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM product_images WHERE id = $1 AND product_id = $2) AS "ours!""#,
            image,
            product
        )
        .fetch_one(&mut *conn)
        .await?;
        if !ours {
            return Err(DomainError::NotFound(Thing::Image));
        }
        Snapshot::read(conn, image).await
    }
}
