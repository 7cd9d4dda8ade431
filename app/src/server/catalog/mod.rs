//! Server functions for the storefront catalog: home, listings, search, product pages.

#[cfg(feature = "ssr")]
use crate::page::Page;
#[cfg(feature = "ssr")]
use crate::server::request::Request;
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
    /// The picture's stored widths, when it was uploaded.
    pub image_srcset: Option<String>,
    /// Its alt text in the page's language, when staff gave one (else the name).
    pub image_alt: Option<String>,
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
    /// Every stored width of an uploaded picture (`/media/…/320.webp 320w, …`).
    pub srcset: Option<String>,
    /// What it shows in the page's language, when staff said.
    pub alt: Option<String>,
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
    /// The chosen variant, for "add to cart".
    pub variant_id: String,
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
    let request = Request::of(&lang).await?;
    let (locale, pool, reader) = (request.locale, &request.pool, request.reader().await?);
    let audience = reader.audience();
    let cache = super::ssr::cache();
    let key = |which| format!("showcase|{which:?}|{:?}", audience);
    let featured = cache
        .get_or_load(key(Showcase::Featured), || {
            showcase(pool, audience, Showcase::Featured, 8)
        })
        .await?;
    let newest = cache
        .get_or_load(key(Showcase::NewArrivals), || {
            showcase(pool, audience, Showcase::NewArrivals, 8)
        })
        .await?;
    let cards = |products: Vec<_>| products.into_iter().map(|p| ssr::card(p, locale)).collect();
    Ok(HomePageDto {
        featured: cards(featured),
        new_arrivals: cards(newest),
        alternates: crate::i18n::Locale::ALL
            .iter()
            .map(|l| (l.tag().to_string(), Page::Home.at(*l)))
            .collect(),
        canonical: format!("{}{}", super::ssr::site_url(), Page::Home.at(locale)),
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
    let request = Request::of(&lang).await?;
    let (locale, pool, reader) = (request.locale, &request.pool, request.reader().await?);
    let audience = reader.audience();
    let query = ssr::parse_listing_query(&query_string);
    let category = Some(category).filter(|c| !c.is_empty());
    let mut wanted = ssr::listing_request(&query);
    wanted.category_slug = category.clone();
    let listing = super::ssr::cache()
        .get_or_load(format!("listing|{audience:?}|{wanted:?}"), || {
            domain::catalog::listing::list(pool, audience, &wanted)
        })
        .await?;
    let (title, breadcrumbs, alternates, path) = match &category {
        Some(slug) => ssr::category_context(pool, locale, reader, slug).await?,
        None => (
            String::new(),
            Vec::new(),
            crate::i18n::Locale::ALL
                .iter()
                .map(|l| (l.tag().to_string(), Page::Search.at(*l)))
                .collect(),
            Page::Search.at(locale),
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
    let request = Request::of(&lang).await?;
    let (locale, pool, reader) = (request.locale, &request.pool, request.reader().await?);
    let audience = reader.audience();
    let sku = ssr::query_param(&query_string, "variant");
    use domain::catalog::product;
    // Cached without its stock levels, which are read afresh for every view.
    let data = super::ssr::cache()
        .get_or_load(format!("product|{audience:?}|{slug}"), || {
            product::load(pool, audience, &slug)
        })
        .await?;
    let data = product::with_live_stock(pool, data).await?;
    let product = product::show(data, sku.as_deref());
    Ok(ssr::product_page(product, locale))
}

#[cfg(feature = "ssr")]
pub mod ssr;
