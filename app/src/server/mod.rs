//! Server functions: thin adapters from a request to a `domain` call and back to a DTO.
//!
//! The DTOs here are what crosses to the browser; they never carry secrets.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the header and footer show on every page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopInfo {
    pub name: String,
}

/// A category link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLink {
    pub name: String,
    pub slug: String,
}

/// A top-level category and its subcategories.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryGroup {
    pub category: CategoryLink,
    pub children: Vec<CategoryLink>,
}

#[server]
pub async fn get_shop_info() -> Result<ShopInfo, AppError> {
    let pool = ssr::pool()?;
    let settings = domain::shop::settings(&pool).await?;
    Ok(ShopInfo {
        name: settings.name,
    })
}

#[server]
pub async fn get_category_groups() -> Result<Vec<CategoryGroup>, AppError> {
    let pool = ssr::pool()?;
    let locale = crate::i18n::use_locale();
    let settings = domain::shop::settings(&pool).await?;
    let tree =
        domain::catalog::category_tree(&pool, locale.tag(), &settings.default_locale).await?;
    let link = |c: domain::catalog::Category| CategoryLink {
        name: c.name,
        slug: c.slug,
    };
    Ok(tree
        .into_iter()
        .map(|branch| CategoryGroup {
            category: link(branch.category),
            children: branch.children.into_iter().map(link).collect(),
        })
        .collect())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Reading what the server put into the request's context.

    use leptos::prelude::use_context;
    use sqlx::PgPool;

    use crate::error::AppError;

    /// The database pool, provided by the server for every request.
    pub fn pool() -> Result<PgPool, AppError> {
        use_context::<PgPool>().ok_or_else(|| {
            tracing::error!("no database pool in the request context");
            AppError::Internal
        })
    }
}
