//! Reading an import file: every row checked against the shop as it is now, what would
//! change ([`plan`]), then written in one transaction ([`apply`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

pub use super::write::{Applied, apply, apply_kept};
use super::{Column, LOCALES, Layout, MAX_ROWS, TEXTS};
use crate::accounts::staff::{Allowed, can};
use crate::{DomainResult, Message};

/// What a product may be, as the `status` column writes it.
pub const STATUSES: [&str; 3] = ["draft", "active", "archived"];

/// One problem with one cell (or the header, line 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub column: String,
    pub message: Message,
}

/// What an import would do. Nothing is written while there are `errors`.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub rows: usize,
    /// The first problems found (at most [`SHOWN_ERRORS`]), and how many there are.
    pub errors: Vec<RowError>,
    pub error_count: usize,
    pub products_created: usize,
    pub products_changed: usize,
    pub variants_created: usize,
    pub variants_changed: usize,
    pub unchanged: usize,
    pub(super) products: Vec<ProductPlan>,
    /// Every option value by (type code, value code), as read for the check.
    pub(super) options: HashMap<(String, String), (Uuid, Uuid)>,
}

/// Problems listed in a preview; the rest are counted.
pub const SHOWN_ERRORS: usize = 200;

impl Plan {
    fn error(&mut self, line: usize, column: &str, message: Message) {
        self.error_count += 1;
        if self.errors.len() < SHOWN_ERRORS {
            self.errors.push(RowError {
                line,
                column: column.to_string(),
                message,
            });
        }
    }

    /// A fingerprint of what the plan would do: a preview's, compared with the plan at
    /// "apply" time, tells whether the shop changed in between.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for product in &self.products {
            hash.update(format!(
                "{:?}|{:?}|{:?}\n",
                product.id, product.before, product.after
            ));
            for variant in &product.variants {
                hash.update(format!(
                    "{}|{:?}|{:?}\n",
                    variant.sku, variant.before, variant.after
                ));
            }
        }
        hex::encode(hash.finalize())
    }

    /// The changes, product by product, for a preview: (line, label, what changes).
    pub fn changes(&self) -> Vec<(usize, String, Vec<String>)> {
        let mut out = Vec::new();
        for product in &self.products {
            if product.changed() {
                out.push((product.line, product.label(), product.changed_fields()));
            }
            for variant in product.variants.iter().filter(|v| v.changed()) {
                out.push((variant.line, variant.sku.clone(), variant.changed_fields()));
            }
        }
        out
    }
}

/// A product as far as a file can say: status, featured, category and texts per
/// language (name, slug, description, SEO title, SEO description; "" for none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(super) struct ProductState {
    pub(super) status: String,
    pub(super) featured: bool,
    pub(super) category: Option<Uuid>,
    pub(super) texts: BTreeMap<String, [String; 5]>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(super) struct VariantState {
    pub(super) price: Decimal,
    pub(super) stock: i32,
    pub(super) weight_grams: i32,
    /// Fixed prices by currency code.
    pub(super) prices: BTreeMap<String, Decimal>,
    /// Option value code by option type code.
    pub(super) options: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
pub(super) struct ProductPlan {
    pub(super) line: usize,
    /// The product's first row in the file (its product cells are the product's).
    pub(super) row: usize,
    pub(super) handle: String,
    pub(super) id: Option<Uuid>,
    pub(super) before: Option<ProductState>,
    pub(super) after: ProductState,
    pub(super) variants: Vec<VariantPlan>,
}

impl ProductPlan {
    pub(super) fn changed(&self) -> bool {
        self.before.as_ref() != Some(&self.after)
    }

    pub(super) fn label(&self) -> String {
        self.after
            .texts
            .values()
            .map(|t| t[0].clone())
            .find(|n| !n.is_empty())
            .unwrap_or_else(|| self.handle.clone())
    }

    fn changed_fields(&self) -> Vec<String> {
        let Some(before) = &self.before else {
            return vec!["new".into()];
        };
        let mut fields = Vec::new();
        if before.status != self.after.status {
            fields.push("status".into());
        }
        if before.featured != self.after.featured {
            fields.push("featured".into());
        }
        if before.category != self.after.category {
            fields.push("category".into());
        }
        for locale in LOCALES {
            let old = before.texts.get(locale);
            let new = self.after.texts.get(locale);
            for (i, text) in TEXTS.iter().enumerate() {
                if old.map(|t| &t[i]) != new.map(|t| &t[i]) {
                    fields.push(format!("{text}.{locale}"));
                }
            }
        }
        fields
    }
}

#[derive(Clone, Debug)]
pub(super) struct VariantPlan {
    pub(super) line: usize,
    pub(super) sku: String,
    pub(super) id: Option<Uuid>,
    pub(super) before: Option<VariantState>,
    pub(super) after: VariantState,
}

impl VariantPlan {
    pub(super) fn changed(&self) -> bool {
        self.before.as_ref() != Some(&self.after)
    }

    fn changed_fields(&self) -> Vec<String> {
        let Some(before) = &self.before else {
            return vec!["new".into()];
        };
        let mut fields = Vec::new();
        let a = &self.after;
        for (name, differs) in [
            ("price", before.price != a.price),
            ("stock", before.stock != a.stock),
            ("weight_grams", before.weight_grams != a.weight_grams),
        ] {
            if differs {
                fields.push(name.to_string());
            }
        }
        let codes: HashSet<&String> = before.prices.keys().chain(a.prices.keys()).collect();
        let mut prices: Vec<String> = codes
            .into_iter()
            .filter(|c| before.prices.get(*c) != a.prices.get(*c))
            .map(|c| format!("price.{c}"))
            .collect();
        prices.sort();
        fields.extend(prices);
        if before.options != a.options {
            fields.push("options".into());
        }
        fields
    }
}

/// One row of the file, by column.
struct Row {
    line: usize,
    cells: Vec<(Column, String)>,
}

impl Row {
    /// A cell, spaces around it dropped (codes, numbers; texts are read as written).
    fn get(&self, column: &Column) -> Option<&str> {
        self.cells
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, v)| v.trim())
    }
}

