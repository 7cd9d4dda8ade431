//! The back office's products against a real PostgreSQL: creating and editing with
//! translations and variants, bulk actions, the variant generator, refusals with the
//! field named and nothing written, audit records, and the storefront following at once.

use crate::common;

use std::time::Duration;

use common::accounts::staff_with;
use common::shop::count;
use domain::DomainError;
use domain::accounts::staff::{Allowed, Permission, can};
use domain::audit::{self, Filter as AuditFilter};
use domain::cache::Cache;
use domain::catalog::admin::editor::{self, ProductInput, TranslationInput, VariantInput};
use domain::catalog::admin::list::{self, Bulk, Filter, Sort, StockFilter};
use domain::catalog::admin::{Status, variants};
use domain::catalog::listing::Audience;
use domain::catalog::product;
use domain::money::Currency;
use rust_decimal_macros::dec;
use sqlx::PgPool;
use uuid::Uuid;

const PT_BRL: Audience = Audience {
    locale: "pt-BR",
    default_locale: "en",
    currency: Currency::BRL,
};
const EN_USD: Audience = Audience {
    locale: "en",
    default_locale: "en",
    currency: Currency::USD,
};

struct Shop {
    pool: PgPool,
    catalog: Allowed<can::Catalog>,
    auditor: Allowed<can::Audit>,
    category: Uuid,
    other_category: Uuid,
}

async fn shop() -> Shop {
    let pool = common::database().await;
    let staff = staff_with(
        &pool,
        "catalog@example.com",
        &[Permission::Catalog, Permission::Audit],
    )
    .await;
    let category = |slug: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>(
                "WITH c AS (INSERT INTO categories DEFAULT VALUES RETURNING id)
                 INSERT INTO category_translations (category_id, locale, name, slug)
                 SELECT id, 'en', initcap($1), $1 FROM c RETURNING category_id",
            )
            .bind(slug)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (category, other_category) = (category("shirts").await, category("hats").await);
    Shop {
        catalog: staff.allowed().unwrap(),
        auditor: staff.allowed().unwrap(),
        pool,
        category,
        other_category,
    }
}

fn text(locale: &str, name: &str, slug: &str) -> TranslationInput {
    TranslationInput {
        locale: locale.into(),
        name: name.into(),
        slug: slug.into(),
        description: format!("About {name}"),
        ..Default::default()
    }
}

fn variant(sku: &str, price: &str, stock: &str) -> VariantInput {
    VariantInput {
        id: None,
        sku: sku.into(),
        price: price.into(),
        weight: "200".into(),
        stock: stock.into(),
        fixed: Vec::new(),
    }
}

/// A T-shirt in English and Portuguese with two variants, the first with a fixed BRL price.
fn tee(shop: &Shop, status: &str) -> ProductInput {
    let mut small = variant("TEE-S", "20.00", "4");
    small.fixed = vec![("BRL".into(), "99,90".into())];
    ProductInput {
        status: status.into(),
        category: shop.category.to_string(),
        featured: false,
        translations: vec![
            text("en", "Basic Tee", "basic-tee"),
            text("pt-BR", "Camiseta Básica", ""),
        ],
        attribute_values: Vec::new(),
        variants: vec![small, variant("TEE-M", "22.00", "0")],
    }
}

/// The input that saves `product` unchanged (what the editor's form posts back).
fn as_input(product: &editor::Product) -> ProductInput {
    ProductInput {
        status: product.status.clone(),
        category: product.category_id.to_string(),
        featured: product.featured,
        translations: product
            .translations
            .iter()
            .map(|t| TranslationInput {
                locale: t.locale.clone(),
                name: t.name.clone(),
                slug: t.slug.clone(),
                description: t.description.clone(),
                seo_title: t.seo_title.clone().unwrap_or_default(),
                seo_description: t.seo_description.clone().unwrap_or_default(),
            })
            .collect(),
        attribute_values: product.attribute_values.clone(),
        variants: product
            .variants
            .iter()
            .map(|v| VariantInput {
                id: Some(v.id),
                sku: v.sku.clone(),
                price: v.price.to_string(),
                weight: v.weight_grams.to_string(),
                stock: v.stock.to_string(),
                fixed: v
                    .fixed
                    .iter()
                    .map(|(c, a)| (c.clone(), a.to_string()))
                    .collect(),
            })
            .collect(),
    }
}

