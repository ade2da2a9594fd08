-- Scan history, version 1: one row per finished scan with the columns
-- `rampart list` shows, the report as JSON (rampart.report/v1), and the ids
-- of the rules that ran, in registry order.

CREATE TABLE scan (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    target TEXT NOT NULL,
    started_at TEXT NOT NULL,
    started_unix_ms INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    overall INTEGER NOT NULL,
    letter_grade TEXT NOT NULL,
    findings INTEGER NOT NULL,
    critical INTEGER NOT NULL,
    high INTEGER NOT NULL,
    medium INTEGER NOT NULL,
    low INTEGER NOT NULL,
    info INTEGER NOT NULL,
    report TEXT NOT NULL
);

CREATE INDEX scan_by_start ON scan (started_unix_ms, seq);
CREATE INDEX scan_by_target ON scan (target, started_unix_ms, seq);

CREATE TABLE scan_rule (
    scan_id TEXT NOT NULL REFERENCES scan (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    rule_id TEXT NOT NULL,
    PRIMARY KEY (scan_id, position)
);
