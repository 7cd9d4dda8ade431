//! Attributes and option types (and their values): the list as the back office shows
//! it, and create, rename, reorder and delete. `target` names which of the four kinds a
//! form is about (`attribute`, `attribute_value`, `option_type`, `option_value`); each
//! function takes the `catalog` permission's proof and hands it to
//! `domain::catalog::attributes`.

// Create and rename take one argument per form field (a name per language): a plain
// form posts its fields flat.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueDto {
    pub id: String,
    pub code: String,
    /// In the page's language, else the default language's, else the code.
    pub name: String,
    /// (language tag, name) for every language the shop speaks; blank when missing.
    pub names: Vec<(String, String)>,
    /// Products (attributes) or variants (option types) using it.
    pub used: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDto {
    pub id: String,
    pub code: String,
    pub name: String,
    pub names: Vec<(String, String)>,
    pub used: i64,
    pub values: Vec<ValueDto>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributesDto {
    pub attributes: Vec<GroupDto>,
    pub option_types: Vec<GroupDto>,
}

/// Every attribute and option type with its values, for staff with `catalog`.
#[server]
pub async fn get_admin_attributes(lang: String) -> Result<AttributesDto, AppError> {
    use domain::accounts::staff::can;
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            crate::server::ssr::no_store();
            let overview = domain::catalog::attributes::overview(&request.pool, &allowed).await?;
            let locale = request.locale.tag();
            let groups = |groups: Vec<domain::catalog::attributes::Group>| {
                groups
                    .into_iter()
                    .map(|g| GroupDto {
                        id: g.id.to_string(),
                        name: name_in(&g.names, locale, &g.code),
                        names: per_language(&g.names),
                        code: g.code,
                        used: g.used,
                        values: g
                            .values
                            .into_iter()
                            .map(|v| ValueDto {
                                id: v.id.to_string(),
                                name: name_in(&v.names, locale, &v.code),
                                names: per_language(&v.names),
                                code: v.code,
                                used: v.used,
                            })
                            .collect(),
                    })
                    .collect()
            };
            Ok(AttributesDto {
                attributes: groups(overview.attributes),
                option_types: groups(overview.option_types),
            })
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn name_in(names: &[domain::catalog::naming::Named], locale: &str, code: &str) -> String {
    names
        .iter()
        .find(|n| n.locale == locale)
        .or(names.first())
        .map_or_else(|| code.to_string(), |n| n.name.clone())
}

#[cfg(feature = "ssr")]
fn per_language(names: &[domain::catalog::naming::Named]) -> Vec<(String, String)> {
    domain::locale::SUPPORTED
        .iter()
        .map(|tag| {
            let name = names
                .iter()
                .find(|n| n.locale == *tag)
                .map(|n| n.name.clone())
                .unwrap_or_default();
            (tag.to_string(), name)
        })
        .collect()
}

#[cfg(feature = "ssr")]
fn target(code: &str) -> Result<domain::catalog::attributes::Target, AppError> {
    domain::catalog::attributes::Target::parse(code)
        .ok_or_else(|| AppError::NotFound("attribute".into()))
}

#[cfg(feature = "ssr")]
fn typed(names: [&str; 4]) -> Vec<domain::catalog::naming::Typed> {
    domain::locale::SUPPORTED
        .iter()
        .zip(names)
        .map(|(tag, name)| domain::catalog::naming::Typed {
            locale: tag.to_string(),
            name: name.to_string(),
            slug: String::new(),
        })
        .collect()
}

#[cfg(feature = "ssr")]
fn back(request: &Request, what: &str) {
    request.go_with(
        &crate::page::Page::Admin(crate::page::AdminPage::Attributes),
        &format!("saved={what}"),
    );
}

/// Creates an attribute or option type, or (with `parent`) a value of one.
#[server]
pub async fn admin_create_attribute(
    lang: String,
    target: String,
    parent: String,
    code: String,
    name_en: String,
    name_pt_br: String,
    name_es: String,
    name_zh_cn: String,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    let kept = [
        ("target", target.as_str()),
        ("parent", parent.as_str()),
        ("code", code.as_str()),
        ("name_en", name_en.as_str()),
        ("name_pt_br", name_pt_br.as_str()),
        ("name_es", name_es.as_str()),
        ("name_zh_cn", name_zh_cn.as_str()),
    ];
    request::answer_keeping(
        &kept,
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let kind = self::target(&target)?;
            let parent = match parent.trim() {
                "" => None,
                id => Some(request::uuid(id, "attribute")?),
            };
            let names = typed([&name_en, &name_pt_br, &name_es, &name_zh_cn]);
            domain::catalog::attributes::create(
                &request.pool,
                &allowed,
                kind,
                parent,
                &code,
                &names,
            )
            .await?;
            back(&request, "created");
            Ok(())
        }
        .await,
    )
    .await
}

/// Sets the names per language of an attribute, option type or value.
#[server]
pub async fn admin_rename_attribute(
    lang: String,
    target: String,
    id: String,
    name_en: String,
    name_pt_br: String,
    name_es: String,
    name_zh_cn: String,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    let kept = [
        ("target", target.as_str()),
        ("id", id.as_str()),
        ("name_en", name_en.as_str()),
        ("name_pt_br", name_pt_br.as_str()),
        ("name_es", name_es.as_str()),
        ("name_zh_cn", name_zh_cn.as_str()),
    ];
    request::answer_keeping(
        &kept,
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let kind = self::target(&target)?;
            let id = request::uuid(&id, "attribute")?;
            let names = typed([&name_en, &name_pt_br, &name_es, &name_zh_cn]);
            domain::catalog::attributes::rename(&request.pool, &allowed, kind, id, &names).await?;
            back(&request, "saved");
            Ok(())
        }
        .await,
    )
    .await
}

/// Moves one `up` or `down` among its siblings.
#[server]
pub async fn admin_shift_attribute(
    lang: String,
    target: String,
    id: String,
    direction: String,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    use domain::catalog::categories::Direction;
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let kind = self::target(&target)?;
            let id = request::uuid(&id, "attribute")?;
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
            domain::catalog::attributes::shift(&request.pool, &allowed, kind, id, direction)
                .await?;
            back(&request, "saved");
            Ok(())
        }
        .await,
    )
}

/// Deletes one that nothing uses (else 409 saying how many products or variants do).
#[server]
pub async fn admin_delete_attribute(
    lang: String,
    target: String,
    id: String,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    let kept = [("target", target.as_str()), ("id", id.as_str())];
    request::answer_keeping(
        &kept,
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let kind = self::target(&target)?;
            let id = request::uuid(&id, "attribute")?;
            domain::catalog::attributes::delete(&request.pool, &allowed, kind, id).await?;
            back(&request, "deleted");
            Ok(())
        }
        .await,
    )
    .await
}
