//! A cluster for tests: one per test process, started on first use, with a fresh database
//! for each test so tests never see each other's rows.
//!
//! This is how the integration tests get a real PostgreSQL on a machine where no server
//! is running, exactly the way the shop itself gets one.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use crate::{Cluster, Options};

struct Shared {
    connect: PgConnectOptions,
}

static SHARED: OnceLock<Result<Shared, String>> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

/// The folder holding one data directory per test process; under /tmp so that the
/// `postgres` user can reach it when tests run as root.
fn base_dir() -> PathBuf {
    std::env::temp_dir().join("vitrine-test-pg")
}

fn shared() -> &'static Shared {
    let shared = SHARED.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel();
        // The cluster lives on its own thread for the life of the process: PostgreSQL is
        // told to stop when the thread that started it ends, and test threads come and go.
        std::thread::Builder::new()
            .name("localpg-test-cluster".into())
            .spawn(move || {
                let started = start_test_cluster();
                let connect = started.as_ref().map(|c| c.connect_options("postgres"));
                let _ = sender.send(connect.map_err(|e| e.to_string()));
                let _keep_running = started;
                loop {
                    std::thread::park();
                }
            })
            .expect("spawning the test cluster thread");
        receiver
            .recv()
            .map_err(|e| e.to_string())
            .and_then(|connect| connect.map(|connect| Shared { connect }))
    });
    match shared {
        Ok(shared) => shared,
        Err(error) => panic!("the test PostgreSQL cluster did not start: {error}"),
    }
}

fn start_test_cluster() -> Result<Cluster, crate::Error> {
    let base = base_dir();
    std::fs::create_dir_all(&base).map_err(crate::io("creating the test cluster folder"))?;
    remove_leftovers(&base);
    let mut options = Options::new(base.join(std::process::id().to_string()));
    options.ephemeral = true;
    Cluster::start(&options)
}

/// Earlier test processes cannot clean up after themselves (statics are never dropped),
/// so the next run removes the data directories of processes that are gone.
fn remove_leftovers(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let owner_alive = Path::new(&format!("/proc/{pid}")).exists();
        let postgres_alive = entry.path().join("postmaster.pid").exists();
        if !owner_alive && !postgres_alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Creates an empty database on the shared test cluster and returns how to reach it.
pub async fn fresh_database() -> PgConnectOptions {
    let shared = shared();
    let name = format!(
        "test_{}_{}",
        std::process::id(),
        NEXT_DATABASE.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = PgConnection::connect_with(&shared.connect)
        .await
        .expect("connecting to the test cluster");
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("creating a test database");
    admin.close().await.ok();
    shared.connect.clone().database(&name)
}