/// Reads `content` and checks every row against the shop now: what would be created or
/// changed, and every problem (a wrong number, an unknown category or option, a SKU
/// twice in the file, a slug another product has).
pub async fn plan(
    pool: &PgPool,
    _allowed: &Allowed<can::Catalog>,
    content: &[u8],
) -> DomainResult<Plan> {
    let layout = Layout::of(pool).await?;
    let mut plan = Plan::default();
    let Some((columns, rows)) = read(content, &layout, &mut plan) else {
        return Ok(plan);
    };
    plan.rows = rows.len();
    let has = |c: &Column| columns.contains(c);
    if !has(&Column::Sku) {
        plan.error(1, "sku", Message::new("admin.transfer.errors.no_sku"));
        return Ok(plan);
    }

    // The shop as it is for the SKUs and handles the file names.
    let skus: Vec<String> = rows
        .iter()
        .filter_map(|r| r.get(&Column::Sku).map(str::to_string))
        .collect();
    let handles: Vec<String> = rows
        .iter()
        .filter_map(|r| r.get(&Column::Handle).map(str::to_string))
        .filter(|h| !h.is_empty())
        .collect();
    let variants = existing_variants(pool, &skus).await?;
    let by_handle = products_by_handle(pool, &layout.default_locale, &handles).await?;
    let product_ids: Vec<Uuid> = variants
        .values()
        .map(|v| v.1)
        .chain(by_handle.values().copied())
        .collect();
    let products = existing_products(pool, &product_ids).await?;
    let option_values = option_values(pool).await?;

    let mut seen_skus = HashSet::new();
    let mut plans: Vec<ProductPlan> = Vec::new();
    // Where each product's plan is, by product id or (for a new product) its handle.
    let mut index: HashMap<String, usize> = HashMap::new();
    for (row_index, row) in rows.iter().enumerate() {
        let sku = row.get(&Column::Sku).unwrap_or_default().to_string();
        if sku.is_empty() || sku.chars().count() > 64 {
            plan.error(row.line, "sku", Message::new("admin.transfer.errors.sku"));
            continue;
        }
        if !seen_skus.insert(sku.clone()) {
            plan.error(
                row.line,
                "sku",
                Message::new("admin.transfer.errors.sku_twice").with("sku", sku.as_str()),
            );
            continue;
        }
        let handle = row.get(&Column::Handle).unwrap_or_default().to_string();
        let existing = variants.get(&sku);
        // Which product the row belongs to: its SKU's, else the one with its handle,
        // else a new one.
        let product_id = existing
            .map(|v| v.1)
            .or_else(|| by_handle.get(&handle).copied());
        // A SKU belongs to its product: a handle naming another product, or none that
        // exists (a row copied to start a new product, SKU left as it was), is a mistake.
        let handle_product = by_handle.get(&handle);
        if let Some((_, of_sku, _)) = existing
            && !handle.is_empty()
            && handle_product != Some(of_sku)
        {
            plan.error(
                row.line,
                "handle",
                Message::new("admin.transfer.errors.other_product").with("sku", sku.as_str()),
            );
            continue;
        }
        let key = match product_id {
            Some(id) => id.to_string(),
            None if handle.is_empty() => {
                plan.error(
                    row.line,
                    "handle",
                    Message::new("admin.transfer.errors.handle"),
                );
                continue;
            }
            None => format!("new:{handle}"),
        };
        let at = match index.get(&key) {
            Some(at) => {
                same_product_cells(&rows[plans[*at].row], row, &mut plan);
                *at
            }
            None => {
                let before = product_id.and_then(|id| products.get(&id).cloned());
                let mut after = before.clone().unwrap_or_else(|| ProductState {
                    status: "draft".into(),
                    ..ProductState::default()
                });
                product_columns(row, &layout, &mut after, &mut plan);
                // A new product is found again by its handle: its slug in the default
                // language, unless the file gives one.
                if before.is_none()
                    && let Some(texts) = after.texts.get_mut(&layout.default_locale)
                    && texts[1].is_empty()
                {
                    texts[1] = handle.clone();
                }
                check_texts(row.line, &layout, &mut after, before.is_none(), &mut plan);
                if after.category.is_none() {
                    plan.error(
                        row.line,
                        "category",
                        Message::new("admin.transfer.errors.category_needed"),
                    );
                }
                plans.push(ProductPlan {
                    line: row.line,
                    row: row_index,
                    handle: handle.clone(),
                    id: product_id,
                    before,
                    after,
                    variants: Vec::new(),
                });
                index.insert(key, plans.len() - 1);
                plans.len() - 1
            }
        };
        let before = existing.map(|v| v.2.clone());
        let mut after = before.clone().unwrap_or_default();
        if before.is_none() && row.get(&Column::Price).is_none_or(str::is_empty) {
            plan.error(
                row.line,
                "price",
                Message::new("admin.transfer.errors.price_needed"),
            );
        }
        variant_columns(
            row,
            &layout,
            &option_values,
            before.is_none(),
            &mut after,
            &mut plan,
        );
        plans[at].variants.push(VariantPlan {
            line: row.line,
            sku,
            id: existing.map(|v| v.0),
            before,
            after,
        });
    }
    slugs_free(pool, &plans, &mut plan).await?;
    for product in &plans {
        match (&product.before, product.changed()) {
            (None, _) => plan.products_created += 1,
            (Some(_), true) => plan.products_changed += 1,
            _ => {}
        }
        for variant in &product.variants {
            match (&variant.before, variant.changed()) {
                (None, _) => plan.variants_created += 1,
                (Some(_), true) => plan.variants_changed += 1,
                _ => plan.unchanged += 1,
            }
        }
    }
    plan.products = plans;
    plan.options = option_values;
    Ok(plan)
}

