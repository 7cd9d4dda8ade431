//! Shared set-up for integration tests: a migrated, empty database on a real PostgreSQL.

// Not every test binary signs anyone in.
#[allow(dead_code)]
pub mod accounts;
#[allow(dead_code)]
pub mod shop;

use sqlx::PgPool;

pub async fn database() -> PgPool {
    database_with(5).await
}

/// A fresh database with a pool of `connections` (the concurrency tests want many).
pub async fn database_with(connections: u32) -> PgPool {
    let options = localpg::testing::fresh_database().await;
    let pool = domain::db::connect(options, connections)
        .await
        .expect("connecting");
    domain::db::migrate(&pool).await.expect("migrating");
    pool
}
