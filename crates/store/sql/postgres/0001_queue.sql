-- The job queue, version 1 (PostgreSQL and CockroachDB): one row per job; the
-- lease in columns (`lease_owner`, `lease_until`), times from the database's
-- clock so workers on several hosts agree. `dedupe_key` makes an add
-- idempotent (a schedule's due run is added once). Plain SQL only: no
-- PL/pgSQL, triggers or extensions. Every statement may run twice (two
-- processes upgrading at once).

CREATE TABLE IF NOT EXISTS job (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL CHECK (max_attempts >= 1),
    run_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_owner TEXT,
    lease_until TIMESTAMPTZ,
    result TEXT,
    last_error TEXT,
    dedupe_key TEXT UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS job_ready ON job (state, run_at, id);
