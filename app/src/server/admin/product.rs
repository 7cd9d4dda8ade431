//! The product editor's data and forms: the product with every language (a missing
//! one marked missing), its variants and fixed prices, the choices the form offers;
//! saving it, generating variants, deleting one. For staff with `catalog`.
//!
//! The form posts nested names a plain HTML form can send and `serde_qs` reads:
//! `t[pt-BR][name]`, `attr[id<value id>]=on`, `v[id<variant id>][price]`,
//! `v[id<variant id>][fixed][BRL]`, and `v[new][…]` for a variant to add. Ids as keys
//! get `id` in front: `serde_qs` reads a key starting with a digit as a list index.

// `save_product` takes the editor form's groups of fields as its arguments: a plain form
// posts each under its own name.
#![allow(clippy::too_many_arguments)]

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranslationDto {
    pub locale: String,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub seo_title: String,
    pub seo_description: String,
    /// No text in this language: shoppers reading it see the shop's language.
    pub missing: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantDto {
    pub id: String,
    pub sku: String,
    pub price: String,
    pub weight: String,
    pub stock: String,
    /// "Size: M · Colour: Red"; empty without options.
    pub options: String,
    /// (currency, amount; empty for converted) for every currency a price can be fixed in.
    pub fixed: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDto {
    pub name: String,
    /// (id, name)
    pub values: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorDto {
    /// None for a new product.
    pub id: Option<String>,
    pub status: String,
    pub category: String,
    pub featured: bool,
    /// Every language, the shop's first.
    pub translations: Vec<TranslationDto>,
    pub attribute_values: Vec<String>,
    pub variants: Vec<VariantDto>,
    pub categories: Vec<(String, String)>,
    pub attributes: Vec<GroupDto>,
    pub option_types: Vec<GroupDto>,
    pub base_currency: String,
    pub currencies: Vec<String>,
    pub default_locale: String,
    /// What generated SKUs start with.
    pub sku_prefix: String,
}

/// The editor for product `id` (`new`: an empty one).
#[server]
pub async fn get_admin_product(lang: String, id: String) -> Result<EditorDto, AppError> {
    use domain::accounts::staff::can;
    use domain::catalog::admin::editor;
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            crate::server::ssr::no_store();
            let locale = request.locale.tag();
            let choices = editor::choices(&request.pool, &allowed, locale).await?;
            let product = match id.as_str() {
                "new" => None,
                id => {
                    let id = request::uuid(id, "product")?;
                    Some(editor::load(&request.pool, &allowed, id, locale).await?)
                }
            };
            Ok(ssr::editor_dto(product, choices))
        }
        .await,
    )
}

/// One language's fields as the form posts them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TranslationForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub seo_title: String,
    pub seo_description: String,
}

/// One variant's fields as the form posts them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VariantForm {
    pub sku: String,
    pub price: String,
    pub weight: String,
    pub stock: String,
    pub fixed: BTreeMap<String, String>,
}

