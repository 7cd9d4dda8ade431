//! The job runner on a real PostgreSQL: once per interval across replicas, failures
//! recorded and retried, a clean stop, and claims left by a dead replica taken over.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use domain::DomainError;
use domain::jobs::{self, Job, Outcome, Runner};
use sqlx::PgPool;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// One fresh database reached through two pools, as two replicas reach the shop's.
async fn two_replicas() -> (PgPool, PgPool) {
    let options = localpg::testing::fresh_database().await;
    let first = domain::db::connect(options.clone(), 5).await.unwrap();
    domain::db::migrate(&first).await.unwrap();
    let second = domain::db::connect(options, 5).await.unwrap();
    make_ticks(&first).await;
    (first, second)
}

async fn one_replica() -> PgPool {
    let pool = crate::common::database().await;
    make_ticks(&pool).await;
    pool
}

/// What the test jobs write, so a run can be seen from outside the runner.
async fn make_ticks(pool: &PgPool) {
    sqlx::query(
        "CREATE TABLE ticks (id serial PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())",
    )
    .execute(pool)
    .await
    .unwrap();
}

async fn ticks(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM ticks")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn tick(pool: &PgPool) -> Result<u64, DomainError> {
    sqlx::query("INSERT INTO ticks DEFAULT VALUES")
        .execute(pool)
        .await?;
    Ok(1)
}

/// A job that writes one tick per run.
fn counting(every: Duration) -> Job {
    Job::new("count", every, |pool| async move { tick(&pool).await })
}

/// Starts a runner; the sender stops it.
fn start(runner: Runner) -> (watch::Sender<bool>, JoinHandle<()>) {
    let (stop, stopping) = watch::channel(false);
    (stop, tokio::spawn(runner.run(stopping)))
}

/// Stops a runner and waits for it, failing the test if it does not return.
async fn stop(stop: watch::Sender<bool>, runner: JoinHandle<()>) {
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), runner)
        .await
        .expect("the runner did not return after shutdown")
        .unwrap();
}

