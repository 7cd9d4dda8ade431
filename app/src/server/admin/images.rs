//! A product's pictures in the back office: the list, upload (a `multipart/form-data`
//! form, so it works without JavaScript), order, alt text per language with the variant
//! shown, and removal. Each checks the `catalog` permission in the domain first and
//! hands the proof on; the files go through the shop's picture store
//! (`domain::media::Media`, provided by the server).

// The alt text form posts one field per language, and a server function's fields are
// its arguments (the generated code cannot carry an item-level allow).
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

/// One picture as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminImageDto {
    pub id: String,
    /// A small size for the list (the picture itself when it was not uploaded).
    pub thumbnail: String,
    /// The largest size.
    pub url: String,
    pub width: i32,
    pub height: i32,
    /// The variant it shows (empty: the whole product).
    pub variant_id: String,
    /// (language tag, alt text) for every language the shop speaks, blank where none.
    pub alts: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductImagesDto {
    pub product_id: String,
    pub name: String,
    pub images: Vec<AdminImageDto>,
    /// (id, SKU)
    pub variants: Vec<(String, String)>,
    /// The upload limit in megabytes, for the form's hint.
    pub max_mb: u64,
}

/// A product's pictures, for staff with the catalog permission.
#[server]
pub async fn get_product_images(lang: String, id: String) -> Result<ProductImagesDto, AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request
                .allowed::<domain::accounts::staff::can::Catalog>()
                .await?;
            crate::server::ssr::no_store();
            let product = request::uuid(&id, "product")?;
            let listed = domain::catalog::images::list(&request.pool, &allowed, product).await?;
            Ok(ssr::dto(listed))
        }
        .await,
    )
}

/// Adds a picture to a product. The form posts `lang`, `id` (the product) and `file`,
/// in that order; the permission is checked before the file is read, and the file is
/// read no further than the size limit.
#[server(input = MultipartFormData)]
pub async fn upload_product_image(data: MultipartData) -> Result<(), AppError> {
    ssr::answer_upload(ssr::upload(data).await)
}

/// Moves a picture up or down (`to`) in its product's order.
#[server]
pub async fn move_product_image(
    lang: String,
    id: String,
    image: String,
    to: String,
) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request
                .allowed::<domain::accounts::staff::can::Catalog>()
                .await?;
            let product = request::uuid(&id, "product")?;
            let image = request::uuid(&image, "image")?;
            let to = match to.as_str() {
                "up" => domain::catalog::images::Move::Up,
                "down" => domain::catalog::images::Move::Down,
                _ => return Err(AppError::NotFound("image".into())),
            };
            domain::catalog::images::reorder(&request.pool, &allowed, product, image, to).await?;
            ssr::back(&request, product);
            Ok(())
        }
        .await,
    )
}

/// Saves a picture's alt text in each language and the variant it shows (empty: the
/// whole product).
#[server]
pub async fn describe_product_image(
    lang: String,
    id: String,
    image: String,
    alt_en: String,
    alt_pt_br: String,
    alt_es: String,
    alt_zh_cn: String,
    variant: String,
) -> Result<(), AppError> {
    // A failed save comes back with what was typed, beside the right picture.
    let typed = [
        ("image", image.as_str()),
        ("alt_en", alt_en.as_str()),
        ("alt_pt_br", alt_pt_br.as_str()),
        ("alt_es", alt_es.as_str()),
        ("alt_zh_cn", alt_zh_cn.as_str()),
        ("variant", variant.as_str()),
    ];
    request::answer_keeping(
        &typed,
        async {
            let request = Request::of(&lang).await?;
            let allowed = request
                .allowed::<domain::accounts::staff::can::Catalog>()
                .await?;
            let product = request::uuid(&id, "product")?;
            let image = request::uuid(&image, "image")?;
            let variant_id = match variant.trim() {
                "" => None,
                text => Some(
                    uuid::Uuid::parse_str(text).map_err(|_| AppError::Validation {
                        field: "variant".into(),
                        message: "admin.images.errors.variant".into(),
                    })?,
                ),
            };
            let description = domain::catalog::images::Description {
                alts: [
                    ("en", &alt_en),
                    ("pt-BR", &alt_pt_br),
                    ("es", &alt_es),
                    ("zh-CN", &alt_zh_cn),
                ]
                .into_iter()
                .map(|(l, t)| (l.to_string(), t.clone()))
                .collect(),
                variant_id,
            };
            domain::catalog::images::describe(
                &request.pool,
                &allowed,
                product,
                image,
                &description,
            )
            .await?;
            ssr::back(&request, product);
            Ok(())
        }
        .await,
    )
    .await
}

