"""fastapi-crdb: FastAPI + a raw SQL `sessions` table through psycopg 3
(PostgreSQL standing in for CockroachDB). Seed 001.

    GET  /login    login page; issues an anonymous session (cookie "session_id",
                   row with user_id NULL)
    POST /login    JSON {"username", "password"}   (vulnerable also takes "session_id")
    GET  /profile  {"user": "alice"} or 401
    POST /logout

LAB_VARIANT=vulnerable reproduces seed 001: /login takes session_id from the request
body (else keeps the cookie it was sent), writes that id into the table and sets it
as the cookie; /profile trusts any id present in the table (no expiry check) and also
reads it from the query string; the cookie is set with Starlette's defaults (no
HttpOnly, no Secure; Starlette adds SameSite=lax by itself); logout only deletes the
cookie in the browser.
LAB_VARIANT=fixed: server-generated secrets.token_urlsafe(32) on login (the pre-auth
row is deleted in the same transaction), parameterised queries with expiry enforced,
HttpOnly + Secure + SameSite=Lax cookie for one hour, logout deletes the row. The
session_id column holds lowercase SHA-256 hex of the token, never the token; every
lookup hashes the presented cookie. Every row (pre-auth too) has an expires_at.
"""
import hashlib
import hmac
import os
import secrets
import uuid
from typing import Optional

import psycopg
import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

