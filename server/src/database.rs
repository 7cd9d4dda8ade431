//! Which PostgreSQL the shop uses: the one in `DATABASE_URL`, or a private cluster.

use std::str::FromStr;

use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

use crate::StartError;
use crate::config::{Config, redact_url};

/// The database to connect to, and the private cluster behind it if we run one.
pub struct Database {
    pub connect: PgConnectOptions,
    /// Shown in logs and errors, without passwords.
    pub description: String,
    pub cluster: Option<localpg::Cluster>,
}

/// The database the private cluster serves the shop from.
const DATABASE_NAME: &str = "vitrine";

/// Starts the private cluster when there is no `DATABASE_URL`. Blocking: call it on the
/// main thread before the async runtime starts (see `localpg::Cluster::start`).
pub fn start(config: &Config) -> Result<Database, StartError> {
    if let Some(url) = &config.database_url {
        let invalid = |reason: String| {
            StartError::Config(crate::config::ConfigError::Invalid {
                name: "DATABASE_URL",
                reason: format!("{reason} (expected postgres://user:password@host:port/database)"),
            })
        };
        // sqlx accepts any scheme here; say so plainly when it is not PostgreSQL's.
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(invalid(format!(
                "`{}` is not a PostgreSQL URL",
                redact_url(url)
            )));
        }
        let connect = PgConnectOptions::from_str(url).map_err(|e| invalid(e.to_string()))?;
        return Ok(Database {
            connect,
            description: redact_url(url),
            cluster: None,
        });
    }
    let mut options = localpg::Options::new(config.postgres_dir());
    options.bin_dir = std::env::var_os("VITRINE_PG_BIN").map(Into::into);
    let cluster = localpg::Cluster::start(&options)?;
    Ok(Database {
        connect: cluster.connect_options("postgres"),
        description: format!("the private PostgreSQL in {}", cluster.data_dir().display()),
        cluster: Some(cluster),
    })
}

/// Connects, creating the shop's database inside a private cluster on first start, and
/// brings the schema up to date.
pub async fn connect(database: &Database, pool_size: u32) -> Result<PgPool, StartError> {
    let connect_error = |source| StartError::Connect {
        target: database.description.clone(),
        source,
    };
    let options = if database.cluster.is_some() {
        create_database_if_missing(&database.connect)
            .await
            .map_err(connect_error)?;
        database.connect.clone().database(DATABASE_NAME)
    } else {
        database.connect.clone()
    };
    let pool = domain::db::connect(options, pool_size)
        .await
        .map_err(connect_error)?;
    domain::db::migrate(&pool)
        .await
        .map_err(StartError::Migrate)?;
    Ok(pool)
}

async fn create_database_if_missing(admin: &PgConnectOptions) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect_with(admin).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(DATABASE_NAME)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        sqlx::raw_sql(&format!("CREATE DATABASE {DATABASE_NAME}"))
            .execute(&mut conn)
            .await?;
    }
    conn.close().await
}