/// The file's columns and rows, or `None` (with the reason in `plan`) when it cannot be
/// read: not CSV, not UTF-8, unknown or repeated columns, too many rows.
fn read(content: &[u8], layout: &Layout, plan: &mut Plan) -> Option<(Vec<Column>, Vec<Row>)> {
    // A spreadsheet's byte-order mark is not part of the first column's name.
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(content);
    let header = match reader.headers() {
        Ok(header) => header.clone(),
        Err(_) => {
            plan.error(1, "", Message::new("admin.transfer.errors.unreadable"));
            return None;
        }
    };
    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    for name in header.iter() {
        match Column::parse(name, layout) {
            Some(column) if columns.contains(&column) => {
                plan.error(1, name, Message::new("admin.transfer.errors.column_twice"));
            }
            Some(column) => columns.push(column),
            None => unknown.push(name.chars().take(60).collect::<String>()),
        }
    }
    if !unknown.is_empty() {
        plan.error(
            1,
            "",
            Message::new("admin.transfer.errors.unknown_columns")
                .with("columns", unknown.join(", ")),
        );
    }
    if plan.error_count > 0 {
        return None;
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if rows.len() == MAX_ROWS {
            plan.errors.clear();
            plan.error_count = 0;
            plan.error(
                line,
                "",
                Message::new("admin.transfer.errors.too_many_rows").with("max", MAX_ROWS as i64),
            );
            return None;
        }
        match record {
            Ok(record) => rows.push(Row {
                line,
                cells: columns
                    .iter()
                    .cloned()
                    .zip(record.iter().map(|cell| super::unguarded(cell).to_string()))
                    .collect(),
            }),
            Err(error) => {
                let key = match error.kind() {
                    csv::ErrorKind::Utf8 { .. } => "admin.transfer.errors.not_utf8",
                    csv::ErrorKind::UnequalLengths { .. } => "admin.transfer.errors.cells",
                    _ => "admin.transfer.errors.unreadable",
                };
                plan.error(line, "", Message::new(key));
            }
        }
    }
    (plan.error_count == 0).then_some((columns, rows))
}