/// Saves the editor's form (`id`: the product, or `new`), then shows the product again.
/// Every wrong field comes back named (`sku.<variant>`, `slug.pt-BR`), nothing written.
#[server]
pub async fn save_product(
    lang: String,
    id: String,
    status: String,
    category: String,
    featured: Option<String>,
    t: Option<BTreeMap<String, TranslationForm>>,
    attr: Option<BTreeMap<String, String>>,
    v: Option<BTreeMap<String, VariantForm>>,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    use domain::catalog::admin::editor::{self, ProductInput, TranslationInput, VariantInput};
    let (t, attr, v) = (
        t.unwrap_or_default(),
        attr.unwrap_or_default(),
        v.unwrap_or_default(),
    );
    let typed = ssr::typed(&status, &category, &t, &v);
    let typed: Vec<(&str, &str)> = typed
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    request::answer_keeping(
        &typed,
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let existing = match id.as_str() {
                "new" => None,
                id => Some(request::uuid(id, "product")?),
            };
            let input = ProductInput {
                status,
                category,
                featured: featured.is_some_and(|f| !f.is_empty()),
                translations: t
                    .into_iter()
                    .map(|(locale, f)| TranslationInput {
                        locale,
                        name: f.name,
                        slug: f.slug,
                        description: f.description,
                        seo_title: f.seo_title,
                        seo_description: f.seo_description,
                    })
                    .collect(),
                attribute_values: attr.keys().filter_map(|key| form_id(key)).collect(),
                variants: v
                    .into_iter()
                    .map(|(key, f)| {
                        let id = match key.as_str() {
                            "new" => None,
                            key => Some(form_id(key).ok_or(AppError::NotFound("variant".into()))?),
                        };
                        Ok(VariantInput {
                            id,
                            sku: f.sku,
                            price: f.price,
                            weight: f.weight,
                            stock: f.stock,
                            fixed: f.fixed.into_iter().collect(),
                        })
                    })
                    .collect::<Result<_, AppError>>()?,
            };
            let saved = editor::save(&request.pool, &allowed, existing, &input).await?;
            request.go_with(
                &crate::page::Page::Admin(crate::page::AdminPage::Product(saved.to_string())),
                "saved=1",
            );
            Ok(())
        }
        .await,
    )
    .await
}

/// Creates the missing variants among the ticked option values (`o[<value id>]=on`).
#[server]
pub async fn generate_variants(
    lang: String,
    id: String,
    prefix: String,
    price: String,
    o: Option<BTreeMap<String, String>>,
) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let product = request::uuid(&id, "product")?;
            let values: Vec<uuid::Uuid> = o
                .unwrap_or_default()
                .keys()
                .filter_map(|key| form_id(key))
                .collect();
            let made = domain::catalog::admin::variants::generate(
                &request.pool,
                &allowed,
                product,
                &values,
                &prefix,
                &price,
            )
            .await?;
            request.go_with(
                &crate::page::Page::Admin(crate::page::AdminPage::Product(id.clone())),
                &format!("generated={made}"),
            );
            Ok(())
        }
        .await,
    )
}

/// Deletes one variant (not the last of an active product).
#[server]
pub async fn delete_variant(lang: String, id: String, variant: String) -> Result<(), AppError> {
    use domain::accounts::staff::can;
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Catalog>().await?;
            let product = request::uuid(&id, "product")?;
            let variant = request::uuid(&variant, "variant")?;
            domain::catalog::admin::variants::delete(&request.pool, &allowed, product, variant)
                .await?;
            request.go_with(
                &crate::page::Page::Admin(crate::page::AdminPage::Product(id.clone())),
                "saved=1",
            );
            Ok(())
        }
        .await,
    )
}

/// The id in a form key (`id5f0c…`: see the module's note).
#[cfg(feature = "ssr")]
pub(crate) fn form_id(key: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(key.strip_prefix("id")?).ok()
}

#[cfg(feature = "ssr")]
mod ssr {
    use std::collections::BTreeMap;

    use domain::catalog::admin::editor::{self, Choices, Product};

    use super::{EditorDto, GroupDto, TranslationDto, TranslationForm, VariantDto, VariantForm};