async fn records(shop: &Shop, action: &str) -> Vec<audit::Entry> {
    let filter = AuditFilter {
        action: Some(action.into()),
        ..AuditFilter::default()
    };
    audit::list(&shop.pool, &shop.auditor, &filter, 100)
        .await
        .unwrap()
}

fn fields(error: DomainError) -> Vec<(String, String)> {
    match error {
        DomainError::Fields(fields) => fields
            .into_iter()
            .map(|(field, message)| (field, message.key.clone()))
            .collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn a_product_is_created_with_two_variants_and_translations_and_shoppers_find_it() {
    let shop = shop().await;
    let id = editor::save(&shop.pool, &shop.catalog, None, &tee(&shop, "active"))
        .await
        .unwrap();

    let saved = editor::load(&shop.pool, &shop.catalog, id, "en")
        .await
        .unwrap();
    assert_eq!(saved.status, "active");
    let locales: Vec<&str> = saved
        .translations
        .iter()
        .map(|t| t.locale.as_str())
        .collect();
    // Spanish and Chinese were left empty: missing, not copied from English.
    assert_eq!(locales, ["en", "pt-BR"]);
    let pt = &saved.translations[1];
    assert_eq!(pt.slug, "camiseta-basica", "a slug made from the name");
    assert_eq!(saved.variants.len(), 2);
    assert_eq!(saved.variants[0].sku, "TEE-S");
    assert_eq!(saved.variants[0].fixed, vec![("BRL".into(), dec!(99.90))]);
    assert!(saved.variants[1].fixed.is_empty());

    // The shopper in Portuguese sees the Portuguese name and the fixed BRL price.
    let page = product::load(&shop.pool, PT_BRL, "camiseta-basica")
        .await
        .unwrap();
    assert_eq!(page.name, "Camiseta Básica");
    assert_eq!(page.variants[0].price.amount, dec!(99.90));
    // The other variant converts (22 USD × 5.40).
    assert_eq!(page.variants[1].price.amount, dec!(118.80));

    let created = records(&shop, "product.create").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].subject_id, id.to_string());
    assert_eq!(created[0].label, "Basic Tee");
    assert!(created[0].before.is_none());
    let after = created[0].after.as_ref().unwrap();
    assert_eq!(after["name.pt-BR"], "Camiseta Básica");
    assert_eq!(after["variant.TEE-S.price_BRL"], "99.9");
}

