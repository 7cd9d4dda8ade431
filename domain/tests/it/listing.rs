//! Listings and search against the demo catalog on a real PostgreSQL.

use crate::common;

use domain::DomainError;
use domain::catalog::listing::{Audience, ListingRequest, PAGE_SIZE, Sort, list};
use domain::money::Currency;
use rust_decimal_macros::dec;

const EN_USD: Audience = Audience {
    locale: "en",
    default_locale: "en",
    currency: Currency::USD,
};

async fn shop() -> sqlx::PgPool {
    let pool = common::database().await;
    demo::seed(&pool).await.unwrap();
    pool
}

fn in_category(slug: &str) -> ListingRequest {
    ListingRequest {
        category_slug: Some(slug.into()),
        ..Default::default()
    }
}

fn search(query: &str) -> ListingRequest {
    ListingRequest {
        search: Some(query.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_category_lists_its_own_and_its_subcategories_products_without_drafts() {
    let pool = shop().await;
    let shirts = list(&pool, EN_USD, &in_category("t-shirts")).await.unwrap();
    let jackets = list(&pool, EN_USD, &in_category("jackets")).await.unwrap();
    let clothing = list(&pool, EN_USD, &in_category("clothing")).await.unwrap();
    assert!(shirts.total > 25, "{}", shirts.total);
    assert_eq!(clothing.total, shirts.total + jackets.total);
    assert!(shirts.products.iter().all(|p| p.name.ends_with("T-shirt")));
    let drafts: i64 = sqlx::query_scalar("SELECT count(*) FROM products WHERE status = 'draft'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let all = list(&pool, EN_USD, &ListingRequest::default())
        .await
        .unwrap();
    assert_eq!(all.total + drafts, 160);
}

#[tokio::test]
async fn unknown_categories_are_not_found() {
    let pool = shop().await;
    let err = list(&pool, EN_USD, &in_category("no-such-thing"))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        DomainError::NotFound(domain::Thing::Category)
    ));
}

#[tokio::test]
async fn pages_split_the_listing_without_overlap() {
    let pool = shop().await;
    let mut seen = std::collections::HashSet::new();
    let first = list(&pool, EN_USD, &ListingRequest::default())
        .await
        .unwrap();
    assert_eq!(first.products.len() as i64, PAGE_SIZE);
    for page in 1..=first.pages {
        let request = ListingRequest {
            page,
            ..Default::default()
        };
        for product in list(&pool, EN_USD, &request).await.unwrap().products {
            assert!(seen.insert(product.id), "a product appeared on two pages");
        }
    }
    assert_eq!(seen.len() as i64, first.total);
    // Past the end: an empty page, not an error.
    let beyond = ListingRequest {
        page: first.pages + 1,
        ..Default::default()
    };
    assert!(
        list(&pool, EN_USD, &beyond)
            .await
            .unwrap()
            .products
            .is_empty()
    );
    let absurd = ListingRequest {
        page: 1_000_000,
        ..Default::default()
    };
    assert!(matches!(
        list(&pool, EN_USD, &absurd).await.unwrap_err(),
        DomainError::Validation { field: "page", .. }
    ));
}

#[tokio::test]
async fn sorting_by_price_and_name() {
    let pool = shop().await;
    let mut request = in_category("sneakers");
    request.sort = Sort::PriceLowHigh;
    let prices: Vec<_> = list(&pool, EN_USD, &request)
        .await
        .unwrap()
        .products
        .iter()
        .map(|p| p.price.amount)
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
    request.sort = Sort::PriceHighLow;
    let prices: Vec<_> = list(&pool, EN_USD, &request)
        .await
        .unwrap()
        .products
        .iter()
        .map(|p| p.price.amount)
        .collect();
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "{prices:?}");
    request.sort = Sort::Name;
    let names: Vec<_> = list(&pool, EN_USD, &request)
        .await
        .unwrap()
        .products
        .into_iter()
        .map(|p| p.name)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[tokio::test]
async fn price_range_and_stock_filters() {
    let pool = shop().await;
    let mut request = in_category("boots");
    request.min_price = Some(dec!(120));
    request.max_price = Some(dec!(125));
    let listing = list(&pool, EN_USD, &request).await.unwrap();
    assert!(listing.total > 0);
    assert!(
        listing
            .products
            .iter()
            .all(|p| p.price.amount >= dec!(120) && p.price.amount <= dec!(125))
    );

    let all = list(&pool, EN_USD, &ListingRequest::default())
        .await
        .unwrap();
    let in_stock = list(
        &pool,
        EN_USD,
        &ListingRequest {
            in_stock_only: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(in_stock.total < all.total);
    assert!(in_stock.products.iter().all(|p| p.in_stock));

    let negative = ListingRequest {
        min_price: Some(dec!(-5)),
        ..Default::default()
    };
    assert!(matches!(
        list(&pool, EN_USD, &negative).await.unwrap_err(),
        DomainError::Validation {
            field: "min_price",
            ..
        }
    ));
}

#[tokio::test]
async fn facets_count_what_each_choice_would_show() {
    let pool = shop().await;
    let listing = list(&pool, EN_USD, &in_category("t-shirts")).await.unwrap();
    let material = listing
        .facets
        .iter()
        .find(|f| f.code == "material")
        .unwrap();
    assert_eq!(material.name, "Material");
    let counted: i64 = material.values.iter().map(|v| v.count).sum();
    assert_eq!(counted, listing.total, "each product has one material");

    // Choosing cotton narrows the listing to exactly the count the facet promised...
    let cotton = material.values.iter().find(|v| v.code == "cotton").unwrap();
    let mut request = in_category("t-shirts");
    request.attributes = vec![("material".into(), "cotton".into())];
    let filtered = list(&pool, EN_USD, &request).await.unwrap();
    assert_eq!(filtered.total, cotton.count);
    // ...while the material facet still offers the other materials with their counts.
    let material = filtered
        .facets
        .iter()
        .find(|f| f.code == "material")
        .unwrap();
    assert!(
        material
            .values
            .iter()
            .any(|v| v.code == "cotton" && v.selected)
    );
    assert!(
        material
            .values
            .iter()
            .any(|v| v.code == "organic-cotton" && !v.selected && v.count > 0)
    );

    // Two values of one attribute widen (OR); another attribute narrows (AND).
    request
        .attributes
        .push(("material".into(), "organic-cotton".into()));
    let either = list(&pool, EN_USD, &request).await.unwrap();
    assert!(either.total > filtered.total);
    request.attributes.push(("brand".into(), "vela".into()));
    let narrowed = list(&pool, EN_USD, &request).await.unwrap();
    assert!(narrowed.total < either.total);
    let brand = narrowed.facets.iter().find(|f| f.code == "brand").unwrap();
    let vela = brand.values.iter().find(|v| v.code == "vela").unwrap();
    assert_eq!(vela.count, narrowed.total);
}

#[tokio::test]
async fn prices_follow_the_currency_with_fixed_prices_winning() {
    let pool = shop().await;
    let mut request = search("aurora classic t-shirt");
    request.sort = Sort::Relevance;
    let usd = list(&pool, EN_USD, &request).await.unwrap();
    let card = &usd.products[0];
    assert_eq!(card.name, "Aurora Classic T-shirt");
    assert_eq!(card.price.amount, dec!(18.99));
    let in_yen = list(
        &pool,
        Audience {
            currency: Currency::JPY,
            ..EN_USD
        },
        &request,
    )
    .await
    .unwrap();
    // 18.99 × 151.50 = 2876.985 → ¥2877, no decimals.
    assert_eq!(in_yen.products[0].price.amount, dec!(2877));
    let in_reais = list(
        &pool,
        Audience {
            locale: "pt-BR",
            currency: Currency::BRL,
            ..EN_USD
        },
        &search("camiseta aurora classico"),
    )
    .await
    .unwrap();
    // Classic models have a price fixed in reais: round(18.99 × 5.4) − 0.10.
    assert_eq!(in_reais.products[0].price.amount, dec!(102.90));
}

#[tokio::test]
async fn search_ranks_name_matches_and_tolerates_typos() {
    let pool = shop().await;
    for (query, expected) in [
        ("tshrit", "T-shirt"),
        ("sneeker", "Sneakers"),
        ("t-shirt", "T-shirt"),
        ("T SHIRT", "T-shirt"),
        ("jaket", "Jacket"),
    ] {
        let results = list(&pool, EN_USD, &search(query)).await.unwrap();
        assert!(results.total > 0, "{query} found nothing");
        assert!(
            results.products.iter().all(|p| p.name.contains(expected)),
            "{query}: {:?}",
            results.products.iter().map(|p| &p.name).collect::<Vec<_>>()
        );
    }
    let corrected = list(&pool, EN_USD, &search("tshrit")).await.unwrap();
    assert_eq!(corrected.corrected_search.as_deref(), Some("tshirt"));
    let exact = list(&pool, EN_USD, &search("sneakers")).await.unwrap();
    assert_eq!(exact.corrected_search, None);
    // Two words: both must match.
    let both = list(&pool, EN_USD, &search("fjord boots")).await.unwrap();
    assert!(
        both.total > 0
            && both
                .products
                .iter()
                .all(|p| p.name.starts_with("Fjord") && p.name.ends_with("Boots"))
    );
}

#[tokio::test]
async fn search_in_each_language() {
    let pool = shop().await;
    let pt = Audience {
        locale: "pt-BR",
        ..EN_USD
    };
    // Accents are optional, and a typo is still forgiven.
    for query in ["tênis", "tenis", "tenys"] {
        let results = list(&pool, pt, &search(query)).await.unwrap();
        assert!(results.total > 0, "{query}");
        assert!(
            results.products.iter().all(|p| p.name.starts_with("Tênis")),
            "{query}"
        );
    }
    let es = Audience {
        locale: "es",
        ..EN_USD
    };
    let results = list(&pool, es, &search("chaqueta")).await.unwrap();
    assert!(
        results.total > 0
            && results
                .products
                .iter()
                .all(|p| p.name.starts_with("Chaqueta"))
    );
    // Chinese has no spaces between words: substring search.
    let zh = Audience {
        locale: "zh-CN",
        ..EN_USD
    };
    let results = list(&pool, zh, &search("马克杯")).await.unwrap();
    assert!(results.total > 0 && results.products.iter().all(|p| p.name.contains("马克杯")));
}

#[tokio::test]
async fn hostile_or_empty_searches_are_harmless() {
    let pool = shop().await;
    for query in [
        "'; DROP TABLE products; --",
        "<script>alert(1)</script>",
        "!!!",
        "a & | ! :*",
        &"sneakers ".repeat(500),
        "zzzzqqqq",
    ] {
        let results = list(&pool, EN_USD, &search(query)).await;
        assert!(results.is_ok(), "{query:.40}: {results:?}");
    }
    let still_there: i64 = sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(still_there, 160);
    let nothing = list(&pool, EN_USD, &search("zzzzqqqq")).await.unwrap();
    assert_eq!(nothing.total, 0);
}

#[tokio::test]
async fn listings_in_an_untranslated_language_fall_back_to_the_default() {
    let pool = shop().await;
    let fr = Audience {
        locale: "fr",
        ..EN_USD
    };
    let listing = list(&pool, fr, &in_category("mugs")).await.unwrap();
    assert!(listing.total > 0);
    assert!(listing.products.iter().all(|p| p.name.ends_with("Mug")));
}

#[tokio::test]
async fn showcases_hold_a_few_products_in_stock_newest_first() {
    use domain::catalog::listing::{Showcase, showcase};
    let pool = shop().await;
    let newest = showcase(&pool, EN_USD, Showcase::NewArrivals, 8)
        .await
        .unwrap();
    assert_eq!(newest.len(), 8);
    assert!(newest.iter().all(|p| p.in_stock));
    let by_newest = list(
        &pool,
        EN_USD,
        &ListingRequest {
            in_stock_only: true,
            sort: Sort::Newest,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let expected: Vec<_> = by_newest
        .products
        .iter()
        .take(8)
        .map(|p| (&p.name, p.price))
        .collect();
    let got: Vec<_> = newest.iter().map(|p| (&p.name, p.price)).collect();
    assert_eq!(got, expected, "same products, same prices as the listing");

    let featured = showcase(&pool, EN_USD, Showcase::Featured, 8)
        .await
        .unwrap();
    assert!(!featured.is_empty());
    let featured_ids: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM products WHERE featured")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        featured
            .iter()
            .all(|p| featured_ids.contains(&p.id) && p.in_stock)
    );
}