/// Waits (up to 10 s) until `count` returns at least `least`.
async fn until_at_least<F, Fut>(least: i64, count: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = i64>,
{
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = count().await;
        if now >= least {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "only {now} of {least} after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The recorded runs of `job`, oldest first: (start, outcome, error, replica).
async fn runs(
    pool: &PgPool,
    job: &str,
) -> Vec<(
    chrono::DateTime<chrono::Utc>,
    String,
    Option<String>,
    String,
)> {
    sqlx::query_as(
        "SELECT started_at, outcome, error, replica FROM job_runs WHERE job = $1 ORDER BY started_at",
    )
    .bind(job)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn run_count(pool: &PgPool, job: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM job_runs WHERE job = $1")
        .bind(job)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn two_replicas_run_a_job_once_per_interval_between_them() {
    let (first, second) = two_replicas().await;
    let every = Duration::from_millis(700);
    let began = Instant::now();
    let (stop_a, a) = start(Runner::new(
        first.clone(),
        "replica-a",
        vec![counting(every)],
    ));
    let (stop_b, b) = start(Runner::new(second, "replica-b", vec![counting(every)]));
    tokio::time::sleep(Duration::from_millis(3000)).await;
    stop(stop_a, a).await;
    stop(stop_b, b).await;
    let elapsed = began.elapsed();

    let runs = runs(&first, "count").await;
    let ticked = ticks(&first).await;
    assert_eq!(ticked, runs.len() as i64, "every run recorded, once");
    // Twice per interval (each replica on its own) would be about 9.
    let most = (elapsed.as_secs_f64() / every.as_secs_f64()).floor() as i64 + 1;
    assert!((3..=most).contains(&ticked), "{ticked} runs in {elapsed:?}");
    for pair in runs.windows(2) {
        let gap = (pair[1].0 - pair[0].0).to_std().unwrap();
        assert!(gap >= every, "two runs {gap:?} apart: {runs:?}");
    }
    assert!(runs.iter().all(|run| run.1 == "ok"));
}

#[tokio::test]
async fn a_failed_run_is_recorded_and_the_job_runs_again_at_the_next_interval() {
    let pool = one_replica().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let every = Duration::from_millis(500);
    let flaky = Job::new("flaky", every, move |pool| {
        let first = seen.fetch_add(1, Ordering::SeqCst) == 0;
        async move {
            if first {
                return Err(DomainError::Internal(
                    "the rate service did not answer".into(),
                ));
            }
            tick(&pool).await
        }
    });
    let (stop_it, runner) = start(Runner::new(pool.clone(), "replica-a", vec![flaky]));
    until_at_least(2, || run_count(&pool, "flaky")).await;
    stop(stop_it, runner).await;

    let runs = runs(&pool, "flaky").await;
    assert_eq!(runs[0].1, "failed");
    // The error with its causes, as the log would have it.
    let error = runs[0].2.as_deref().unwrap_or_default();
    assert!(error.contains("the rate service did not answer"), "{error}");
    assert_eq!(runs[1].1, "ok");
    assert!((runs[1].0 - runs[0].0).to_std().unwrap() >= every);
    let (failed_at, error, succeeded_at): (
        Option<chrono::DateTime<chrono::Utc>>,
        Option<String>,
        Option<chrono::DateTime<chrono::Utc>>,
    ) = sqlx::query_as(
        "SELECT last_failure_at, last_error, last_success_at FROM jobs WHERE name = 'flaky'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(error.as_deref(), runs[0].2.as_deref());
    assert!(succeeded_at.unwrap() > failed_at.unwrap());
}

/// A job that says when it has started, then takes `takes` before writing its tick.
fn slow(started: Arc<Notify>, takes: Duration) -> Job {
    Job::new("slow", Duration::from_secs(3600), move |pool| {
        let started = started.clone();
        async move {
            started.notify_one();
            tokio::time::sleep(takes).await;
            tick(&pool).await
        }
    })
}

#[tokio::test]
async fn shutdown_lets_a_running_job_finish() {
    let pool = one_replica().await;
    let started = Arc::new(Notify::new());
    let job = slow(started.clone(), Duration::from_millis(1500));
    let (stop_it, runner) = start(Runner::new(pool.clone(), "replica-a", vec![job]));
    tokio::time::timeout(Duration::from_secs(10), started.notified())
        .await
        .expect("the job did not start");
    stop(stop_it, runner).await;

    assert_eq!(
        ticks(&pool).await,
        1,
        "the run finished before the runner returned"
    );
    let runs = runs(&pool, "slow").await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].1, "ok");
    let claimed: Option<String> = sqlx::query_scalar("SELECT run_by FROM jobs WHERE name = 'slow'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(claimed, None, "the claim is let go");
}

#[tokio::test]
async fn a_job_outlasting_the_grace_period_is_cut_short_and_its_claim_let_go() {
    let pool = one_replica().await;
    let started = Arc::new(Notify::new());
    let job = slow(started.clone(), Duration::from_secs(600));
    let runner =
        Runner::new(pool.clone(), "replica-a", vec![job]).grace(Duration::from_millis(300));
    let (stop_it, runner) = start(runner);
    tokio::time::timeout(Duration::from_secs(10), started.notified())
        .await
        .expect("the job did not start");
    stop(stop_it, runner).await;

    assert_eq!(ticks(&pool).await, 0);
    let runs = runs(&pool, "slow").await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].1, "failed");
    assert!(
        runs[0].2.as_deref().unwrap().starts_with("cut short"),
        "{runs:?}"
    );
    let claimed: Option<String> = sqlx::query_scalar("SELECT run_by FROM jobs WHERE name = 'slow'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(claimed, None);
}

/// A `count` job claimed by a replica that is gone, its lease ending at `lease_until`.
async fn claimed_by_a_gone_replica(pool: &PgPool, lease_until: &str) {
    sqlx::query(&format!(
        "INSERT INTO jobs (name, every, next_run_at, running_since, run_by, lease_until)
         VALUES ('count', interval '1 hour', now() - interval '1 hour',
                 now() - interval '2 hours', 'gone-replica', {lease_until})"
    ))
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_claim_left_by_a_crashed_replica_is_taken_over_after_its_lease() {
    let pool = one_replica().await;
    claimed_by_a_gone_replica(&pool, "now() - interval '1 hour'").await;
    let job = counting(Duration::from_secs(3600));
    let (stop_it, runner) = start(Runner::new(pool.clone(), "replica-b", vec![job]));
    until_at_least(1, || run_count(&pool, "count")).await;
    stop(stop_it, runner).await;

    assert_eq!(ticks(&pool).await, 1);
    let runs = runs(&pool, "count").await;
    assert_eq!(runs[0].3, "replica-b");
    let claimed: Option<String> =
        sqlx::query_scalar("SELECT run_by FROM jobs WHERE name = 'count'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(claimed, None);
}

#[tokio::test]
async fn a_claim_within_its_lease_is_left_alone() {
    let pool = one_replica().await;
    claimed_by_a_gone_replica(&pool, "now() + interval '1 hour'").await;
    let job = counting(Duration::from_millis(100));
    let (stop_it, runner) = start(Runner::new(pool.clone(), "replica-b", vec![job]));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop(stop_it, runner).await;

    assert_eq!(ticks(&pool).await, 0);
    assert_eq!(run_count(&pool, "count").await, 0);
}

#[tokio::test]
async fn a_long_run_keeps_its_claim_so_no_other_replica_starts_it() {
    let (first, second) = two_replicas().await;
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    // Due every 100 ms, running 3 s, with a lease of 1.2 s: only renewing the lease keeps
    // the other replica from starting a second run alongside.
    let job = || {
        let (running, most) = (running.clone(), most.clone());
        Job::new("long", Duration::from_millis(100), move |pool| {
            let (running, most) = (running.clone(), most.clone());
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(3)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                tick(&pool).await
            }
        })
    };
    let lease = Duration::from_millis(1200);
    let (stop_a, a) = start(Runner::new(first.clone(), "replica-a", vec![job()]).lease(lease));
    let (stop_b, b) = start(Runner::new(second, "replica-b", vec![job()]).lease(lease));
    until_at_least(1, || ticks(&first)).await;
    stop(stop_a, a).await;
    stop(stop_b, b).await;

    assert_eq!(most.load(Ordering::SeqCst), 1, "two runs at once");
}

#[tokio::test]
async fn idle_runs_of_a_quiet_job_leave_no_history_but_its_last_run_time() {
    let pool = one_replica().await;
    let idle =
        Job::new("idle", Duration::from_millis(100), |_pool| async { Ok(0) }).quiet_when_idle();
    let (stop_it, runner) = start(Runner::new(pool.clone(), "replica-a", vec![idle]));
    tokio::time::sleep(Duration::from_millis(800)).await;
    stop(stop_it, runner).await;

    assert_eq!(run_count(&pool, "idle").await, 0);
    let last_run: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT last_run_at FROM jobs WHERE name = 'idle'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(last_run.is_some());
}

#[tokio::test]
async fn the_overview_shows_each_job_with_its_latest_runs_newest_first() {
    let pool = one_replica().await;
    let job = counting(Duration::from_millis(200));
    let (stop_it, runner) = start(Runner::new(pool.clone(), "replica-a", vec![job]));
    until_at_least(3, || run_count(&pool, "count")).await;
    stop(stop_it, runner).await;

    let overview = jobs::overview(&pool).await.unwrap();
    let count = overview.iter().find(|job| job.name == "count").unwrap();
    assert!((count.every_secs - 0.2).abs() < 1e-9);
    assert!(count.recent.len() >= 3);
    assert!(
        count
            .recent
            .windows(2)
            .all(|w| w[0].started_at > w[1].started_at)
    );
    assert!(
        count.recent.iter().all(|run| run.outcome == Outcome::Ok
            && run.handled == 1
            && run.replica == "replica-a")
    );
    assert!(count.last_success_at.is_some());
}

#[tokio::test]
async fn pruning_keeps_a_month_and_at_most_a_thousand_runs_per_job() {
    let pool = one_replica().await;
    sqlx::query(
        "INSERT INTO jobs (name, every) VALUES ('busy', interval '2 seconds'),
                                               ('rare', interval '1 day')",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO job_runs (job, started_at, finished_at, outcome, replica)
         SELECT 'busy', now() - make_interval(secs => n), now(), 'ok', 'r'
         FROM generate_series(1, 1010) AS n
         UNION ALL
         SELECT 'rare', now() - make_interval(days => n), now(), 'ok', 'r'
         FROM unnest(ARRAY[29, 31, 32]) AS n",
    )
    .execute(&pool)
    .await
    .unwrap();

    assert_eq!(jobs::prune_history(&pool).await.unwrap(), 10 + 2);
    assert_eq!(run_count(&pool, "busy").await, 1000);
    assert_eq!(run_count(&pool, "rare").await, 1);
}
