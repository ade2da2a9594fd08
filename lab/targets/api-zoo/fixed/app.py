"""api-zoo, fixed variant: the same shop API as ../vulnerable/app.py without its flaws.
Each fix is marked `FIX <rule id>` below.

    python app.py             serve on 127.0.0.1:$PORT (lab/up does this)
    python app.py --openapi   print app.openapi() (what openapi.json beside this file holds;
                              the app itself serves neither the document nor /docs)

Users and passwords as in the vulnerable variant (zoo/data.py); object ids are UUIDs
and every object is scoped to its owner.
"""
from __future__ import annotations

import html
import ipaddress
import json
import os
import re
import secrets
import sqlite3
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jwt  # noqa: E402  (PyJWT)
import uvicorn  # noqa: E402
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response  # noqa: E402
from fastapi import Path as PathParam  # noqa: E402
from fastapi.responses import JSONResponse, RedirectResponse  # noqa: E402
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer  # noqa: E402

from models import (  # noqa: E402
    Health, Credentials, TokenOut, UserOut, UserUpdate, AdminStats, Account, Report, Note, Order, ProductPage,
    EventPage, Payment, TeamMember, Config, SearchOut, PreviewOut, WebhookIn, WebhookOut, ChatIn, ChatReply)
from zoo import data  # noqa: E402
from zoo.chatbot import FixedBot  # noqa: E402
from zoo.fetch import FetchError, fetch  # noqa: E402

JWT_SECRET = secrets.token_bytes(32)  # FIX AUTH-005: random 256-bit key, new on every start
KID = "hs-2024"  # the kid header of every token issued: names the current signing key
SIGNING_KEYS = {KID: JWT_SECRET}  # FIX AUTH-013: keys found by kid in a fixed table, never on disk
TOKEN_TTL_S = 900  # FIX AUTH-007: 15-minute tokens
PUBLIC = {"security": []}
ALLOWED_ORIGINS = {"https://shop.api-zoo.example"}  # FIX INPUT-001/002/003
PREVIEW_HOSTS = {"media.api-zoo.example"}  # FIX SSRF-001/002
RATE_LIMIT, RATE_WINDOW_S = 10_000, 60  # FIX RATE-001: generous, but there and announced
PAGE_MAX = 100  # FIX RATE-002/003

bearer = HTTPBearer(auto_error=False, bearerFormat="JWT")
# FIX INV-005: neither /docs, /redoc nor /openapi.json is served.  FIX DATA-004: debug off.
app = FastAPI(title="api-zoo", version="2.3.0", docs_url=None, redoc_url=None, openapi_url=None)


# ----------------------------------------------------------------------------- auth

def issue_token(user: dict) -> str:
    now = int(time.time())
    claims = {"sub": user["uuid"], "iat": now, "exp": now + TOKEN_TTL_S, "jti": secrets.token_hex(8)}
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256", headers={"kid": KID})  # FIX AUTH-008: no personal data


def unauthorized(error: Optional[str] = None) -> HTTPException:
    challenge = 'Bearer realm="api-zoo"' + (f', error="{error}"' if error else "")
    return HTTPException(401, "not authenticated", headers={"WWW-Authenticate": challenge})  # FIX AUTH-010


def current_user(creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer)) -> dict:
    if not creds:
        raise unauthorized()
    try:
        # FIX AUTH-013: the kid only selects a key of the table; an unknown (or missing) kid is refused
        key = SIGNING_KEYS.get(str(jwt.get_unverified_header(creds.credentials).get("kid")))
        if key is None:
            raise jwt.InvalidTokenError("unknown kid")
        # FIX AUTH-002/004/006: signature checked, algorithm pinned, exp required and enforced
        claims = jwt.decode(creds.credentials, key, algorithms=["HS256"],
                            options={"require": ["exp", "iat", "sub", "jti"]})
    except jwt.InvalidTokenError:
        raise unauthorized("invalid_token")
    user = data.user_by_uuid(str(claims["sub"]))
    if not user:
        raise unauthorized("invalid_token")
    return user


def admin_user(user: dict = Depends(current_user)) -> dict:
    if user["role"] != "admin":  # FIX BFLA-002
        raise HTTPException(403, "admin role required")
    return user