    pub fn editor_dto(product: Option<Product>, choices: Choices) -> EditorDto {
        // The shop's language first, then the others in the usual order.
        let mut locales: Vec<&str> = domain::locale::SUPPORTED.to_vec();
        locales.sort_by_key(|l| *l != choices.default_locale);
        let translations = locales
            .iter()
            .map(|locale| {
                product
                    .as_ref()
                    .and_then(|p| p.translations.iter().find(|t| t.locale == *locale))
                    .map(|t| TranslationDto {
                        locale: t.locale.clone(),
                        name: t.name.clone(),
                        slug: t.slug.clone(),
                        description: t.description.clone(),
                        seo_title: t.seo_title.clone().unwrap_or_default(),
                        seo_description: t.seo_description.clone().unwrap_or_default(),
                        missing: false,
                    })
                    .unwrap_or_else(|| TranslationDto {
                        locale: locale.to_string(),
                        missing: true,
                        ..TranslationDto::default()
                    })
            })
            .collect();
        let group = |g: &editor::ChoiceGroup| GroupDto {
            name: g.group.name.clone(),
            values: g
                .values
                .iter()
                .map(|v| (v.id.to_string(), v.name.clone()))
                .collect(),
        };
        let variants = product
            .as_ref()
            .map(|p| {
                p.variants
                    .iter()
                    .map(|v| VariantDto {
                        id: v.id.to_string(),
                        sku: v.sku.clone(),
                        price: v.price.normalize().to_string(),
                        weight: v.weight_grams.to_string(),
                        stock: v.stock.to_string(),
                        options: v
                            .options
                            .iter()
                            .map(|(kind, value)| format!("{kind}: {value}"))
                            .collect::<Vec<_>>()
                            .join(" · "),
                        fixed: choices
                            .currencies
                            .iter()
                            .map(|c| {
                                let amount = v
                                    .fixed
                                    .iter()
                                    .find(|(code, _)| code == c)
                                    .map(|(_, a)| a.normalize().to_string())
                                    .unwrap_or_default();
                                (c.clone(), amount)
                            })
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let sku_prefix = product
            .as_ref()
            .and_then(|p| p.variants.first())
            .map(|v| v.sku.split('-').next().unwrap_or_default().to_string())
            .or_else(|| {
                product
                    .as_ref()
                    .and_then(|p| p.translations.first())
                    .map(|t| domain::catalog::slug::slugify(&t.name).to_uppercase())
            })
            .unwrap_or_default();
        EditorDto {
            id: product.as_ref().map(|p| p.id.to_string()),
            status: product
                .as_ref()
                .map_or_else(|| "draft".to_string(), |p| p.status.clone()),
            category: product
                .as_ref()
                .map(|p| p.category_id.to_string())
                .unwrap_or_default(),
            featured: product.as_ref().is_some_and(|p| p.featured),
            translations,
            attribute_values: product
                .as_ref()
                .map(|p| p.attribute_values.iter().map(|v| v.to_string()).collect())
                .unwrap_or_default(),
            variants,
            categories: choices
                .categories
                .iter()
                .map(|c| (c.id.to_string(), c.name.clone()))
                .collect(),
            attributes: choices.attributes.iter().map(group).collect(),
            option_types: choices.option_types.iter().map(group).collect(),
            base_currency: choices.base_currency,
            currencies: choices.currencies,
            default_locale: choices.default_locale,
            sku_prefix,
        }
    }

    /// What was typed, by the form's field names, to fill the form again after an
    /// error. A description longer than the session keeps is left out (the form shows
    /// the saved one) rather than cut.
    pub fn typed(
        status: &str,
        category: &str,
        t: &BTreeMap<String, TranslationForm>,
        v: &BTreeMap<String, VariantForm>,
    ) -> Vec<(String, String)> {
        let mut typed = vec![
            ("status".to_string(), status.to_string()),
            ("category".to_string(), category.to_string()),
        ];
        for (locale, f) in t {
            let mut put = |field: &str, value: &str| {
                typed.push((format!("t[{locale}][{field}]"), value.to_string()))
            };
            put("name", &f.name);
            put("slug", &f.slug);
            put("seo_title", &f.seo_title);
            put("seo_description", &f.seo_description);
            if f.description.chars().count() <= 500 {
                put("description", &f.description);
            }
        }
        for (key, f) in v {
            let mut put = |field: &str, value: &str| {
                typed.push((format!("v[{key}][{field}]"), value.to_string()))
            };
            put("sku", &f.sku);
            put("price", &f.price);
            put("weight", &f.weight);
            put("stock", &f.stock);
            for (currency, amount) in &f.fixed {
                put(&format!("fixed][{currency}"), amount);
            }
        }
        typed
    }
}
