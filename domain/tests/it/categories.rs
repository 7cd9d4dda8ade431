//! The category tree edited by staff, against a real PostgreSQL: names and slugs per
//! language, moves (never into its own subtree), reordering, deleting (only empty, or
//! moving what it holds), every change audited, bad input refused with nothing written,
//! and the storefront's cached tree showing a rename at once.

use crate::common;

use common::accounts::staff_with;
use common::shop::*;
use domain::DomainError;
use domain::accounts::staff::{Allowed, Permission, can};
use domain::catalog::categories::{self, Direction, Leftovers};
use domain::catalog::naming::Typed;
use rust_decimal_macros::dec;
use sqlx::PgPool;
use uuid::Uuid;

fn names(list: &[(&str, &str, &str)]) -> Vec<Typed> {
    list.iter()
        .map(|(locale, name, slug)| Typed {
            locale: locale.to_string(),
            name: name.to_string(),
            slug: slug.to_string(),
        })
        .collect()
}

async fn catalog_staff(pool: &PgPool) -> Allowed<can::Catalog> {
    staff_with(pool, "catalog@example.com", &[Permission::Catalog])
        .await
        .allowed()
        .unwrap()
}

async fn add(pool: &PgPool, by: &Allowed<can::Catalog>, parent: Option<Uuid>, en: &str) -> Uuid {
    categories::create(pool, by, parent, &names(&[("en", en, "")]))
        .await
        .unwrap()
}

/// Top-level names in the storefront's tree, with their children's.
async fn storefront(pool: &PgPool, locale: &str) -> Vec<(String, Vec<String>)> {
    domain::catalog::category_tree(pool, locale, "en")
        .await
        .unwrap()
        .into_iter()
        .map(|b| {
            (
                b.category.name,
                b.children.into_iter().map(|c| c.name).collect(),
            )
        })
        .collect()
}

fn field_of(error: &DomainError) -> Vec<&'static str> {
    match error {
        DomainError::Validation { field, .. } => vec![*field],
        DomainError::Invalid(fields) => fields.iter().map(|(f, _)| *f).collect(),
        other => panic!("not a field's error: {other:?}"),
    }
}

#[tokio::test]
async fn a_subcategory_is_added_with_names_per_language_and_shows_on_the_storefront() {
    let pool = common::database().await;
    let by = catalog_staff(&pool).await;
    let clothing = add(&pool, &by, None, "Clothing").await;
    let shirts = categories::create(
        &pool,
        &by,
        Some(clothing),
        &names(&[
            ("en", "Shirts", ""),
            ("pt-BR", "Camisas Básicas", ""),
            ("es", "", ""),
        ]),
    )
    .await
    .unwrap();

    let tree = categories::tree(&pool, &by).await.unwrap();
    let entry = tree.iter().find(|e| e.id == shirts).unwrap();
    assert_eq!(entry.parent_id, Some(clothing));
    assert_eq!(entry.level, 2);
    let slugs: Vec<(&str, &str)> = entry
        .names
        .iter()
        .map(|n| (n.locale, n.slug.as_str()))
        .collect();
    assert_eq!(slugs, [("en", "shirts"), ("pt-BR", "camisas-basicas")]);
    assert_eq!(
        storefront(&pool, "pt-BR").await,
        [("Clothing".to_string(), vec!["Camisas Básicas".to_string()])]
    );
    // Spanish was left blank: it falls back to the default language.
    assert_eq!(storefront(&pool, "es").await[0].1, ["Shirts"]);

    let log = audit_actions(&pool).await;
    assert_eq!(log, ["category.create", "category.create"]);
}

#[tokio::test]
async fn bad_names_and_slugs_are_refused_beside_their_fields_and_nothing_is_written() {
    let pool = common::database().await;
    let by = catalog_staff(&pool).await;
    categories::create(&pool, &by, None, &names(&[("en", "Shoes", "shoes")]))
        .await
        .unwrap();
    let before = count(&pool, "SELECT count(*) FROM categories").await;

    // A slug taken in the same language, a slug with spaces, an empty default name.
    let taken = categories::create(&pool, &by, None, &names(&[("en", "Boots", "shoes")]))
        .await
        .unwrap_err();
    assert_eq!(field_of(&taken), ["slug_en"]);
    assert_eq!(message(&taken), "admin.categories.errors.slug_taken");
    let spaced = categories::create(&pool, &by, None, &names(&[("en", "Boots", "my boots")]))
        .await
        .unwrap_err();
    assert_eq!(field_of(&spaced), ["slug_en"]);
    let empty = categories::create(
        &pool,
        &by,
        None,
        &names(&[("en", "  ", ""), ("pt-BR", "Botas", "")]),
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(&empty), ["name_en"]);
    // The same slug in another language is another address: allowed.
    categories::create(
        &pool,
        &by,
        None,
        &names(&[("en", "Boots", "boots"), ("pt-BR", "Sapatos", "shoes")]),
    )
    .await
    .unwrap();
    assert_eq!(
        count(&pool, "SELECT count(*) FROM categories").await,
        before + 1
    );
    assert_eq!(audit_actions(&pool).await.len(), 2);
}

