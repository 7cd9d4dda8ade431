//! Product pages against the demo catalog on a real PostgreSQL.

use crate::common;

use domain::DomainError;
use domain::catalog::listing::Audience;
use domain::catalog::product::page;
use domain::money::Currency;
use rust_decimal_macros::dec;

const EN: Audience = Audience {
    locale: "en",
    default_locale: "en",
    currency: Currency::USD,
};

async fn shop() -> sqlx::PgPool {
    let pool = common::database().await;
    demo::seed(&pool).await.unwrap();
    pool
}

#[tokio::test]
async fn a_product_page_has_everything_a_shopper_needs() {
    let pool = shop().await;
    let product = page(&pool, EN, "aurora-classic-t-shirt", None)
        .await
        .unwrap();
    assert_eq!(product.name, "Aurora Classic T-shirt");
    assert!(product.description.contains("cotton"));
    let crumbs: Vec<&str> = product
        .breadcrumbs
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(crumbs, ["Clothing", "T-shirts"]);
    assert_eq!(product.variants.len(), 6, "two colours × three sizes");
    let variant = product.selected_variant();
    assert!(variant.stock > 0, "the first variant in stock is shown");
    assert_eq!(variant.price.amount, dec!(18.99));
    let picker: Vec<&str> = product.picker.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(picker, ["Colour", "Size"]);
    assert!(product.images.len() >= 4);
    let colour_of = |id| {
        product
            .variants
            .iter()
            .find(|v| Some(v.id) == id)
            .unwrap()
            .options[0]
            .value_code
            .clone()
    };
    assert_eq!(
        colour_of(product.images[0].variant_id),
        variant.options[0].value_code,
        "its colour's pictures come first"
    );
    assert!(
        product
            .attributes
            .contains(&("Material".into(), "Cotton".into()))
    );
    assert_eq!(product.slugs.len(), 4);
    assert_eq!(product.related.len(), 4);
    assert!(
        product
            .related
            .iter()
            .all(|r| r.id != product.id && r.in_stock)
    );
}

#[tokio::test]
async fn choosing_a_variant_by_sku_changes_price_stock_and_pictures() {
    let pool = shop().await;
    let product = page(&pool, EN, "aurora-classic-t-shirt", None)
        .await
        .unwrap();
    let other = product
        .variants
        .iter()
        .find(|v| v.options[0].value_code != product.selected_variant().options[0].value_code)
        .unwrap();
    let chosen = page(&pool, EN, "aurora-classic-t-shirt", Some(&other.sku))
        .await
        .unwrap();
    assert_eq!(chosen.selected_variant().sku, other.sku);
    let first_picture = chosen
        .variants
        .iter()
        .find(|v| Some(v.id) == chosen.images[0].variant_id)
        .unwrap();
    assert_eq!(
        first_picture.options[0], other.options[0],
        "pictures of the chosen colour first"
    );
    let colour = &chosen.picker[0];
    assert!(
        colour
            .values
            .iter()
            .any(|v| v.selected && v.code == other.options[0].value_code)
    );
}

#[tokio::test]
async fn every_language_has_its_own_address_and_names() {
    let pool = shop().await;
    let pt = Audience {
        locale: "pt-BR",
        currency: Currency::BRL,
        ..EN
    };
    let product = page(&pool, pt, "camiseta-aurora-classico", None)
        .await
        .unwrap();
    assert_eq!(product.name, "Camiseta Aurora Clássico");
    assert_eq!(product.picker[0].name, "Cor");
    // The fixed price in reais, not a conversion.
    assert_eq!(product.selected_variant().price.amount, dec!(102.90));
    // The English address also finds it in Portuguese, and says which slug is canonical.
    let by_english_slug = page(&pool, pt, "aurora-classic-t-shirt", None)
        .await
        .unwrap();
    assert_eq!(by_english_slug.slug, "camiseta-aurora-classico");
    // A language without translations falls back to English.
    let fr = Audience { locale: "fr", ..EN };
    let product = page(&pool, fr, "aurora-classic-t-shirt", None)
        .await
        .unwrap();
    assert_eq!(product.name, "Aurora Classic T-shirt");
}

#[tokio::test]
async fn unknown_and_draft_products_are_not_found() {
    let pool = shop().await;
    let draft: String = sqlx::query_scalar(
        "SELECT t.slug FROM product_translations t JOIN products p ON p.id = t.product_id
         WHERE p.status = 'draft' AND t.locale = 'en' LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for slug in ["no-such-product", draft.as_str(), "", "../../etc/passwd"] {
        let err = page(&pool, EN, slug, None).await.unwrap_err();
        assert!(
            matches!(err, DomainError::NotFound(domain::Thing::Product)),
            "{slug}"
        );
    }
}
