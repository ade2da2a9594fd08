-- Webhook endpoints and dashboard sessions, version 5 (PostgreSQL and
-- CockroachDB). An endpoint receives the events it subscribes to (`events`, a
-- JSON array of event types; empty for all) of one target or of all, signed
-- with `secret` (Standard Webhooks, `whsec_…`) and, until `previous_until`,
-- also with the secret it had before a rotation. `disabled` says why
-- deliveries stopped (the endpoint answered 410 Gone). Each delivery is a
-- `webhook` job, added in the transaction that records its event; every
-- attempt is logged in `webhook_attempt`.

CREATE TABLE IF NOT EXISTS webhook (
    id BIGSERIAL PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    target_id BIGINT,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_until TIMESTAMPTZ,
    disabled TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS webhook_attempt (
    id BIGSERIAL PRIMARY KEY,
    webhook_id BIGINT NOT NULL,
    event_id BIGINT NOT NULL,
    job_id BIGINT NOT NULL,
    attempt BIGINT NOT NULL,
    status BIGINT,
    error TEXT,
    duration_ms BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS webhook_attempt_by_webhook ON webhook_attempt (webhook_id, id);

-- Sessions of the dashboard: only the SHA-256 of each session id is kept,
-- with the API token name it signed in with (NULL before sign-in), its CSRF
-- token and when it ends.
CREATE TABLE IF NOT EXISTS dashboard_session (
    id_sha256 TEXT PRIMARY KEY,
    user_name TEXT,
    csrf TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
