//! The inventory grid against a real PostgreSQL: variants found by SKU or name, by
//! category (with its subcategories) and stock level, paged; stock and price changed
//! row by row with an audit record each, prices only with the catalog permission, and
//! a change from a value that is no longer current refused with the value now.

use crate::common;

use common::accounts::staff_with;
use common::shop::*;
use domain::accounts::staff::{Permission, can};
use domain::audit::{self, Filter as AuditFilter};
use domain::catalog::inventory::{self, Edit, Filter, StockFilter};
use domain::{DomainError, Message};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use sqlx::PgPool;
use uuid::Uuid;

async fn product_of(pool: &PgPool, variant: Uuid) -> Uuid {
    sqlx::query_scalar("SELECT product_id FROM variants WHERE id = $1")
        .bind(variant)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn sku(pool: &PgPool, variant: Uuid, sku: &str) {
    sqlx::query("UPDATE variants SET sku = $2 WHERE id = $1")
        .bind(variant)
        .bind(sku)
        .execute(pool)
        .await
        .unwrap();
}

fn filter(search: Option<&str>, stock: StockFilter) -> Filter {
    Filter {
        search: search.map(Into::into),
        stock,
        page: 1,
        ..Filter::default()
    }
}

#[tokio::test]
async fn variants_are_found_by_sku_name_category_and_stock_with_their_options() {
    let pool = common::database().await;
    let keeper = staff_with(&pool, "keeper@example.com", &[Permission::Inventory]).await;
    let allowed = keeper.allowed::<can::Inventory>().unwrap();
    let shirt = product(&pool, "Camisa Termica", dec!(30), 12, 200).await;
    sqlx::query(
        "UPDATE product_translations SET name = 'Camisa Térmica' WHERE name = 'Camisa Termica'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mug = product(&pool, "Mug", dec!(8.5), 3, 300).await;
    let hat = product(&pool, "Hat", dec!(15), 0, 100).await;
    sku(&pool, shirt, "TEE-RED-M").await;
    sku(&pool, mug, "MUG-100").await;
    sku(&pool, hat, "HAT_50%").await;
    // The shirt's size, named in English and Portuguese.
    sqlx::query(
        "WITH t AS (INSERT INTO option_types (code) VALUES ('size') RETURNING id),
              tt AS (INSERT INTO option_type_translations (option_type_id, locale, name)
                     SELECT id, l, n FROM t, (VALUES ('en', 'Size'), ('pt-BR', 'Tamanho')) x(l, n)),
              v AS (INSERT INTO option_values (option_type_id, code) SELECT id, 'm' FROM t RETURNING id, option_type_id),
              vt AS (INSERT INTO option_value_translations (option_value_id, locale, name) SELECT id, 'en', 'M' FROM v)
         INSERT INTO variant_option_values (variant_id, option_type_id, option_value_id)
         SELECT $1, option_type_id, id FROM v",
    )
    .bind(shirt)
    .execute(&pool)
    .await
    .unwrap();

    let all = inventory::list(
        &pool,
        &allowed,
        &filter(None, StockFilter::All),
        ("pt-BR", "en"),
    )
    .await
    .unwrap();
    assert_eq!(all.total, 3);
    let names: Vec<&str> = all.rows.iter().map(|r| r.product.as_str()).collect();
    assert_eq!(names, vec!["Camisa Térmica", "Hat", "Mug"]);
    let shirt_row = &all.rows[0];
    assert_eq!(
        shirt_row.options, "Tamanho: M",
        "type in Portuguese, value falls back"
    );
    assert_eq!((shirt_row.sku.as_str(), shirt_row.stock), ("TEE-RED-M", 12));
    assert_eq!(all.rows[2].price.to_string(), "8.50");

    let found = |search: &'static str, stock: StockFilter| {
        let pool = pool.clone();
        let allowed = &allowed;
        async move {
            inventory::list(&pool, allowed, &filter(Some(search), stock), ("en", "en"))
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| r.sku)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("red-m", StockFilter::All).await, vec!["TEE-RED-M"]);
    assert_eq!(
        found("camisa termica", StockFilter::All).await,
        vec!["TEE-RED-M"],
        "no accents"
    );
    assert_eq!(
        found("_50%", StockFilter::All).await,
        vec!["HAT_50%"],
        "taken literally"
    );
    assert_eq!(
        found("%", StockFilter::All).await,
        vec!["HAT_50%"],
        "a percent sign, not anything"
    );
    assert_eq!(found("", StockFilter::Low).await, vec!["MUG-100"]);
    assert_eq!(found(" ", StockFilter::Out).await, vec!["HAT_50%"]);

    // A category shows its own products and its subcategories'.
    let parent: Uuid = sqlx::query_scalar(
        "WITH c AS (INSERT INTO categories DEFAULT VALUES RETURNING id)
         INSERT INTO category_translations (category_id, locale, name, slug)
         SELECT id, 'en', 'Clothes', 'clothes' FROM c RETURNING category_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE categories SET parent_id = $1
         WHERE id = (SELECT category_id FROM products WHERE id = $2)",
    )
    .bind(parent)
    .bind(product_of(&pool, shirt).await)
    .execute(&pool)
    .await
    .unwrap();
    let clothes = Filter {
        category: Some(parent),
        page: 1,
        ..Filter::default()
    };
    let rows = inventory::list(&pool, &allowed, &clothes, ("en", "en"))
        .await
        .unwrap();
    assert_eq!(rows.total, 1);
    assert_eq!(rows.rows[0].variant_id, shirt);
}

#[tokio::test]
async fn the_grid_pages_through_many_variants() {
    let pool = common::database().await;
    let keeper = staff_with(&pool, "keeper@example.com", &[Permission::Inventory]).await;
    let allowed = keeper.allowed::<can::Inventory>().unwrap();
    let first = product(&pool, "Bolt", dec!(1), 10, 10).await;
    sqlx::query(
        "INSERT INTO variants (product_id, sku, price, stock, position)
         SELECT $1, 'BOLT-' || lpad(n::text, 3, '0'), 1, 10, n FROM generate_series(1, 59) n",
    )
    .bind(product_of(&pool, first).await)
    .execute(&pool)
    .await
    .unwrap();
    let page = |n: i64| Filter {
        page: n,
        ..Filter::default()
    };
    let one = inventory::list(&pool, &allowed, &page(1), ("en", "en"))
        .await
        .unwrap();
    assert_eq!((one.total, one.pages, one.rows.len()), (60, 2, 50));
    let two = inventory::list(&pool, &allowed, &page(2), ("en", "en"))
        .await
        .unwrap();
    assert_eq!(two.rows.len(), 10);
    assert_eq!(two.rows.last().unwrap().sku, "BOLT-059");
    assert!(
        one.rows
            .iter()
            .all(|r| !two.rows.iter().any(|s| s.variant_id == r.variant_id)),
        "no row on both pages"
    );
    let past = inventory::list(&pool, &allowed, &page(9), ("en", "en"))
        .await
        .unwrap();
    assert!(past.rows.is_empty());
}

#[tokio::test]
async fn stock_and_price_change_with_an_audit_record_and_a_price_needs_the_catalog() {
    let pool = common::database().await;
    let keeper = staff_with(&pool, "keeper@example.com", &[Permission::Inventory]).await;
    let manager = staff_with(
        &pool,
        "manager@example.com",
        &[Permission::Inventory, Permission::Catalog],
    )
    .await;
    let auditor = staff_with(&pool, "auditor@example.com", &[Permission::Audit]).await;
    let mug = product(&pool, "Mug", dec!(8.5), 3, 300).await;
    sku(&pool, mug, "MUG-100").await;
    let stock_keeper = keeper.allowed::<can::Inventory>().unwrap();

    // Stock only: the price as shown is left alone.
    let edit = Edit::parse("12", "3", "8.50", "8.5").unwrap();
    let saved = inventory::update(&pool, &stock_keeper, None, mug, &edit)
        .await
        .unwrap();
    assert_eq!((saved.stock, saved.changed), (12, true));
    assert_eq!(stock(&pool, mug).await, 12);

    // A price without the catalog permission is refused, and nothing is written.
    let edit = Edit::parse("12", "12", "9.90", "8.50").unwrap();
    let refused = inventory::update(&pool, &stock_keeper, None, mug, &edit).await;
    assert!(
        matches!(refused, Err(DomainError::Forbidden)),
        "{refused:?}"
    );
    let (m_inventory, m_catalog) = (
        manager.allowed::<can::Inventory>().unwrap(),
        manager.allowed::<can::Catalog>().unwrap(),
    );
    let edit = Edit::parse("11", "12", "9,90", "8.50").unwrap();
    inventory::update(&pool, &m_inventory, Some(&m_catalog), mug, &edit)
        .await
        .unwrap();
    let (now_stock, now_price): (i32, Decimal) =
        sqlx::query_as("SELECT stock, price FROM variants WHERE id = $1")
            .bind(mug)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((now_stock, now_price), (11, dec!(9.90)));

    // Each change is in the audit log with its values before and after.
    let log = audit::list(
        &pool,
        &auditor.allowed().unwrap(),
        &AuditFilter {
            subject_id: Some(mug.to_string()),
            ..AuditFilter::default()
        },
        50,
    )
    .await
    .unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    let newest = &log[0];
    assert_eq!(newest.action, "variant.update");
    assert_eq!(newest.actor, "manager@example.com");
    assert_eq!(newest.label, "Mug · MUG-100");
    let changes = audit::differences(newest.before.as_ref(), newest.after.as_ref());
    assert_eq!(
        changes,
        vec![
            ("price".into(), "8.50".into(), "9.90".into()),
            ("stock".into(), 12.into(), 11.into()),
        ]
    );
    let first = audit::differences(log[1].before.as_ref(), log[1].after.as_ref());
    assert_eq!(
        first,
        vec![("stock".into(), 3.into(), 12.into())],
        "price not recorded"
    );

    // Saving a row unchanged writes nothing.
    let same = Edit::parse("11", "11", "9.90", "9.9").unwrap();
    let saved = inventory::update(&pool, &stock_keeper, None, mug, &same)
        .await
        .unwrap();
    assert!(!saved.changed);
    assert_eq!(
        audit::list(
            &pool,
            &auditor.allowed().unwrap(),
            &AuditFilter::default(),
            50
        )
        .await
        .unwrap()
        .len(),
        2
    );
}

#[tokio::test]
async fn a_stock_level_that_changed_since_the_page_was_opened_is_not_overwritten() {
    let pool = common::database().await;
    let keeper = staff_with(&pool, "keeper@example.com", &[Permission::Inventory]).await;
    let allowed = keeper.allowed::<can::Inventory>().unwrap();
    let chair = product(&pool, "Chair", dec!(40), 5, 5000).await;
    // The grid showed 5; a shopper buys one meanwhile.
    let cart = ready_cart(
        &pool,
        USD,
        &[(chair, 1)],
        &us_address(),
        domain::payments::Provider::TestCard,
    )
    .await
    .unwrap();
    place(&pool, USD, cart).await.unwrap();
    let edit = Edit::parse("20", "5", "40", "40").unwrap();
    let error = inventory::update(&pool, &allowed, None, chair, &edit)
        .await
        .unwrap_err();
    match error {
        DomainError::Validation { field, message } => {
            assert_eq!(field, "stock");
            assert_eq!(
                message,
                Message::new("admin.inventory.errors.stock_changed").with("count", 4)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stock(&pool, chair).await, 4);

    // A negative stock or a price that is no number never reaches the database.
    let error = Edit::parse("-1", "4", "abc", "40").unwrap_err();
    match error {
        DomainError::Invalid(fields) => {
            let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            assert_eq!(names, vec!["stock", "price"]);
        }
        other => panic!("{other:?}"),
    }
    // An unknown variant is not found.
    let edit = Edit::parse("1", "0", "1", "1").unwrap();
    assert!(matches!(
        inventory::update(&pool, &allowed, None, Uuid::new_v4(), &edit).await,
        Err(DomainError::NotFound(_))
    ));
}
