-- Monitored targets, version 4 (SQLite): what to scan (`scan`, the scan job's
-- payload: no secret, only `${VAR}` references the worker fills in from its
-- environment) and when (`schedule`, a cron pattern in UTC). A job names its
-- target, and a target has at most one job waiting or running (the partial
-- unique index), so its scans never overlap.

CREATE TABLE target (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    scan TEXT NOT NULL,
    schedule TEXT,
    created_ms INTEGER NOT NULL
);

ALTER TABLE job ADD COLUMN target_id INTEGER;

CREATE UNIQUE INDEX job_one_per_target ON job (target_id) WHERE state IN ('queued', 'running');

-- What happened to a target (`scan.completed`, `finding.new`, `finding.fixed`,
-- `grade.changed`, `scan.failed`), written in the transaction that saves the
-- scan; `data` is the event's JSON.
CREATE TABLE event (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    target_id INTEGER,
    scan_id TEXT,
    data TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE INDEX event_by_target ON event (target_id, id);
