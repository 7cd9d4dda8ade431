//! The catalog as a CSV file: export it, change it in a spreadsheet, import it back.
//!
//! One row per variant, in the shape Shopify's product CSV made familiar: the product's
//! columns (its `handle`, status, category and the texts in every language) repeat on
//! each of its variants' rows, then the variant's own (SKU, price, stock, weight, a
//! fixed price per currency, its option values). The SKU is what a row is about:
//! importing the same file twice changes nothing the second time.
//!
//! An import is checked in full before anything is written ([`import::plan`]: every
//! row's problems, and what would change), kept in `catalog_imports` so the staff member
//! can read the preview, then applied in one transaction ([`import::apply`]) with an
//! audit record per product and variant it changed. Only the columns a file has are
//! applied, so a file of `sku,price` changes prices and nothing else; an empty cell means
//! "none" (no fixed price in that currency, no text in that language), as the export
//! writes it.
//!
//! Stock is the exception, because it moves on its own: the export's `stock` is what
//! was on hand when the file was made, and importing it back would undo every sale
//! since. So `stock` only gives a new variant its first stock, and an existing variant's
//! stock changes only through `stock.new` (empty in an export: fill in what you
//! counted), as Shopify's inventory file does.
//!
//! Cells a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`) are
//! written with a leading `'`, which the import takes off again.

pub mod export;
pub mod import;
pub mod store;
mod write;

use sqlx::PgPool;

use crate::DomainResult;

/// The languages a product's texts are written in, as column suffixes (`name.pt-BR`).
pub const LOCALES: [&str; 4] = ["en", "pt-BR", "es", "zh-CN"];

/// A product's texts, per language, in column order.
pub const TEXTS: [&str; 5] = [
    "name",
    "slug",
    "description",
    "seo_title",
    "seo_description",
];

/// The product's own columns, before its texts.
pub const PRODUCT: [&str; 4] = ["handle", "status", "category", "featured"];

/// The variant's own columns, before its fixed prices and options.
pub const VARIANT: [&str; 5] = ["sku", "price", "stock", "stock.new", "weight_grams"];

/// The largest file an import takes, and the most rows: beyond them the shop asks for
/// the file in parts (a bounded import keeps one transaction's locks and memory bounded).
pub const MAX_BYTES: usize = 32 << 20;
pub const MAX_ROWS: usize = 100_000;

/// The columns of this shop's export: the fixed ones, a `price.<code>` column for every
/// currency other than the base one, and an `option.<code>` column per option type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub base_currency: String,
    pub base_minor_units: u32,
    pub default_locale: String,
    /// Currencies a price may be fixed in (all but the base one).
    pub currencies: Vec<String>,
    /// Option type codes (`size`, `colour`).
    pub options: Vec<String>,
    /// Minor units of every currency (the base one too), by code.
    pub minor_units: std::collections::HashMap<String, u32>,
    /// Category slug, in the default language, to its id, and back.
    pub categories: std::collections::HashMap<String, uuid::Uuid>,
    pub category_slugs: std::collections::HashMap<uuid::Uuid, String>,
}

impl Layout {
    pub async fn of(pool: &PgPool) -> DomainResult<Layout> {
        let settings = sqlx::query!(
            r#"SELECT s.default_locale, s.base_currency AS "base_currency!: String",
                      c.minor_units
               FROM shop_settings s JOIN currencies c ON c.code = s.base_currency"#
        )
        .fetch_one(pool)
        .await?;
        let all = sqlx::query!(
            r#"SELECT code AS "code!: String", minor_units FROM currencies ORDER BY code"#
        )
        .fetch_all(pool)
        .await?;
        let currencies = all
            .iter()
            .filter(|c| c.code != settings.base_currency)
            .map(|c| c.code.clone())
            .collect();
        let minor_units = all
            .iter()
            .map(|c| (c.code.clone(), u32::try_from(c.minor_units).unwrap_or(2)))
            .collect();
        let options = sqlx::query_scalar!("SELECT code FROM option_types ORDER BY position, code")
            .fetch_all(pool)
            .await?;
        // Each category by its slug in the default language, or any language it has.
        let categories = sqlx::query!(
            r#"SELECT DISTINCT ON (c.id) t.slug, c.id
               FROM categories c JOIN category_translations t ON t.category_id = c.id
               ORDER BY c.id, t.locale = $1 DESC, t.locale"#,
            settings.default_locale
        )
        .fetch_all(pool)
        .await?;
        let category_slugs = categories.iter().map(|r| (r.id, r.slug.clone())).collect();
        let categories = categories.into_iter().map(|r| (r.slug, r.id)).collect();
        Ok(Layout {
            base_currency: settings.base_currency,
            base_minor_units: u32::try_from(settings.minor_units).unwrap_or(2),
            default_locale: settings.default_locale,
            currencies,
            minor_units,
            options,
            categories,
            category_slugs,
        })
    }

