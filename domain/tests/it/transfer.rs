//! The catalog as CSV against a real PostgreSQL: an export imported back changes
//! nothing; an edited one changes exactly the edited rows, with audit records; a new
//! product comes in from its rows; bad files are refused with every problem and
//! nothing written.

use crate::common;

use common::accounts::staff_with;
use domain::accounts::staff::{Allowed, Permission, can};
use domain::catalog::transfer::{Layout, export, import, store};
use sqlx::PgPool;

async fn catalog_staff(pool: &PgPool) -> Allowed<can::Catalog> {
    staff_with(pool, "catalog@example.com", &[Permission::Catalog])
        .await
        .allowed()
        .unwrap()
}

/// The whole catalog as one CSV text.
async fn export_all(pool: &PgPool, allowed: &Allowed<can::Catalog>) -> String {
    let layout = Layout::of(pool).await.unwrap();
    let mut out = export::header(&layout);
    let mut after = None;
    loop {
        let (bytes, next) = export::batch(pool, allowed, &layout, after).await.unwrap();
        out.extend(bytes);
        match next {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    String::from_utf8(out).unwrap()
}

async fn audit_rows(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// `csv` with the cell in `column` of the row whose SKU is `sku` set to `value`.
fn edit(csv: &str, sku: &str, column: &str, value: &str) -> String {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = header.iter().position(|h| h == column).unwrap();
    let sku_at = header.iter().position(|h| h == "sku").unwrap();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).unwrap();
    for record in reader.records() {
        let mut record: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if record[sku_at] == sku {
            record[at] = value.to_string();
        }
        out.write_record(&record).unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

#[tokio::test]
async fn an_export_imported_back_changes_nothing_and_an_edit_changes_exactly_its_rows() {
    let pool = common::database().await;
    demo::seed(&pool).await.unwrap();
    let allowed = catalog_staff(&pool).await;
    let csv = export_all(&pool, &allowed).await;
    let variants: i64 = sqlx::query_scalar("SELECT count(*) FROM variants")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        csv.lines().count() as i64,
        variants + 1,
        "one row per variant"
    );

    let plan = import::plan(&pool, &allowed, csv.as_bytes()).await.unwrap();
    assert_eq!(plan.errors, vec![], "the export reads back");
    assert_eq!(plan.rows as i64, variants);
    assert_eq!(plan.unchanged as i64, variants);
    assert_eq!(
        (
            plan.products_created,
            plan.products_changed,
            plan.variants_created,
            plan.variants_changed
        ),
        (0, 0, 0, 0)
    );

    // Two edits: a price, and a product's Portuguese name.
    let sku: String = sqlx::query_scalar("SELECT sku FROM variants ORDER BY sku LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let edited = edit(&csv, &sku, "price", "123.45");
    let edited = edit(&edited, &sku, "stock", "7");
    let plan = import::plan(&pool, &allowed, edited.as_bytes())
        .await
        .unwrap();
    assert_eq!(plan.errors, vec![]);
    assert_eq!(plan.variants_changed, 1);
    assert_eq!(plan.unchanged as i64, variants - 1);
    let changes = plan.changes();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].1, sku);
    assert_eq!(changes[0].2, vec!["price".to_string(), "stock".to_string()]);

    let before = audit_rows(&pool).await;
    let applied = import::apply(&pool, &allowed, edited.as_bytes())
        .await
        .unwrap();
    assert_eq!(applied.variants_changed, 1);
    let (price, stock): (rust_decimal::Decimal, i32) =
        sqlx::query_as("SELECT price, stock FROM variants WHERE sku = $1")
            .bind(&sku)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((price, stock), (rust_decimal_macros::dec!(123.45), 7));
    assert_eq!(
        audit_rows(&pool).await,
        before + 1,
        "one record for the one change"
    );
    let (action, label): (String, String) =
        sqlx::query_as("SELECT action, label FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (action.as_str(), label.as_str()),
        ("variant.import", sku.as_str())
    );

    // The same file again: nothing more to do.
    let again = import::plan(&pool, &allowed, edited.as_bytes())
        .await
        .unwrap();
    assert_eq!(again.unchanged as i64, variants);
}

#[tokio::test]
async fn a_new_product_comes_in_from_its_rows_and_a_partial_file_changes_only_its_columns() {
    let pool = common::database().await;
    demo::seed(&pool).await.unwrap();
    let allowed = catalog_staff(&pool).await;
    let category: String = sqlx::query_scalar(
        "SELECT slug FROM category_translations WHERE locale = 'en' ORDER BY slug LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let csv = format!(
        "handle,status,category,name.en,name.pt-BR,sku,price,stock,price.BRL\n\
         linen-apron,active,{category},Linen Apron,Avental de Linho,APRON-1,25.00,4,129.90\n\
         linen-apron,,,,,APRON-2,27.50,0,\n"
    );
    let plan = import::plan(&pool, &allowed, csv.as_bytes()).await.unwrap();
    assert_eq!(plan.errors, vec![]);
    assert_eq!((plan.products_created, plan.variants_created), (1, 2));
    import::apply(&pool, &allowed, csv.as_bytes())
        .await
        .unwrap();
    let slugs: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.locale, t.slug FROM product_translations t JOIN variants v ON v.product_id = t.product_id
         WHERE v.sku = 'APRON-1' ORDER BY t.locale",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        slugs,
        vec![
            ("en".to_string(), "linen-apron".to_string()),
            ("pt-BR".to_string(), "avental-de-linho".to_string())
        ]
    );
    let fixed: rust_decimal::Decimal = sqlx::query_scalar(
        "SELECT amount FROM variant_prices p JOIN variants v ON v.id = p.variant_id
         WHERE v.sku = 'APRON-1' AND p.currency = 'BRL'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(fixed, rust_decimal_macros::dec!(129.90));

    // A stock-only file touches stock and nothing else.
    let stock_only = "sku,stock\nAPRON-2,9\n";
    let applied = import::apply(&pool, &allowed, stock_only.as_bytes())
        .await
        .unwrap();
    assert_eq!(applied.variants_changed, 1);
    let (price, stock): (rust_decimal::Decimal, i32) =
        sqlx::query_as("SELECT price, stock FROM variants WHERE sku = 'APRON-2'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((price, stock), (rust_decimal_macros::dec!(27.5), 9));
}

#[tokio::test]
async fn bad_files_are_refused_with_every_problem_and_nothing_written() {
    let pool = common::database().await;
    demo::seed(&pool).await.unwrap();
    let allowed = catalog_staff(&pool).await;
    let sku: String = sqlx::query_scalar("SELECT sku FROM variants ORDER BY sku LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let problems = |csv: String| {
        let pool = pool.clone();
        let allowed = &allowed;
        async move {
            let plan = import::plan(&pool, allowed, csv.as_bytes()).await.unwrap();
            plan.errors
                .iter()
                .map(|e| (e.line, e.column.clone(), e.message.key.clone()))
                .collect::<Vec<_>>()
        }
    };
    let key = |k: &str| format!("admin.transfer.errors.{k}");
    assert_eq!(
        problems("sku,colour,price.XYZ\nA,red,1\n".into()).await,
        vec![(1, String::new(), key("unknown_columns"))]
    );
    assert_eq!(
        problems("price\n1\n".into()).await,
        vec![(1, "sku".into(), key("no_sku"))]
    );
    assert_eq!(
        problems(format!("sku,price,stock\n{sku},abc,-1\n{sku},-1,2\n")).await,
        vec![
            (2, "price".into(), key("amount")),
            (2, "stock".into(), key("whole_number")),
            (3, "sku".into(), key("sku_twice")),
        ]
    );
    assert_eq!(
        problems("handle,category,name.en,sku,price\nnew-thing,nowhere,Thing,NEW-1,5\n".into())
            .await,
        vec![
            (2, "category".into(), key("category")),
            (2, "category".into(), key("category_needed")),
        ]
    );
    // Broken UTF-8 and a row with too few cells.
    let mut broken = format!("sku,stock\n{sku},1\n").into_bytes();
    broken.extend(b"\xff\xfe,2\n");
    let plan = import::plan(&pool, &allowed, &broken).await.unwrap();
    assert_eq!(plan.errors[0].message.key, key("not_utf8"));
    assert_eq!(
        problems(format!("sku,stock\n{sku}\n")).await[0].2,
        key("cells")
    );

    // Too many rows: refused at once, before any is checked.
    let mut huge = String::from("sku,stock\n");
    for i in 0..=domain::catalog::transfer::MAX_ROWS {
        huge.push_str(&format!("S{i},1\n"));
    }
    assert_eq!(
        problems(huge).await,
        vec![(
            domain::catalog::transfer::MAX_ROWS + 2,
            String::new(),
            key("too_many_rows")
        )]
    );

    // Applying a file with problems writes nothing.
    let before: i64 = sqlx::query_scalar("SELECT sum(stock) FROM variants")
        .fetch_one(&pool)
        .await
        .unwrap();
    let bad = format!("sku,stock\n{sku},5\nNOPE,x\n");
    assert!(
        import::apply(&pool, &allowed, bad.as_bytes())
            .await
            .is_err()
    );
    let after: i64 = sqlx::query_scalar("SELECT sum(stock) FROM variants")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn an_uploaded_file_is_only_its_uploaders() {
    let pool = common::database().await;
    let one = catalog_staff(&pool).await;
    let other = staff_with(&pool, "other@example.com", &[Permission::Catalog])
        .await
        .allowed()
        .unwrap();
    let id = store::keep(&pool, &one, "stock.csv", b"sku,stock\nA,1\n")
        .await
        .unwrap();
    assert_eq!(
        store::load(&pool, &one, id).await.unwrap().file_name,
        "stock.csv"
    );
    assert!(store::load(&pool, &other, id).await.is_err());
    assert!(store::keep(&pool, &one, "empty.csv", b"").await.is_err());
}
