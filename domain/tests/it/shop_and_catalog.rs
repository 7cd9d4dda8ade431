//! The shop settings and category tree against a real PostgreSQL.

use crate::common;

use demo::{Seeded, seed};
use domain::DomainError;
use domain::catalog::category_tree;

#[tokio::test]
async fn a_new_database_has_default_settings_and_no_categories() {
    let pool = common::database().await;
    let settings = domain::shop::settings(&pool).await.unwrap();
    assert_eq!(settings.name, "Vitrine");
    assert_eq!(settings.default_locale, "en");
    assert_eq!(settings.base_currency, "USD");
    assert!(category_tree(&pool, "en", "en").await.unwrap().is_empty());
    assert!(domain::db::is_reachable(&pool).await);
}

#[tokio::test]
async fn seeding_creates_a_two_level_tree_once() {
    let pool = common::database().await;
    assert_eq!(
        seed(&pool).await.unwrap(),
        Seeded::Created {
            categories: 8,
            products: 160
        }
    );
    assert_eq!(seed(&pool).await.unwrap(), Seeded::AlreadyPresent);

    let tree = category_tree(&pool, "en", "en").await.unwrap();
    let top: Vec<&str> = tree.iter().map(|b| b.category.name.as_str()).collect();
    assert_eq!(top, ["Clothing", "Shoes", "Home"]);
    let clothing: Vec<&str> = tree[0].children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(clothing, ["T-shirts", "Jackets"]);
    assert_eq!(
        domain::shop::settings(&pool).await.unwrap().name,
        "Vitrine Demo Shop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_seeding_at_once_seed_once() {
    let pool = common::database().await;
    let mut seeders = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let pool = pool.clone();
        seeders.spawn(async move { seed(&pool).await });
    }
    let results = seeders.join_all().await;
    let created = results
        .iter()
        .filter(|r| matches!(r, Ok(Seeded::Created { .. })))
        .count();
    assert_eq!(created, 1, "{results:?}");
    let tree = category_tree(&pool, "en", "en").await.unwrap();
    assert_eq!(tree.len(), 3);
}

#[tokio::test]
async fn names_come_in_the_asked_language_and_fall_back_to_the_default() {
    let pool = common::database().await;
    seed(&pool).await.unwrap();
    let pt = category_tree(&pool, "pt-BR", "en").await.unwrap();
    assert_eq!(pt[1].category.name, "Calçados");
    assert_eq!(pt[1].children[0].slug, "tenis");

    // French is not translated: every name falls back to English.
    let fr = category_tree(&pool, "fr", "en").await.unwrap();
    let top: Vec<&str> = fr.iter().map(|b| b.category.name.as_str()).collect();
    assert_eq!(top, ["Clothing", "Shoes", "Home"]);

    // Remove one Portuguese name: only that category falls back.
    sqlx::query("DELETE FROM category_translations WHERE locale = 'pt-BR' AND slug = 'casa'")
        .execute(&pool)
        .await
        .unwrap();
    let pt = category_tree(&pool, "pt-BR", "en").await.unwrap();
    assert_eq!(pt[2].category.name, "Home");
    assert_eq!(pt[0].category.name, "Roupas");
}

#[tokio::test]
async fn renaming_the_shop_validates_the_name() {
    let pool = common::database().await;
    domain::shop::rename(&pool, "  Loja da Ana  ")
        .await
        .unwrap();
    assert_eq!(
        domain::shop::settings(&pool).await.unwrap().name,
        "Loja da Ana"
    );
    for bad in ["", "   ", &"x".repeat(201)] {
        let err = domain::shop::rename(&pool, bad).await.unwrap_err();
        assert!(
            matches!(err, DomainError::Validation { field: "name", .. }),
            "{err:?}"
        );
    }
    assert_eq!(
        domain::shop::settings(&pool).await.unwrap().name,
        "Loja da Ana"
    );
}

#[tokio::test]
async fn a_duplicate_slug_is_a_conflict_not_an_internal_error() {
    let pool = common::database().await;
    seed(&pool).await.unwrap();
    let id: uuid::Uuid = sqlx::query_scalar("INSERT INTO categories DEFAULT VALUES RETURNING id")
        .fetch_one(&pool)
        .await
        .unwrap();
    let err = sqlx::query(
        "INSERT INTO category_translations (category_id, locale, name, slug)
         VALUES ($1, 'en', 'Shoes again', 'shoes')",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap_err();
    assert!(matches!(DomainError::from(err), DomainError::Conflict(_)));
}

#[tokio::test]
async fn the_demo_catalog_is_complete_in_every_language() {
    let pool = common::database().await;
    seed(&pool).await.unwrap();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let active = count("SELECT count(*) FROM products WHERE status = 'active'").await;
    assert!(active >= 150, "{active} active products");
    assert!(count("SELECT count(*) FROM products WHERE status = 'draft'").await > 0);
    // Every product has a name and description in all four languages.
    assert_eq!(
        count(
            "SELECT count(*) FROM products p WHERE (SELECT count(*) FROM product_translations t
             WHERE t.product_id = p.id AND description <> '') <> 4"
        )
        .await,
        0
    );
    // Every product has variants, each with one colour, and images.
    assert_eq!(
        count("SELECT count(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id)").await,
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM variants v WHERE NOT EXISTS (SELECT 1 FROM variant_option_values o
             JOIN option_types t ON t.id = o.option_type_id WHERE o.variant_id = v.id AND t.code = 'colour')"
        )
        .await,
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM products p WHERE (SELECT count(*) FROM product_images i WHERE i.product_id = p.id) < 2").await,
        0
    );
    // Some products are sold out entirely, most are not.
    let sold_out = count(
        "SELECT count(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.stock > 0)",
    )
    .await;
    assert!(sold_out > 0 && sold_out < active / 4, "{sold_out} sold out");
    // Some prices are fixed in reais rather than converted.
    assert!(count("SELECT count(*) FROM variant_prices WHERE currency = 'BRL'").await > 0);
    // Two attributes to filter by, and the search vocabulary is built.
    assert_eq!(
        count("SELECT count(DISTINCT attribute_id) FROM attribute_values").await,
        2
    );
    assert!(count("SELECT count(*) FROM search_words WHERE word = 'tshirt'").await > 0);
    // And the images the catalog points at can all be drawn.
    let urls: Vec<String> = sqlx::query_scalar("SELECT DISTINCT url FROM product_images")
        .fetch_all(&pool)
        .await
        .unwrap();
    for url in urls {
        let name = url.strip_prefix("/media/demo/").unwrap();
        assert!(demo::images::svg(name).is_some(), "{url}");
    }
}

#[tokio::test]
async fn products_are_seeded_into_categories_from_an_earlier_version() {
    let pool = common::database().await;
    seed(&pool).await.unwrap();
    // A shop seeded before products existed: categories, but no products.
    sqlx::query("DELETE FROM products")
        .execute(&pool)
        .await
        .unwrap();
    let seeded = seed(&pool).await.unwrap();
    assert_eq!(
        seeded,
        Seeded::Created {
            categories: 0,
            products: 160
        }
    );
}

#[tokio::test]
async fn a_large_catalog_keeps_names_and_skus_unique() {
    let pool = common::database().await;
    demo::seed_with(&pool, 2_500).await.unwrap();
    let products: i64 = sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(products, 2_500);
}
