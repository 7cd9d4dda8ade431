//! Category listings and search results: filters, facets with counts, sort, pages.

use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

use super::search::{self, SearchTerms};
use crate::media::Sizes;
use crate::money::{Currency, Money};
use crate::{DomainError, DomainResult, Thing};

/// Products per page.
pub const PAGE_SIZE: i64 = 24;
/// The last page anyone can ask for; deeper pages are refused rather than scanned.
pub const MAX_PAGE: u32 = 1_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first for searches; featured, then newest, for listings.
    #[default]
    Relevance,
    PriceLowHigh,
    PriceHighLow,
    Newest,
    Name,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Relevance,
        Sort::PriceLowHigh,
        Sort::PriceHighLow,
        Sort::Newest,
        Sort::Name,
    ];

    /// The value in URLs (`?sort=price-asc`).
    pub fn param(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::PriceLowHigh => "price-asc",
            Sort::PriceHighLow => "price-desc",
            Sort::Newest => "newest",
            Sort::Name => "name",
        }
    }

    pub fn from_param(param: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|sort| sort.param() == param)
    }
}

/// What the shopper asked for; every field comes from the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListingRequest {
    pub category_slug: Option<String>,
    pub search: Option<String>,
    pub min_price: Option<Decimal>,
    pub max_price: Option<Decimal>,
    pub in_stock_only: bool,
    /// (attribute code, value code) pairs, e.g. ("material", "wool").
    pub attributes: Vec<(String, String)>,
    pub sort: Sort,
    /// From 1.
    pub page: u32,
}

/// Who is looking: their language and currency.
#[derive(Clone, Copy, Debug)]
pub struct Audience<'a> {
    pub locale: &'a str,
    pub default_locale: &'a str,
    pub currency: Currency,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductCard {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    /// The cheapest variant's price in the shopper's currency.
    pub price: Money,
    pub in_stock: bool,
    /// The cover picture's address (its largest size, when it was uploaded).
    pub image_url: Option<String>,
    /// The cover's stored widths, when it was uploaded (for `srcset`).
    pub image_sizes: Option<Sizes>,
    /// The cover's alt text in the shopper's language (or the shop's), if it has one.
    pub image_alt: Option<String>,
}

/// A product card as SQL returns it, before its price gets a currency.
pub(super) struct CardRow {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub price: Decimal,
    pub in_stock: bool,
    pub image_url: Option<String>,
    pub image_key: Option<Uuid>,
    pub image_widths: Option<Vec<i32>>,
    pub image_alt: Option<String>,
}

