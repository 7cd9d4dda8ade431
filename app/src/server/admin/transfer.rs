//! Catalog CSV import: upload (kept, nothing written), preview (every row checked, what
//! would change), apply (one transaction). The export is a plain download served by the
//! server crate (`/admin/export/products.csv`), streamed a batch at a time.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::message::Message;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

/// Changes listed in a preview; the rest are counted.
pub const SHOWN_CHANGES: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: String,
    pub file_name: String,
    pub applied: bool,
    pub rows: usize,
    /// Problems: line, column, what is wrong (at most a few hundred, see `error_count`).
    pub errors: Vec<(usize, String, Message)>,
    pub error_count: usize,
    pub products_created: usize,
    pub products_changed: usize,
    pub variants_created: usize,
    pub variants_changed: usize,
    pub unchanged: usize,
    /// The first changes: line, product or SKU, the columns that change.
    pub changes: Vec<(usize, String, Vec<String>)>,
}

/// Takes a CSV file from a `multipart/form-data` form (fields `lang` and `file`), keeps
/// it, and sends the browser to its preview. Reading stops past the size limit.
#[server(input = MultipartFormData)]
pub async fn upload_catalog_file(data: MultipartData) -> Result<(), AppError> {
    request::answer(
        async {
            let mut data = data.into_inner().ok_or(AppError::Internal)?;
            let unreadable = || AppError::Validation {
                field: "file".into(),
                message: Message::new("admin.transfer.errors.unreadable"),
            };
            // The page's language comes first (the form puts it there), read with a
            // cap; who is asking is checked before a byte of the file is read.
            let mut lang = String::new();
            let mut checked = None;
            let mut file_name = String::new();
            let mut content = Vec::new();
            let limit = domain::catalog::transfer::MAX_BYTES;
            while let Some(mut field) = data.next_field().await.map_err(|_| unreadable())? {
                match field.name().unwrap_or_default() {
                    "lang" => {
                        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                            if lang.len() + chunk.len() > 16 {
                                return Err(AppError::NotFound("page".into()));
                            }
                            lang.push_str(&String::from_utf8_lossy(&chunk));
                        }
                    }
                    "file" if checked.is_none() => {
                        let request =
                            Request::of(if lang.is_empty() { "en" } else { &lang }).await?;
                        let allowed = request
                            .allowed::<domain::accounts::staff::can::Catalog>()
                            .await?;
                        file_name = field.file_name().unwrap_or_default().to_string();
                        // Past the limit the rest is read without being kept, so a
                        // browser gets the page back with the message, not a reset.
                        let mut too_big = false;
                        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                            if too_big || content.len() + chunk.len() > limit {
                                too_big = true;
                                content.clear();
                                continue;
                            }
                            content.extend_from_slice(&chunk);
                        }
                        if too_big {
                            return Err(AppError::Validation {
                                field: "file".into(),
                                message: Message::new("admin.transfer.errors.too_big")
                                    .with("mb", (limit >> 20) as i64),
                            });
                        }
                        checked = Some((request, allowed));
                    }
                    // Anything else (a second file) is read past, never kept.
                    _ => {}
                }
            }
            let Some((request, allowed)) = checked else {
                return Err(AppError::Validation {
                    field: "file".into(),
                    message: Message::new("admin.transfer.errors.empty"),
                });
            };
            let id = domain::catalog::transfer::store::keep(
                &request.pool,
                &allowed,
                &file_name,
                &content,
            )
            .await?;
            request.go_with(
                &crate::page::Page::Admin(crate::page::AdminPage::Transfer),
                &format!("import={id}"),
            );
            Ok(())
        }
        .await,
    )
}

/// The preview of an uploaded file: checked against the shop as it is now.
#[server]
pub async fn get_import_preview(lang: String, id: String) -> Result<ImportPreview, AppError> {
    use domain::catalog::transfer::{import, store};
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request
                .allowed::<domain::accounts::staff::can::Catalog>()
                .await?;
            crate::server::ssr::no_store();
            let id = request::uuid(&id, "import")?;
            let kept = store::load(&request.pool, &allowed, id).await?;
            let plan = import::plan(&request.pool, &allowed, &kept.content).await?;
            if !kept.applied && plan.error_count == 0 {
                store::previewed(&request.pool, &allowed, id, &plan.digest()).await?;
            }
            let mut changes = plan.changes();
            changes.truncate(SHOWN_CHANGES);
            Ok(ImportPreview {
                id: id.to_string(),
                file_name: kept.file_name,
                applied: kept.applied,
                rows: plan.rows,
                errors: plan
                    .errors
                    .iter()
                    .map(|e| (e.line, e.column.clone(), e.message.clone()))
                    .collect(),
                error_count: plan.error_count,
                products_created: plan.products_created,
                products_changed: plan.products_changed,
                variants_created: plan.variants_created,
                variants_changed: plan.variants_changed,
                unchanged: plan.unchanged,
                changes,
            })
        }
        .await,
    )
}

/// Applies an uploaded file once, as its preview showed it (checked again first;
/// nothing is written if anything is wrong now or the shop changed since the preview),
/// then shows what was done.
#[server]
pub async fn apply_catalog_import(lang: String, id: String) -> Result<(), AppError> {
    use domain::catalog::transfer::import;
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request
                .allowed::<domain::accounts::staff::can::Catalog>()
                .await?;
            let id = request::uuid(&id, "import")?;
            let done = import::apply_kept(&request.pool, &allowed, id).await?;
            request.go_with(
                &crate::page::Page::Admin(crate::page::AdminPage::Transfer),
                &format!(
                    "import={id}&applied={}.{}.{}.{}",
                    done.products_created,
                    done.products_changed,
                    done.variants_created,
                    done.variants_changed
                ),
            );
            Ok(())
        }
        .await,
    )
}