/// The product's columns of `row` (its first) onto `state`.
fn product_columns(row: &Row, layout: &Layout, state: &mut ProductState, plan: &mut Plan) {
    for (column, value) in &row.cells {
        let value = value.trim();
        match column {
            Column::Status if !value.is_empty() => {
                if STATUSES.contains(&value) {
                    state.status = value.to_string();
                } else {
                    plan.error(
                        row.line,
                        "status",
                        Message::new("admin.transfer.errors.status"),
                    );
                }
            }
            Column::Category if !value.is_empty() => match layout.category_id(value) {
                Some(id) => state.category = Some(id),
                None => plan.error(
                    row.line,
                    "category",
                    Message::new("admin.transfer.errors.category").with("category", value),
                ),
            },
            Column::Featured => match value.to_ascii_lowercase().as_str() {
                "" | "false" | "no" | "0" => state.featured = false,
                "true" | "yes" | "1" => state.featured = true,
                _ => plan.error(
                    row.line,
                    "featured",
                    Message::new("admin.transfer.errors.yes_no"),
                ),
            },
            Column::Text(text, locale) => {
                let i = TEXTS.iter().position(|t| t == text).unwrap_or(0);
                let texts = state.texts.entry(locale.to_string()).or_default();
                texts[i] = value.to_string();
            }
            _ => {}
        }
    }
}

/// A language's texts are all or nothing: a name (with a slug made from it when none is
/// given), or no translation at all. A new product needs one in the default language.
fn check_texts(line: usize, layout: &Layout, state: &mut ProductState, new: bool, plan: &mut Plan) {
    let mut gone = Vec::new();
    for (locale, texts) in state.texts.iter_mut() {
        if texts.iter().all(String::is_empty) {
            gone.push(locale.clone());
            continue;
        }
        if texts[0].is_empty() || texts[0].chars().count() > 200 {
            plan.error(
                line,
                &format!("name.{locale}"),
                Message::new("admin.transfer.errors.name"),
            );
        }
        if texts[1].is_empty() {
            texts[1] = crate::catalog::slug::slugify(&texts[0]);
        }
        if !crate::catalog::slug::is_slug(&texts[1]) {
            plan.error(
                line,
                &format!("slug.{locale}"),
                Message::new("admin.transfer.errors.slug"),
            );
        }
        for (i, max) in [(2, 20_000), (3, 200), (4, 500)] {
            if texts[i].chars().count() > max {
                plan.error(
                    line,
                    &format!("{}.{locale}", TEXTS[i]),
                    Message::new("admin.transfer.errors.too_long").with("max", max as i64),
                );
            }
        }
    }
    for locale in gone {
        state.texts.remove(&locale);
    }
    if new && !state.texts.contains_key(&layout.default_locale) {
        plan.error(
            line,
            &format!("name.{}", layout.default_locale),
            Message::new("admin.transfer.errors.name"),
        );
    }
}

/// A product's cells are the same on each of its rows (or empty): a name changed on its
/// third row only would otherwise be dropped without a word.
fn same_product_cells(first: &Row, row: &Row, plan: &mut Plan) {
    for ((column, value), (_, first_value)) in row.cells.iter().zip(&first.cells) {
        if column.is_product()
            && *column != Column::Handle
            && !value.trim().is_empty()
            && value.trim() != first_value.trim()
        {
            plan.error(
                row.line,
                &column_name(column),
                Message::new("admin.transfer.errors.product_cells").with("line", first.line as i64),
            );
        }
    }
}

