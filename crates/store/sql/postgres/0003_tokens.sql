-- API tokens of the monitoring service, version 3 (PostgreSQL and
-- CockroachDB): only the SHA-256 of each token is kept, with the visible
-- prefix it is shown by.

CREATE TABLE IF NOT EXISTS api_token (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
