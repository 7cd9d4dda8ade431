-- Periodic jobs (see domain::jobs): one row per named job, claimed by the replica that
-- runs it, so a job runs on one replica at a time and at most once per interval however
-- many replicas share this database.
--
-- A run is claimed by setting `running_since` and `run_by` while `next_run_at` has come
-- and no live claim holds the row; the claim moves `next_run_at` one interval on at once,
-- so a second replica finds nothing due. `lease_until` is renewed while the run goes on;
-- a replica that dies mid-run stops renewing it, and once it has passed another replica
-- takes the job over.
CREATE TABLE jobs (
    name            text PRIMARY KEY,
    -- The interval the code asks for, kept for the back office to show.
    every           interval NOT NULL,
    next_run_at     timestamptz NOT NULL DEFAULT now(),
    running_since   timestamptz,
    run_by          text,
    lease_until     timestamptz,
    -- The latest finished run, recorded even when its run left no `job_runs` row.
    last_run_at     timestamptz,
    last_success_at timestamptz,
    last_failure_at timestamptz,
    -- The error of the latest failure (kept after a later success, beside its time).
    last_error      text,
    CHECK ((running_since IS NULL) = (run_by IS NULL)
           AND (running_since IS NULL) = (lease_until IS NULL))
);

-- The history the back office shows: one row per run that did something or failed
-- (idle runs of frequent jobs are not kept, see domain::jobs::runner). Pruned by the
-- `jobs.prune_history` job.
CREATE TABLE job_runs (
    id          bigserial PRIMARY KEY,
    job         text NOT NULL REFERENCES jobs (name) ON DELETE CASCADE,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('ok', 'failed')),
    -- How many things the run handled (orders cancelled, e-mails sent, rows deleted).
    handled     bigint NOT NULL DEFAULT 0,
    -- Truncated: a failure's message, never a stack of them.
    error       text CHECK (length(error) <= 2000),
    -- Which process ran it (host and process id), to tell replicas apart.
    replica     text NOT NULL,
    CHECK ((outcome = 'failed') = (error IS NOT NULL))
);

CREATE INDEX job_runs_by_job ON job_runs (job, id DESC);
CREATE INDEX job_runs_by_start ON job_runs (started_at);
