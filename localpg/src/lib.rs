//! A private PostgreSQL cluster run from the binaries installed on the machine.
//!
//! Vitrine needs no database set-up: without `DATABASE_URL` the server calls
//! [`Cluster::start`], which runs `initdb` on first use and then `postgres` as a child
//! process listening on a unix socket only. The cluster is stopped by [`Cluster::stop`]
//! (or when the `Cluster` is dropped), and the data survives for the next start.
//!
//! Why not a crate such as `postgresql_embedded`: those download PostgreSQL builds at run
//! time, and a shop server must not fetch binaries from the internet. Debian's
//! `postgresql` package is what we run instead.

mod binaries;
mod pidfile;
mod process;
pub mod testing;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;

pub use binaries::find_bin_dir;

/// The database role and database created in a new cluster.
pub const SUPERUSER: &str = "vitrine";

/// The port only names the socket file (`.s.PGSQL.<port>`); nothing listens on TCP.
const PORT: u16 = 5432;

/// A socket path longer than this does not fit in `sockaddr_un` (108 bytes with NUL).
const MAX_SOCKET_PATH: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "PostgreSQL server programs (initdb, postgres) were not found{searched}. Install them \
         with `sudo apt-get install postgresql`, point VITRINE_PG_BIN at the folder holding \
         them, or set DATABASE_URL to use a PostgreSQL server you run yourself"
    )]
    BinariesNotFound { searched: String },
    #[error("cannot use the data directory {path}: {reason}")]
    DataDir { path: PathBuf, reason: String },
    #[error(
        "the data directory {path} is in use by a running PostgreSQL (pid {pid}); is another \
         Vitrine using it? Stop it, or choose another directory with VITRINE_DATA_DIR"
    )]
    InUse { path: PathBuf, pid: i32 },
    #[error(
        "PostgreSQL refuses to run as root and there is no `{user}` user to run it as; \
         install Debian's postgresql package (it creates that user) or run Vitrine as a \
         normal user"
    )]
    NoUnprivilegedUser { user: String },
    #[error("initdb failed for {path}: {output}")]
    Initdb { path: PathBuf, output: String },
    #[error("PostgreSQL did not start: {reason}\n--- last lines of {log} ---\n{log_tail}")]
    Start {
        reason: String,
        log: PathBuf,
        log_tail: String,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
    let context = context.into();
    move |source| Error::Io { context, source }
}

/// How to run a cluster.
#[derive(Clone, Debug)]
pub struct Options {
    /// The cluster's data directory (`PGDATA`); created if missing.
    pub data_dir: PathBuf,
    /// Where `initdb` and `postgres` live; searched for when `None`.
    pub bin_dir: Option<PathBuf>,
    /// The operating-system user to run PostgreSQL as when we are root.
    pub root_runs_as: String,
    /// Trade durability for speed (`fsync=off`): for tests only.
    pub ephemeral: bool,
}

impl Options {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Options {
            data_dir: data_dir.into(),
            bin_dir: None,
            root_runs_as: "postgres".into(),
            ephemeral: false,
        }
    }
}

/// A running PostgreSQL cluster owned by this process.
#[derive(Debug)]
pub struct Cluster {
    data_dir: PathBuf,
    socket_dir: PathBuf,
    log_file: PathBuf,
    child: Option<Child>,
}

impl Cluster {
    /// Initialises the data directory if it is new, starts PostgreSQL on a private unix
    /// socket and waits until it accepts connections.
    ///
    /// Call it from a thread that outlives the cluster (the main thread in the server):
    /// PostgreSQL is asked to shut down when that thread ends, so a crashed or killed
    /// server never leaves an orphaned database behind.
    pub fn start(options: &Options) -> Result<Cluster, Error> {
        let bin_dir = match &options.bin_dir {
            Some(dir) => binaries::check_bin_dir(dir)?,
            None => find_bin_dir()?,
        };
        let run_as = process::RunAs::for_current_user(&options.root_runs_as)?;
        let data_dir = prepare_data_dir(&options.data_dir, &run_as)?;

        if !data_dir.join("PG_VERSION").exists() {
            process::initdb(&bin_dir, &data_dir, &run_as, options.ephemeral)?;
        }
        let socket_dir = socket_dir_for(&data_dir, &run_as)?;
        pidfile::clear_stale_locks(&data_dir, &socket_dir, PORT)?;
        let log_file = data_dir.join("vitrine-postgres.log");
        let child = process::spawn_postgres(
            &bin_dir,
            &data_dir,
            &socket_dir,
            PORT,
            &log_file,
            &run_as,
            options.ephemeral,
        )?;
        let mut cluster = Cluster {
            data_dir,
            socket_dir,
            log_file,
            child: Some(child),
        };
        cluster.wait_until_ready(Duration::from_secs(60))?;
        tracing::info!(data_dir = %cluster.data_dir.display(), "PostgreSQL is ready");
        Ok(cluster)
    }