#[tokio::test]
async fn a_rename_changes_one_language_and_the_cached_storefront_shows_it_at_once() {
    let pool = common::database().await;
    let by = catalog_staff(&pool).await;
    let cache = following(&pool).await;
    let id = categories::create(
        &pool,
        &by,
        None,
        &names(&[("en", "Hats", ""), ("pt-BR", "Chapéus", "")]),
    )
    .await
    .unwrap();
    let cached = |locale: &'static str| {
        let (cache, pool) = (cache.clone(), pool.clone());
        async move {
            cache
                .get_or_load(format!("tree-{locale}"), || async move {
                    domain::catalog::category_tree(&pool, locale, "en").await
                })
                .await
                .unwrap()
                .iter()
                .map(|b| b.category.name.clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(cached("pt-BR").await, ["Chapéus"]);

    categories::rename(
        &pool,
        &by,
        id,
        &names(&[("en", "Hats", "hats"), ("pt-BR", "Bonés", "bones")]),
    )
    .await
    .unwrap();
    let mut shown = Vec::new();
    for _ in 0..50 {
        shown = cached("pt-BR").await;
        if shown == ["Bonés"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(shown, ["Bonés"]);
    assert_eq!(cached("en").await, ["Hats"]);

    // The log names exactly what changed.
    let entry = latest_audit(&pool).await;
    assert_eq!(entry.action, "category.rename");
    let changes = domain::audit::differences(entry.before.as_ref(), entry.after.as_ref());
    let fields: Vec<&str> = changes.iter().map(|(f, _, _)| f.as_str()).collect();
    assert_eq!(fields, ["name.pt-BR", "slug.pt-BR"]);
}

#[tokio::test]
async fn a_category_never_moves_into_its_own_subtree_or_too_deep() {
    let pool = common::database().await;
    let by = catalog_staff(&pool).await;
    let clothing = add(&pool, &by, None, "Clothing").await;
    let shirts = add(&pool, &by, Some(clothing), "Shirts").await;
    let shoes = add(&pool, &by, None, "Shoes").await;

    for (parent, why) in [(clothing, "itself"), (shirts, "its own subcategory")] {
        let error = categories::move_to(&pool, &by, clothing, Some(parent))
            .await
            .unwrap_err();
        assert_eq!(field_of(&error), ["parent"], "{why}");
        assert_eq!(message(&error), "admin.categories.errors.into_itself");
    }
    // Clothing has a subcategory: under Shoes it would be three levels deep.
    let deep = categories::move_to(&pool, &by, clothing, Some(shoes))
        .await
        .unwrap_err();
    assert_eq!(message(&deep).key, "admin.categories.errors.too_deep");
    let deep = categories::create(&pool, &by, Some(shirts), &names(&[("en", "Polo", "")]))
        .await
        .unwrap_err();
    assert_eq!(field_of(&deep), ["parent"]);

    // Shirts moves under Shoes, then back to the top level.
    categories::move_to(&pool, &by, shirts, Some(shoes))
        .await
        .unwrap();
    assert_eq!(
        storefront(&pool, "en").await,
        [
            ("Clothing".to_string(), vec![]),
            ("Shoes".to_string(), vec!["Shirts".to_string()])
        ]
    );
    categories::move_to(&pool, &by, shirts, None).await.unwrap();
    let top: Vec<String> = storefront(&pool, "en")
        .await
        .into_iter()
        .map(|b| b.0)
        .collect();
    assert_eq!(top, ["Clothing", "Shoes", "Shirts"]);
    assert_eq!(latest_audit(&pool).await.action, "category.move");
}

#[tokio::test]
async fn siblings_move_up_and_down() {
    let pool = common::database().await;
    let by = catalog_staff(&pool).await;
    let a = add(&pool, &by, None, "Alpha").await;
    add(&pool, &by, None, "Beta").await;
    let c = add(&pool, &by, None, "Gamma").await;
    let top = |pool: PgPool| async move {
        storefront(&pool, "en")
            .await
            .into_iter()
            .map(|b| b.0)
            .collect::<Vec<_>>()
    };
    categories::shift(&pool, &by, c, Direction::Up)
        .await
        .unwrap();
    assert_eq!(top(pool.clone()).await, ["Alpha", "Gamma", "Beta"]);
    categories::shift(&pool, &by, a, Direction::Down)
        .await
        .unwrap();
    assert_eq!(top(pool.clone()).await, ["Gamma", "Alpha", "Beta"]);
    // Already first: nothing changes, nothing is logged.
    let logged = audit_actions(&pool).await.len();
    categories::shift(&pool, &by, c, Direction::Up)
        .await
        .unwrap();
    assert_eq!(top(pool.clone()).await, ["Gamma", "Alpha", "Beta"]);
    assert_eq!(audit_actions(&pool).await.len(), logged);
}

#[tokio::test]
async fn a_category_with_products_is_deleted_only_saying_where_they_go() {
    let pool = common::database().await;
    let by = catalog_staff(&pool).await;
    // `product` files its product under a fresh category of its own.
    let variant = product(&pool, "Lamp", dec!(20), 3, 500).await;
    let (product_id, full): (Uuid, Uuid) = sqlx::query_as(
        "SELECT p.id, p.category_id FROM products p JOIN variants v ON v.product_id = p.id
         WHERE v.id = $1",
    )
    .bind(variant)
    .fetch_one(&pool)
    .await
    .unwrap();
    let sub = add(&pool, &by, Some(full), "Desk lamps").await;
    let other = add(&pool, &by, None, "Lighting").await;

    let refused = categories::delete(&pool, &by, full, Leftovers::Refuse)
        .await
        .unwrap_err();
    assert_eq!(field_of(&refused), ["move_to"]);
    let said = message(&refused);
    assert_eq!(said.key, "admin.categories.errors.not_empty");
    assert_eq!(said.arg("products"), Some(&domain::Arg::Int(1)));
    assert_eq!(said.arg("subcategories"), Some(&domain::Arg::Int(1)));
    // Not into its own subcategory either.
    let inside = categories::delete(&pool, &by, full, Leftovers::MoveTo(sub))
        .await
        .unwrap_err();
    assert_eq!(message(&inside), "admin.categories.errors.into_itself");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM categories").await,
        3,
        "nothing half-done"
    );

    categories::delete(&pool, &by, full, Leftovers::MoveTo(other))
        .await
        .unwrap();
    let now: Uuid = sqlx::query_scalar("SELECT category_id FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(now, other);
    assert_eq!(
        storefront(&pool, "en").await,
        [("Lighting".to_string(), vec!["Desk lamps".to_string()])]
    );
    // The listing of Lighting now shows the lamp (offers follow at once).
    let offers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM product_offers WHERE product_id = $1 AND category_id = $2",
    )
    .bind(product_id)
    .bind(other)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(offers > 0);
    assert_eq!(latest_audit(&pool).await.action, "category.delete");

    // An empty one goes without asking.
    categories::delete(&pool, &by, sub, Leftovers::Refuse)
        .await
        .unwrap();
}

#[tokio::test]
async fn only_staff_with_the_catalog_permission_get_the_proof() {
    let pool = common::database().await;
    let clerk = staff_with(&pool, "clerk@example.com", &[Permission::Orders]).await;
    assert!(matches!(
        clerk.allowed::<can::Catalog>(),
        Err(DomainError::Forbidden)
    ));
    let by = catalog_staff(&pool).await;
    let missing = categories::rename(&pool, &by, Uuid::new_v4(), &names(&[("en", "X", "")]))
        .await
        .unwrap_err();
    assert!(matches!(
        missing,
        DomainError::NotFound(domain::Thing::Category)
    ));
}

async fn audit_actions(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn latest_audit(pool: &PgPool) -> domain::audit::Entry {
    let auditor = staff_with(pool, "auditor@example.com", &[Permission::Audit]).await;
    domain::audit::list(
        pool,
        &auditor.allowed().unwrap(),
        &domain::audit::Filter::default(),
        1,
    )
    .await
    .unwrap()
    .remove(0)
}

/// A cache following the database's notifications, as a server's is.
async fn following(pool: &PgPool) -> domain::cache::Cache {
    let cache = domain::cache::Cache::new(100, std::time::Duration::from_secs(300));
    tokio::spawn(cache.clone().follow_changes(pool.clone()));
    for _ in 0..200 {
        if cache.is_live() {
            return cache;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the cache never started listening");
}
