//! What the jobs did: the overview the back office shows, and keeping the history
//! bounded.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::DomainResult;

/// How many of each job's latest runs [`overview`] returns.
pub const RECENT_RUNS: i64 = 10;

/// The history keeps at most this many runs per job...
const KEPT_RUNS: i64 = 1000;
/// ...and none older than this many days.
const KEPT_DAYS: i32 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Ok,
    Failed,
}

/// One recorded run.
#[derive(Clone, Debug, Serialize)]
pub struct JobRun {
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: Outcome,
    /// How many things it handled (orders, e-mails, rows).
    pub handled: i64,
    pub error: Option<String>,
    /// The process that ran it (host and process id).
    pub replica: String,
}

impl JobRun {
    pub fn duration(&self) -> chrono::Duration {
        self.finished_at - self.started_at
    }
}

/// A job as the back office shows it: its schedule, whether it is running now and
/// where, its latest results, and its most recent recorded runs (newest first).
#[derive(Clone, Debug, Serialize)]
pub struct JobOverview {
    pub name: String,
    pub every_secs: f64,
    pub next_run_at: DateTime<Utc>,
    pub running_since: Option<DateTime<Utc>>,
    pub run_by: Option<String>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub recent: Vec<JobRun>,
}

/// Every job that has run (or been registered) on this database, by name.
pub async fn overview(pool: &PgPool) -> DomainResult<Vec<JobOverview>> {
    let jobs = sqlx::query!(
        r#"SELECT name, extract(epoch FROM every)::float8 AS "every_secs!",
                  next_run_at AS "next_run_at: DateTime<Utc>",
                  running_since AS "running_since: DateTime<Utc>", run_by,
                  last_run_at AS "last_run_at: DateTime<Utc>",
                  last_success_at AS "last_success_at: DateTime<Utc>",
                  last_failure_at AS "last_failure_at: DateTime<Utc>", last_error
           FROM jobs ORDER BY name"#
    )
    .fetch_all(pool)
    .await?;
    let runs = sqlx::query!(
        r#"SELECT job AS "job!", started_at AS "started_at!: DateTime<Utc>",
                  finished_at AS "finished_at!: DateTime<Utc>",
                  outcome AS "outcome!", handled AS "handled!", error, replica AS "replica!"
           FROM (SELECT *, row_number() OVER (PARTITION BY job ORDER BY id DESC) AS place
                 FROM job_runs) AS latest
           WHERE place <= $1
           ORDER BY job, id DESC"#,
        RECENT_RUNS
    )
    .fetch_all(pool)
    .await?;
    Ok(jobs
        .into_iter()
        .map(|job| JobOverview {
            recent: runs
                .iter()
                .filter(|run| run.job == job.name)
                .map(|run| JobRun {
                    started_at: run.started_at,
                    finished_at: run.finished_at,
                    outcome: if run.outcome == "ok" {
                        Outcome::Ok
                    } else {
                        Outcome::Failed
                    },
                    handled: run.handled,
                    error: run.error.clone(),
                    replica: run.replica.clone(),
                })
                .collect(),
            name: job.name,
            every_secs: job.every_secs,
            next_run_at: job.next_run_at,
            running_since: job.running_since,
            run_by: job.run_by,
            last_run_at: job.last_run_at,
            last_success_at: job.last_success_at,
            last_failure_at: job.last_failure_at,
            last_error: job.last_error,
        })
        .collect())
}

/// Forgets runs past the history's bounds: older than 30 days, or beyond each job's
/// latest 1000. Returns how many went.
pub async fn prune_history(pool: &PgPool) -> DomainResult<u64> {
    let pruned = sqlx::query!(
        "DELETE FROM job_runs WHERE id IN (
             SELECT id FROM (SELECT id, started_at,
                                    row_number() OVER (PARTITION BY job ORDER BY id DESC) AS place
                             FROM job_runs) AS numbered
             WHERE place > $1 OR started_at < now() - make_interval(days => $2))",
        KEPT_RUNS,
        KEPT_DAYS
    )
    .execute(pool)
    .await?;
    Ok(pruned.rows_affected())
}