    fn wait_until_ready(&mut self, timeout: Duration) -> Result<(), Error> {
        let started = Instant::now();
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(self.start_error(format!("postgres exited with {status}")));
            }
            if pidfile::is_ready(&self.data_dir) {
                return Ok(());
            }
            if started.elapsed() > timeout {
                let reason = format!("not ready after {} seconds", timeout.as_secs());
                return Err(self.start_error(reason));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn start_error(&self, reason: String) -> Error {
        Error::Start {
            reason,
            log: self.log_file.clone(),
            log_tail: tail(&self.log_file, 15),
        }
    }

    /// Connection options for `database` on this cluster, as the cluster's superuser.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// Shuts PostgreSQL down ("fast" mode: open sessions are ended, data is flushed) and
    /// waits for it to exit.
    pub fn stop(mut self) -> Result<(), Error> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), Error> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        process::stop_postgres(&mut child, Duration::from_secs(60))
            .map_err(io("stopping PostgreSQL"))?;
        tracing::info!(data_dir = %self.data_dir.display(), "PostgreSQL stopped");
        Ok(())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Err(error) = self.shutdown() {
            tracing::error!(%error, "could not stop PostgreSQL cleanly");
        }
    }
}

/// Creates the data directory if needed and makes it private to the user PostgreSQL
/// runs as. Returns its absolute path.
fn prepare_data_dir(path: &Path, run_as: &process::RunAs) -> Result<PathBuf, Error> {
    let data_error = |reason: String| Error::DataDir {
        path: path.to_path_buf(),
        reason,
    };
    if path.exists() && !path.is_dir() {
        return Err(data_error("it exists but is not a directory".into()));
    }
    fs::create_dir_all(path).map_err(|e| data_error(e.to_string()))?;
    let path = fs::canonicalize(path).map_err(|e| data_error(e.to_string()))?;
    if let Err(e) = fs::read_dir(&path) {
        return Err(data_error(format!("it cannot be read ({e})")));
    }
    run_as
        .make_private(&path)
        .map_err(|e| data_error(e.to_string()))?;
    run_as.check_can_enter(&path).map_err(data_error)?;
    Ok(path)
}

/// The socket lives in the data directory itself (private, 0700) unless that path is too
/// long for a unix socket, in which case a private folder under the temp dir is used.
fn socket_dir_for(data_dir: &Path, run_as: &process::RunAs) -> Result<PathBuf, Error> {
    let socket_file_len = format!("/.s.PGSQL.{PORT}").len();
    if data_dir.as_os_str().len() + socket_file_len <= MAX_SOCKET_PATH {
        return Ok(data_dir.to_path_buf());
    }
    let digest = fnv1a(data_dir.as_os_str().as_encoded_bytes());
    let dir = std::env::temp_dir().join(format!("vitrine-pg-{digest:016x}"));
    fs::create_dir_all(&dir).map_err(io(format!("creating {}", dir.display())))?;
    run_as
        .make_private(&dir)
        .map_err(io(format!("securing {}", dir.display())))?;
    Ok(dir)
}

/// A stable, dependency-free hash: it only has to name a folder, not resist attacks.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x100000001b3)
    })
}

/// The last `lines` lines of a log file, or a note saying why there are none.
fn tail(path: &Path, lines: usize) -> String {
    match fs::read_to_string(path) {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(log unavailable: {e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_data_dirs_get_a_short_socket_dir() {
        let run_as = process::RunAs::for_current_user("postgres").unwrap();
        let long = std::env::temp_dir().join("x".repeat(120));
        let dir = socket_dir_for(&long, &run_as).unwrap();
        assert_ne!(dir, long);
        assert!(dir.as_os_str().len() + 14 <= MAX_SOCKET_PATH);
        // The same data directory always maps to the same socket folder.
        assert_eq!(dir, socket_dir_for(&long, &run_as).unwrap());
        fs::remove_dir(dir).ok();
    }

    #[test]
    fn short_data_dirs_hold_their_own_socket() {
        let run_as = process::RunAs::for_current_user("postgres").unwrap();
        let short = PathBuf::from("/tmp/pgdata");
        assert_eq!(socket_dir_for(&short, &run_as).unwrap(), short);
    }

    #[test]
    fn a_file_is_not_a_data_directory() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let run_as = process::RunAs::for_current_user("postgres").unwrap();
        let err = prepare_data_dir(file.path(), &run_as).unwrap_err();
        assert!(err.to_string().contains("not a directory"), "{err}");
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, b"a\nb\nc\nd\n").unwrap();
        assert_eq!(tail(file.path(), 2), "c\nd");
        assert!(tail(Path::new("/nonexistent/log"), 2).starts_with("(log unavailable"));
    }
}