# ----------------------------------------------------------------------------- middleware

_windows: dict[str, tuple[float, int]] = {}


def _count(client: str) -> tuple[int, int]:
    """(requests in the client's current window, seconds until it resets)."""
    now = time.monotonic()
    if len(_windows) > 10_000:
        _windows.clear()
    start, n = _windows.get(client, (now, 0))
    if now - start >= RATE_WINDOW_S:
        start, n = now, 0
    _windows[client] = (start, n + 1)
    return n + 1, max(0, int(start + RATE_WINDOW_S - now))


@app.middleware("http")
async def edge(request: Request, call_next):
    origin = request.headers.get("origin")
    allowed = origin in ALLOWED_ORIGINS
    used, reset = _count(request.client.host if request.client else "-")
    if used > RATE_LIMIT:
        response = JSONResponse({"detail": "rate limit exceeded"}, 429, headers={"Retry-After": str(reset)})
    elif request.method not in ("GET", "HEAD", "POST", "PATCH", "OPTIONS"):  # FIX INPUT-004: no TRACE
        response = JSONResponse({"detail": "Method Not Allowed"}, 405)
    elif request.method == "OPTIONS" and origin and "access-control-request-method" in request.headers:
        if not allowed:
            response = JSONResponse({"detail": "origin not allowed"}, 403)
        else:
            response = Response(status_code=204, headers={
                "Access-Control-Allow-Methods": "GET, POST, PATCH",
                "Access-Control-Allow-Headers": "Authorization, Content-Type", "Access-Control-Max-Age": "600"})
    else:
        response = await call_next(request)
    if allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Vary"] = "Origin"
    response.headers["X-RateLimit-Limit"] = str(RATE_LIMIT)
    response.headers["X-RateLimit-Remaining"] = str(max(0, RATE_LIMIT - used))
    response.headers["X-RateLimit-Reset"] = str(reset)
    response.headers["X-Content-Type-Options"] = "nosniff"  # FIX AUTH-009
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"  # FIX CRYPTO-002
    response.headers["Cache-Control"] = "no-store"
    return response


def set_prefs(response: Response) -> None:
    response.set_cookie("prefs", "theme-light", secure=True, httponly=True, samesite="lax")  # FIX CRYPTO-006


def page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, PAGE_MAX)), max(0, offset)  # FIX RATE-003: silently capped


def user_out(u: dict) -> dict:
    return {"id": u["uuid"], "username": u["username"], "display_name": u["display_name"], "email": u["email"]}


ALICE = data.user_by_name("alice")


def id_param(example: str, what: str):
    return PathParam(description=f"{what} id", examples=[example],
                     openapi_examples={"own": {"summary": f"a {what} of alice", "value": example}})


def owned(objects, object_id: uuid.UUID, user: dict, what: str) -> dict:
    """The object with that uuid if the caller owns it; 404 otherwise (no existence oracle)."""
    obj = next((o for o in objects if o["uuid"] == str(object_id)), None)
    if not obj or obj["user_id"] != user["id"]:  # FIX BOLA-002
        raise HTTPException(404, f"no such {what}")
    return obj


# ----------------------------------------------------------------------------- public

@app.get("/", include_in_schema=False)
def root(response: Response):
    set_prefs(response)
    return {"service": "api-zoo", "variant": "fixed", "api": "/api/v2"}


@app.get("/api/v2/health", response_model=Health, tags=["misc"], openapi_extra=PUBLIC)
def health(response: Response):
    set_prefs(response)
    return {"status": "ok"}


@app.post("/api/v2/auth/login", response_model=TokenOut, tags=["auth"], openapi_extra=PUBLIC)
def login(body: Credentials):
    user = data.user_by_name(body.username)
    if not user or not data.check_password(body.password, user["password_hash"]):
        raise unauthorized()
    return {"token": issue_token(user), "token_type": "bearer", "expires_in": TOKEN_TTL_S}


@app.get("/api/v2/auth/redirect", tags=["auth"], status_code=302, openapi_extra=PUBLIC,
         response_class=RedirectResponse)
def after_login(next_: str = Query("/", alias="next", max_length=2048, examples=["/api/v2/users/me"])):
    # FIX CONSUME-002: only paths on this host; anything else goes to the start page
    local = next_.startswith("/") and not next_.startswith("//") and not re.search(r"[\\\x00-\x1f]", next_)
    return RedirectResponse(next_ if local else "/", status_code=302)


