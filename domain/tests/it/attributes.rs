//! Attributes and option types edited by staff, against a real PostgreSQL: created with
//! names per language and a checked code, renamed, reordered, deleted only when nothing
//! uses them (else told how many do), every change audited; the storefront's filters
//! show the new names.

use crate::common;

use common::accounts::staff_with;
use common::shop::*;
use domain::DomainError;
use domain::accounts::staff::{Allowed, Permission, can};
use domain::catalog::attributes::{self, Target};
use domain::catalog::categories::Direction;
use domain::catalog::naming::Typed;
use rust_decimal_macros::dec;
use sqlx::PgPool;
use uuid::Uuid;

fn names(en: &str, pt: &str) -> Vec<Typed> {
    [("en", en), ("pt-BR", pt), ("es", ""), ("zh-CN", "")]
        .into_iter()
        .map(|(locale, name)| Typed {
            locale: locale.into(),
            name: name.into(),
            slug: String::new(),
        })
        .collect()
}

async fn catalog_staff(pool: &PgPool) -> Allowed<can::Catalog> {
    staff_with(pool, "catalog@example.com", &[Permission::Catalog])
        .await
        .allowed()
        .unwrap()
}

#[tokio::test]
async fn attributes_and_values_are_made_renamed_and_reordered() {
    let pool = common::database().await;
    let by = catalog_staff(&pool).await;
    let material = attributes::create(
        &pool,
        &by,
        Target::Attribute,
        None,
        "material",
        &names("Material", "Material"),
    )
    .await
    .unwrap();
    let brand = attributes::create(
        &pool,
        &by,
        Target::Attribute,
        None,
        "brand",
        &names("Brand", "Marca"),
    )
    .await
    .unwrap();
    let wool = attributes::create(
        &pool,
        &by,
        Target::AttributeValue,
        Some(material),
        "wool",
        &names("Wool", "Lã"),
    )
    .await
    .unwrap();
    attributes::create(
        &pool,
        &by,
        Target::AttributeValue,
        Some(material),
        "cotton",
        &names("Cotton", ""),
    )
    .await
    .unwrap();

    let overview = attributes::overview(&pool, &by).await.unwrap();
    let codes: Vec<&str> = overview
        .attributes
        .iter()
        .map(|g| g.code.as_str())
        .collect();
    assert_eq!(codes, ["material", "brand"]);
    let values: Vec<&str> = overview.attributes[0]
        .values
        .iter()
        .map(|v| v.code.as_str())
        .collect();
    assert_eq!(values, ["wool", "cotton"]);

    attributes::shift(&pool, &by, Target::Attribute, brand, Direction::Up)
        .await
        .unwrap();
    attributes::shift(&pool, &by, Target::AttributeValue, wool, Direction::Down)
        .await
        .unwrap();
    attributes::rename(
        &pool,
        &by,
        Target::AttributeValue,
        wool,
        &names("Merino wool", "Lã merino"),
    )
    .await
    .unwrap();
    let overview = attributes::overview(&pool, &by).await.unwrap();
    let codes: Vec<&str> = overview
        .attributes
        .iter()
        .map(|g| g.code.as_str())
        .collect();
    assert_eq!(codes, ["brand", "material"]);
    let material_group = &overview.attributes[1];
    let values: Vec<&str> = material_group
        .values
        .iter()
        .map(|v| v.code.as_str())
        .collect();
    assert_eq!(values, ["cotton", "wool"]);
    let wool_names: Vec<&str> = material_group.values[1]
        .names
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(wool_names, ["Merino wool", "Lã merino"]);

    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        actions,
        [
            "attribute.create",
            "attribute.create",
            "attribute_value.create",
            "attribute_value.create",
            "attribute.reorder",
            "attribute_value.reorder",
            "attribute_value.rename"
        ]
    );
}