#[tokio::test]
async fn an_edit_is_audited_field_by_field_and_the_storefront_shows_it_at_once() {
    let shop = shop().await;
    let id = editor::save(&shop.pool, &shop.catalog, None, &tee(&shop, "active"))
        .await
        .unwrap();
    // The storefront's cache, following the database as a server does.
    let cache = Cache::new(100, Duration::from_secs(300));
    tokio::spawn(cache.clone().follow_changes(shop.pool.clone()));
    for _ in 0..200 {
        if cache.is_live() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let shown = || async {
        cache
            .get_or_load("basic-tee".into(), || {
                product::load(&shop.pool, EN_USD, "basic-tee")
            })
            .await
            .unwrap()
            .name
    };
    assert_eq!(shown().await, "Basic Tee");

    let before = editor::load(&shop.pool, &shop.catalog, id, "en")
        .await
        .unwrap();
    let mut input = as_input(&before);
    input.translations[0].name = "Classic Tee".into();
    input.variants[1].price = "25".into();
    input.variants[1].fixed = vec![("BRL".into(), "130".into())];
    input.variants[0].fixed = vec![("BRL".into(), String::new())];
    editor::save(&shop.pool, &shop.catalog, Some(id), &input)
        .await
        .unwrap();

    let after = editor::load(&shop.pool, &shop.catalog, id, "en")
        .await
        .unwrap();
    assert_eq!(after.translations[0].name, "Classic Tee");
    assert_eq!(after.translations[0].slug, "basic-tee", "the slug stays");
    assert!(
        after.variants[0].fixed.is_empty(),
        "an emptied price is gone"
    );
    assert_eq!(after.variants[1].fixed, vec![("BRL".into(), dec!(130))]);
    assert_eq!(after.variants[1].price, dec!(25));

    let updates = records(&shop, "product.update").await;
    assert_eq!(updates.len(), 1);
    let changes = audit::differences(updates[0].before.as_ref(), updates[0].after.as_ref());
    let changed: Vec<&str> = changes.iter().map(|(f, _, _)| f.as_str()).collect();
    assert_eq!(
        changed,
        [
            "name.en",
            "variant.TEE-M.price",
            "variant.TEE-M.price_BRL",
            "variant.TEE-S.price_BRL"
        ]
    );

    for _ in 0..200 {
        if shown().await == "Classic Tee" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the storefront kept the old name after the change was committed");
}

#[tokio::test]
async fn bad_input_names_each_wrong_field_and_writes_nothing() {
    let shop = shop().await;
    editor::save(&shop.pool, &shop.catalog, None, &tee(&shop, "active"))
        .await
        .unwrap();
    let products = count(&shop.pool, "SELECT count(*) FROM products").await;
    let log = count(&shop.pool, "SELECT count(*) FROM audit_log").await;

    // The same SKU and English slug as the first product.
    let mut copy = tee(&shop, "draft");
    copy.variants = vec![variant("TEE-S", "10", "1")];
    copy.translations[1].slug = "camiseta-nova".into();
    let error = editor::save(&shop.pool, &shop.catalog, None, &copy)
        .await
        .unwrap_err();
    assert_eq!(
        fields(error),
        [
            ("slug.en".into(), "admin.products.errors.slug_taken".into()),
            ("sku.new".into(), "admin.products.errors.sku_taken".into()),
        ]
    );

    // Prices of `abc` and -1, a slug with spaces, no English name, a wrong category.
    let wrong = ProductInput {
        status: "active".into(),
        category: "nope".into(),
        featured: false,
        translations: vec![text("en", "", ""), text("es", "Camiseta", "camiseta roja")],
        attribute_values: Vec::new(),
        variants: vec![variant("NEW-1", "abc", "1"), variant("NEW-2", "-1", "x")],
    };
    let named: Vec<String> = fields(
        editor::save(&shop.pool, &shop.catalog, None, &wrong)
            .await
            .unwrap_err(),
    )
    .into_iter()
    .map(|(field, _)| field)
    .collect();
    assert_eq!(
        named,
        [
            "category",
            "name.en",
            "slug.es",
            "price.new",
            "price.new",
            "stock.new"
        ]
    );
    assert_eq!(
        count(&shop.pool, "SELECT count(*) FROM products").await,
        products
    );
    assert_eq!(
        count(&shop.pool, "SELECT count(*) FROM audit_log").await,
        log
    );

    // Someone else's variant id in the form is not found, not saved onto this product.
    let id = editor::save(&shop.pool, &shop.catalog, None, &{
        let mut other = tee(&shop, "draft");
        other.translations = vec![text("en", "Other", "other")];
        other.variants = vec![variant("OTHER-1", "5", "1")];
        other
    })
    .await
    .unwrap();
    let first: Uuid = sqlx::query_scalar("SELECT id FROM variants WHERE sku = 'TEE-S'")
        .fetch_one(&shop.pool)
        .await
        .unwrap();
    let mut stolen = as_input(
        &editor::load(&shop.pool, &shop.catalog, id, "en")
            .await
            .unwrap(),
    );
    stolen.variants[0].id = Some(first);
    assert!(matches!(
        editor::save(&shop.pool, &shop.catalog, Some(id), &stolen).await,
        Err(DomainError::NotFound(_))
    ));
}

#[tokio::test]
async fn bulk_actions_change_each_ticked_product_with_its_own_record() {
    let shop = shop().await;
    let a = editor::save(&shop.pool, &shop.catalog, None, &tee(&shop, "draft"))
        .await
        .unwrap();
    let mut hat = tee(&shop, "draft");
    hat.translations = vec![text("en", "Sun Hat", "sun-hat")];
    hat.variants = vec![variant("HAT-1", "15", "2")];
    let b = editor::save(&shop.pool, &shop.catalog, None, &hat)
        .await
        .unwrap();
    assert!(matches!(
        product::load(&shop.pool, EN_USD, "sun-hat").await,
        Err(DomainError::NotFound(_))
    ));

    let published = list::bulk(&shop.pool, &shop.catalog, &[a, b], Bulk::Publish)
        .await
        .unwrap();
    assert_eq!(published, 2);
    assert!(product::load(&shop.pool, EN_USD, "sun-hat").await.is_ok());
    assert_eq!(records(&shop, "product.publish").await.len(), 2);
    // Publishing what is already active changes (and records) nothing.
    assert_eq!(
        list::bulk(&shop.pool, &shop.catalog, &[a], Bulk::Publish)
            .await
            .unwrap(),
        0
    );

    list::bulk(&shop.pool, &shop.catalog, &[b], Bulk::Archive)
        .await
        .unwrap();
    assert!(
        matches!(
            product::load(&shop.pool, EN_USD, "sun-hat").await,
            Err(DomainError::NotFound(_))
        ),
        "archived products are hidden like drafts"
    );
    let archived = records(&shop, "product.archive").await;
    assert_eq!(archived.len(), 1);
    assert_eq!(archived[0].before.as_ref().unwrap()["status"], "active");
    assert_eq!(archived[0].after.as_ref().unwrap()["status"], "archived");

    list::bulk(
        &shop.pool,
        &shop.catalog,
        &[a, b],
        Bulk::MoveTo(shop.other_category),
    )
    .await
    .unwrap();
    let moved = count(
        &shop.pool,
        &format!(
            "SELECT count(*) FROM products WHERE category_id = '{}'",
            shop.other_category
        ),
    )
    .await;
    assert_eq!(moved, 2);
    list::bulk(&shop.pool, &shop.catalog, &[a, b], Bulk::Unpublish)
        .await
        .unwrap();
    assert_eq!(records(&shop, "product.unpublish").await.len(), 2);

    // A product without variants cannot be published.
    let bare: Uuid =
        sqlx::query_scalar("INSERT INTO products (category_id) VALUES ($1) RETURNING id")
            .bind(shop.category)
            .fetch_one(&shop.pool)
            .await
            .unwrap();
    assert!(matches!(
        list::bulk(&shop.pool, &shop.catalog, &[a, bare], Bulk::Publish).await,
        Err(DomainError::Validation { field: "ids", .. })
    ));
    assert_eq!(
        count(
            &shop.pool,
            "SELECT count(*) FROM products WHERE status = 'active'"
        )
        .await,
        0,
        "nothing half-published"
    );
}

#[tokio::test]
async fn the_list_searches_filters_sorts_and_pages() {
    let shop = shop().await;
    let tee_id = editor::save(&shop.pool, &shop.catalog, None, &tee(&shop, "active"))
        .await
        .unwrap();
    let mut hat = tee(&shop, "draft");
    hat.category = shop.other_category.to_string();
    hat.translations = vec![text("en", "Sun Hat", "sun-hat")];
    hat.variants = vec![variant("HAT-1", "15", "0")];
    let hat_id = editor::save(&shop.pool, &shop.catalog, None, &hat)
        .await
        .unwrap();
    let mut scarf = tee(&shop, "draft");
    scarf.translations = vec![text("en", "Wool Scarf", "wool-scarf")];
    scarf.variants = vec![variant("SCARF-9", "40", "30")];
    let scarf_id = editor::save(&shop.pool, &shop.catalog, None, &scarf)
        .await
        .unwrap();

    let ids = |filter: Filter| {
        let pool = shop.pool.clone();
        let catalog = &shop.catalog;
        async move {
            let page = list::list(
                &pool,
                catalog,
                "pt-BR",
                "en",
                &Filter {
                    per_page: 10,
                    ..filter
                },
            )
            .await
            .unwrap();
            page.rows.iter().map(|r| r.id).collect::<Vec<_>>()
        }
    };
    // Newest first by default.
    assert_eq!(ids(Filter::default()).await, [scarf_id, hat_id, tee_id]);
    // By a part of a SKU or of a name in any language, ignoring accents and case.
    let search = |q: &str| Filter {
        query: Some(q.into()),
        ..Filter::default()
    };
    assert_eq!(ids(search("hat-")).await, [hat_id]);
    assert_eq!(ids(search("basica")).await, [tee_id]);
    assert_eq!(ids(search("%")).await, Vec::<Uuid>::new());
    assert_eq!(
        ids(Filter {
            status: Some(Status::Active),
            ..Filter::default()
        })
        .await,
        [tee_id]
    );
    assert_eq!(
        ids(Filter {
            category: Some(shop.other_category),
            ..Filter::default()
        })
        .await,
        [hat_id]
    );
    let stock = |s: StockFilter| Filter {
        stock: Some(s),
        ..Filter::default()
    };
    assert_eq!(ids(stock(StockFilter::Out)).await, [hat_id]);
    assert_eq!(ids(stock(StockFilter::Low)).await, [tee_id]);
    assert_eq!(ids(stock(StockFilter::InStock)).await, [scarf_id, tee_id]);
    let sorted = |sort: Sort| Filter {
        sort,
        ..Filter::default()
    };
    assert_eq!(ids(sorted(Sort::Name)).await, [tee_id, hat_id, scarf_id]);
    assert_eq!(
        ids(sorted(Sort::PriceLow)).await,
        [hat_id, tee_id, scarf_id]
    );
    assert_eq!(
        ids(sorted(Sort::PriceHigh)).await,
        [scarf_id, tee_id, hat_id]
    );
    assert_eq!(
        ids(sorted(Sort::StockLow)).await,
        [hat_id, tee_id, scarf_id]
    );

    // The Portuguese list names the tee in Portuguese and marks the others.
    let page = list::list(
        &shop.pool,
        &shop.catalog,
        "pt-BR",
        "en",
        &Filter {
            per_page: 2,
            ..Filter::default()
        },
    )
    .await
    .unwrap();
    assert!(page.more);
    assert_eq!(page.rows.len(), 2);
    assert!(page.rows[0].untranslated);
    let last = list::list(
        &shop.pool,
        &shop.catalog,
        "pt-BR",
        "en",
        &Filter {
            per_page: 2,
            page: 2,
            ..Filter::default()
        },
    )
    .await
    .unwrap();
    assert!(!last.more);
    assert_eq!(last.rows[0].name, "Camiseta Básica");
    assert!(!last.rows[0].untranslated);
    assert_eq!(last.rows[0].stock, 4);
    assert_eq!(last.rows[0].variants, 2);
    assert_eq!(last.rows[0].min_price, Some(dec!(20)));
}

async fn option_values(pool: &PgPool) -> (Vec<Uuid>, Vec<Uuid>) {
    let add_type = |code: &'static str, position: i32, values: &'static [&'static str]| {
        let pool = pool.clone();
        async move {
            let kind: Uuid = sqlx::query_scalar(
                "INSERT INTO option_types (code, position) VALUES ($1, $2) RETURNING id",
            )
            .bind(code)
            .bind(position)
            .fetch_one(&pool)
            .await
            .unwrap();
            let mut ids = Vec::new();
            for (i, value) in values.iter().enumerate() {
                ids.push(
                    sqlx::query_scalar::<_, Uuid>(
                        "INSERT INTO option_values (option_type_id, code, position)
                         VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(kind)
                    .bind(value)
                    .bind(i as i32)
                    .fetch_one(&pool)
                    .await
                    .unwrap(),
                );
            }
            ids
        }
    };
    (
        add_type("size", 0, &["s", "m", "l"]).await,
        add_type("colour", 1, &["red", "blue"]).await,
    )
}

#[tokio::test]
async fn the_generator_creates_only_the_missing_combinations() {
    let shop = shop().await;
    let (sizes, colours) = option_values(&shop.pool).await;
    let mut input = tee(&shop, "active");
    input.variants = vec![variant("TEE", "20", "7")];
    let id = editor::save(&shop.pool, &shop.catalog, None, &input)
        .await
        .unwrap();

    // S, M × red: the lone variant becomes S-red (keeping its SKU and stock), M-red is new.
    let made = variants::generate(
        &shop.pool,
        &shop.catalog,
        id,
        &[sizes[0], sizes[1], colours[0]],
        "tee",
        "",
    )
    .await
    .unwrap();
    assert_eq!(made, 2);
    // S, M, L × red, blue: four more.
    let made = variants::generate(
        &shop.pool,
        &shop.catalog,
        id,
        &[sizes[0], sizes[1], sizes[2], colours[0], colours[1]],
        "TEE",
        "24.50",
    )
    .await
    .unwrap();
    assert_eq!(made, 4);
    let product = editor::load(&shop.pool, &shop.catalog, id, "en")
        .await
        .unwrap();
    let skus: Vec<(&str, String)> = product
        .variants
        .iter()
        .map(|v| (v.sku.as_str(), v.price.to_string()))
        .collect();
    assert_eq!(
        skus,
        [
            ("TEE", "20.0000".into()),
            ("TEE-M-RED", "20.0000".into()),
            ("TEE-S-BLUE", "24.5000".into()),
            ("TEE-M-BLUE", "24.5000".into()),
            ("TEE-L-RED", "24.5000".into()),
            ("TEE-L-BLUE", "24.5000".into()),
        ]
    );
    assert_eq!(product.variants[0].stock, 7);
    assert_eq!(
        product.variants[0].options,
        [("size".into(), "s".into()), ("colour".into(), "red".into())]
    );
    assert_eq!(records(&shop, "product.generate_variants").await.len(), 2);
    // Nothing ticked, or a bad price: refused by field.
    assert!(matches!(
        variants::generate(&shop.pool, &shop.catalog, id, &[], "TEE", "").await,
        Err(DomainError::Validation {
            field: "values",
            ..
        })
    ));
}

#[tokio::test]
async fn the_last_variant_of_an_active_product_cannot_be_deleted() {
    let shop = shop().await;
    let id = editor::save(&shop.pool, &shop.catalog, None, &tee(&shop, "active"))
        .await
        .unwrap();
    let product = editor::load(&shop.pool, &shop.catalog, id, "en")
        .await
        .unwrap();
    variants::delete(&shop.pool, &shop.catalog, id, product.variants[1].id)
        .await
        .unwrap();
    assert!(matches!(
        variants::delete(&shop.pool, &shop.catalog, id, product.variants[0].id).await,
        Err(DomainError::Conflict(m)) if m.key == "admin.products.errors.last_variant"
    ));
    let deleted = records(&shop, "product.delete_variant").await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].before.as_ref().unwrap()["sku"], "TEE-M");
    // As a draft it may go.
    list::bulk(&shop.pool, &shop.catalog, &[id], Bulk::Unpublish)
        .await
        .unwrap();
    variants::delete(&shop.pool, &shop.catalog, id, product.variants[0].id)
        .await
        .unwrap();
}

#[tokio::test]
async fn only_staff_with_the_catalog_permission_get_its_proof() {
    let pool = common::database().await;
    let clerk = staff_with(&pool, "clerk@example.com", &[Permission::Orders]).await;
    assert!(matches!(
        clerk.allowed::<can::Catalog>(),
        Err(DomainError::Forbidden)
    ));
    let editor = staff_with(&pool, "editor@example.com", &[Permission::Catalog]).await;
    assert!(editor.allowed::<can::Catalog>().is_ok());
}