@app.get("/api/v2/products", response_model=ProductPage, tags=["shop"], openapi_extra=PUBLIC)
def products(limit: int = Query(20, examples=[20], json_schema_extra={"minimum": 1, "maximum": PAGE_MAX}),
             offset: int = Query(0, json_schema_extra={"minimum": 0})):
    limit, offset = page(limit, offset)  # FIX RATE-002: always paginated
    items = [{k: p[k] for k in ("sku", "name", "price_eur")} | {"id": p["uuid"]}
             for p in data.PRODUCTS[offset:offset + limit]]
    return {"items": items, "limit": limit, "offset": offset, "total": len(data.PRODUCTS)}


@app.get("/api/v2/events", response_model=EventPage, tags=["shop"], openapi_extra=PUBLIC)
def events(limit: int = Query(20, examples=[20], json_schema_extra={"minimum": 1, "maximum": PAGE_MAX}),
           offset: int = Query(0, json_schema_extra={"minimum": 0})):
    limit, offset = page(limit, offset)
    items = [{"id": e["uuid"], "type": e["type"], "at": e["at"]} for e in data.EVENTS[offset:offset + limit]]
    return {"items": items, "limit": limit, "offset": offset, "total": len(data.EVENTS)}


@app.get("/api/v2/team", response_model=list[TeamMember], tags=["misc"], openapi_extra=PUBLIC)
def team():
    return [{"name": m["name"], "title": m["title"]} for m in data.TEAM]


@app.get("/api/v2/config", response_model=Config, tags=["misc"], openapi_extra=PUBLIC)
def config():
    return {"region": "eu-west-1", "currency": "EUR", "features": {"chat": True, "previews": True}}


SEARCH_DB = sqlite3.connect(":memory:", check_same_thread=False)
SEARCH_LOCK = threading.Lock()
SEARCH_DB.execute("CREATE TABLE products (uuid TEXT PRIMARY KEY, name TEXT, price_eur REAL)")
SEARCH_DB.executemany("INSERT INTO products VALUES (?, ?, ?)",
                      [(p["uuid"], p["name"], p["price_eur"]) for p in data.PRODUCTS])


@app.get("/api/v2/search", response_model=SearchOut, tags=["shop"], openapi_extra=PUBLIC)
def search(q: str = Query(max_length=200, examples=["otter"])):
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with SEARCH_LOCK:  # FIX DATA-004, INPUT-007: a bound parameter; nothing the user types can break the query
        rows = SEARCH_DB.execute("SELECT uuid, name, price_eur FROM products WHERE name LIKE ? ESCAPE '\\' "
                                 "ORDER BY name LIMIT 20", (pattern,)).fetchall()
    return {"q": q, "results": [{"id": r[0], "name": r[1], "price_eur": r[2]} for r in rows]}


@app.get("/api/v2/preview", response_model=PreviewOut, tags=["misc"], openapi_extra=PUBLIC)
def preview(url: str = Query(max_length=2048, json_schema_extra={"format": "uri"},
                             examples=["https://media.api-zoo.example/otter.html"])):
    parts = urllib.parse.urlsplit(url)
    # FIX SSRF-001/002: https to the media host only, no credentials, no other port, no redirects
    if (parts.scheme != "https" or (parts.hostname or "").lower() not in PREVIEW_HOSTS
            or parts.port not in (None, 443) or parts.username or parts.password):
        raise HTTPException(400, "previews are limited to https://media.api-zoo.example")
    try:
        _, _, body = fetch(url, follow_redirects=False)
    except FetchError:
        raise HTTPException(502, "preview unavailable")
    m = re.search(r"<title[^>]*>(.{0,200}?)</title>", body.decode("utf-8", "replace"), re.I | re.S)
    return {"title": html.escape(m.group(1).strip()) if m else None}


BOT = FixedBot()


@app.post("/api/v2/chat", response_model=ChatReply, tags=["chat"], openapi_extra=PUBLIC)
def chat(body: ChatIn):
    return {"reply": BOT.reply(body.message)}  # FIX LLM-002..007: no prompt to leak, no instructions followed