#[tokio::test]
async fn codes_are_checked_like_the_database_and_never_shared() {
    let pool = common::database().await;
    let by = catalog_staff(&pool).await;
    for bad in ["Shoe Size", "", "size_eu", "tamanho!"] {
        let error = attributes::create(
            &pool,
            &by,
            Target::OptionType,
            None,
            bad,
            &names("Size", ""),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&error, DomainError::Validation { field: "code", .. }),
            "{bad}: {error:?}"
        );
    }
    // A bad code and a missing name are told together.
    let both = attributes::create(&pool, &by, Target::OptionType, None, "A B", &names("", ""))
        .await
        .unwrap_err();
    let DomainError::Invalid(fields) = both else {
        panic!("{both:?}")
    };
    let fields: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
    assert_eq!(fields, ["code", "name_en"]);

    let size = attributes::create(
        &pool,
        &by,
        Target::OptionType,
        None,
        "size",
        &names("Size", "Tamanho"),
    )
    .await
    .unwrap();
    let again = attributes::create(
        &pool,
        &by,
        Target::OptionType,
        None,
        "size",
        &names("Size", ""),
    )
    .await
    .unwrap_err();
    assert_eq!(message(&again), "admin.categories.errors.code_taken");
    attributes::create(
        &pool,
        &by,
        Target::OptionValue,
        Some(size),
        "m",
        &names("M", "M"),
    )
    .await
    .unwrap();
    let again = attributes::create(
        &pool,
        &by,
        Target::OptionValue,
        Some(size),
        "m",
        &names("M", ""),
    )
    .await
    .unwrap_err();
    assert_eq!(message(&again), "admin.categories.errors.code_taken");
    assert_eq!(count(&pool, "SELECT count(*) FROM option_types").await, 1);
    assert_eq!(count(&pool, "SELECT count(*) FROM option_values").await, 1);
}

#[tokio::test]
async fn what_products_or_variants_use_is_deleted_only_once_unused() {
    let pool = common::database().await;
    let by = catalog_staff(&pool).await;
    let variant = product(&pool, "Sock", dec!(5), 10, 50).await;
    let colour = attributes::create(
        &pool,
        &by,
        Target::OptionType,
        None,
        "colour",
        &names("Colour", "Cor"),
    )
    .await
    .unwrap();
    let red = attributes::create(
        &pool,
        &by,
        Target::OptionValue,
        Some(colour),
        "red",
        &names("Red", "Vermelho"),
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO variant_option_values (variant_id, option_type_id, option_value_id) VALUES ($1, $2, $3)")
        .bind(variant)
        .bind(colour)
        .bind(red)
        .execute(&pool)
        .await
        .unwrap();
    let brand = attributes::create(
        &pool,
        &by,
        Target::Attribute,
        None,
        "brand",
        &names("Brand", "Marca"),
    )
    .await
    .unwrap();
    let acme = attributes::create(
        &pool,
        &by,
        Target::AttributeValue,
        Some(brand),
        "acme",
        &names("Acme", ""),
    )
    .await
    .unwrap();
    let product_id: Uuid = sqlx::query_scalar("SELECT product_id FROM variants WHERE id = $1")
        .bind(variant)
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO product_attribute_values (product_id, attribute_value_id) VALUES ($1, $2)",
    )
    .bind(product_id)
    .bind(acme)
    .execute(&pool)
    .await
    .unwrap();

    for (target, id) in [
        (Target::OptionType, colour),
        (Target::OptionValue, red),
        (Target::Attribute, brand),
        (Target::AttributeValue, acme),
    ] {
        let error = attributes::delete(&pool, &by, target, id)
            .await
            .unwrap_err();
        let said = message(&error);
        assert_eq!(said.key, "admin.categories.errors.in_use", "{target:?}");
        assert_eq!(said.arg("count"), Some(&domain::Arg::Int(1)), "{target:?}");
    }
    let overview = attributes::overview(&pool, &by).await.unwrap();
    assert_eq!(overview.option_types[0].used, 1);
    assert_eq!(overview.attributes[0].values[0].used, 1);

    // The storefront's filter shows the new name at once, in the shopper's language.
    attributes::rename(
        &pool,
        &by,
        Target::Attribute,
        brand,
        &names("Maker", "Fabricante"),
    )
    .await
    .unwrap();
    let pt = domain::catalog::listing::Audience {
        locale: "pt-BR",
        ..USD
    };
    let listing = domain::catalog::listing::list(
        &pool,
        pt,
        &domain::catalog::listing::ListingRequest::default(),
    )
    .await
    .unwrap();
    let facet = listing.facets.iter().find(|f| f.code == "brand").unwrap();
    assert_eq!(facet.name, "Fabricante");
    assert_eq!(
        facet.values[0].name, "Acme",
        "no Portuguese name: the default's"
    );

    sqlx::query("DELETE FROM variant_option_values")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM product_attribute_values")
        .execute(&pool)
        .await
        .unwrap();
    attributes::delete(&pool, &by, Target::OptionType, colour)
        .await
        .unwrap();
    attributes::delete(&pool, &by, Target::AttributeValue, acme)
        .await
        .unwrap();
    assert_eq!(
        count(&pool, "SELECT count(*) FROM option_values").await,
        0,
        "its values went with it"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM attribute_values").await,
        0
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM attributes").await, 1);
}
