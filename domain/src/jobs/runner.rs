//! The runner: one task per job, each claiming its job when due, running it, and
//! recording the run, until the process stops.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio::sync::watch;

use super::Job;
use super::claims::{self, Claim};
use crate::DomainError;

/// How long a running job may go on once shutdown has begun; then it is cut short (and
/// recorded as failed) so the process can stop.
pub const GRACE: Duration = Duration::from_secs(30);

/// How long a claim holds without being renewed. A running job renews it every third
/// of this, so only a replica that stopped (or lost the database) lets it run out.
pub const LEASE: Duration = Duration::from_secs(60);

/// How long to wait before trying again when the database could not be reached.
const RETRY: Duration = Duration::from_secs(5);

/// The shortest wait between two looks at a job's row (clocks differ a little between
/// the database and this process; this keeps a due job from being polled in a spin).
const LEAST_WAIT: Duration = Duration::from_millis(50);

/// Runs a set of jobs, each at its interval, on behalf of one replica.
pub struct Runner {
    pool: PgPool,
    replica: String,
    jobs: Vec<Job>,
    grace: Duration,
    lease: Duration,
}

impl Runner {
    /// `replica` names this process on claims and runs (see [`super::replica_id`]).
    pub fn new(pool: PgPool, replica: impl Into<String>, jobs: Vec<Job>) -> Runner {
        Runner {
            pool,
            replica: replica.into(),
            jobs,
            grace: GRACE,
            lease: LEASE,
        }
    }

    /// How long a running job may finish after shutdown begins (default [`GRACE`]).
    pub fn grace(mut self, grace: Duration) -> Runner {
        self.grace = grace;
        self
    }

    /// How long a claim holds unrenewed (default [`LEASE`]).
    pub fn lease(mut self, lease: Duration) -> Runner {
        self.lease = lease;
        self
    }

    /// Runs every job until `stop` turns true (or its sender is dropped), then lets the
    /// runs under way finish (each within the grace period) and returns.
    pub async fn run(self, stop: watch::Receiver<bool>) {
        let shared = Arc::new(Shared {
            pool: self.pool,
            replica: self.replica,
            grace: self.grace,
            lease: self.lease,
        });
        let mut tasks = tokio::task::JoinSet::new();
        for job in self.jobs {
            tasks.spawn(keep_running(shared.clone(), job, stop.clone()));
        }
        while let Some(done) = tasks.join_next().await {
            if let Err(error) = done {
                tracing::error!(%error, "a job's runner task failed");
            }
        }
        tracing::info!("job runner stopped");
    }
}

struct Shared {
    pool: PgPool,
    replica: String,
    grace: Duration,
    lease: Duration,
}

/// True once shutdown has begun (a dropped sender counts: nobody can say "go on").
fn stopping(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

/// Resolves once shutdown begins. The value read is dropped here, never held across an
/// await of the caller (it is a lock guard, and the runner's tasks move between threads).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

async fn keep_running(shared: Arc<Shared>, job: Job, mut stop: watch::Receiver<bool>) {
    let mut registered = false;
    while !stopping(&stop) {
        let wait = match turn(&shared, &job, &mut registered, &mut stop).await {
            Ok(wait) => wait,
            Err(error) => {
                tracing::warn!(job = job.name, %error, "the job runner could not reach its table");
                RETRY
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stopped(&mut stop) => {}
        }
    }
}

/// One look at the job: runs it if it is due and free, then says how long to wait.
async fn turn(
    shared: &Shared,
    job: &Job,
    registered: &mut bool,
    stop: &mut watch::Receiver<bool>,
) -> Result<Duration, DomainError> {
    if !*registered {
        claims::register(&shared.pool, job).await?;
        *registered = true;
    }
    if let Some(claim) =
        claims::claim(&shared.pool, job.name, &shared.replica, shared.lease).await?
    {
        let result = run_claimed(shared, job, &claim, stop).await;
        match &result {
            Ok(0) => tracing::debug!(job = job.name, "job ran, nothing to do"),
            Ok(handled) => tracing::info!(job = job.name, handled, "job ran"),
            Err(error) => tracing::warn!(job = job.name, %error, "job failed"),
        }
        if !claims::finish(&shared.pool, job, &shared.replica, &claim, &result).await? {
            tracing::warn!(
                job = job.name,
                "the job's claim had run out and was taken over"
            );
        }
    }
    let due_in = claims::due_in(&shared.pool, job.name).await?;
    let wait = Duration::try_from_secs_f64(due_in).unwrap_or(Duration::ZERO);
    // Never longer than an interval, so a row changed by hand is seen again in time.
    Ok(wait.clamp(LEAST_WAIT, job.every.max(LEAST_WAIT)))
}

/// Runs a claimed job in a task of its own (a panic is a failed run, not a dead runner),
/// renewing the claim meanwhile; once shutdown begins it waits at most the grace period.
async fn run_claimed(
    shared: &Shared,
    job: &Job,
    claim: &Claim,
    stop: &mut watch::Receiver<bool>,
) -> Result<u64, String> {
    let mut running = tokio::spawn(job.run(&shared.pool));
    let every = shared.lease / 3;
    let mut renew = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let cut_off = tokio::time::sleep(Duration::MAX / 4);
    tokio::pin!(cut_off);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            joined = &mut running => {
                return match joined {
                    Ok(Ok(handled)) => Ok(handled),
                    Ok(Err(error)) => Err(describe(&error)),
                    Err(error) if error.is_panic() => Err(format!("panicked: {error}")),
                    Err(error) => Err(error.to_string()),
                };
            }
            _ = renew.tick() => {
                match claims::renew(&shared.pool, job.name, &shared.replica, claim, shared.lease).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(job = job.name, "the job's claim was taken over while it ran"),
                    Err(error) => tracing::warn!(job = job.name, %error, "could not renew the job's claim"),
                }
            }
            _ = stopped(stop), if !shutting_down => {
                shutting_down = true;
                cut_off.as_mut().reset(tokio::time::Instant::now() + shared.grace);
            }
            _ = &mut cut_off, if shutting_down => {
                running.abort();
                return Err(format!("cut short: still running {:?} after shutdown began", shared.grace));
            }
        }
    }
}

/// An error with its causes: the runner's record is for the operator, who needs the
/// detail a shopper never sees.
fn describe(error: &DomainError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
