//! The category tree's server functions: the tree as the back office shows it, and one
//! function per change (add, rename, move, reorder, delete). Each takes the `catalog`
//! permission's proof from the domain and hands it to `domain::catalog::categories`.
//! A failed plain-form post keeps what was typed (and which category) so the page opens
//! that form again with the message beside its field.

// The add and rename functions take one argument per form field (a name and a slug per
// language): a plain form posts its fields flat, and the server-function macro copies
// them into functions this attribute must reach.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

/// One category's name and slug in one language (blank when it has none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryName {
    pub locale: String,
    pub name: String,
    pub slug: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub id: String,
    pub parent_id: Option<String>,
    /// 1 for a top-level category.
    pub level: usize,
    /// In the page's language, else the default language's.
    pub name: String,
    pub products: i64,
    pub subcategories: usize,
    /// Per language the shop speaks, in the order of the forms.
    pub names: Vec<CategoryName>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoriesDto {
    /// Parents before their children, siblings in the owner's order.
    pub rows: Vec<CategoryRow>,
    /// How many levels the tree may have.
    pub max_levels: usize,
}

/// The category tree, for staff with the `catalog` permission.
#[server]
pub async fn get_admin_categories(lang: String) -> Result<CategoriesDto, AppError> {
    use domain::accounts::staff::can;
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            crate::server::ssr::no_store();
            let tree = domain::catalog::categories::tree(&request.pool, &allowed).await?;
            let rows = tree
                .into_iter()
                .map(|entry| row(entry, request.locale.tag()))
                .collect();
            Ok(CategoriesDto {
                rows,
                max_levels: domain::catalog::categories::MAX_LEVELS,
            })
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn row(entry: domain::catalog::categories::Entry, locale: &str) -> CategoryRow {
    let names = domain::locale::SUPPORTED
        .iter()
        .map(|tag| {
            let found = entry.names.iter().find(|n| n.locale == *tag);
            CategoryName {
                locale: tag.to_string(),
                name: found.map(|n| n.name.clone()).unwrap_or_default(),
                slug: found.map(|n| n.slug.clone()).unwrap_or_default(),
            }
        })
        .collect();
    CategoryRow {
        id: entry.id.to_string(),
        parent_id: entry.parent_id.map(|p| p.to_string()),
        level: entry.level,
        name: entry.name_in(locale).to_string(),
        products: entry.products,
        subcategories: entry.subcategories,
        names,
    }
}

/// What the forms typed per language, in the domain's terms.
#[cfg(feature = "ssr")]
fn typed(per_language: [(&str, &str); 4]) -> Vec<domain::catalog::naming::Typed> {
    domain::catalog::naming::FIELDS
        .iter()
        .zip(per_language)
        .map(
            |((tag, _, _), (name, slug))| domain::catalog::naming::Typed {
                locale: tag.to_string(),
                name: name.to_string(),
                slug: slug.to_string(),
            },
        )
        .collect()
}

/// An optional category id from a form: blank is none (the top level).
#[cfg(feature = "ssr")]
fn optional_id(text: &str) -> Result<Option<uuid::Uuid>, AppError> {
    match text.trim() {
        "" => Ok(None),
        id => request::uuid(id, "category").map(Some),
    }
}

#[cfg(feature = "ssr")]
fn back(request: &Request, what: &str) {
    request.go_with(
        &crate::page::Page::Admin(crate::page::AdminPage::Categories),
        &format!("saved={what}"),
    );
}

/// Adds a category under `parent` (blank: at the top level).
#[server]
pub async fn admin_create_category(
    lang: String,
    parent: String,
    name_en: String,
    slug_en: String,
    name_pt_br: String,
    slug_pt_br: String,
    name_es: String,
    slug_es: String,
    name_zh_cn: String,
    slug_zh_cn: String,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    let kept = [
        ("parent", parent.as_str()),
        ("name_en", name_en.as_str()),
        ("slug_en", slug_en.as_str()),
        ("name_pt_br", name_pt_br.as_str()),
        ("slug_pt_br", slug_pt_br.as_str()),
        ("name_es", name_es.as_str()),
        ("slug_es", slug_es.as_str()),
        ("name_zh_cn", name_zh_cn.as_str()),
        ("slug_zh_cn", slug_zh_cn.as_str()),
    ];
    request::answer_keeping(
        &kept,
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let parent = optional_id(&parent)?;
            let names = typed([
                (&name_en, &slug_en),
                (&name_pt_br, &slug_pt_br),
                (&name_es, &slug_es),
                (&name_zh_cn, &slug_zh_cn),
            ]);
            domain::catalog::categories::create(&request.pool, &allowed, parent, &names).await?;
            back(&request, "created");
            Ok(())
        }
        .await,
    )
    .await
}

