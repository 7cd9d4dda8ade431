//! Connecting to PostgreSQL and bringing its schema up to date.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Opens a pool and checks it works, so a bad address fails at start with one message
/// rather than on the first page view.
pub async fn connect(
    options: PgConnectOptions,
    max_connections: u32,
) -> Result<PgPool, sqlx::Error> {
    // One direct attempt first: the pool would retry a refused connection until its
    // acquire timeout, making a typo in DATABASE_URL take seconds to report.
    use sqlx::Connection;
    sqlx::PgConnection::connect_with(&options)
        .await?
        .close()
        .await?;
    // Listing queries switch whole branches on their parameters (no search, no price
    // filter...); planning each call with its values lets those branches fold away,
    // where a cached generic plan would keep them all. JIT compilation costs tens of
    // milliseconds up front, more than any storefront query takes to run.
    let options = options.options([("plan_cache_mode", "force_custom_plan"), ("jit", "off")]);
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
}

/// Applies pending migrations. Safe with several servers starting at once: sqlx holds
/// an advisory lock while migrating.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// True when the database answers a trivial query: what `/readyz` reports.
pub async fn is_reachable(pool: &PgPool) -> bool {
    sqlx::query_scalar!("SELECT 1 AS \"one!\"")
        .fetch_one(pool)
        .await
        .is_ok()
}
