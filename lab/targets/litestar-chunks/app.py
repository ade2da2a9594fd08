#!/usr/bin/env python3
"""litestar-chunks: an HTML login on Litestar whose session is Litestar's client-side one
(litestar.middleware.session.client_side.CookieBackendConfig): the whole session is serialized,
encrypted with AES-GCM (a random 96-bit nonce, the expiry as associated data), base64-encoded and
cut into chunks of 4032 characters (CHUNK_SIZE = 4096 - 64). A session that fits one chunk is the
cookie `session`; a larger one is carried by `session-0`, `session-1`, ... together: Litestar
joins every cookie matching `session(-<n>)?` in sorted order, so a missing, extra, tampered or
foreign chunk breaks the decryption and the request gets an empty (anonymous) session.

The logged-in session here is deliberately large: alice's profile plus her permissions and UI
preferences, about 5 KB of JSON (about 7 KB once encrypted and base64-encoded: 4032 + ~2900), so it ALWAYS
needs two chunks, `session-0` + `session-1`, and never a third (the reason for the padding-like
profile below). The pre-auth session (the form's csrf token only) fits one chunk: the single
cookie `session`; the login response deletes it (value "null", expires now) and sets the chunks.

  GET  /login    login form with a hidden csrf_token kept in the session (issues `session`)
  POST /login    form username, password, csrf_token -> 303 Location: /profile
                 (403 without the session's csrf_token, 401 for bad credentials)
  GET  /profile  "Signed in as alice" or 401
  POST /logout   ends the session (200)

  python app.py  serve on 127.0.0.1:$PORT (lab/up does this); LAB_VARIANT=vulnerable|fixed, LAB_PASSWORD

LAB_VARIANT=vulnerable: Litestar's defaults (httponly, samesite=lax, no secure, Max-Age 14 days);
the session is only in the cookies, so logout can only clear them in the browser.
LAB_VARIANT=fixed: the same chunked cookie backend plus server-side revocation: a random session
id in the session, a set of live ids in the app's memory; a new id on login, the id removed on
logout, a session whose id is not live is anonymous; cookies secure + httponly + samesite=lax,
one hour.
Both variants: the AES key random on every start, alice's password as scrypt, concurrent
sessions allowed (a second login does not end the first).
"""
from __future__ import annotations

import hashlib
import hmac
import html
import os
import secrets
import time

import uvicorn
from litestar import Litestar, Request, get, post
from litestar.exceptions import HTTPException
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.response import Redirect, Response

VARIANT = os.environ.get("LAB_VARIANT", "vulnerable")
if VARIANT not in ("vulnerable", "fixed"):
    raise SystemExit(f"LAB_VARIANT {VARIANT}: vulnerable or fixed")
FIXED = VARIANT == "fixed"
FIXED_MAX_AGE = 3600  # one hour (SESS-011 judges more than a day)

# --- password (scrypt; an unknown name costs the same as a wrong password) ------------------------


