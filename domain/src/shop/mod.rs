//! Shop-wide settings.

mod repo;

use sqlx::PgPool;

use crate::DomainResult;

/// The settings every page needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShopSettings {
    pub name: String,
    pub default_locale: String,
    pub base_currency: String,
}

pub async fn settings(pool: &PgPool) -> DomainResult<ShopSettings> {
    Ok(repo::settings(pool).await?)
}

/// Renames the shop. Names are trimmed; an empty or over-long name is refused.
pub async fn rename(pool: &PgPool, name: &str) -> DomainResult<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(crate::DomainError::Validation {
            field: "name",
            message: "staff.errors.shop_name".into(),
        });
    }
    repo::rename(pool, name).await?;
    Ok(())
}
