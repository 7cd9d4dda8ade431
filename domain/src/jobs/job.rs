//! What a job is: a name, an interval and what to run.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use sqlx::PgPool;

use crate::DomainResult;

/// One run of a job, boxed so jobs of every shape fit in one list.
pub type Running = Pin<Box<dyn Future<Output = DomainResult<u64>> + Send>>;

/// A named task the runner starts every `every`. Its run returns how many things it
/// handled (orders cancelled, e-mails sent, rows deleted): 0 means it found nothing to do.
pub struct Job {
    /// Stable and unique: the key of its `jobs` row and what the back office shows.
    pub name: &'static str,
    pub every: Duration,
    /// Whether a run that handled nothing leaves a `job_runs` row (see [`Job::quiet_when_idle`]).
    pub keep_idle_runs: bool,
    run: Box<dyn Fn(PgPool) -> Running + Send + Sync>,
}

impl Job {
    /// A job running `run` with the pool every `every`. What else it needs (links, a mail
    /// transport) it captures, cloning it into each run.
    pub fn new<F, Fut>(name: &'static str, every: Duration, run: F) -> Job
    where
        F: Fn(PgPool) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = DomainResult<u64>> + Send + 'static,
    {
        Job {
            name,
            every,
            keep_idle_runs: true,
            run: Box::new(move |pool| -> Running { Box::pin(run(pool)) }),
        }
    }

    /// For jobs that run every few seconds and usually find nothing (the outbox): a run
    /// that handled nothing updates `jobs.last_run_at` but leaves no `job_runs` row, so the
    /// history shows work and failures instead of tens of thousands of idle rows a day.
    pub fn quiet_when_idle(mut self) -> Job {
        self.keep_idle_runs = false;
        self
    }

    /// One run, outside the runner (no claim, nothing recorded): for tests and one-off
    /// commands.
    pub fn run(&self, pool: &PgPool) -> Running {
        (self.run)(pool.clone())
    }
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("name", &self.name)
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}