def _scrypt(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


_SALT = secrets.token_bytes(16)
USERS = {"alice": _scrypt(os.environ.get("LAB_PASSWORD") or "wonderland-7", _SALT)}


def check_credentials(username, password) -> bool:
    if not isinstance(username, str) or not isinstance(password, str):
        return False
    want = USERS.get(username, USERS["alice"])
    return hmac.compare_digest(_scrypt(password, _SALT), want) and username in USERS


# --- the logged-in session's payload ----------------------------------------------------------
# Why so big: a realistic "fat" client-side session (profile, permissions, preferences) that does
# not fit one 4 KB cookie, so Litestar splits it into session-0 + session-1. About 5 KB of JSON
# -> about 7 KB of base64 ciphertext: more than one chunk (4032), less than two (8064), with about
# 1 KB of margin either way.

PERMISSIONS = [f"{area}:{verb}" for area in ("orders", "invoices", "reports", "customers", "products",
                                             "shipments", "returns", "coupons", "reviews", "tickets",
                                             "audit-log", "webhooks", "api-keys", "teams", "billing",
                                             "exports")
               for verb in ("read", "create", "update", "archive", "export")]


def profile_payload(username: str) -> dict:
    return {
        "profile": {
            "username": username,
            "display_name": "Alice Liddell",
            "email": f"{username}@wonderland.example",
            "locale": "en-GB",
            "timezone": "Europe/London",
            "bio": ("Curious explorer of rabbit holes, looking-glass houses and tea parties; "
                    "keeps a notebook of impossible things before breakfast. ") * 16,
        },
        "permissions": PERMISSIONS,
        "preferences": {f"widget-{i:02d}": {"visible": i % 3 != 0, "position": i, "size": "medium"}
                        for i in range(24)},
    }


# --- the fixed variant's server-side record of live session ids --------------------------------

LIVE: dict[str, float] = {}  # session id -> expiry (epoch seconds)


def sid_live(sid) -> bool:
    if not isinstance(sid, str):
        return False
    exp = LIVE.get(sid)
    if exp is None:
        return False
    if exp <= time.time():
        LIVE.pop(sid, None)
        return False
    return True


# --- pages ------------------------------------------------------------------------------------


def page(status: int, title: str, body: str) -> Response:
    return Response(f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>",
                    status_code=status, media_type="text/html")


def current_user(request: Request) -> str | None:
    sess = request.session
    user = sess.get("user")
    if not isinstance(user, str):
        return None
    if FIXED and not sid_live(sess.get("sid")):
        # FIX SESS-004: a session whose id is not live (logged out, expired) is anonymous, whatever
        # the cookies still carry; the dead chunks are deleted in the browser too.
        request.clear_session()
        return None
    return user


@get("/", sync_to_thread=False)
def index() -> Response:
    return page(200, "litestar-chunks", '<p>litestar-chunks lab target. <a href="/login">Sign in</a></p>')


@get("/login", sync_to_thread=False)
def login_form(request: Request) -> Response:
    # The form's CSRF token lives in the session: writing it issues the anonymous session (one
    # chunk: the cookie `session`) before authentication.
    csrf = request.session.get("csrf")
    if not isinstance(csrf, str):
        csrf = secrets.token_hex(32)
        request.set_session({**request.session, "csrf": csrf})
    return page(200, "Sign in", "<h1>Sign in</h1>\n"
                '<form method="post" action="/login">\n'
                f'  <input type="hidden" name="csrf_token" value="{html.escape(csrf)}">\n'
                '  <input name="username" autocomplete="username">\n'
                '  <input name="password" type="password" autocomplete="current-password">\n'
                "  <button>Sign in</button>\n"
                "</form>")


@post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    expected, sent = request.session.get("csrf"), form.get("csrf_token")
    if not isinstance(expected, str) or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        return page(403, "Sign in", '<p>Invalid or missing CSRF token; load <a href="/login">the form</a> again.</p>')
    username = form.get("username")
    if not check_credentials(username, form.get("password")):
        return page(401, "Sign in", "<p>Invalid credentials.</p>")
    if FIXED:
        # FIX SESS-001: a new session for the authenticated user: a fresh random id (live on the
        # server), a fresh csrf token; nothing of the pre-auth session is kept.
        sid = secrets.token_urlsafe(32)
        LIVE[sid] = time.time() + FIXED_MAX_AGE
        request.set_session({"sid": sid, "csrf": secrets.token_hex(32), "user": username,
                             **profile_payload(username)})
    else:
        # vulnerable: the user and the profile go into the (client-side) session; the new
        # ciphertext is two chunks, the pre-auth `session` cookie is deleted.
        request.set_session({**request.session, "user": username, **profile_payload(username)})
    return Redirect(path="/profile", status_code=303)


@get("/profile", sync_to_thread=False)
def profile(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return page(401, "Profile", '<p>Not signed in. <a href="/login">Sign in</a></p>')
    perms = len(request.session.get("permissions") or [])
    return page(200, "Profile", f"<p>Signed in as {html.escape(user)}</p><p>{perms} permissions.</p>")


@post("/logout", status_code=200, sync_to_thread=False)
def logout(request: Request) -> Response:
    if FIXED:
        # FIX SESS-004: the session id is no longer live: a copy of the chunks is dead at once.
        sid = request.session.get("sid")
        if isinstance(sid, str):
            LIVE.pop(sid, None)
    # FLAW SESS-004 (vulnerable): clear_session() only makes Litestar delete the chunk cookies in
    # the browser (value "null", expires now). The session IS the cookies: a copy of session-0 +
    # session-1 taken before (stolen, logged, cached) still decrypts to alice's session until the
    # expires_at inside it (14 days after its last write) or until the key changes -- a client-side
    # session cannot be revoked.
    request.clear_session()
    return page(200, "Signed out", "<p>Signed out.</p>")


# --- session middleware --------------------------------------------------------------------------

if FIXED:
    session_config = CookieBackendConfig(
        secret=secrets.token_bytes(32),  # AES-256-GCM, random on every start
        max_age=FIXED_MAX_AGE,  # Max-Age=3600 on the cookies and the expires_at inside the data
        httponly=True,
        secure=True,  # FIX SESS-008 (Litestar writes Secure over plain http too)
        samesite="lax",
    )
else:
    # FLAW SESS-008: Litestar's default secure=False; FLAW SESS-011: its default max_age, 14 days
    # (Max-Age=1209600 on every chunk, and the expires_at inside the data, renewed on every write).
    # httponly=True and samesite="lax" are Litestar's defaults (no SESS-007, no SESS-009).
    session_config = CookieBackendConfig(secret=secrets.token_bytes(32))  # key "session"


def _error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return page(status, "Error", "<p>Internal error.</p>" if status >= 500 else "<p>Bad request.</p>")


app = Litestar(route_handlers=[index, login_form, login, profile, logout],
               middleware=[session_config.middleware],
               exception_handlers={Exception: _error}, debug=False)

HARDENING = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


async def hardened(scope, receive, send):
    """nosniff, no framing, no caching on every response (both variants), errors included."""
    async def send_hardened(message):
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message.get("headers", [])}
            message["headers"] = [*message.get("headers", []), *((k, v) for k, v in HARDENING if k not in names)]
        await send(message)
    await app(scope, receive, send_hardened if scope["type"] == "http" else send)


if __name__ == "__main__":
    uvicorn.run(hardened, host="127.0.0.1", port=int(os.environ.get("PORT", "8080")), log_level="warning",
                server_header=False, access_log=False)
