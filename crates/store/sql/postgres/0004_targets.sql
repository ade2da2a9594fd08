-- Monitored targets, version 4 (PostgreSQL and CockroachDB): what to scan
-- (`scan`, the scan job's payload: no secret, only `${VAR}` references the
-- worker fills in from its environment) and when (`schedule`, a cron pattern
-- in UTC). A job names its target, and a target has at most one job waiting
-- or running (the partial unique index), so its scans never overlap.

CREATE TABLE IF NOT EXISTS target (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    scan TEXT NOT NULL,
    schedule TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE job ADD COLUMN IF NOT EXISTS target_id BIGINT;

CREATE UNIQUE INDEX IF NOT EXISTS job_one_per_target ON job (target_id) WHERE state IN ('queued', 'running');

-- What happened to a target (`scan.completed`, `finding.new`, `finding.fixed`,
-- `grade.changed`, `scan.failed`), written in the transaction that saves the
-- scan; `data` is the event's JSON.
CREATE TABLE IF NOT EXISTS event (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    target_id BIGINT,
    scan_id TEXT,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS event_by_target ON event (target_id, id);
