//! The shop settings and category tree against a real PostgreSQL.

mod common;

use domain::DomainError;
use domain::catalog::category_tree;
use domain::demo::{Seeded, seed};

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
        Seeded::Created { categories: 8 }
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