/// Sets a category's names and slugs in every language (a blank name drops that
/// language's translation).
#[server]
pub async fn admin_rename_category(
    lang: String,
    id: String,
    name_en: String,
    slug_en: String,
    name_pt_br: String,
    slug_pt_br: String,
    name_es: String,
    slug_es: String,
    name_zh_cn: String,
    slug_zh_cn: String,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    let kept = [
        ("id", id.as_str()),
        ("name_en", name_en.as_str()),
        ("slug_en", slug_en.as_str()),
        ("name_pt_br", name_pt_br.as_str()),
        ("slug_pt_br", slug_pt_br.as_str()),
        ("name_es", name_es.as_str()),
        ("slug_es", slug_es.as_str()),
        ("name_zh_cn", name_zh_cn.as_str()),
        ("slug_zh_cn", slug_zh_cn.as_str()),
    ];
    request::answer_keeping(
        &kept,
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let id = request::uuid(&id, "category")?;
            let names = typed([
                (&name_en, &slug_en),
                (&name_pt_br, &slug_pt_br),
                (&name_es, &slug_es),
                (&name_zh_cn, &slug_zh_cn),
            ]);
            domain::catalog::categories::rename(&request.pool, &allowed, id, &names).await?;
            back(&request, "renamed");
            Ok(())
        }
        .await,
    )
    .await
}

/// Moves a category under `parent` (blank: to the top level).
#[server]
pub async fn admin_move_category(lang: String, id: String, parent: String) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    let kept = [("id", id.as_str()), ("parent", parent.as_str())];
    request::answer_keeping(
        &kept,
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let id = request::uuid(&id, "category")?;
            let parent = optional_id(&parent)?;
            domain::catalog::categories::move_to(&request.pool, &allowed, id, parent).await?;
            back(&request, "moved");
            Ok(())
        }
        .await,
    )
    .await
}

/// Moves a category one place `up` or `down` among its siblings.
#[server]
pub async fn admin_shift_category(
    lang: String,
    id: String,
    direction: String,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    use domain::catalog::categories::Direction;
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let id = request::uuid(&id, "category")?;
            let direction = match direction.as_str() {
                "up" => Direction::Up,
                "down" => Direction::Down,
                _ => {
                    return Err(AppError::Validation {
                        field: "direction".into(),
                        message: "error.bad_request".into(),
                    });
                }
            };
            domain::catalog::categories::shift(&request.pool, &allowed, id, direction).await?;
            back(&request, "moved");
            Ok(())
        }
        .await,
    )
}

/// Deletes a category; one with products or subcategories needs `move_to`, the
/// category they all go to.
#[server]
pub async fn admin_delete_category(
    lang: String,
    id: String,
    move_to: String,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    use domain::catalog::categories::Leftovers;
    let kept = [("id", id.as_str()), ("move_to", move_to.as_str())];
    request::answer_keeping(
        &kept,
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let id = request::uuid(&id, "category")?;
            let leftovers = optional_id(&move_to)?.map_or(Leftovers::Refuse, Leftovers::MoveTo);
            domain::catalog::categories::delete(&request.pool, &allowed, id, leftovers).await?;
            back(&request, "deleted");
            Ok(())
        }
        .await,
    )
    .await
}