    /// The export's header row.
    pub fn header(&self) -> Vec<String> {
        let mut columns: Vec<String> = PRODUCT.iter().map(|c| c.to_string()).collect();
        for locale in LOCALES {
            columns.extend(TEXTS.iter().map(|text| format!("{text}.{locale}")));
        }
        columns.extend(VARIANT.iter().map(|c| c.to_string()));
        columns.extend(self.currencies.iter().map(|c| format!("price.{c}")));
        columns.extend(self.options.iter().map(|o| format!("option.{o}")));
        columns
    }

    pub fn category_id(&self, slug: &str) -> Option<uuid::Uuid> {
        self.categories.get(slug).copied()
    }

    pub fn category_slug(&self, id: uuid::Uuid) -> Option<&str> {
        self.category_slugs.get(&id).map(String::as_str)
    }

    /// Decimals an amount in `currency` may have.
    pub fn minor_units(&self, currency: &str) -> u32 {
        self.minor_units.get(currency).copied().unwrap_or(2)
    }
}

/// What a column of an import file means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Handle,
    Status,
    Category,
    Featured,
    /// One of [`TEXTS`] in one of [`LOCALES`].
    Text(&'static str, &'static str),
    Sku,
    Price,
    /// On hand when exported: a new variant's first stock, ignored for others.
    Stock,
    /// What an existing (or new) variant's stock becomes.
    NewStock,
    Weight,
    /// A fixed price in this currency.
    FixedPrice(String),
    /// This option type's value.
    Option(String),
}

impl Column {
    /// The column a header names in this shop, if any.
    pub fn parse(name: &str, layout: &Layout) -> Option<Column> {
        let name = name.trim();
        Some(match name {
            "handle" => Column::Handle,
            "status" => Column::Status,
            "category" => Column::Category,
            "featured" => Column::Featured,
            "sku" => Column::Sku,
            "price" => Column::Price,
            "stock" => Column::Stock,
            "stock.new" => Column::NewStock,
            "weight_grams" => Column::Weight,
            _ => {
                let (kind, rest) = name.split_once('.')?;
                if kind == "price" {
                    return layout
                        .currencies
                        .iter()
                        .any(|c| c == rest)
                        .then(|| Column::FixedPrice(rest.to_string()));
                }
                if kind == "option" {
                    return layout
                        .options
                        .iter()
                        .any(|o| o == rest)
                        .then(|| Column::Option(rest.to_string()));
                }
                let text = TEXTS.into_iter().find(|t| *t == kind)?;
                let locale = LOCALES.into_iter().find(|l| *l == rest)?;
                Column::Text(text, locale)
            }
        })
    }

    /// Whether the column describes the product (and so repeats on its every row).
    pub fn is_product(&self) -> bool {
        matches!(
            self,
            Column::Handle
                | Column::Status
                | Column::Category
                | Column::Featured
                | Column::Text(..)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            base_currency: "USD".into(),
            base_minor_units: 2,
            default_locale: "en".into(),
            currencies: vec!["BRL".into(), "EUR".into()],
            minor_units: Default::default(),
            options: vec!["size".into()],
            categories: Default::default(),
            category_slugs: Default::default(),
        }
    }

    #[test]
    fn every_exported_column_reads_back() {
        let layout = layout();
        for name in layout.header() {
            assert!(Column::parse(&name, &layout).is_some(), "{name}");
        }
        assert_eq!(layout.header().len(), 4 + 4 * 5 + 5 + 2 + 1);
    }

    #[test]
    fn unknown_columns_are_none() {
        let layout = layout();
        for name in [
            "price.XYZ",
            "price.USD",
            "name.fr",
            "option.colour",
            "colour",
            "name",
            "",
        ] {
            assert_eq!(Column::parse(name, &layout), None, "{name}");
        }
        assert_eq!(
            Column::parse(" name.pt-BR ", &layout),
            Some(Column::Text("name", "pt-BR"))
        );
    }
}

/// A cell as the export writes it: text a spreadsheet would run as a formula gets a
/// leading `'` (shown as text, and taken off again by the import).
pub fn safe_cell(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

/// A cell as the import reads it: the export's formula guard taken off.
pub fn unguarded(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod guard_tests {
    use super::*;

    #[test]
    fn formulas_go_out_as_text_and_come_back_as_written() {
        for cell in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-sale",
            "@me",
            "plain",
            "'quoted",
            "",
        ] {
            assert_eq!(unguarded(&safe_cell(cell.to_string())), cell, "{cell}");
        }
        assert_eq!(safe_cell("=1+1".into()), "'=1+1");
        assert_eq!(safe_cell("Tee".into()), "Tee");
    }
}
