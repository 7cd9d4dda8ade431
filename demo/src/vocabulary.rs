//! The named things products refer to: option types (colour, size) and their values,
//! attributes (material, brand) and their values, each with names in every language.

use std::collections::HashMap;

use sqlx::PgConnection;
use uuid::Uuid;

use super::data::{BRANDS, CLOTHING_SIZES, COLOURS, LOCALES, MATERIALS, SHOE_SIZES};

/// Ids of the option and attribute values products refer to, by code.
pub(super) struct Vocabulary {
    pub colour_type: Uuid,
    pub size_type: Uuid,
    pub colours: HashMap<String, Uuid>,
    pub sizes: HashMap<String, Uuid>,
    pub materials: HashMap<String, Uuid>,
    pub brands: HashMap<String, Uuid>,
}

/// Option types, option values, attributes and attribute values, with translations.
/// Upserts, so a shop seeded before keeps its ids.
pub(super) async fn insert_vocabulary(tx: &mut PgConnection) -> sqlx::Result<Vocabulary> {
    let colour_type = upsert(
        tx,
        Row::OptionType,
        "colour",
        0,
        ["Colour", "Cor", "Color", "颜色"],
    )
    .await?;
    let size_type = upsert(
        tx,
        Row::OptionType,
        "size",
        1,
        ["Size", "Tamanho", "Talla", "尺码"],
    )
    .await?;
    let mut colours = HashMap::new();
    for (position, (code, names)) in COLOURS.iter().enumerate() {
        let id = upsert(tx, Row::OptionValue(colour_type), code, position, *names).await?;
        colours.insert(code.to_string(), id);
    }
    let mut sizes = HashMap::new();
    for (position, code) in CLOTHING_SIZES.iter().chain(SHOE_SIZES).enumerate() {
        let label = code.to_uppercase();
        let id = upsert(
            tx,
            Row::OptionValue(size_type),
            code,
            position,
            [label.as_str(); 4],
        )
        .await?;
        sizes.insert(code.to_string(), id);
    }
    let material = upsert(
        tx,
        Row::Attribute,
        "material",
        0,
        ["Material", "Material", "Material", "材质"],
    )
    .await?;
    let mut materials = HashMap::new();
    for (position, (code, names)) in MATERIALS.iter().enumerate() {
        let [en, pt, es, zh] = names.map(capitalise);
        let id = upsert(
            tx,
            Row::AttributeValue(material),
            code,
            position,
            [&en, &pt, &es, &zh],
        )
        .await?;
        materials.insert(code.to_string(), id);
    }
    let brand = upsert(
        tx,
        Row::Attribute,
        "brand",
        1,
        ["Brand", "Marca", "Marca", "品牌"],
    )
    .await?;
    let mut brands = HashMap::new();
    for (position, name) in BRANDS.iter().enumerate() {
        let code = name.to_lowercase();
        let id = upsert(tx, Row::AttributeValue(brand), &code, position, [name; 4]).await?;
        brands.insert(code, id);
    }
    Ok(Vocabulary {
        colour_type,
        size_type,
        colours,
        sizes,
        materials,
        brands,
    })
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Which table a named row goes in; values carry the id of their type or attribute.
#[derive(Clone, Copy)]
enum Row {
    OptionType,
    OptionValue(Uuid),
    Attribute,
    AttributeValue(Uuid),
}

/// Inserts (or finds) the row with `code` and gives it `names`, one per locale in
/// `LOCALES` order. Returns its id.
async fn upsert(
    tx: &mut PgConnection,
    row: Row,
    code: &str,
    position: usize,
    names: [&str; 4],
) -> sqlx::Result<Uuid> {
    let position = position as i32;
    let id = match row {
        Row::OptionType => {
            sqlx::query_scalar!(
                "INSERT INTO option_types (code, position) VALUES ($1, $2)
             ON CONFLICT (code) DO UPDATE SET position = EXCLUDED.position RETURNING id",
                code,
                position
            )
            .fetch_one(&mut *tx)
            .await?
        }
        Row::OptionValue(option_type) => {
            sqlx::query_scalar!(
                "INSERT INTO option_values (option_type_id, code, position) VALUES ($1, $2, $3)
             ON CONFLICT (option_type_id, code) DO UPDATE SET position = EXCLUDED.position
             RETURNING id",
                option_type,
                code,
                position
            )
            .fetch_one(&mut *tx)
            .await?
        }
        Row::Attribute => {
            sqlx::query_scalar!(
                "INSERT INTO attributes (code, position) VALUES ($1, $2)
             ON CONFLICT (code) DO UPDATE SET position = EXCLUDED.position RETURNING id",
                code,
                position
            )
            .fetch_one(&mut *tx)
            .await?
        }
        Row::AttributeValue(attribute) => {
            sqlx::query_scalar!(
                "INSERT INTO attribute_values (attribute_id, code, position) VALUES ($1, $2, $3)
             ON CONFLICT (attribute_id, code) DO UPDATE SET position = EXCLUDED.position
             RETURNING id",
                attribute,
                code,
                position
            )
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let locales = LOCALES.map(String::from);
    let names = names.map(String::from);
    let (locales, names) = (&locales as &[String], &names as &[String]);
    match row {
        Row::OptionType => {
            sqlx::query!(
                "INSERT INTO option_type_translations (option_type_id, locale, name)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[]) ON CONFLICT DO NOTHING",
                id,
                locales,
                names
            )
            .execute(&mut *tx)
            .await?
        }
        Row::OptionValue(_) => {
            sqlx::query!(
                "INSERT INTO option_value_translations (option_value_id, locale, name)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[]) ON CONFLICT DO NOTHING",
                id,
                locales,
                names
            )
            .execute(&mut *tx)
            .await?
        }
        Row::Attribute => {
            sqlx::query!(
                "INSERT INTO attribute_translations (attribute_id, locale, name)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[]) ON CONFLICT DO NOTHING",
                id,
                locales,
                names
            )
            .execute(&mut *tx)
            .await?
        }
        Row::AttributeValue(_) => {
            sqlx::query!(
                "INSERT INTO attribute_value_translations (attribute_value_id, locale, name)
             SELECT $1, * FROM UNNEST($2::text[], $3::text[]) ON CONFLICT DO NOTHING",
                id,
                locales,
                names
            )
            .execute(&mut *tx)
            .await?
        }
    };
    Ok(id)
}
