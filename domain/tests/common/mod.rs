//! Shared set-up for integration tests: a migrated, empty database on a real PostgreSQL.

// Not every test binary signs anyone in.
#[allow(dead_code)]
pub mod accounts;

use sqlx::PgPool;

pub async fn database() -> PgPool {
    let options = localpg::testing::fresh_database().await;
    let pool = domain::db::connect(options, 5).await.expect("connecting");
    domain::db::migrate(&pool).await.expect("migrating");
    pool
}
