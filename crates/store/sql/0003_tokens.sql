-- API tokens of the monitoring service, version 3 (SQLite): only the SHA-256
-- of each token is kept, with the visible prefix it is shown by.

CREATE TABLE api_token (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    created_ms INTEGER NOT NULL
);
