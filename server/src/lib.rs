//! The Vitrine server: storefront, admin and API in one stateless process.
//!
//! `main.rs` only reads the command line; [`run`] does the work and [`router`] builds the
//! HTTP routes, so tests can drive the same router in-process.

pub mod accounts;
pub mod api;
pub mod assets;
pub mod catalog_export;
pub mod config;
pub mod database;
pub mod form_errors;
pub mod headers;
pub mod media;
pub mod session_store;
pub mod sitemap;
pub mod storefront;
pub mod webhooks;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{FromRef, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list, render_app_async_with_context};
use sqlx::PgPool;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;

/// What every request handler can reach. Nothing in it is per-process state that a
/// second replica would lack: everything that changes lives in PostgreSQL, and the
/// cache only holds what PostgreSQL says is current (see `domain::cache`).
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub cache: domain::cache::Cache,
    pub leptos: LeptosOptions,
    /// Where every link (e-mails, canonical links, the sitemap) points: the configured
    /// public address, else the listening one; never a request's own say-so.
    pub site: app::server::ssr::PublicUrl,
    /// The shop's secret key, for what it encrypts and signs (see `domain::keys`).
    pub keys: domain::keys::Keys,
    /// `VITRINE_TRUST_PROXY`: client addresses come from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// The payment providers set up.
    pub payments: domain::payments::Config,
    /// Where uploaded pictures are kept (see `domain::media`).
    pub media: domain::media::Media,
}