/// A column's name as the file writes it.
fn column_name(column: &Column) -> String {
    match column {
        Column::Handle => "handle".into(),
        Column::Status => "status".into(),
        Column::Category => "category".into(),
        Column::Featured => "featured".into(),
        Column::Text(text, locale) => format!("{text}.{locale}"),
        Column::Sku => "sku".into(),
        Column::Price => "price".into(),
        Column::Stock => "stock".into(),
        Column::NewStock => "stock.new".into(),
        Column::Weight => "weight_grams".into(),
        Column::FixedPrice(code) => format!("price.{code}"),
        Column::Option(code) => format!("option.{code}"),
    }
}

/// The variant's columns of `row` onto `state` (`new`: a variant the shop does not have
/// yet, whose first stock `stock` gives).
fn variant_columns(
    row: &Row,
    layout: &Layout,
    options: &HashMap<(String, String), (Uuid, Uuid)>,
    new: bool,
    state: &mut VariantState,
    plan: &mut Plan,
) {
    for (column, value) in &row.cells {
        let value = value.trim();
        let name = column_name(column);
        match column {
            Column::Price if value.is_empty() => {}
            Column::Price => match amount(value, layout.base_minor_units) {
                Some(price) => state.price = price,
                None => plan.error(
                    row.line,
                    &name,
                    amount_problem(&layout.base_currency, layout.base_minor_units),
                ),
            },
            Column::FixedPrice(code) if value.is_empty() => {
                state.prices.remove(code);
            }
            Column::FixedPrice(code) => match amount(value, layout.minor_units(code)) {
                Some(price) => {
                    state.prices.insert(code.clone(), price);
                }
                None => plan.error(
                    row.line,
                    &name,
                    amount_problem(code, layout.minor_units(code)),
                ),
            },
            // The stock when the file was made: only a new variant takes it.
            Column::Stock if !new || value.is_empty() => {}
            Column::Stock | Column::NewStock | Column::Weight if value.is_empty() => {}
            Column::Stock | Column::NewStock | Column::Weight => match value.parse::<i32>() {
                Ok(n) if n >= 0 => match column {
                    Column::Weight => state.weight_grams = n,
                    _ => state.stock = n,
                },
                _ => plan.error(
                    row.line,
                    &name,
                    Message::new("admin.transfer.errors.whole_number"),
                ),
            },
            Column::Option(code) if value.is_empty() => {
                state.options.remove(code);
            }
            Column::Option(code) => {
                if options.contains_key(&(code.clone(), value.to_string())) {
                    state.options.insert(code.clone(), value.to_string());
                } else {
                    plan.error(
                        row.line,
                        &name,
                        Message::new("admin.transfer.errors.option").with("value", value),
                    );
                }
            }
            _ => {}
        }
    }
}

/// What is wrong with an amount in `currency`.
fn amount_problem(currency: &str, minor_units: u32) -> Message {
    Message::new("admin.transfer.errors.amount")
        .with("currency", currency)
        .with("decimals", i64::from(minor_units))
}

/// An amount of money as a file writes it: digits with a point before the decimals
/// (`1999.90`), not negative, at most the currency's decimals, under a trillion. A comma
/// is refused rather than guessed at: `1,000` is a thousand in one country and one in
/// another.
fn amount(text: &str, minor_units: u32) -> Option<Decimal> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let value = text.parse::<Decimal>().ok()?.normalize();
    (value.scale() <= minor_units && value < Decimal::from(1_000_000_000_000i64)).then_some(value)
}

/// Slugs are unique per language: none twice in the file, none another product has.
async fn slugs_free(pool: &PgPool, products: &[ProductPlan], plan: &mut Plan) -> DomainResult<()> {
    let mut wanted: HashMap<(String, String), (usize, Option<Uuid>)> = HashMap::new();
    for product in products {
        for (locale, texts) in &product.after.texts {
            let key = (locale.clone(), texts[1].clone());
            if wanted.insert(key, (product.line, product.id)).is_some() {
                plan.error(
                    product.line,
                    &format!("slug.{locale}"),
                    Message::new("admin.transfer.errors.slug_taken"),
                );
            }
        }
    }
    let (locales, slugs): (Vec<String>, Vec<String>) = wanted.keys().cloned().unzip();
    let taken = sqlx::query!(
        "SELECT t.locale, t.slug, t.product_id FROM product_translations t
         JOIN unnest($1::text[], $2::text[]) AS w(locale, slug)
           ON w.locale = t.locale AND w.slug = t.slug",
        &locales,
        &slugs
    )
    .fetch_all(pool)
    .await?;
    for row in taken {
        if let Some((line, id)) = wanted.get(&(row.locale.clone(), row.slug.clone()))
            && *id != Some(row.product_id)
        {
            plan.error(
                *line,
                &format!("slug.{}", row.locale),
                Message::new("admin.transfer.errors.slug_taken"),
            );
        }
    }
    Ok(())
}

