//! The generated demo catalog: every product line in every category, in four languages,
//! with colour and size variants, attributes, stock (some sold out) and images.
//!
//! Generation is deterministic (product `i` is always the same product) and inserts in
//! bulk with `UNNEST`, so `seed_with(pool, 100_000)` builds a benchmark catalog quickly.

use std::collections::HashMap;

use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use super::data::{BRANDS, COLOURS, KINDS, LINES, LOCALES, MATERIALS, MODELS};
use super::vocabulary::{Vocabulary, insert_vocabulary};

/// Inserts `count` products into the leaf categories found in `categories` (English slug
/// → id). Returns how many were inserted (none if the demo categories are missing).
pub async fn insert(
    tx: &mut PgConnection,
    categories: &HashMap<String, Uuid>,
    count: usize,
) -> sqlx::Result<usize> {
    let Some(leaves) = KINDS
        .iter()
        .map(|kind| categories.get(kind.category).copied())
        .collect::<Option<Vec<Uuid>>>()
    else {
        return Ok(0);
    };
    let vocabulary = insert_vocabulary(tx).await?;
    const BATCH: usize = 2_000;
    for start in (0..count).step_by(BATCH) {
        let mut batch = Batch::default();
        for i in start..count.min(start + BATCH) {
            batch.add(i, &leaves, &vocabulary);
        }
        batch.insert(tx).await?;
    }
    Ok(count)
}

/// Column arrays for one bulk insert.
#[derive(Default)]
struct Batch {
    product_ids: Vec<Uuid>,
    product_categories: Vec<Uuid>,
    product_statuses: Vec<String>,
    product_featured: Vec<bool>,
    product_age_minutes: Vec<i32>,
    tr_products: Vec<Uuid>,
    tr_locales: Vec<String>,
    tr_names: Vec<String>,
    tr_slugs: Vec<String>,
    tr_descriptions: Vec<String>,
    variant_ids: Vec<Uuid>,
    variant_products: Vec<Uuid>,
    variant_skus: Vec<String>,
    variant_prices: Vec<Decimal>,
    variant_stock: Vec<i32>,
    variant_weights: Vec<i32>,
    variant_positions: Vec<i32>,
    vov_variants: Vec<Uuid>,
    vov_types: Vec<Uuid>,
    vov_values: Vec<Uuid>,
    fixed_variants: Vec<Uuid>,
    fixed_amounts: Vec<Decimal>,
    pav_products: Vec<Uuid>,
    pav_values: Vec<Uuid>,
    image_products: Vec<Uuid>,
    image_variants: Vec<Uuid>,
    image_positions: Vec<i32>,
    image_urls: Vec<String>,
}

