//! Uploaded import files, kept in PostgreSQL between the preview and "apply".

use sqlx::PgPool;
use uuid::Uuid;

use super::MAX_BYTES;
use crate::accounts::staff::{Allowed, can};
use crate::{DomainError, DomainResult, Thing};

/// Keeps an uploaded file for `allowed`'s staff member and returns its id. Files of a
/// day ago go at the same time: nobody previews an import and applies it tomorrow.
pub async fn keep(
    pool: &PgPool,
    allowed: &Allowed<can::Catalog>,
    file_name: &str,
    content: &[u8],
) -> DomainResult<Uuid> {
    if content.is_empty() {
        return Err(DomainError::field("file", "admin.transfer.errors.empty"));
    }
    if content.len() > MAX_BYTES {
        return Err(DomainError::field(
            "file",
            crate::Message::new("admin.transfer.errors.too_big")
                .with("mb", (MAX_BYTES >> 20) as i64),
        ));
    }
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(255)
        .collect();
    sqlx::query!("DELETE FROM catalog_imports WHERE created_at < now() - interval '1 day'")
        .execute(pool)
        .await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO catalog_imports (staff_id, file_name, content) VALUES ($1, $2, $3)
         RETURNING id",
        allowed.actor().get(),
        name,
        content
    )
    .fetch_one(pool)
    .await?;
    Ok(id)
}

/// A kept file: its name, its bytes, and whether it was applied already.
pub struct Kept {
    pub file_name: String,
    pub content: Vec<u8>,
    pub applied: bool,
}

/// The file `id`, if the same staff member uploaded it (anyone else's is "not found").
pub async fn load(pool: &PgPool, allowed: &Allowed<can::Catalog>, id: Uuid) -> DomainResult<Kept> {
    let row = sqlx::query!(
        "SELECT file_name, content, applied_at IS NOT NULL AS \"applied!\"
         FROM catalog_imports WHERE id = $1 AND staff_id = $2",
        id,
        allowed.actor().get()
    )
    .fetch_optional(pool)
    .await?
    .ok_or(DomainError::NotFound(Thing::Record))?;
    Ok(Kept {
        file_name: row.file_name,
        content: row.content,
        applied: row.applied,
    })
}

/// Marks the file `id` applied (so its page says so and it is not applied twice by a
/// double click).
pub async fn mark_applied(
    pool: &PgPool,
    allowed: &Allowed<can::Catalog>,
    id: Uuid,
) -> DomainResult<()> {
    sqlx::query!(
        "UPDATE catalog_imports SET applied_at = now() WHERE id = $1 AND staff_id = $2",
        id,
        allowed.actor().get()
    )
    .execute(pool)
    .await?;
    Ok(())
}
