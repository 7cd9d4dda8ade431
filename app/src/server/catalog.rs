//! Server functions for the storefront catalog: home, listings, search, product pages.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::url::ListingQuery;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCardDto {
    pub name: String,
    pub slug: String,
    /// Formatted for the shopper: "R$ 102,90".
    pub price: String,
    pub in_stock: bool,
    pub image: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomePageDto {
    pub featured: Vec<ProductCardDto>,
    pub new_arrivals: Vec<ProductCardDto>,
    pub alternates: Vec<(String, String)>,
    pub canonical: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrumbDto {
    pub name: String,
    pub slug: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValueDto {
    pub code: String,
    pub name: String,
    pub count: i64,
    pub selected: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetDto {
    pub code: String,
    pub name: String,
    pub values: Vec<FacetValueDto>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingPageDto {
    /// The category's name, or empty on the search page.
    pub title: String,
    pub breadcrumbs: Vec<CrumbDto>,
    pub products: Vec<ProductCardDto>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    pub facets: Vec<FacetDto>,
    /// "Did you mean": the search as corrected.
    pub corrected: Option<String>,
    /// The request as understood (invalid values dropped), for building links.
    pub query: ListingQuery,
    /// (hreflang, path) of this page in every language.
    pub alternates: Vec<(String, String)>,
    pub canonical: String,
    /// This page's path, without query: where filter links and forms point.
    pub path: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickerValueDto {
    pub name: String,
    pub selected: bool,
    pub sku: String,
    pub available: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickerOptionDto {
    pub code: String,
    pub name: String,
    pub values: Vec<PickerValueDto>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageDto {
    pub url: String,
    pub width: i32,
    pub height: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPageDto {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub title: String,
    pub meta_description: String,
    pub breadcrumbs: Vec<CrumbDto>,
    pub price: String,
    pub sku: String,
    pub stock: i32,
    pub picker: Vec<PickerOptionDto>,
    pub images: Vec<ImageDto>,
    pub attributes: Vec<(String, String)>,
    pub related: Vec<ProductCardDto>,
    pub alternates: Vec<(String, String)>,
    pub canonical: String,
    /// schema.org `Product` with its offer, ready for a `<script type="application/ld+json">`.
    pub json_ld: String,
}

#[server]
pub async fn get_home_page(lang: String) -> Result<HomePageDto, AppError> {
    use domain::catalog::listing::{Showcase, showcase};
    let (locale, pool, audience_parts) = ssr::context(&lang).await?;
    let audience = audience_parts.audience();
    let cache = super::ssr::cache();
    let key = |which| format!("showcase|{which:?}|{:?}", audience);
    let featured = cache
        .get_or_load(key(Showcase::Featured), || {
            showcase(&pool, audience, Showcase::Featured, 8)
        })
        .await?;
    let newest = cache
        .get_or_load(key(Showcase::NewArrivals), || {
            showcase(&pool, audience, Showcase::NewArrivals, 8)
        })
        .await?;
    let cards = |products: Vec<_>| products.into_iter().map(|p| ssr::card(p, locale)).collect();
    Ok(HomePageDto {
        featured: cards(featured),
        new_arrivals: cards(newest),
        alternates: crate::i18n::Locale::ALL
            .iter()
            .map(|l| (l.tag().to_string(), l.path("/")))
            .collect(),
        canonical: format!("{}{}", super::ssr::site_url(), locale.path("/")),
    })
}

/// A category listing (`category` set) or search results (`category` empty), with
/// filters, sort and page from `query_string`.
#[server]
pub async fn get_listing_page(
    lang: String,
    category: String,
    query_string: String,
) -> Result<ListingPageDto, AppError> {
    let (locale, pool, audience_parts) = ssr::context(&lang).await?;
    let audience = audience_parts.audience();
    let query = ssr::parse_listing_query(&query_string);
    let category = Some(category).filter(|c| !c.is_empty());
    let mut request = ssr::listing_request(&query);
    request.category_slug = category.clone();
    let listing = super::ssr::cache()
        .get_or_load(format!("listing|{audience:?}|{request:?}"), || {
            domain::catalog::listing::list(&pool, audience, &request)
        })
        .await?;
    let (title, breadcrumbs, alternates, path) = match &category {
        Some(slug) => ssr::category_context(&pool, locale, &audience_parts, slug).await?,
        None => (
            String::new(),
            Vec::new(),
            crate::i18n::Locale::ALL
                .iter()
                .map(|l| (l.tag().to_string(), l.path("/search")))
                .collect(),
            locale.path("/search"),
        ),
    };
    Ok(ListingPageDto {
        title,
        breadcrumbs,
        products: listing
            .products
            .into_iter()
            .map(|p| ssr::card(p, locale))
            .collect(),
        total: listing.total,
        page: listing.page,
        pages: listing.pages,
        facets: listing
            .facets
            .into_iter()
            .map(|f| FacetDto {
                code: f.code,
                name: f.name,
                values: f
                    .values
                    .into_iter()
                    .map(|v| FacetValueDto {
                        code: v.code,
                        name: v.name,
                        count: v.count,
                        selected: v.selected,
                    })
                    .collect(),
            })
            .collect(),
        corrected: listing.corrected_search,
        query,
        alternates,
        canonical: format!("{}{path}", super::ssr::site_url()),
        path,
    })
}

#[server]
pub async fn get_product_page(
    lang: String,
    slug: String,
    query_string: String,
) -> Result<ProductPageDto, AppError> {
    let (locale, pool, audience_parts) = ssr::context(&lang).await?;
    let audience = audience_parts.audience();
    let sku = ssr::query_param(&query_string, "variant");
    use domain::catalog::product;
    // Cached without its stock levels, which are read afresh for every view.
    let data = super::ssr::cache()
        .get_or_load(format!("product|{audience:?}|{slug}"), || {
            product::load(&pool, audience, &slug)
        })
        .await?;
    let data = product::with_live_stock(&pool, data).await?;
    let product = product::show(data, sku.as_deref());
    Ok(ssr::product_page(product, locale))
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Turning requests into domain calls and domain values into DTOs.

    use std::str::FromStr;

    use domain::catalog::listing::{Audience, ListingRequest, MAX_PAGE, ProductCard, Sort};
    use domain::catalog::product::ProductDetail;
    use domain::money::Currency;
    use rust_decimal::Decimal;
    use sqlx::PgPool;

    use super::{
        CrumbDto, ImageDto, PickerOptionDto, PickerValueDto, ProductCardDto, ProductPageDto,
    };
    use crate::error::AppError;
    use crate::i18n::Locale;
    use crate::server::ssr::{currency, locale as parse_locale, pool, site_url};
    use crate::url::ListingQuery;

    /// What `Audience` borrows from.
    pub struct AudienceParts {
        pub locale: Locale,
        pub default_locale: String,
        pub currency: Currency,
    }

    impl AudienceParts {
        pub fn audience(&self) -> Audience<'_> {
            Audience {
                locale: self.locale.tag(),
                default_locale: &self.default_locale,
                currency: self.currency,
            }
        }
    }

    pub async fn context(lang: &str) -> Result<(Locale, PgPool, AudienceParts), AppError> {
        let locale = parse_locale(lang)?;
        let pool = pool()?;
        let settings = crate::server::ssr::settings(&pool).await?;
        let parts = AudienceParts {
            locale,
            default_locale: settings.default_locale,
            currency: currency(locale),
        };
        Ok((locale, pool, parts))
    }

    pub fn card(product: ProductCard, locale: Locale) -> ProductCardDto {
        ProductCardDto {
            name: product.name,
            slug: product.slug,
            price: domain::money::format(product.price, locale.tag()),
            in_stock: product.in_stock,
            image: product.image_url,
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
                        .filter(|d| {
                            !d.is_sign_negative() && *d < Decimal::from(1_000_000_000_000i64)
                        })
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
        audience: &AudienceParts,
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
                Some((tag, other.path(&format!("/c/{other_slug}"))))
            })
            .collect();
        Ok((
            title,
            crumbs,
            alternates,
            locale.path(&format!("/c/{own_slug}")),
        ))
    }

    pub fn product_page(product: ProductDetail, locale: Locale) -> ProductPageDto {
        let variant = product.selected_variant().clone();
        let site = site_url();
        let path = locale.path(&format!("/p/{}", product.slug));
        let canonical = format!("{site}{path}");
        let images: Vec<ImageDto> = product
            .images
            .iter()
            .map(|i| ImageDto {
                url: i.url.clone(),
                width: i.width,
                height: i.height,
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
                    Some((tag, other.path(&format!("/p/{slug}"))))
                })
                .collect(),
            canonical,
            // "<" escaped so the JSON can never close its <script> element.
            json_ld: json_ld.to_string().replace('<', "\\u003c"),
        }
    }
}
