//! Periodic jobs: every task the shop does on its own (unpaid orders expiring, the
//! outbox delivered, old records swept) is a named [`Job`] with an interval, run by one
//! [`Runner`] per process.
//!
//! The runner claims a job's row in the `jobs` table before each run, so however many
//! replicas share the database, a job runs on one of them at a time and at most once per
//! interval; a replica that dies mid-run loses its claim when its lease runs out. Each run
//! is recorded (`jobs` keeps the latest times, `job_runs` the history the back office
//! shows through [`overview`]). On shutdown the runner starts nothing new and lets a
//! running job finish, within [`GRACE`].
//!
//! Adding a job: a function next to the rule it runs that returns a [`Job`] (see
//! `orders::expiry_job`), listed in [`shop::all`].

mod claims;
mod history;
mod job;
mod runner;
pub mod shop;

pub use history::{JobOverview, JobRun, Outcome, RECENT_RUNS, overview, prune_history};
pub use job::Job;
pub use runner::{GRACE, LEASE, Runner};

/// Who runs jobs in this process, as recorded on claims and runs: the host name and
/// the process id (two replicas on one host differ by the latter).
pub fn replica_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".into());
    format!("{host}:{}", std::process::id())
}

/// The history job: keeps `job_runs` bounded (see [`prune_history`]).
pub fn history_job() -> Job {
    Job::new(
        "jobs.prune_history",
        std::time::Duration::from_secs(3600),
        |pool| async move { prune_history(&pool).await },
    )
}
