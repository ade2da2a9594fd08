-- Webhook endpoints and dashboard sessions, version 5 (SQLite). An endpoint
-- receives the events it subscribes to (`events`, a JSON array of event types;
-- empty for all) of one target or of all, signed with `secret` (Standard
-- Webhooks, `whsec_…`) and, until `previous_until_ms`, also with the secret it
-- had before a rotation. `disabled` says why deliveries stopped (the endpoint
-- answered 410 Gone). Each delivery is a `webhook` job, added in the
-- transaction that records its event; every attempt is logged in
-- `webhook_attempt`.

CREATE TABLE webhook (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    target_id INTEGER,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_until_ms INTEGER,
    disabled TEXT,
    created_ms INTEGER NOT NULL
);

CREATE TABLE webhook_attempt (
    id INTEGER PRIMARY KEY,
    webhook_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    job_id INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    status INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE INDEX webhook_attempt_by_webhook ON webhook_attempt (webhook_id, id);

-- Sessions of the dashboard: only the SHA-256 of each session id is kept,
-- with the API token name it signed in with (NULL before sign-in), its CSRF
-- token and when it ends.
CREATE TABLE dashboard_session (
    id_sha256 TEXT PRIMARY KEY,
    user_name TEXT,
    csrf TEXT NOT NULL,
    expires_ms INTEGER NOT NULL
);