/// Variants by SKU: (id, product id, state).
async fn existing_variants(
    pool: &PgPool,
    skus: &[String],
) -> DomainResult<HashMap<String, (Uuid, Uuid, VariantState)>> {
    let rows = sqlx::query!(
        r#"SELECT v.id, v.product_id, v.sku, v.price, v.stock, v.weight_grams,
                  (SELECT jsonb_object_agg(vp.currency, vp.amount::text)
                   FROM variant_prices vp WHERE vp.variant_id = v.id) AS "prices: Value",
                  (SELECT jsonb_object_agg(ot.code, ov.code)
                   FROM variant_option_values vov
                   JOIN option_types ot ON ot.id = vov.option_type_id
                   JOIN option_values ov ON ov.id = vov.option_value_id
                   WHERE vov.variant_id = v.id) AS "options: Value"
           FROM variants v WHERE v.sku = ANY($1)"#,
        skus
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let map = |v: Option<Value>| -> BTreeMap<String, String> {
                v.and_then(|v| serde_json::from_value(v).ok())
                    .unwrap_or_default()
            };
            let state = VariantState {
                price: r.price.normalize(),
                stock: r.stock,
                weight_grams: r.weight_grams,
                prices: map(r.prices)
                    .into_iter()
                    .filter_map(|(c, a)| Some((c, a.parse::<Decimal>().ok()?.normalize())))
                    .collect(),
                options: map(r.options),
            };
            (r.sku, (r.id, r.product_id, state))
        })
        .collect())
}

/// Product ids by handle (their slug in the default language).
async fn products_by_handle(
    pool: &PgPool,
    default_locale: &str,
    handles: &[String],
) -> DomainResult<HashMap<String, Uuid>> {
    Ok(sqlx::query!(
        "SELECT slug, product_id FROM product_translations WHERE locale = $1 AND slug = ANY($2)",
        default_locale,
        handles
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.slug, r.product_id))
    .collect())
}

async fn existing_products(
    pool: &PgPool,
    ids: &[Uuid],
) -> DomainResult<HashMap<Uuid, ProductState>> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.status, p.featured, p.category_id,
                  (SELECT jsonb_object_agg(t.locale, jsonb_build_array(
                              t.name, t.slug, t.description,
                              COALESCE(t.seo_title, ''), COALESCE(t.seo_description, '')))
                   FROM product_translations t WHERE t.product_id = p.id) AS "texts: Value"
           FROM products p WHERE p.id = ANY($1)"#,
        ids
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let texts: BTreeMap<String, [String; 5]> = r
                .texts
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default();
            (
                r.id,
                ProductState {
                    status: r.status,
                    featured: r.featured,
                    category: Some(r.category_id),
                    texts,
                },
            )
        })
        .collect())
}

/// Every option value: (type code, value code) to (type id, value id).
async fn option_values(pool: &PgPool) -> DomainResult<HashMap<(String, String), (Uuid, Uuid)>> {
    Ok(sqlx::query!(
        "SELECT ot.code AS type_code, ov.code AS value_code, ot.id AS type_id, ov.id AS value_id
         FROM option_values ov JOIN option_types ot ON ot.id = ov.option_type_id"
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| ((r.type_code, r.value_code), (r.type_id, r.value_id)))
    .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts_are_plain_non_negative_decimals_in_the_currencys_units() {
        assert_eq!(amount("29.90", 2), Some(dec!(29.9)));
        assert_eq!(amount(" 0 ", 2), Some(dec!(0)));
        assert_eq!(amount("1500", 0), Some(dec!(1500)));
        assert_eq!(amount("999999999999.99", 2), Some(dec!(999999999999.99)));
        for bad in [
            "-1",
            "abc",
            "",
            "1.234",
            "1e3",
            "NaN",
            "1,000",
            "29,90",
            "1.000.5",
            "1000000000000",
        ] {
            assert_eq!(amount(bad, 2), None, "{bad}");
        }
        assert_eq!(amount("1500.5", 0), None, "no decimals in yen");
    }
}