impl AppState {
    /// What e-mails sent outside a shopper's request (webhooks, jobs) link to: the same
    /// address as those sent from requests.
    pub async fn links(&self) -> domain::mail::Links {
        let name = domain::shop::settings(&self.pool)
            .await
            .map(|s| s.name)
            .unwrap_or_else(|_| "Vitrine".into());
        domain::mail::Links {
            base_url: self.site.base.clone(),
            shop_name: name,
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// Why the server could not start; each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: SocketAddr, reason: String },
    #[error(transparent)]
    Database(#[from] localpg::Error),
    #[error("cannot connect to {target}: {source}")]
    Connect { target: String, source: sqlx::Error },
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    #[error("cannot seed the demo shop: {0}")]
    Seed(domain::DomainError),
    #[error("cannot create the account: {}", account_message(.0))]
    Account(domain::DomainError),
    #[error("the server failed: {0}")]
    Serve(std::io::Error),
}

fn account_message(error: &domain::DomainError) -> String {
    fn english(message: &domain::Message) -> String {
        app::i18n::message_in(app::i18n::Locale::En, message)
    }
    match error {
        domain::DomainError::Validation { field, message } => {
            format!("{field}: {}", english(message))
        }
        domain::DomainError::Conflict(message) => english(message),
        other => other.to_string(),
    }
}

/// Leptos settings for this build: the site folder and whether file names are hashed
/// (cargo-leptos writes `hash.txt` beside the binary when they are).
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let hash_file = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("hash.txt")));
    LeptosOptions::builder()
        .output_name("vitrine")
        .site_root(config.site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .hash_files(hash_file.is_some_and(|f| f.exists()))
        .build()
}

pub fn router(state: AppState) -> Router {
    let pool = state.pool.clone();
    let cache = state.cache.clone();
    let site = state.site.clone();
    let keys = state.keys.clone();
    let payments = state.payments.clone();
    let media = state.media.clone();
    let context = move || {
        provide_context(pool.clone());
        provide_context(cache.clone());
        provide_context(site.clone());
        provide_context(keys.clone());
        provide_context(payments.clone());
        provide_context(media.clone());
    };
    let shell_options = state.leptos.clone();
    let shell = move || app::shell(shell_options.clone());
    // Rendered whole (not streamed) like every page, so it reads without JavaScript.
    let not_found = assets::not_found_service(render_app_async_with_context(
        context.clone(),
        shell.clone(),
    ));
    let routes = route_list();
    let secure = state.site.configured && state.site.base.starts_with("https://");
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/media/demo/{file}", get(demo_image))
        .route("/media/{id}/{file}", get(media::picture))
        .route("/language", get(storefront::switch_language))
        .route("/currency", get(storefront::switch_currency))
        .route("/sitemap.xml", get(sitemap::index))
        .route("/sitemap/{file}", get(sitemap::part))
        .route("/robots.txt", get(storefront::robots))
        .route("/account/export.json", get(accounts::export))
        .route(
            "/admin/export/products.csv",
            get(catalog_export::products_csv),
        )
        .merge(webhooks::router())
        .leptos_routes_with_context(&state, routes, context, shell)
        .merge(assets::router(&state.leptos, not_found))
        .layer(axum::middleware::from_fn(
            storefront::redirect_to_a_language,
        ))
        .layer(axum::middleware::from_fn(api::unreadable_requests_are_400))
        .layer(axum::middleware::from_fn(api::bounded_bodies))
        .layer(axum::middleware::from_fn(media::readable_uploads))
        .layer(axum::middleware::from_fn_with_state(
            state.keys.clone(),
            form_errors::only_signed_form_errors,
        ))
        .layer(accounts::session_layer(state.pool.clone(), secure))
        .layer(axum::middleware::from_fn_with_state(
            state.site.clone(),
            headers::https_only,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            accounts::identify_client,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            accounts::refuse_cross_site,
        ))
        .layer(axum::middleware::map_response(
            headers::add_security_headers,
        ))
        // Brotli's default level is too slow to run per request; 4 keeps most of the gain.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The app's routes, worked out once per process. Leptos works them out by rendering the
/// app with resource loading switched off process-wide; a page rendering in another thread
/// at that moment would wait for its data forever (leptos issue 4773). Once, before any
/// router exists, nothing can be rendering yet (this is what made HTTP tests, which each
/// build a router, hang now and then).
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// The demo catalog's pictures, drawn on request (see `demo::images`).
async fn demo_image(Path(file): Path<String>) -> Response {
    match demo::images::svg(&file) {
        Some(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            svg,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such picture").into_response(),
    }
}

/// The process is alive (for restart decisions; never touches the database).
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers (for load balancers).
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if domain::db::is_reachable(&state.pool).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

/// Binds first (so a busy port fails before any database work), starts or reaches the
/// database, migrates, seeds the demo shop, serves until SIGINT/SIGTERM, then finishes
/// in-flight requests and running jobs and stops the private database.
pub fn run(config: Config) -> Result<(), StartError> {
    let listener = bind(config.addr)?;
    let database = database::start(&config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(StartError::Serve)?;
    let served = runtime.block_on(serve(&config, &database, listener));
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    if let Some(cluster) = database.cluster {
        cluster.stop()?;
    }
    served
}

/// Seeds the demo shop with `products` generated products (categories too, if none),
/// for trying the shop at scale and for benchmarks. Does nothing to a catalog that
/// already has products.
pub fn seed(config: &Config, products: usize) -> Result<demo::Seeded, StartError> {
    with_database(config, |pool| async move {
        demo::seed_with(&pool, products)
            .await
            .map_err(StartError::Seed)
    })
}

/// Creates an admin account; without `password`, a random one is made. Returns the
/// password to show.
pub fn create_admin(
    config: &Config,
    email: &str,
    password: Option<&str>,
) -> Result<String, StartError> {
    with_database(config, |pool| async move {
        domain::accounts::admin::create_admin(&pool, email, password)
            .await
            .map(|(_, password)| password)
            .map_err(StartError::Account)
    })
}

/// Runs `work` on the shop's database (starting the private cluster if there is no
/// `DATABASE_URL`, migrating), then stops the cluster: for one-off commands.
fn with_database<T, F, Fut>(config: &Config, work: F) -> Result<T, StartError>
where
    F: FnOnce(PgPool) -> Fut,
    Fut: std::future::Future<Output = Result<T, StartError>>,
{
    let database = database::start(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(StartError::Serve)?;
    let result = runtime.block_on(async {
        let pool = database::connect(&database, 4).await?;
        let result = work(pool.clone()).await;
        pool.close().await;
        result
    });
    drop(runtime);
    if let Some(cluster) = database.cluster {
        cluster.stop()?;
    }
    result
}

/// Storefront values kept per process: a few thousand listings and trees, at most a
/// few megabytes. The age limit only bounds the damage of a missed notification.
const CACHE_ENTRIES: usize = 4_000;
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);

fn bind(addr: SocketAddr) -> Result<std::net::TcpListener, StartError> {
    let listener = std::net::TcpListener::bind(addr).map_err(|e| StartError::Listen {
        addr,
        reason: match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                "the address is already in use; stop the other program or choose another \
                 address with VITRINE_ADDR"
                    .into()
            }
            std::io::ErrorKind::PermissionDenied => {
                "permission denied; ports below 1024 need privileges, choose another with \
                 VITRINE_ADDR"
                    .into()
            }
            _ => e.to_string(),
        },
    })?;
    listener.set_nonblocking(true).map_err(StartError::Serve)?;
    Ok(listener)
}

async fn serve(
    config: &Config,
    database: &database::Database,
    listener: std::net::TcpListener,
) -> Result<(), StartError> {
    config.check_public_url(!cfg!(debug_assertions))?;
    let keys = domain::keys::Keys::new(&config.resolve_secret_key()?);
    let pool = database::connect(database, config.db_pool_size).await?;
    // Two-factor secrets kept in plain text by earlier versions are encrypted now.
    match domain::accounts::totp_secrets::seal_plain_secrets(&pool, &keys).await {
        Ok(0) => {}
        Ok(sealed) => tracing::info!(sealed, "encrypted two-factor secrets kept in plain text"),
        Err(error) => tracing::warn!(%error, "could not encrypt the plain two-factor secrets"),
    }
    if config.demo_data {
        let seeded = demo::seed(&pool).await.map_err(StartError::Seed)?;
        tracing::info!(?seeded, "demo shop");
    }
    let admin = if config.demo_data {
        accounts::demo_admin(&pool, &config.data_dir).await
    } else {
        None
    };
    let cache = domain::cache::Cache::new(CACHE_ENTRIES, CACHE_TTL);
    let follower = tokio::spawn(cache.clone().follow_changes(pool.clone()));
    let transport = accounts::mail_transport(config)?;
    tracing::info!(delivery = %transport.describe(), "e-mail");
    let sender = domain::mail::delivery::parse_sender(&config.mail_from).map_err(|reason| {
        config::ConfigError::Invalid {
            name: "VITRINE_MAIL_FROM",
            reason,
        }
    })?;
    if config.payments.test_card {
        tracing::warn!(
            "the test card is on: orders can be paid with a test number, for nothing \
             (VITRINE_TEST_PAYMENTS=false turns it off)"
        );
    }
    let media = domain::media::Media::on_disk(&config.media_dir);
    tracing::info!(store = ?media, "product pictures");
    let state = AppState {
        media,
        pool: pool.clone(),
        cache,
        leptos: leptos_options(config),
        site: config.site(),
        keys,
        trust_proxy: config.trust_proxy,
        payments: config.payments.clone(),
    };
    // Every periodic task (the outbox, unpaid orders, sweeping) runs in the job runner:
    // each job on one replica at a time, and a running one finishes before we stop.
    let jobs = domain::jobs::shop::all(domain::jobs::shop::Needs {
        links: state.links().await,
        mail: transport,
        sender,
    });
    let (stop_jobs, stopping) = tokio::sync::watch::channel(false);
    let mut runner = tokio::spawn(
        domain::jobs::Runner::new(pool.clone(), domain::jobs::replica_id(), jobs).run(stopping),
    );
    let listener = tokio::net::TcpListener::from_std(listener).map_err(StartError::Serve)?;
    let url = format!(
        "http://{}",
        listener.local_addr().map_err(StartError::Serve)?
    );
    tracing::info!(%url, database = %database.description, "Vitrine is running");
    println!("Vitrine is running at {url}");
    if let Some((email, password)) = admin {
        println!("Demo admin: {email} / {password}  (sign in at {url}/en/account/sign-in)");
    }
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // The runner starts no new run from here on, while requests finish.
            let _ = stop_jobs.send(true);
        })
        .await
        .map_err(StartError::Serve);
    // Had serving failed before the signal, the sender is gone now, which stops the
    // runner too. The private database stops (in `run`) only after this returns.
    let runner_bound = domain::jobs::GRACE + std::time::Duration::from_secs(5);
    if tokio::time::timeout(runner_bound, &mut runner)
        .await
        .is_err()
    {
        tracing::warn!("the job runner did not stop in time");
        runner.abort();
    }
    served?;
    tracing::info!("stopped accepting requests; in-flight requests and jobs finished");
    follower.abort();
    pool.close().await;
    Ok(())
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate()).expect("installing the SIGTERM handler");
    let mut interrupt = signal(SignalKind::interrupt()).expect("installing the SIGINT handler");
    tokio::select! {
        _ = terminate.recv() => tracing::info!("SIGTERM received, shutting down"),
        _ = interrupt.recv() => tracing::info!("SIGINT received, shutting down"),
    }
}
