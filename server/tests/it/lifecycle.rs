//! The real `vitrine` binary and its private PostgreSQL: first start, restart with data
//! kept, clean stop, crash recovery, and the start-up errors a shop owner can hit.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sqlx::Connection;

const BINARY: &str = env!("CARGO_BIN_EXE_vitrine");

/// A data directory the `postgres` user can reach even when tests run as root.
fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("vitrine-life")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn command(data_dir: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env_remove("DATABASE_URL")
        .env("VITRINE_DATA_DIR", data_dir)
        .env("VITRINE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Starts the binary and waits for its "running at" line.
    fn start(data_dir: &Path) -> Server {
        Server::start_with(command(data_dir))
    }

    fn start_with(mut command: Command) -> Server {
        let mut child = command.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("Vitrine is running at ") {
                    let _ = sender.send(url.to_string());
                }
            }
        });
        match receiver.recv_timeout(Duration::from_secs(120)) {
            Ok(url) => Server { child, url },
            Err(_) => {
                let _ = child.kill();
                let output = child.wait_with_output().unwrap();
                panic!(
                    "the server did not start: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
    }

    fn signal(&self, signal: i32) {
        unsafe { libc::kill(self.child.id() as i32, signal) };
    }

    /// SIGTERM, then wait for the exit.
    fn stop(mut self) -> ExitStatus {
        self.signal(libc::SIGTERM);
        wait_with_timeout(&mut self.child, Duration::from_secs(60))
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let response = reqwest::get(format!("{}{path}", self.url)).await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            started.elapsed() < timeout,
            "the process did not exit in time"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs the binary to completion, expecting it to refuse to start.
fn run_expecting_failure(command: &mut Command) -> String {
    let mut child = command.spawn().unwrap();
    let status = wait_with_timeout(&mut child, Duration::from_secs(60));
    let output = child.wait_with_output().unwrap();
    assert!(!status.success(), "the server should have refused to start");
    assert_eq!(status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let message: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("vitrine: "))
        .collect();
    assert_eq!(message.len(), 1, "one clear message, got: {stderr}");
    message[0].to_string()
}

fn postgres_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("postgres")
}

fn postmaster_pid(data_dir: &Path) -> Option<i32> {
    let contents = std::fs::read_to_string(postgres_dir(data_dir).join("postmaster.pid")).ok()?;
    contents.lines().next()?.trim().parse().ok()
}

fn is_running(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "))
}

async fn shop_database(data_dir: &Path) -> sqlx::PgConnection {
    let options = sqlx::postgres::PgConnectOptions::new()
        .socket(postgres_dir(data_dir))
        .username("vitrine")
        .database("vitrine");
    sqlx::PgConnection::connect_with(&options).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn first_start_restart_with_data_kept_and_clean_stop() {
    let dir = data_dir();

    // First start: a new cluster, migrated and seeded.
    let server = Server::start(dir.path());
    assert!(postgres_dir(dir.path()).join("PG_VERSION").exists());
    assert_eq!(server.get("/healthz").await, (200, "ok".into()));
    assert_eq!(server.get("/readyz").await, (200, "ready".into()));
    let (status, home) = server.get("/").await;
    assert_eq!(status, 200);
    assert!(home.contains("Vitrine Demo Shop"));
    let postgres = postmaster_pid(dir.path()).expect("postgres is running");

    // The shop owner renames the shop.
    let mut db = shop_database(dir.path()).await;
    sqlx::query("UPDATE shop_settings SET name = 'Kept Across Restarts'")
        .execute(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();

    // Clean stop: exit code 0, PostgreSQL gone, its lock file removed.
    assert!(server.stop().success());
    assert!(
        !is_running(postgres),
        "PostgreSQL must stop with the server"
    );
    assert_eq!(postmaster_pid(dir.path()), None);

    // Restart: the same data, not seeded again.
    let server = Server::start(dir.path());
    let (_, home) = server.get("/").await;
    assert!(home.contains("Kept Across Restarts"));
    let mut db = shop_database(dir.path()).await;
    let categories: i64 = sqlx::query_scalar("SELECT count(*) FROM categories")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(categories, 8);
    db.close().await.unwrap();
    assert!(server.stop().success());
}

/// Two server processes on one database (a second replica pointed at the first one's
/// PostgreSQL): each periodic job runs once per interval between them, not once each.
#[tokio::test(flavor = "multi_thread")]
async fn two_servers_on_one_database_run_each_job_once_per_interval() {
    let dir = data_dir();
    let first = Server::start(dir.path());
    let second_dir = data_dir();
    let url = format!(
        "postgresql://vitrine@localhost/vitrine?host={}",
        postgres_dir(dir.path()).display()
    );
    let mut command = command(second_dir.path());
    command.env("DATABASE_URL", &url);
    let second = Server::start_with(command);
    assert_eq!(second.get("/readyz").await, (200, "ready".into()));
    // Both are up and have had time to run whatever is due.
    tokio::time::sleep(Duration::from_secs(4)).await;

    let mut db = shop_database(dir.path()).await;
    let runs: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT job, count(*), count(DISTINCT replica) FROM job_runs
         WHERE job IN ('cart.sweep_abandoned', 'accounts.sweep_expired', 'jobs.prune_history')
         GROUP BY job ORDER BY job",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(runs.len(), 3, "every hourly job ran: {runs:?}");
    for (job, count, _) in &runs {
        assert_eq!(*count, 1, "{job} ran {count} times within its hour");
    }
    // The e-mail job, due every 2 s, went on running between them.
    let since: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM now() - last_run_at)::float8 FROM jobs WHERE name = 'mail.deliver'",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert!(since < 10.0, "mail.deliver last ran {since} s ago");
    db.close().await.unwrap();
    assert!(second.stop().success());
    assert!(first.stop().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_server_takes_its_database_down_with_it() {
    let dir = data_dir();
    let mut server = Server::start(dir.path());
    let postgres = postmaster_pid(dir.path()).unwrap();
    server.signal(libc::SIGKILL);
    server.child.wait().unwrap();
    let started = Instant::now();
    while is_running(postgres) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "PostgreSQL outlived a killed server"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // And the next start is normal.
    let server = Server::start(dir.path());
    assert_eq!(server.get("/readyz").await.0, 200);
    assert!(server.stop().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_lock_file_after_a_crash_is_recovered() {
    let dir = data_dir();
    let server = Server::start(dir.path());
    let postgres = postmaster_pid(dir.path()).unwrap();
    // Crash PostgreSQL hard (no clean-up at all), then the server.
    let children = child_pids(postgres);
    unsafe { libc::kill(postgres, libc::SIGKILL) };
    for pid in children {
        while is_running(pid) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let mut server = server;
    server.signal(libc::SIGKILL);
    server.child.wait().unwrap();
    assert_eq!(
        postmaster_pid(dir.path()),
        Some(postgres),
        "the lock file is left behind"
    );

    // The next start recovers by itself.
    let server = Server::start(dir.path());
    let (status, home) = server.get("/").await;
    assert_eq!(status, 200);
    assert!(home.contains("Vitrine Demo Shop"));
    assert!(server.stop().success());

    // A lock file naming a live process that is not PostgreSQL (a reused pid) is stale too.
    let lock = postgres_dir(dir.path()).join("postmaster.pid");
    std::fs::write(&lock, format!("{}\n/elsewhere\n", std::process::id())).unwrap();
    let server = Server::start(dir.path());
    assert_eq!(server.get("/readyz").await.0, 200);
    assert!(server.stop().success());
}

fn child_pids(parent: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let after_name = stat.rsplit_once(") ")?.1;
            let ppid: i32 = after_name.split_whitespace().nth(1)?.parse().ok()?;
            (ppid == parent).then_some(pid)
        })
        .collect()
}

#[test]
fn a_busy_port_is_reported_before_any_database_work() {
    let dir = data_dir();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let message = run_expecting_failure(command(dir.path()).env("VITRINE_ADDR", &addr));
    assert!(message.contains(&addr), "{message}");
    assert!(message.contains("already in use"), "{message}");
    assert!(!postgres_dir(dir.path()).exists(), "nothing was set up");
}

#[test]
fn a_bad_database_url_is_reported() {
    let dir = data_dir();
    // Nothing listens on port 1.
    let url = "postgres://shop:hunter2@127.0.0.1:1/vitrine";
    let message = run_expecting_failure(command(dir.path()).env("DATABASE_URL", url));
    assert!(
        message.contains("cannot connect to postgres://shop:***@127.0.0.1:1/vitrine"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "passwords are never printed");

    let message = run_expecting_failure(command(dir.path()).env("DATABASE_URL", "mysql:/x"));
    assert!(message.contains("DATABASE_URL is not valid"), "{message}");
}

#[test]
fn an_unusable_data_directory_is_reported() {
    let dir = data_dir();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "").unwrap();
    std::fs::create_dir_all(dir.path().join("parent")).unwrap();
    // VITRINE_DATA_DIR/postgres is a file.
    std::fs::write(dir.path().join("parent/postgres"), "").unwrap();
    let message = run_expecting_failure(&mut command(&dir.path().join("parent")));
    assert!(message.contains("not a directory"), "{message}");
}

#[test]
fn missing_postgresql_programs_say_what_to_install() {
    let dir = data_dir();
    let message =
        run_expecting_failure(command(dir.path()).env("VITRINE_PG_BIN", "/nonexistent/bin"));
    assert!(message.contains("apt-get install postgresql"), "{message}");
    assert!(message.contains("/nonexistent/bin"), "{message}");
}

#[test]
fn seed_fills_an_empty_catalog_and_leaves_a_full_one_alone() {
    let dir = data_dir();
    let seed = |count: &str| {
        let mut command = command(dir.path());
        command.args(["seed", "--products", count]);
        command.output().unwrap()
    };
    let output = seed("300");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("products: 300"));
    let again = seed("300");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("AlreadyPresent"));
    // The cluster was stopped after each run.
    assert_eq!(postmaster_pid(dir.path()), None);
    let bad = seed("lots");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--products takes a number"));
}

#[test]
fn help_and_unknown_commands() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("VITRINE_DATA_DIR"));
    let output = Command::new(BINARY).arg("frobnicate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown command `frobnicate`"));
}
