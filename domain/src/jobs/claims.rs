//! The SQL of claiming a job's row, keeping the claim alive, and recording a run.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::Job;
use crate::DomainResult;

/// The longest error text kept (in characters; `job_runs.error` checks it too).
const ERROR_CHARS: usize = 2000;

/// A run this replica has claimed: the claim is its `running_since`, which also tells
/// its own claim apart from a later one by another replica after the lease ran out.
pub(super) struct Claim {
    pub started_at: DateTime<Utc>,
}

/// Makes sure the job has its row, with the interval the code asks for. A shorter
/// interval than before takes effect at once rather than after the old one.
pub(super) async fn register(pool: &PgPool, job: &Job) -> DomainResult<()> {
    sqlx::query!(
        "INSERT INTO jobs (name, every) VALUES ($1, make_interval(secs => $2::float8))
         ON CONFLICT (name) DO UPDATE SET every = EXCLUDED.every,
             next_run_at = least(jobs.next_run_at, now() + EXCLUDED.every)",
        job.name,
        job.every.as_secs_f64()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Claims the job if it is due and nobody holds a live claim. The next run is due one
/// interval after this claim, set in the same statement: a replica checking a moment
/// later (even one that waited on this row's lock) finds it not due.
pub(super) async fn claim(
    pool: &PgPool,
    name: &str,
    replica: &str,
    lease: Duration,
) -> DomainResult<Option<Claim>> {
    let started_at = sqlx::query_scalar!(
        r#"UPDATE jobs SET running_since = now(), run_by = $2,
                lease_until = now() + make_interval(secs => $3::float8),
                next_run_at = now() + every
           WHERE name = $1 AND next_run_at <= now()
             AND (running_since IS NULL OR lease_until < now())
           RETURNING running_since AS "started_at!: DateTime<Utc>""#,
        name,
        replica,
        lease.as_secs_f64()
    )
    .fetch_optional(pool)
    .await?;
    Ok(started_at.map(|started_at| Claim { started_at }))
}

/// Moves the claim's lease on while the run goes on; false if the claim is no longer
/// this replica's (its lease ran out and another replica took the job over).
pub(super) async fn renew(
    pool: &PgPool,
    name: &str,
    replica: &str,
    claim: &Claim,
    lease: Duration,
) -> DomainResult<bool> {
    let renewed = sqlx::query!(
        "UPDATE jobs SET lease_until = now() + make_interval(secs => $4::float8)
         WHERE name = $1 AND run_by = $2 AND running_since = $3",
        name,
        replica,
        claim.started_at as _,
        lease.as_secs_f64()
    )
    .execute(pool)
    .await?;
    Ok(renewed.rows_affected() == 1)
}

/// Records a finished run and lets the claim go, in one transaction. Returns false if
/// the claim had already been taken over (the run is recorded all the same).
pub(super) async fn finish(
    pool: &PgPool,
    job: &Job,
    replica: &str,
    claim: &Claim,
    result: &Result<u64, String>,
) -> DomainResult<bool> {
    let error = result
        .as_ref()
        .err()
        .map(|e| e.chars().take(ERROR_CHARS).collect::<String>());
    let handled = result.as_ref().map_or(0, |n| *n);
    let mut tx = pool.begin().await?;
    let released = sqlx::query!(
        "UPDATE jobs SET running_since = NULL, run_by = NULL, lease_until = NULL
         WHERE name = $1 AND run_by = $2 AND running_since = $3",
        job.name,
        replica,
        claim.started_at as _
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    sqlx::query!(
        "UPDATE jobs SET last_run_at = greatest(last_run_at, $2),
                last_success_at = CASE WHEN $3::text IS NULL THEN now() ELSE last_success_at END,
                last_failure_at = CASE WHEN $3::text IS NULL THEN last_failure_at ELSE now() END,
                last_error = coalesce($3, last_error)
         WHERE name = $1",
        job.name,
        claim.started_at as _,
        error.as_deref()
    )
    .execute(&mut *tx)
    .await?;
    if error.is_some() || handled > 0 || job.keep_idle_runs {
        sqlx::query!(
            "INSERT INTO job_runs (job, started_at, finished_at, outcome, handled, error, replica)
             VALUES ($1, $2, now(), CASE WHEN $3::text IS NULL THEN 'ok' ELSE 'failed' END,
                     $4, $3, $5)",
            job.name,
            claim.started_at as _,
            error.as_deref(),
            i64::try_from(handled).unwrap_or(i64::MAX),
            replica
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(released)
}

/// How long until the job may next be claimed: its next run, or the end of another
/// replica's lease when that comes later. Worked out by PostgreSQL, whose clock every
/// replica shares. Negative when it is due already.
pub(super) async fn due_in(pool: &PgPool, name: &str) -> DomainResult<f64> {
    let secs = sqlx::query_scalar!(
        r#"SELECT extract(epoch FROM greatest(next_run_at,
                    CASE WHEN running_since IS NOT NULL THEN lease_until END) - now())::float8
                  AS "secs!"
           FROM jobs WHERE name = $1"#,
        name
    )
    .fetch_one(pool)
    .await?;
    Ok(secs)
}