/// Removes a picture and its files.
#[server]
pub async fn remove_product_image(lang: String, id: String, image: String) -> Result<(), AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request
                .allowed::<domain::accounts::staff::can::Catalog>()
                .await?;
            let product = request::uuid(&id, "product")?;
            let image = request::uuid(&image, "image")?;
            let media = ssr::media()?;
            domain::catalog::images::remove(&request.pool, &media, &allowed, product, image)
                .await?;
            ssr::back(&request, product);
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use axum::http::request::Parts;
    use axum::http::{StatusCode, header};
    use domain::accounts::staff::can;
    use domain::catalog::images::ProductImages;
    use domain::media::{Media, picture};
    use leptos::prelude::use_context;
    use leptos::server_fn::codec::MultipartData;

    use super::{AdminImageDto, ProductImagesDto};
    use crate::error::AppError;
    use crate::page::{AdminPage, Page};
    use crate::server::request::{self, Request};

    /// What may arrive beside the file: the form's small fields and multipart framing.
    const FORM_OVERHEAD: usize = 64 * 1024;
    /// A form field other than the file is a few characters.
    const MAX_FIELD: usize = 200;
    /// How much of an oversized upload is read (and dropped) so that a browser, which
    /// sends the whole body before it reads the answer, gets the message rather than a
    /// reset connection. Past this, the connection is cut.
    const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

    /// The shop's picture store, provided by the server for every request.
    pub fn media() -> Result<Media, AppError> {
        use_context::<Media>().ok_or_else(|| {
            tracing::error!("no picture store provided to server functions");
            AppError::Internal
        })
    }

    pub fn back(request: &Request, product: uuid::Uuid) {
        request.go_with(
            &Page::Admin(AdminPage::ProductImages(product.to_string())),
            "saved=1",
        );
    }

    pub fn dto(listed: ProductImages) -> ProductImagesDto {
        let images = listed
            .images
            .into_iter()
            .map(|image| AdminImageDto {
                id: image.id.to_string(),
                thumbnail: image
                    .sizes
                    .as_ref()
                    .map(|s| s.url(s.widths[0]))
                    .unwrap_or_else(|| image.url.clone()),
                url: image.url,
                width: image.width,
                height: image.height,
                variant_id: image.variant_id.map(|v| v.to_string()).unwrap_or_default(),
                alts: domain::locale::SUPPORTED
                    .into_iter()
                    .map(|locale| {
                        let alt = image
                            .alts
                            .iter()
                            .find(|(l, _)| l == locale)
                            .map(|(_, a)| a.clone())
                            .unwrap_or_default();
                        (locale.to_string(), alt)
                    })
                    .collect(),
            })
            .collect();
        ProductImagesDto {
            product_id: listed.product_id.to_string(),
            name: listed.name,
            images,
            variants: listed
                .variants
                .into_iter()
                .map(|(id, sku)| (id.to_string(), sku))
                .collect(),
            max_mb: (picture::MAX_BYTES / (1024 * 1024)) as u64,
        }
    }

    fn refused(key: &str) -> AppError {
        AppError::Validation {
            field: "file".into(),
            message: key.into(),
        }
    }

    fn is_too_big(error: &AppError) -> bool {
        matches!(error, AppError::Validation { field, message }
            if field == "file" && message.key == "admin.images.errors.too_big")
    }

    /// [`request::answer`], with 413 for a file over the limit when a program (or the
    /// hydrated app) asked; a plain form is sent back to its page either way.
    pub fn answer_upload(result: Result<(), AppError>) -> Result<(), AppError> {
        let result = request::answer(result);
        if let Err(error) = &result
            && is_too_big(error)
            && !wants_html()
            && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        {
            response.set_status(StatusCode::PAYLOAD_TOO_LARGE);
        }
        result
    }

    fn wants_html() -> bool {
        use_context::<Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        })
    }

    fn declared_length() -> Option<usize> {
        use_context::<Parts>()?
            .headers
            .get(header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    fn broken(error: impl std::fmt::Display) -> AppError {
        tracing::info!(%error, "an upload's form did not arrive whole");
        refused("admin.images.errors.upload")
    }

    pub async fn upload(data: MultipartData) -> Result<(), AppError> {
        // Who is asking, before a byte of the body is read: the language only decides
        // where the browser goes back to, so the form's own is read later.
        let request = Request::of(crate::i18n::Locale::default().slug()).await?;
        let allowed = request.allowed::<can::Catalog>().await?;
        let Some(mut form) = data.into_inner() else {
            return Err(AppError::Internal);
        };
        let declared = declared_length();
        if declared.is_some_and(|n| n > DRAIN_LIMIT) {
            return Err(domain::media::picture::too_big().into());
        }
        let (mut lang, mut product, mut file) = (None, None, None);
        let mut too_big = declared.is_some_and(|n| n > picture::MAX_BYTES + FORM_OVERHEAD);
        let mut read = 0;
        while let Some(mut field) = form.next_field().await.map_err(broken)? {
            let name = field.name().unwrap_or_default().to_string();
            let limit = if name == "file" && !too_big {
                picture::MAX_BYTES
            } else {
                MAX_FIELD
            };
            let mut bytes = Vec::new();
            let mut over = false;
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                read += chunk.len();
                if read > DRAIN_LIMIT {
                    return Err(domain::media::picture::too_big().into());
                }
                if bytes.len() + chunk.len() > limit {
                    over = true;
                } else if !over {
                    bytes.extend_from_slice(&chunk);
                }
            }
            match name.as_str() {
                "lang" if !over => lang = String::from_utf8(bytes).ok(),
                "id" if !over => product = String::from_utf8(bytes).ok(),
                "file" if over || too_big => too_big = true,
                "file" => file = Some(bytes),
                _ => {}
            }
        }
        let locale = crate::server::ssr::locale(lang.as_deref().unwrap_or("en"))?;
        let product = request::uuid(product.as_deref().unwrap_or_default(), "product")?;
        if too_big {
            return Err(domain::media::picture::too_big().into());
        }
        let file = file.ok_or_else(|| refused("admin.images.errors.empty"))?;
        domain::catalog::images::upload(&request.pool, &media()?, &allowed, product, file).await?;
        request::go(
            locale,
            &Page::Admin(AdminPage::ProductImages(product.to_string())).path_with("saved=1"),
        );
        Ok(())
    }
}