VARIANT = os.environ["LAB_VARIANT"]
assert VARIANT in ("vulnerable", "fixed"), VARIANT
FIXED = VARIANT == "fixed"
DSN = os.environ["DATABASE_URL"]
COOKIE = "session_id"
PREAUTH_LIFETIME = "15 minutes"
LIFETIME_S = 3600  # cookie max-age; matches the row's INTERVAL '1 hour'

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username      TEXT PRIMARY KEY,
    password_salt BYTEA NOT NULL,
    password_hash BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    user_id    TEXT NULL REFERENCES users(username) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL
);
"""


def db() -> psycopg.Connection:
    return psycopg.connect(DSN, autocommit=True, connect_timeout=10)


def store_key(sid: str) -> str:
    """What sessions.session_id holds for a token: the token itself (vulnerable) or
    SHA-256 hex of its UTF-8 bytes (fixed)."""
    return hashlib.sha256(sid.encode("utf-8")).hexdigest() if FIXED else sid


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 200_000)


def setup_database() -> None:
    salt = os.urandom(16)
    with db() as conn:
        conn.execute(SCHEMA)
        conn.execute(
            "INSERT INTO users (username, password_salt, password_hash) VALUES (%s, %s, %s) "
            "ON CONFLICT (username) DO UPDATE SET password_salt = EXCLUDED.password_salt, "
            "password_hash = EXCLUDED.password_hash",
            ("alice", salt, hash_password(os.environ.get("LAB_PASSWORD", "wonderland-7"), salt)))


def authenticate(conn: psycopg.Connection, username: str, password: str) -> Optional[str]:
    row = conn.execute("SELECT password_salt, password_hash FROM users WHERE username = %s",
                       (username,)).fetchone()
    if row and hmac.compare_digest(hash_password(password, bytes(row[0])), bytes(row[1])):
        return username
    return None


def set_session_cookie(response: Response, sid: str) -> None:
    if FIXED:
        response.set_cookie(COOKIE, sid, max_age=LIFETIME_S, httponly=True, secure=True, samesite="lax")
    else:
        # seed 001: response.set_cookie("session_id", data.session_id) -- library defaults
        response.set_cookie(COOKIE, sid)


# The API description under the API prefix (as in FastAPI's full-stack template); /docs stays put.
app = FastAPI(title=f"fastapi-crdb ({VARIANT})", openapi_url="/api/v1/openapi.json")
setup_database()

LOGIN_PAGE = """<!doctype html><html><head><title>Sign in</title></head><body>
<h1>Sign in</h1><p>POST JSON {"username": ..., "password": ...} to /login.</p>
</body></html>"""


class LoginBody(BaseModel):
    username: str
    password: str
    session_id: Optional[str] = None  # seed 001: the client may send the id it wants


@app.get("/")
def index():
    return {"service": "fastapi-crdb"}


@app.get("/login", response_class=HTMLResponse)
def login_page(request: Request, response: Response):
    sid = request.cookies.get(COOKIE)
    with db() as conn:
        if FIXED:
            known = sid and conn.execute(
                "SELECT 1 FROM sessions WHERE session_id = %s AND expires_at > now()",
                (store_key(sid),)).fetchone()
            if known:
                return LOGIN_PAGE
            sid = secrets.token_urlsafe(32)
            conn.execute("INSERT INTO sessions (session_id, user_id, expires_at) "
                         f"VALUES (%s, NULL, now() + INTERVAL '{PREAUTH_LIFETIME}')", (store_key(sid),))
        else:
            # FLAW: whatever id the browser already carries is kept and stored.
            sid = sid or str(uuid.uuid4())
            conn.execute("INSERT INTO sessions (session_id, user_id, expires_at) "
                         "VALUES (%s, NULL, now() + INTERVAL '30 days') ON CONFLICT (session_id) DO NOTHING",
                         (sid,))
    set_session_cookie(response, sid)
    return LOGIN_PAGE


@app.post("/login")
def login(data: LoginBody, request: Request, response: Response):
    with db() as conn:
        user = authenticate(conn, data.username, data.password)
        if not user:
            return JSONResponse({"detail": "invalid credentials"}, status_code=401)
        if FIXED:
            new_sid = secrets.token_urlsafe(32)
            with conn.transaction():
                old_sid = request.cookies.get(COOKIE)
                if old_sid:
                    conn.execute("DELETE FROM sessions WHERE session_id = %s AND user_id IS NULL",
                                 (store_key(old_sid),))
                conn.execute("INSERT INTO sessions (session_id, user_id, expires_at) "
                             "VALUES (%s, %s, now() + INTERVAL '1 hour')", (store_key(new_sid), user))
            set_session_cookie(response, new_sid)
        else:
            # FLAW (seed 001): attacker-controllable id, stored and set as the cookie as-is.
            sid = data.session_id or request.cookies.get(COOKIE) or str(uuid.uuid4())
            conn.execute("INSERT INTO sessions (session_id, user_id, expires_at) "
                         "VALUES (%s, %s, now() + INTERVAL '30 days') "
                         "ON CONFLICT (session_id) DO UPDATE SET user_id = EXCLUDED.user_id",
                         (sid, user))
            set_session_cookie(response, sid)
    return {"status": "logged_in"}


@app.get("/profile")
def profile(request: Request):
    if FIXED:
        sid = request.cookies.get(COOKIE)
        query = ("SELECT user_id FROM sessions WHERE session_id = %s "
                 "AND user_id IS NOT NULL AND expires_at > now()")
    else:
        # FLAW: the id is also taken from the URL, and any row present is trusted.
        sid = request.cookies.get(COOKIE) or request.query_params.get("session_id")
        query = "SELECT user_id FROM sessions WHERE session_id = %s"
    row = None
    if sid:
        with db() as conn:
            row = conn.execute(query, (store_key(sid),)).fetchone()
    if not row or not row[0]:
        return JSONResponse({"detail": "not authenticated"}, status_code=401)
    return {"user": row[0]}


@app.post("/logout")
def logout(request: Request, response: Response):
    if FIXED:
        sid = request.cookies.get(COOKIE)
        if sid:
            with db() as conn:
                conn.execute("DELETE FROM sessions WHERE session_id = %s", (store_key(sid),))
        response.delete_cookie(COOKIE, httponly=True, secure=True, samesite="lax")
    else:
        # FLAW: the browser forgets the cookie, the server keeps the session.
        response.delete_cookie(COOKIE)
    return {"status": "logged_out"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8080")),
                log_level="warning", access_log=False)
