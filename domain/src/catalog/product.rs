//! A product page: content in the shopper's language, variants with prices in their
//! currency, the variant picker, images, attributes, breadcrumbs and related products.

use sqlx::PgPool;
use uuid::Uuid;

use super::listing::{Audience, ProductCard};
use super::product_repo as repo;
use crate::media::Sizes;
use crate::money::Money;
use crate::{DomainError, DomainResult, Thing};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crumb {
    pub name: String,
    pub slug: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionChoice {
    pub type_code: String,
    pub type_name: String,
    pub value_code: String,
    pub value_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub id: Uuid,
    pub sku: String,
    pub price: Money,
    pub stock: i32,
    pub options: Vec<OptionChoice>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub url: String,
    pub width: i32,
    pub height: i32,
    pub variant_id: Option<Uuid>,
    /// The stored widths of an uploaded picture (for `srcset`); `None` for one that
    /// lives at `url` only (the demo's drawn pictures).
    pub sizes: Option<Sizes>,
    /// What it shows, in the shopper's language or the shop's, if staff said.
    pub alt: Option<String>,
}

/// One value in the variant picker, with the variant choosing it leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickerValue {
    pub code: String,
    pub name: String,
    pub selected: bool,
    /// The SKU to show when this value is picked: the closest match to the current
    /// selection that has this value.
    pub target_sku: String,
    /// Whether that variant can be bought now.
    pub available: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickerOption {
    pub code: String,
    pub name: String,
    pub values: Vec<PickerValue>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductDetail {
    pub id: Uuid,
    pub name: String,
    /// The slug in the shopper's language (the canonical one for this page).
    pub slug: String,
    pub description: String,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// From the top-level category down.
    pub breadcrumbs: Vec<Crumb>,
    pub variants: Vec<Variant>,
    /// Index into `variants`.
    pub selected: usize,
    pub picker: Vec<PickerOption>,
    /// The selected variant's pictures first.
    pub images: Vec<Image>,
    /// (attribute name, value name)
    pub attributes: Vec<(String, String)>,
    /// (locale, slug) for every translation: the page's other-language addresses.
    pub slugs: Vec<(String, String)>,
    pub related: Vec<ProductCard>,
}

impl ProductDetail {
    pub fn selected_variant(&self) -> &Variant {
        &self.variants[self.selected]
    }
}

/// Everything a product page shows before a variant is chosen. It may be cached (see
/// `domain::cache`): stock levels, which change without notice, are read afresh by
/// [`with_live_stock`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductData {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub breadcrumbs: Vec<Crumb>,
    pub variants: Vec<Variant>,
    pub images: Vec<Image>,
    pub attributes: Vec<(String, String)>,
    pub slugs: Vec<(String, String)>,
    pub related: Vec<ProductCard>,
}

/// The active product with `slug` in the shopper's language or the shop's default one.
/// `sku` picks a variant; otherwise the first in stock is shown.
pub async fn page(
    pool: &PgPool,
    audience: Audience<'_>,
    slug: &str,
    sku: Option<&str>,
) -> DomainResult<ProductDetail> {
    Ok(show(load(pool, audience, slug).await?, sku))
}

/// What the product page for `slug` shows, whichever variant is chosen.
pub async fn load(pool: &PgPool, audience: Audience<'_>, slug: &str) -> DomainResult<ProductData> {
    let id = repo::id_by_slug(pool, audience, slug)
        .await?
        .ok_or(DomainError::NotFound(Thing::Product))?;
    let content = repo::content(pool, audience, id).await?;
    let variants = repo::variants(pool, audience, id).await?;
    if variants.is_empty() {
        return Err(DomainError::NotFound(Thing::Product));
    }
    Ok(ProductData {
        id,
        name: content.name,
        slug: content.slug,
        description: content.description,
        seo_title: content.seo_title,
        seo_description: content.seo_description,
        breadcrumbs: repo::breadcrumbs(pool, audience, content.category_id).await?,
        variants,
        images: repo::images(pool, audience, id).await?,
        attributes: repo::attributes(pool, audience, id).await?,
        slugs: repo::slugs(pool, id).await?,
        related: repo::related(pool, audience, content.category_id, id, 4).await?,
    })
}

/// `product` with every variant's stock as it is now: one indexed query.
pub async fn with_live_stock(pool: &PgPool, mut product: ProductData) -> DomainResult<ProductData> {
    let stock = repo::stock(pool, product.id).await?;
    for variant in &mut product.variants {
        variant.stock = stock
            .iter()
            .find(|(id, _)| *id == variant.id)
            .map_or(0, |(_, stock)| *stock);
    }
    Ok(product)
}

/// The page with a variant chosen: by `sku`, else the first in stock.
pub fn show(product: ProductData, sku: Option<&str>) -> ProductDetail {
    let selected = choose_variant(&product.variants, sku);
    let picker = picker(&product.variants, selected);
    let mut images = product.images;
    sort_for_variant(&mut images, &product.variants, selected);
    ProductDetail {
        id: product.id,
        name: product.name,
        slug: product.slug,
        description: product.description,
        seo_title: product.seo_title,
        seo_description: product.seo_description,
        breadcrumbs: product.breadcrumbs,
        variants: product.variants,
        selected,
        picker,
        images,
        attributes: product.attributes,
        slugs: product.slugs,
        related: product.related,
    }
}

/// Pictures of the variants most like the selected one first (same colour, any size),
/// each group keeping the owner's order.
fn sort_for_variant(images: &mut [Image], variants: &[Variant], selected: usize) {
    let chosen = &variants[selected].options;
    let likeness = |image: &Image| {
        image
            .variant_id
            .and_then(|id| variants.iter().find(|v| v.id == id))
            .map_or(0, |v| {
                v.options.iter().filter(|o| chosen.contains(o)).count()
            })
    };
    images.sort_by_key(|image| std::cmp::Reverse(likeness(image)));
}

/// The variant with this SKU, else the first one in stock, else the first.
fn choose_variant(variants: &[Variant], sku: Option<&str>) -> usize {
    sku.and_then(|sku| variants.iter().position(|v| v.sku == sku))
        .or_else(|| variants.iter().position(|v| v.stock > 0))
        .unwrap_or(0)
}

/// For each option and value: where picking it leads. The target keeps as many of the
/// current choices as possible, preferring a variant in stock.
fn picker(variants: &[Variant], selected: usize) -> Vec<PickerOption> {
    let current = &variants[selected];
    let mut options: Vec<PickerOption> = Vec::new();
    for variant in variants {
        for choice in &variant.options {
            let option = match options.iter_mut().find(|o| o.code == choice.type_code) {
                Some(option) => option,
                None => {
                    options.push(PickerOption {
                        code: choice.type_code.clone(),
                        name: choice.type_name.clone(),
                        values: Vec::new(),
                    });
                    options.last_mut().expect("just pushed")
                }
            };
            if option.values.iter().any(|v| v.code == choice.value_code) {
                continue;
            }
            let target = variants
                .iter()
                .filter(|v| {
                    v.options.iter().any(|o| {
                        o.type_code == choice.type_code && o.value_code == choice.value_code
                    })
                })
                .max_by_key(|v| {
                    let kept = v
                        .options
                        .iter()
                        .filter(|o| current.options.contains(o))
                        .count();
                    (kept, v.stock > 0)
                })
                .expect("the variant we came from has this value");
            option.values.push(PickerValue {
                code: choice.value_code.clone(),
                name: choice.value_name.clone(),
                selected: current.options.contains(choice),
                target_sku: target.sku.clone(),
                available: target.stock > 0,
            });
        }
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use rust_decimal_macros::dec;

    fn variant(sku: &str, colour: &str, size: &str, stock: i32) -> Variant {
        let choice = |t: &str, v: &str| OptionChoice {
            type_code: t.into(),
            type_name: t.into(),
            value_code: v.into(),
            value_name: v.to_uppercase(),
        };
        Variant {
            id: Uuid::new_v4(),
            sku: sku.into(),
            price: Money::new(dec!(10), Currency::USD),
            stock,
            options: vec![choice("colour", colour), choice("size", size)],
        }
    }

    fn shirts() -> Vec<Variant> {
        vec![
            variant("RED-S", "red", "s", 0),
            variant("RED-M", "red", "m", 3),
            variant("BLUE-S", "blue", "s", 2),
            variant("BLUE-M", "blue", "m", 0),
        ]
    }

    #[test]
    fn the_first_variant_in_stock_is_shown_unless_one_is_asked_for() {
        let variants = shirts();
        assert_eq!(choose_variant(&variants, None), 1);
        assert_eq!(choose_variant(&variants, Some("BLUE-M")), 3);
        assert_eq!(choose_variant(&variants, Some("NO-SUCH-SKU")), 1);
    }

    #[test]
    fn picking_a_value_keeps_the_other_choices() {
        let variants = shirts();
        // On RED-M, picking blue keeps size M even though BLUE-M is sold out...
        let options = picker(&variants, 1);
        let colour = &options[0];
        assert_eq!(colour.code, "colour");
        let blue = colour.values.iter().find(|v| v.code == "blue").unwrap();
        assert_eq!(
            (blue.target_sku.as_str(), blue.available),
            ("BLUE-M", false)
        );
        let red = colour.values.iter().find(|v| v.code == "red").unwrap();
        assert!(red.selected);
        // ...and picking size S keeps red.
        let small = options[1].values.iter().find(|v| v.code == "s").unwrap();
        assert_eq!(small.target_sku, "RED-S");
        assert_eq!(
            options.iter().map(|o| o.values.len()).collect::<Vec<_>>(),
            [2, 2]
        );
    }
}