# ----------------------------------------------------------------------------- signed in

@app.get("/api/v2/users/me", response_model=UserOut, tags=["users"])
def me(user: dict = Depends(current_user)):
    return user_out(user)


@app.patch("/api/v2/users/me", response_model=UserOut, tags=["users"])
def update_me(body: UserUpdate, user: dict = Depends(current_user)):
    if body.display_name:
        user["display_name"] = body.display_name
    return user_out(user)


@app.get("/api/v2/users/{user_id}", response_model=UserOut, tags=["users"])
def get_user(user_id: uuid.UUID = id_param(ALICE["uuid"], "user"), user: dict = Depends(current_user)):
    target = data.user_by_uuid(str(user_id))
    if not target or (target["id"] != user["id"] and user["role"] != "admin"):  # FIX BOLA-001/002
        raise HTTPException(404, "no such user")
    return user_out(target)


@app.get("/api/v2/orders", response_model=list[Order], tags=["shop"])
def orders(user: dict = Depends(current_user)):
    # FIX BOLA-003: the owner is the caller, whatever the query says
    return [{"id": o["uuid"], "item": o["item"], "total_eur": o["total_eur"]}
            for o in data.ORDERS if o["user_id"] == user["id"]]


@app.get("/api/v2/payments/{payment_id}", response_model=Payment, tags=["shop"])
def payment(payment_id: uuid.UUID = id_param(data.PAYMENTS[1]["uuid"], "payment"),
            user: dict = Depends(current_user)):
    p = owned(data.PAYMENTS.values(), payment_id, user, "payment")
    return {"id": p["uuid"], "amount_eur": p["amount_eur"], "status": p["status"], "card_last4": p["card_number"][-4:]}


@app.get("/api/v2/reports/{report_id}", response_model=Report, tags=["users"])
def report(report_id: uuid.UUID = id_param(data.REPORTS[1]["uuid"], "report"), user: dict = Depends(current_user)):
    r = owned(data.REPORTS.values(), report_id, user, "report")  # FIX AUTH-001
    return {"id": r["uuid"], "title": r["title"], "period": r["period"], "revenue_eur": r["revenue_eur"]}


@app.get("/api/v2/notes", response_model=list[Note], tags=["users"])
def notes(user: dict = Depends(current_user)):
    return [{"id": n["uuid"], "text": n["text"]} for n in data.NOTES[user["id"]]]


@app.get("/api/v2/account", response_model=Account, tags=["users"])
def account(user: dict = Depends(current_user)):
    return data.ACCOUNT


@app.head("/api/v2/account", response_model=Account, tags=["users"])
def account_head(user: dict = Depends(current_user)):  # FIX AUTH-003: HEAD authenticates like GET
    return data.ACCOUNT


def public_https(url: str) -> bool:
    """An https URL whose host is a public DNS name or a global IP address."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return False
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return "." in host  # a DNS name: delivery resolves it and checks the address again


WEBHOOKS: list[dict] = []


@app.post("/api/v2/webhooks", response_model=WebhookOut, status_code=201, tags=["users"])
def add_webhook(body: WebhookIn, user: dict = Depends(current_user)):
    if not public_https(body.url):  # FIX CONSUME-001
        raise HTTPException(422, "url must be an https URL on a public host")
    hook = {"id": str(uuid.uuid4()), "url": body.url, "event": body.event}
    WEBHOOKS[:] = WEBHOOKS[-99:] + [hook]
    return hook


# ----------------------------------------------------------------------------- admin

@app.get("/api/v2/admin/users", response_model=list[UserOut], tags=["admin"])
def admin_users(user: dict = Depends(admin_user)):  # FIX BFLA-001
    return [user_out(u) for u in data.USERS.values()]


@app.get("/api/v2/admin/stats", response_model=AdminStats, tags=["admin"])
def admin_stats(user: dict = Depends(admin_user)):
    return {"users": len(data.USERS), "orders": len(data.ORDERS),
            "revenue_eur": round(sum(o["total_eur"] for o in data.ORDERS), 2)}


if __name__ == "__main__":
    if "--openapi" in sys.argv:
        print(json.dumps(app.openapi(), indent=2))
        sys.exit(0)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8080")),
                log_level="warning", access_log=False)