impl CardRow {
    pub fn into_card(self, currency: Currency) -> ProductCard {
        ProductCard {
            id: self.id,
            name: self.name,
            slug: self.slug,
            price: Money::new(self.price, currency).rounded(),
            in_stock: self.in_stock,
            image_url: self.image_url,
            image_sizes: Sizes::of(self.image_key, self.image_widths.unwrap_or_default()),
            image_alt: self.image_alt,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetValue {
    pub code: String,
    pub name: String,
    /// Products the listing would show if this value were chosen too.
    pub count: i64,
    pub selected: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facet {
    pub code: String,
    pub name: String,
    pub values: Vec<FacetValue>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub products: Vec<ProductCard>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    pub facets: Vec<Facet>,
    /// "Did you mean": the search as corrected, when a word was misspelt.
    pub corrected_search: Option<String>,
}

/// The filters as `catalog_listing` takes them.
pub(super) struct Criteria {
    pub categories: Option<Vec<Uuid>>,
    pub terms: Option<Vec<String>>,
    pub substring: Option<String>,
    pub min_price: Option<Decimal>,
    pub max_price: Option<Decimal>,
    pub in_stock_only: bool,
    pub attributes: Vec<String>,
    pub values: Vec<String>,
}

pub async fn list(
    pool: &PgPool,
    audience: Audience<'_>,
    request: &ListingRequest,
) -> DomainResult<Listing> {
    let page = request.page.max(1);
    if page > MAX_PAGE {
        return Err(DomainError::Validation {
            field: "page",
            message: crate::Message::new("listing.errors.page").with("max", MAX_PAGE),
        });
    }
    let (min_price, max_price) = price_range(request.min_price, request.max_price)?;
    let categories = match &request.category_slug {
        Some(slug) => Some(
            super::repo::category_and_children(
                pool,
                audience.locale,
                audience.default_locale,
                slug,
            )
            .await?
            .ok_or(DomainError::NotFound(Thing::Category))?,
        ),
        None => None,
    };
    let mut corrected_search = None;
    let (terms, substring) = match request.search.as_deref().map(str::trim) {
        None | Some("") => (None, None),
        Some(query) => match search::terms(pool, audience.locale, query).await? {
            SearchTerms::Words { terms, corrected } => {
                corrected_search = corrected;
                (Some(terms), None)
            }
            SearchTerms::Substring(text) => (None, Some(text)),
            SearchTerms::Nothing => return Ok(empty(page)),
        },
    };
    let (attributes, values) = request.attributes.iter().cloned().unzip();
    let criteria = Criteria {
        categories,
        terms,
        substring,
        min_price,
        max_price,
        in_stock_only: request.in_stock_only,
        attributes,
        values,
    };
    let offset = i64::from(page - 1) * PAGE_SIZE;
    let (products, mut total) =
        super::repo::listing_page(pool, audience, &criteria, request.sort, PAGE_SIZE, offset)
            .await?;
    if products.is_empty() && page > 1 {
        total = super::repo::listing_count(pool, audience, &criteria).await?;
    }
    let mut facets = super::repo::facets(pool, audience, &criteria).await?;
    for facet in &mut facets {
        for value in &mut facet.values {
            value.selected = request
                .attributes
                .iter()
                .any(|(a, v)| *a == facet.code && *v == value.code);
        }
    }
    Ok(Listing {
        products,
        total,
        page,
        pages: (total.max(0) as u64).div_ceil(PAGE_SIZE as u64).max(1) as u32,
        facets,
        corrected_search,
    })
}

/// Which products a showcase shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Showcase {
    Featured,
    NewArrivals,
}

/// A few products in stock, newest first (featured ones only, for `Featured`), for the
/// home page. Bounded by an index, however large the catalog: unlike `list`, it never
/// counts or prices the whole catalog.
pub async fn showcase(
    pool: &PgPool,
    audience: Audience<'_>,
    which: Showcase,
    limit: i64,
) -> DomainResult<Vec<ProductCard>> {
    Ok(super::repo::showcase(
        pool,
        audience,
        which == Showcase::Featured,
        None,
        None,
        limit.clamp(1, 48),
    )
    .await?)
}

fn empty(page: u32) -> Listing {
    Listing {
        products: Vec::new(),
        total: 0,
        page,
        pages: 1,
        facets: Vec::new(),
        corrected_search: None,
    }
}

/// Negative bounds are refused; bounds given the wrong way round are swapped, which is
/// what the shopper meant.
fn price_range(
    min: Option<Decimal>,
    max: Option<Decimal>,
) -> DomainResult<(Option<Decimal>, Option<Decimal>)> {
    for (field, bound) in [("min_price", min), ("max_price", max)] {
        if bound.is_some_and(|b| b.is_sign_negative() && !b.is_zero()) {
            return Err(DomainError::Validation {
                field,
                message: "listing.errors.price".into(),
            });
        }
    }
    Ok(match (min, max) {
        (Some(lo), Some(hi)) if lo > hi => (Some(hi), Some(lo)),
        range => range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn sort_params_round_trip() {
        for sort in Sort::ALL {
            assert_eq!(Sort::from_param(sort.param()), Some(sort));
        }
        assert_eq!(Sort::from_param("price"), None);
    }

    #[test]
    fn price_ranges_are_checked_and_put_in_order() {
        assert_eq!(
            price_range(Some(dec!(50)), Some(dec!(10))).unwrap(),
            (Some(dec!(10)), Some(dec!(50)))
        );
        assert!(price_range(Some(dec!(-1)), None).is_err());
        assert_eq!(
            price_range(None, Some(dec!(0))).unwrap(),
            (None, Some(dec!(0)))
        );
    }
}
