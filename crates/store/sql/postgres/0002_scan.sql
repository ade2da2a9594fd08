-- Scan history, version 2 (PostgreSQL and CockroachDB): the columns of the
-- SQLite history's `scan` and `scan_rule` tables (sql/0001_history.sql), so a
-- finished scan job's report is saved in the same transaction that completes
-- the job (its `result` is the scan id).

CREATE TABLE IF NOT EXISTS scan (
    id TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    started_at TEXT NOT NULL,
    started_unix_ms BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    overall BIGINT NOT NULL,
    letter_grade TEXT NOT NULL,
    findings BIGINT NOT NULL,
    critical BIGINT NOT NULL,
    high BIGINT NOT NULL,
    medium BIGINT NOT NULL,
    low BIGINT NOT NULL,
    info BIGINT NOT NULL,
    report TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS scan_by_start ON scan (started_unix_ms);
CREATE INDEX IF NOT EXISTS scan_by_target ON scan (target, started_unix_ms);

CREATE TABLE IF NOT EXISTS scan_rule (
    scan_id TEXT NOT NULL REFERENCES scan (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    rule_id TEXT NOT NULL,
    PRIMARY KEY (scan_id, position)
);
