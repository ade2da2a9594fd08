-- The job queue, version 2 (SQLite): one row per job; the lease in columns
-- (`lease_owner`, `lease_until_ms`); times in milliseconds since the epoch.
-- `dedupe_key` makes an add idempotent (a schedule's due run is added once).

CREATE TABLE job (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_at_ms INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until_ms INTEGER,
    result TEXT,
    last_error TEXT,
    dedupe_key TEXT UNIQUE,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);

CREATE INDEX job_ready ON job (state, run_at_ms, id);