impl Batch {
    /// Generates product `i`.
    fn add(&mut self, i: usize, leaves: &[Uuid], vocabulary: &Vocabulary) {
        let kind_index = i % KINDS.len();
        let kind = &KINDS[kind_index];
        let j = i / KINDS.len();
        let line = LINES[j % LINES.len()];
        let model_index = (j / LINES.len()) % MODELS.len();
        let model = MODELS[model_index];
        // Beyond the 160 demo products, a series number keeps names and slugs unique.
        let series = j / (LINES.len() * MODELS.len());
        let suffix = if series == 0 {
            String::new()
        } else {
            format!(" {}", series + 1)
        };
        let slug_suffix = suffix.trim().replace(' ', "-");
        let slug_suffix = if slug_suffix.is_empty() {
            String::new()
        } else {
            format!("-{slug_suffix}")
        };
        let material_code = kind.materials[j % kind.materials.len()];
        let material = MATERIALS
            .iter()
            .find(|(code, _)| *code == material_code)
            .unwrap();

        let product = Uuid::new_v4();
        self.product_ids.push(product);
        self.product_categories.push(leaves[kind_index]);
        // A few drafts, which shoppers must never see.
        let status = if i % 41 == 40 { "draft" } else { "active" };
        self.product_statuses.push(status.into());
        self.product_featured.push(i.is_multiple_of(11));
        self.product_age_minutes.push(i as i32);

        for (l, locale) in LOCALES.iter().enumerate() {
            let (noun, noun_slug) = kind.noun[l];
            let (model_name, model_slug) = model[l];
            let line_slug = line.to_lowercase();
            let (name, slug) = match *locale {
                "en" => (
                    format!("{line} {model_name} {noun}{suffix}"),
                    format!("{line_slug}-{model_slug}-{noun_slug}{slug_suffix}"),
                ),
                "zh-CN" => (
                    format!("{line} {model_name}{noun}{suffix}"),
                    format!("{line_slug}-{model_slug}-{noun_slug}{slug_suffix}"),
                ),
                _ => (
                    format!("{noun} {line} {model_name}{suffix}"),
                    format!("{noun_slug}-{line_slug}-{model_slug}{slug_suffix}"),
                ),
            };
            let made_of = material.1[l];
            let description = match *locale {
                "en" => format!(
                    "The {name} is made of {made_of}. Built to last, and shipped worldwide."
                ),
                "pt-BR" => format!(
                    "{name}, feito de {made_of}. Feito para durar, com envio para todo o mundo."
                ),
                "es" => format!(
                    "{name}, hecho de {made_of}. Hecho para durar, con envío a todo el mundo."
                ),
                _ => format!("{name}，采用{made_of}制成。经久耐用，全球配送。"),
            };
            self.tr_products.push(product);
            self.tr_locales.push(locale.to_string());
            self.tr_names.push(name);
            self.tr_slugs.push(slug);
            self.tr_descriptions.push(description);
        }

        self.pav_products.push(product);
        self.pav_values.push(vocabulary.materials[material_code]);
        self.pav_products.push(product);
        self.pav_values
            .push(vocabulary.brands[&BRANDS[(i / 3) % BRANDS.len()].to_lowercase()]);

        let colours = [
            COLOURS[j % COLOURS.len()].0,
            COLOURS[(j + 2) % COLOURS.len()].0,
        ];
        let sizes: Vec<Option<&str>> = if kind.sizes.is_empty() {
            vec![None]
        } else {
            // Three consecutive sizes, starting where the product line starts.
            (0..3)
                .map(|s| Some(kind.sizes[(j + s) % kind.sizes.len()]))
                .collect()
        };
        let sold_out = i % 10 == 3;
        let mut position = 0;
        for (c, colour) in colours.iter().enumerate() {
            for size in &sizes {
                let variant = Uuid::new_v4();
                let cents =
                    (kind.base_price + 5 * model_index as i64 + (j % LINES.len()) as i64) * 100 - 1
                        + if *size == Some("xl") { 200 } else { 0 };
                let price = Decimal::new(cents, 2);
                let size_code = size
                    .map(|s| format!("-{}", s.to_uppercase()))
                    .unwrap_or_default();
                self.variant_ids.push(variant);
                self.variant_products.push(product);
                self.variant_skus.push(format!(
                    "{}-{i:07}-{}{size_code}",
                    kind.sku,
                    colour[..3].to_uppercase()
                ));
                self.variant_prices.push(price);
                let stock = if sold_out {
                    0
                } else {
                    ((i * 7 + position * 3) % 13) as i32
                };
                self.variant_stock.push(stock);
                self.variant_weights.push(kind.weight_grams);
                self.variant_positions.push(position as i32);
                self.vov_variants.push(variant);
                self.vov_types.push(vocabulary.colour_type);
                self.vov_values.push(vocabulary.colours[*colour]);
                if let Some(size) = size {
                    self.vov_variants.push(variant);
                    self.vov_types.push(vocabulary.size_type);
                    self.vov_values.push(vocabulary.sizes[*size]);
                }
                // Classic models have a price fixed in reais, as a Brazilian shop would.
                if model_index == 0 {
                    let reais = (price * Decimal::new(54, 1)).round() - Decimal::new(10, 2);
                    self.fixed_variants.push(variant);
                    self.fixed_amounts.push(reais);
                }
                // Front and back of each colour, shown for that colour's variants.
                if size == &sizes[0] {
                    for view in 1..=2 {
                        self.image_products.push(product);
                        self.image_variants.push(variant);
                        self.image_positions.push((c * 2 + view - 1) as i32);
                        self.image_urls
                            .push(super::images::url(kind.shape, colour, view));
                    }
                }
                position += 1;
            }
        }
    }

    async fn insert(self, tx: &mut PgConnection) -> sqlx::Result<()> {
        sqlx::query!(
            "INSERT INTO products (id, category_id, status, featured, created_at, updated_at)
             SELECT id, category_id, status, featured,
                    now() - make_interval(mins => age), now() - make_interval(mins => age)
             FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::bool[], $5::int[])
                  AS t(id, category_id, status, featured, age)",
            &self.product_ids,
            &self.product_categories,
            &self.product_statuses,
            &self.product_featured,
            &self.product_age_minutes
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO product_translations (product_id, locale, name, slug, description)
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])",
            &self.tr_products,
            &self.tr_locales,
            &self.tr_names,
            &self.tr_slugs,
            &self.tr_descriptions
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO variants (id, product_id, sku, price, stock, weight_grams, position)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::numeric[],
                                  $5::int[], $6::int[], $7::int[])",
            &self.variant_ids,
            &self.variant_products,
            &self.variant_skus,
            &self.variant_prices,
            &self.variant_stock,
            &self.variant_weights,
            &self.variant_positions
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO variant_option_values (variant_id, option_type_id, option_value_id)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[])",
            &self.vov_variants,
            &self.vov_types,
            &self.vov_values
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO variant_prices (variant_id, currency, amount)
             SELECT variant, 'BRL', amount FROM UNNEST($1::uuid[], $2::numeric[]) AS t(variant, amount)",
            &self.fixed_variants,
            &self.fixed_amounts
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO product_attribute_values (product_id, attribute_value_id)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[])",
            &self.pav_products,
            &self.pav_values
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO product_images (product_id, variant_id, position, url, width, height)
             SELECT product, variant, position, url, 800, 800
             FROM UNNEST($1::uuid[], $2::uuid[], $3::int[], $4::text[])
                  AS t(product, variant, position, url)",
            &self.image_products,
            &self.image_variants,
            &self.image_positions,
            &self.image_urls
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}
