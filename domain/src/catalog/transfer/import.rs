//! Reading an import file: every row checked against the shop as it is now, what would
//! change ([`plan`]), then written in one transaction ([`apply`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{Column, LOCALES, Layout, MAX_ROWS, TEXTS};
use crate::accounts::staff::{Allowed, can};
use crate::audit::{self, Change};
use crate::{DomainError, DomainResult, Message};

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
    products: Vec<ProductPlan>,
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
struct ProductState {
    status: String,
    featured: bool,
    category: Option<Uuid>,
    texts: BTreeMap<String, [String; 5]>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
struct VariantState {
    price: Decimal,
    stock: i32,
    weight_grams: i32,
    /// Fixed prices by currency code.
    prices: BTreeMap<String, Decimal>,
    /// Option value code by option type code.
    options: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
struct ProductPlan {
    line: usize,
    handle: String,
    id: Option<Uuid>,
    before: Option<ProductState>,
    after: ProductState,
    variants: Vec<VariantPlan>,
}

impl ProductPlan {
    fn changed(&self) -> bool {
        self.before.as_ref() != Some(&self.after)
    }

    fn label(&self) -> String {
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
struct VariantPlan {
    line: usize,
    sku: String,
    id: Option<Uuid>,
    before: Option<VariantState>,
    after: VariantState,
}

impl VariantPlan {
    fn changed(&self) -> bool {
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
    for row in &rows {
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
        if let (Some((_, of_sku, _)), Some(of_handle)) = (existing, by_handle.get(&handle))
            && of_sku != of_handle
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
            Some(at) => *at,
            None => {
                let before = product_id.and_then(|id| products.get(&id).cloned());
                let mut after = before.clone().unwrap_or_else(|| ProductState {
                    status: "draft".into(),
                    ..ProductState::default()
                });
                product_columns(row, &layout, &mut after, &mut plan);
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
        variant_columns(row, &option_values, &mut after, &mut plan);
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
                    .zip(record.iter().map(str::to_string))
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

/// The variant's columns of `row` onto `state`.
fn variant_columns(
    row: &Row,
    options: &HashMap<(String, String), (Uuid, Uuid)>,
    state: &mut VariantState,
    plan: &mut Plan,
) {
    for (column, value) in &row.cells {
        let value = value.trim();
        let name = match column {
            Column::Price => "price".to_string(),
            Column::FixedPrice(code) => format!("price.{code}"),
            Column::Option(code) => format!("option.{code}"),
            Column::Stock => "stock".into(),
            Column::Weight => "weight_grams".into(),
            _ => continue,
        };
        match column {
            Column::Price => match amount(value) {
                Some(price) => state.price = price,
                None if value.is_empty() => {}
                None => plan.error(
                    row.line,
                    &name,
                    Message::new("admin.transfer.errors.amount"),
                ),
            },
            Column::FixedPrice(code) if value.is_empty() => {
                state.prices.remove(code);
            }
            Column::FixedPrice(code) => match amount(value) {
                Some(price) => {
                    state.prices.insert(code.clone(), price);
                }
                None => plan.error(
                    row.line,
                    &name,
                    Message::new("admin.transfer.errors.amount"),
                ),
            },
            Column::Stock | Column::Weight => match value.parse::<i32>() {
                Ok(n) if n >= 0 => {
                    if *column == Column::Stock {
                        state.stock = n;
                    } else {
                        state.weight_grams = n;
                    }
                }
                _ if value.is_empty() => {}
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

/// An amount of money as a file writes it: `29.90` (or `29,90`), not negative, at most
/// four decimals (what the database keeps).
fn amount(text: &str) -> Option<Decimal> {
    let text = text.trim();
    let text = if text.contains('.') {
        text.to_string()
    } else {
        text.replace(',', ".")
    };
    // Digits and one decimal point only: no signs, exponents or thousands separators.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let value = text.parse::<Decimal>().ok()?;
    (value >= Decimal::ZERO
        && value.scale() <= 4
        && value < Decimal::from(1_000_000_000_000_000i64))
    .then_some(value.normalize())
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

/// What an applied import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub products_created: usize,
    pub products_changed: usize,
    pub variants_created: usize,
    pub variants_changed: usize,
}

/// Checks `content` again against the shop as it is now and, when nothing is wrong,
/// writes every change in one transaction with an audit record per product and variant
/// it changed. With any problem nothing is written (`Invalid`, first problem's field).
pub async fn apply(
    pool: &PgPool,
    allowed: &Allowed<can::Catalog>,
    content: &[u8],
) -> DomainResult<Applied> {
    let plan = plan(pool, allowed, content).await?;
    if plan.error_count > 0 {
        return Err(DomainError::conflict(
            Message::new("admin.transfer.errors.fix_first").with("count", plan.error_count as i64),
        ));
    }
    let options = option_values(pool).await?;
    let mut tx = pool.begin().await?;
    for product in &plan.products {
        let id = write_product(&mut tx, allowed, product).await?;
        for (position, variant) in product.variants.iter().enumerate() {
            write_variant(&mut tx, allowed, id, position, variant, &options).await?;
        }
    }
    tx.commit().await?;
    Ok(Applied {
        products_created: plan.products_created,
        products_changed: plan.products_changed,
        variants_created: plan.variants_created,
        variants_changed: plan.variants_changed,
    })
}

async fn write_product(
    tx: &mut PgConnection,
    allowed: &Allowed<can::Catalog>,
    product: &ProductPlan,
) -> DomainResult<Uuid> {
    let after = &product.after;
    let category = after.category.unwrap_or_default();
    let id = match product.id {
        Some(id) if !product.changed() => return Ok(id),
        Some(id) => {
            sqlx::query!(
                "UPDATE products SET status = $2, featured = $3, category_id = $4, updated_at = now()
                 WHERE id = $1",
                id,
                after.status,
                after.featured,
                category
            )
            .execute(&mut *tx)
            .await?;
            id
        }
        None => sqlx::query_scalar!(
            "INSERT INTO products (status, featured, category_id) VALUES ($1, $2, $3) RETURNING id",
            after.status,
            after.featured,
            category
        )
        .fetch_one(&mut *tx)
        .await?,
    };
    let before = product.before.as_ref();
    for locale in LOCALES {
        let old = before.and_then(|b| b.texts.get(locale));
        let new = after.texts.get(locale);
        if old == new {
            continue;
        }
        match new {
            None => {
                sqlx::query!(
                    "DELETE FROM product_translations WHERE product_id = $1 AND locale = $2",
                    id,
                    locale
                )
                .execute(&mut *tx)
                .await?;
            }
            Some([name, slug, description, seo_title, seo_description]) => {
                let blank = |s: &String| (!s.is_empty()).then(|| s.clone());
                sqlx::query!(
                    "INSERT INTO product_translations
                         (product_id, locale, name, slug, description, seo_title, seo_description)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (product_id, locale) DO UPDATE SET
                         name = EXCLUDED.name, slug = EXCLUDED.slug,
                         description = EXCLUDED.description, seo_title = EXCLUDED.seo_title,
                         seo_description = EXCLUDED.seo_description",
                    id,
                    locale,
                    name,
                    slug,
                    description,
                    blank(seo_title),
                    blank(seo_description)
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    let action = if product.before.is_some() {
        "product.import"
    } else {
        "product.create"
    };
    let change = Change::new(action, "product", id)
        .label(product.label())
        .values(product.before.as_ref(), Some(after));
    audit::record(tx, allowed.actor(), change).await?;
    Ok(id)
}

async fn write_variant(
    tx: &mut PgConnection,
    allowed: &Allowed<can::Catalog>,
    product: Uuid,
    position: usize,
    variant: &VariantPlan,
    options: &HashMap<(String, String), (Uuid, Uuid)>,
) -> DomainResult<()> {
    if !variant.changed() {
        return Ok(());
    }
    let a = &variant.after;
    let id = match variant.id {
        Some(id) => {
            sqlx::query!(
                "UPDATE variants SET price = $2, stock = $3, weight_grams = $4, updated_at = now()
                 WHERE id = $1",
                id,
                a.price,
                a.stock,
                a.weight_grams
            )
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            sqlx::query_scalar!(
                "INSERT INTO variants (product_id, sku, price, stock, weight_grams, position)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                product,
                variant.sku,
                a.price,
                a.stock,
                a.weight_grams,
                i32::try_from(position).unwrap_or(i32::MAX)
            )
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let before = variant.before.as_ref();
    if before.map(|b| &b.prices) != Some(&a.prices) {
        let (codes, amounts): (Vec<String>, Vec<Decimal>) =
            a.prices.iter().map(|(c, v)| (c.clone(), *v)).unzip();
        sqlx::query!("DELETE FROM variant_prices WHERE variant_id = $1", id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "INSERT INTO variant_prices (variant_id, currency, amount)
             SELECT $1, c, a FROM unnest($2::text[], $3::numeric[]) AS p(c, a)",
            id,
            &codes,
            &amounts
        )
        .execute(&mut *tx)
        .await?;
    }
    if before.map(|b| &b.options) != Some(&a.options) {
        let (types, values): (Vec<Uuid>, Vec<Uuid>) = a
            .options
            .iter()
            .filter_map(|(t, v)| options.get(&(t.clone(), v.clone())).copied())
            .unzip();
        sqlx::query!(
            "DELETE FROM variant_option_values WHERE variant_id = $1",
            id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO variant_option_values (variant_id, option_type_id, option_value_id)
             SELECT $1, t, v FROM unnest($2::uuid[], $3::uuid[]) AS o(t, v)",
            id,
            &types,
            &values
        )
        .execute(&mut *tx)
        .await?;
    }
    let action = if before.is_some() {
        "variant.import"
    } else {
        "variant.create"
    };
    let change = Change::new(action, "variant", id)
        .label(variant.sku.clone())
        .values(before, Some(a));
    audit::record(tx, allowed.actor(), change).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts_are_plain_non_negative_decimals() {
        assert_eq!(amount("29.90"), Some(dec!(29.9)));
        assert_eq!(amount("29,90"), Some(dec!(29.9)));
        assert_eq!(amount(" 0 "), Some(dec!(0)));
        for bad in ["-1", "abc", "", "1.23456", "1e3", "NaN", "1,000.50.2"] {
            assert_eq!(amount(bad), None, "{bad}");
        }
    }
}
