//! Turning requests into domain calls and domain values into DTOs.

use crate::page::Page;
use std::str::FromStr;

use domain::catalog::listing::{ListingRequest, MAX_PAGE, ProductCard, Sort};
use domain::catalog::product::ProductDetail;
use rust_decimal::Decimal;
use sqlx::PgPool;

use super::{CrumbDto, ImageDto, PickerOptionDto, PickerValueDto, ProductCardDto, ProductPageDto};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::server::ssr::site_url;
use crate::url::ListingQuery;

pub fn card(product: ProductCard, locale: Locale) -> ProductCardDto {
    ProductCardDto {
        name: product.name,
        slug: product.slug,
        price: domain::money::format(product.price, locale.tag()),
        in_stock: product.in_stock,
        image: product.image_url,
        image_srcset: product.image_sizes.as_ref().map(|s| s.srcset()),
        image_alt: product.image_alt,
    }
}

fn pairs(query_string: &str) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(query_string.trim_start_matches('?').as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        // Nobody sends hundreds of parameters; ignoring the rest bounds the work.
        .take(50)
}

pub fn query_param(query_string: &str, name: &str) -> Option<String> {
    pairs(query_string).find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Reads a listing address leniently: a value that makes no sense (`page=-1`,
/// `min_price=abc`) is dropped and the page shows as if it were not there.
pub fn parse_listing_query(query_string: &str) -> ListingQuery {
    let mut query = ListingQuery {
        sort: "relevance".into(),
        page: 1,
        ..Default::default()
    };
    for (key, value) in pairs(query_string) {
        match key.as_str() {
            "q" => {
                let q: String = value
                    .trim()
                    .chars()
                    .take(domain::catalog::search::MAX_QUERY_CHARS)
                    .collect();
                query.q = Some(q).filter(|q| !q.is_empty());
            }
            "min_price" | "max_price" => {
                let valid = Decimal::from_str(value.trim())
                    .ok()
                    .filter(|d| !d.is_sign_negative() && *d < Decimal::from(1_000_000_000_000i64))
                    .map(|d| d.normalize().to_string());
                if key == "min_price" {
                    query.min_price = valid;
                } else {
                    query.max_price = valid;
                }
            }
            "in_stock" => query.in_stock = matches!(value.as_str(), "1" | "true" | "on"),
            "f" if query.filters.len() < 20 => {
                if let Some((attribute, value)) = value.split_once(':') {
                    let valid = |s: &str| !s.is_empty() && s.len() <= 64;
                    if valid(attribute) && valid(value) {
                        query
                            .filters
                            .push((attribute.to_string(), value.to_string()));
                    }
                }
            }
            "sort" => {
                if let Some(sort) = Sort::from_param(&value) {
                    query.sort = sort.param().to_string();
                }
            }
            "page" => {
                query.page = value.parse::<u32>().unwrap_or(1).clamp(1, MAX_PAGE);
            }
            _ => {}
        }
    }
    query
}

pub fn listing_request(query: &ListingQuery) -> ListingRequest {
    let decimal = |s: &Option<String>| s.as_deref().and_then(|s| Decimal::from_str(s).ok());
    ListingRequest {
        category_slug: None,
        search: query.q.clone(),
        min_price: decimal(&query.min_price),
        max_price: decimal(&query.max_price),
        in_stock_only: query.in_stock,
        attributes: query.filters.clone(),
        sort: Sort::from_param(&query.sort).unwrap_or_default(),
        page: query.page,
    }
}

/// The category's name, breadcrumbs and addresses in every language.
pub async fn category_context(
    pool: &PgPool,
    locale: Locale,
    audience: &crate::server::shop::ssr::Reader,
    slug: &str,
) -> Result<(String, Vec<CrumbDto>, Vec<(String, String)>, String), AppError> {
    use crate::server::ssr::{cache, category_tree};
    // The category's slug in every language, in one query.
    let slugs = cache()
        .get_or_load(format!("category-slugs|{slug}"), || {
            domain::catalog::category_slugs(pool, slug)
        })
        .await?;
    let own_slug = slugs
        .iter()
        .find(|(tag, _)| tag == locale.tag())
        .map_or_else(|| slug.to_string(), |(_, own)| own.clone());
    let tree = category_tree(pool, locale.tag(), &audience.default_locale).await?;
    let mut crumbs = Vec::new();
    for branch in &tree {
        let crumb = |c: &domain::catalog::Category| CrumbDto {
            name: c.name.clone(),
            slug: c.slug.clone(),
        };
        if branch.category.slug == own_slug {
            crumbs.push(crumb(&branch.category));
        } else if let Some(child) = branch.children.iter().find(|c| c.slug == own_slug) {
            crumbs.push(crumb(&branch.category));
            crumbs.push(crumb(child));
        }
    }
    let title = crumbs.last().map(|c| c.name.clone()).unwrap_or_default();
    let alternates = slugs
        .into_iter()
        .filter_map(|(tag, other_slug)| {
            let other = Locale::ALL.into_iter().find(|l| l.tag() == tag)?;
            Some((tag, Page::Category(other_slug).at(other)))
        })
        .collect();
    Ok((
        title,
        crumbs,
        alternates,
        Page::Category(own_slug.to_string()).at(locale),
    ))
}

pub fn product_page(product: ProductDetail, locale: Locale) -> ProductPageDto {
    let variant = product.selected_variant().clone();
    let site = site_url();
    let path = Page::Product(product.slug.to_string()).at(locale);
    let canonical = format!("{site}{path}");
    let images: Vec<ImageDto> = product
        .images
        .iter()
        .map(|i| ImageDto {
            url: i.url.clone(),
            width: i.width,
            height: i.height,
            srcset: i.sizes.as_ref().map(|s| s.srcset()),
            alt: i.alt.clone(),
        })
        .collect();
    let availability = if variant.stock > 0 {
        "https://schema.org/InStock"
    } else {
        "https://schema.org/OutOfStock"
    };
    let json_ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.description,
        "sku": variant.sku,
        "image": images.iter().map(|i| format!("{site}{}", i.url)).collect::<Vec<_>>(),
        "offers": {
            "@type": "Offer",
            "url": format!("{canonical}?variant={}", crate::url::encode(&variant.sku)),
            "price": variant.price.amount.to_string(),
            "priceCurrency": variant.price.currency.code(),
            "availability": availability,
        },
    });
    ProductPageDto {
        title: product
            .seo_title
            .clone()
            .unwrap_or_else(|| product.name.clone()),
        meta_description: product
            .seo_description
            .clone()
            .unwrap_or_else(|| product.description.chars().take(160).collect()),
        name: product.name,
        slug: product.slug,
        description: product.description,
        breadcrumbs: product
            .breadcrumbs
            .into_iter()
            .map(|c| CrumbDto {
                name: c.name,
                slug: c.slug,
            })
            .collect(),
        price: domain::money::format(variant.price, locale.tag()),
        sku: variant.sku,
        variant_id: variant.id.to_string(),
        stock: variant.stock,
        picker: product
            .picker
            .into_iter()
            .map(|o| PickerOptionDto {
                code: o.code,
                name: o.name,
                values: o
                    .values
                    .into_iter()
                    .map(|v| PickerValueDto {
                        name: v.name,
                        selected: v.selected,
                        sku: v.target_sku,
                        available: v.available,
                    })
                    .collect(),
            })
            .collect(),
        images,
        attributes: product.attributes,
        related: product
            .related
            .into_iter()
            .map(|p| card(p, locale))
            .collect(),
        alternates: product
            .slugs
            .into_iter()
            .filter_map(|(tag, slug)| {
                let other = Locale::ALL.into_iter().find(|l| l.tag() == tag)?;
                Some((tag, Page::Product(slug).at(other)))
            })
            .collect(),
        canonical,
        // "<" escaped so the JSON can never close its <script> element.
        json_ld: json_ld.to_string().replace('<', "\\u003c"),
    }
}
