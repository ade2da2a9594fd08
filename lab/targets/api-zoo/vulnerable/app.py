"""api-zoo, vulnerable variant: a FastAPI shop API with at least one flaw in every
API category of rampart's catalog. Every flaw is marked `FLAW <rule id>` below.

    python app.py             serve on 127.0.0.1:$PORT (lab/up does this)
    python app.py --openapi   print app.openapi() (what openapi.json beside this file holds)

Users (zoo/data.py): alice and bob (role user), admin (role admin); passwords derive
from LAB_PASSWORD. Log in with POST /api/v2/auth/login {"username", "password"} and
send the returned JWT as `Authorization: Bearer <token>`.
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import gc
import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import deque
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fastapi  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response  # noqa: E402
from fastapi import Path as PathParam  # noqa: E402
from fastapi.responses import JSONResponse, RedirectResponse  # noqa: E402
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer  # noqa: E402

from models import (  # noqa: E402
    Health, Credentials, TokenOut, UserOut, UserUpdate, AdminUser, AdminStats, Account, Report, Note, Order,
    Product, EventPage, Payment, TeamMember, Config, SearchOut, WebhookIn, WebhookOut, LegacyProfile, ChatIn,
    ChatOut, ChatHistory)
from zoo import data  # noqa: E402
from zoo.chatbot import SYSTEM_PROMPT, VulnerableBot  # noqa: E402
from zoo.fetch import FetchError, fetch  # noqa: E402

JWT_SECRET = b"secret"  # FLAW AUTH-005: a dictionary word as the HS256 key
KID = "hs-2024"  # the kid header of every token issued: names the current signing key
KEYS_DIR = ""  # the HMAC keys, one file per kid: a fresh directory made at every start (lifespan)
KEY_MAX = 64 * 1024  # bytes read from a key file (a kid naming /dev/zero must not read forever)
PUBLIC = {"security": []}  # openapi_extra of operations meant to be public
SSN = {1: "512-44-0198", 2: "512-44-7731", 3: "512-44-0001", 4: "512-44-2290"}
# Credentials a developer left in the config endpoint; built from parts so that
# secret scanners do not flag this file (they are not real keys).
STRIPE_KEY = "sk" + "_live_" + "51HzooLAB09aZ7Qm2Xc4Vb8Nn1Kp3Rt6Ws"
AWS_KEY_ID = "AK" + "IA" + "ZOOLAB7Q3NX5K2WD"


@contextlib.asynccontextmanager
async def lifespan(_app: FastAPI):
    """Writes the current key into a fresh keys directory (file name: its kid), removed on shutdown."""
    global KEYS_DIR
    KEYS_DIR = tempfile.mkdtemp(prefix="api-zoo-keys-")
    Path(KEYS_DIR, KID).write_bytes(JWT_SECRET)
    try:
        yield
    finally:
        shutil.rmtree(KEYS_DIR, ignore_errors=True)


bearer = HTTPBearer(auto_error=False, bearerFormat="JWT")
app = FastAPI(title="api-zoo", version="2.3.0", debug=True, lifespan=lifespan)  # FLAW DATA-004: debug tracebacks


# ----------------------------------------------------------------------------- JWT, by hand

def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def issue_token(user: dict) -> str:
    header = {"alg": "HS256", "typ": "JWT", "kid": KID}
    # FLAW AUTH-007: no exp.  FLAW AUTH-008: the user's SSN rides in every token.
    claims = {"sub": str(user["id"]), "username": user["username"], "role": user["role"],
              "ssn": SSN[user["id"]], "iat": int(time.time()), "jti": secrets.token_hex(8)}
    signing = ".".join(b64url(json.dumps(p, separators=(",", ":")).encode()) for p in (header, claims))
    sig = hmac.new(JWT_SECRET, signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{b64url(sig)}"


def key_for(header: dict) -> Optional[bytes]:
    """The HMAC key the token's kid names (no kid: the current key), None if there is no such file."""
    try:
        # FLAW AUTH-013: the kid is joined to the keys directory unsanitised, so
        # "../../../../../../../../dev/null" names an empty file: a token HMAC-signed with an empty key verifies
        with open(os.path.join(KEYS_DIR, header.get("kid", KID)), "rb") as f:
            return f.read(KEY_MAX)
    except (OSError, TypeError, ValueError):
        return None


def read_token(token: str, verify: bool = True) -> Optional[dict]:
    parts = token.split(".")
    if len(parts) not in (2, 3):
        return None
    try:
        header, claims = json.loads(unb64url(parts[0])), json.loads(unb64url(parts[1]))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    alg = str(header.get("alg", ""))
    if verify and alg.lower() != "none":  # FLAW AUTH-004: alg "none" tokens need no signature
        digest, key = HASHES.get(alg), key_for(header)
        if digest is None or key is None or len(parts) != 3:
            return None
        want = hmac.new(key, f"{parts[0]}.{parts[1]}".encode(), digest).digest()
        try:
            if not hmac.compare_digest(want, unb64url(parts[2])):
                return None
        except (ValueError, binascii.Error):
            return None
    # FLAW AUTH-006: exp and nbf are never looked at.
    return claims


def user_from(creds: Optional[HTTPAuthorizationCredentials], verify: bool = True) -> Optional[dict]:
    claims = read_token(creds.credentials, verify) if creds else None
    try:
        return data.USERS.get(int(claims["sub"])) if claims else None
    except (KeyError, TypeError, ValueError):
        return None


def unauthorized() -> HTTPException:
    return HTTPException(401, "not authenticated")  # FLAW AUTH-010: no WWW-Authenticate


def current_user(creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer)) -> dict:
    user = user_from(creds)
    if not user:
        raise unauthorized()
    return user


# ----------------------------------------------------------------------------- middleware

@app.middleware("http")
async def edge(request: Request, call_next):
    origin = request.headers.get("origin")
    if request.method == "TRACE":  # FLAW INPUT-004: TRACE echoes the request, headers included
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        head = f"TRACE {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in request.headers.items())
        response = Response(head, media_type="message/http")
    elif request.method == "OPTIONS" and origin and "access-control-request-method" in request.headers:
        response = Response(status_code=204, headers={
            "Access-Control-Allow-Methods": request.headers["access-control-request-method"],
            "Access-Control-Allow-Headers": request.headers.get("access-control-request-headers",
                                                                "Authorization, Content-Type")})
    else:
        response = await call_next(request)
    if origin:  # FLAW INPUT-001, INPUT-002: any Origin, "null" included, reflected with credentials
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["X-Powered-By"] = f"FastAPI/{fastapi.__version__}"  # FLAW INV-004
    response.headers["Strict-Transport-Security"] = "max-age=300"  # FLAW CRYPTO-002
    # FLAW AUTH-009: no X-Content-Type-Options / X-Frame-Options.  FLAW RATE-001: no rate limit at all.
    return response


def set_prefs(response: Response) -> None:
    response.set_cookie("prefs", "theme-light", samesite="lax")  # FLAW CRYPTO-006: no Secure


def user_out(u: dict) -> dict:
    return {"id": u["id"], "username": u["username"], "display_name": u["display_name"],
            "email": u["email"], "role": u["role"], "is_admin": u["role"] == "admin"}


def id_param(example: int, what: str):
    return PathParam(description=f"{what} id", examples=[example],
                     openapi_examples={"own": {"summary": f"a {what} of alice", "value": example}})


# ----------------------------------------------------------------------------- public

@app.get("/", include_in_schema=False)
def root(response: Response):
    set_prefs(response)
    return {"service": "api-zoo", "variant": "vulnerable", "api": "/api/v2", "docs": "/docs"}


@app.get("/api/v2/health", response_model=Health, tags=["misc"], openapi_extra=PUBLIC)
def health(response: Response):
    set_prefs(response)
    return {"status": "ok"}


@app.post("/api/v2/auth/login", response_model=TokenOut, tags=["auth"], openapi_extra=PUBLIC)
def login(body: Credentials):
    user = data.user_by_name(body.username)
    if not user or not data.check_password(body.password, user["password_hash"]):
        raise unauthorized()
    return {"token": issue_token(user), "token_type": "bearer"}


@app.get("/api/v2/auth/redirect", tags=["auth"], status_code=302, openapi_extra=PUBLIC,
         response_class=RedirectResponse)
def after_login(next_: str = Query("/", alias="next", max_length=2048, examples=["/api/v2/users/me"])):
    return RedirectResponse(next_, status_code=302)  # FLAW CONSUME-002: any target, other hosts included


@app.get("/api/v2/products", response_model=list[Product], tags=["shop"], openapi_extra=PUBLIC)
def products(limit: Optional[int] = Query(None, ge=1, examples=[20])):
    return [{k: p[k] for k in ("id", "sku", "name", "price_eur")} for p in data.PRODUCTS]  # FLAW RATE-002


@app.get("/api/v2/events", response_model=EventPage, tags=["shop"], openapi_extra=PUBLIC)
def events(limit: int = Query(20, ge=1, examples=[20]), offset: int = Query(0, ge=0)):
    items = [{k: e[k] for k in ("id", "type", "at")} for e in data.EVENTS[offset:offset + limit]]  # FLAW RATE-003
    return {"items": items, "limit": limit, "offset": offset, "total": len(data.EVENTS)}


@app.get("/api/v2/payments/{payment_id}", response_model=Payment, tags=["shop"], openapi_extra=PUBLIC)
def payment(payment_id: int = id_param(1, "payment")):
    p = data.PAYMENTS.get(payment_id)  # FLAW DATA-001: full card number, to anyone
    if not p:
        raise HTTPException(404, "no such payment")
    return {k: v for k, v in p.items() if k != "uuid"}


@app.get("/api/v2/team", response_model=list[TeamMember], tags=["misc"], openapi_extra=PUBLIC)
def team():
    return data.TEAM  # FLAW DATA-002: every colleague's e-mail address, anonymously


@app.get("/api/v2/config", response_model=Config, tags=["misc"], openapi_extra=PUBLIC)
def config():
    # FLAW DATA-003: live-format Stripe and AWS credentials in a public response
    return {"region": "eu-west-1", "currency": "EUR", "stripe_secret_key": STRIPE_KEY, "aws_access_key_id": AWS_KEY_ID}


SEARCH_DB = sqlite3.connect(":memory:", check_same_thread=False)
SEARCH_LOCK = threading.Lock()
SEARCH_DB.execute("CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, price_eur REAL)")
SEARCH_DB.executemany("INSERT INTO products VALUES (?, ?, ?)",
                      [(p["id"], p["name"], p["price_eur"]) for p in data.PRODUCTS])


@app.get("/api/v2/search", response_model=SearchOut, tags=["shop"], openapi_extra=PUBLIC)
def search(q: str = Query(max_length=200, examples=["otter"])):
    # FLAW DATA-004, INPUT-007: the query is pasted into SQL; a quote raises, and debug mode returns the
    # traceback with SQLite's error text
    sql = f"SELECT id, name, price_eur FROM products WHERE name LIKE '%{q}%' ORDER BY id LIMIT 20"
    with SEARCH_LOCK:
        rows = SEARCH_DB.execute(sql).fetchall()
    return {"q": q, "results": [{"id": r[0], "name": r[1], "price_eur": r[2]} for r in rows]}


@app.get("/api/v2/preview", tags=["misc"], openapi_extra=PUBLIC,
         responses={200: {"description": "The fetched document, as fetched",
                          "content": {"text/html": {}, "application/json": {}}}})
def preview(url: str = Query(max_length=2048, json_schema_extra={"format": "uri"},
                             examples=["https://media.api-zoo.example/otter.html"])):
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise HTTPException(400, "only http and https URLs can be previewed")
    try:
        status, ctype, body = fetch(url)  # FLAW SSRF-001, SSRF-002: any host, loopback included
    except FetchError as e:
        raise HTTPException(502, f"fetch failed: {e}")
    # FLAW CONSUME-003: the upstream document is relayed verbatim, scripts and all
    return Response(body, media_type=ctype, headers={"X-Upstream-Status": str(status)})


BOT = VulnerableBot()
HISTORY: deque = deque(maxlen=40)
HISTORY_LOCK = threading.Lock()


@app.post("/api/v2/chat", response_model=ChatOut, tags=["chat"], openapi_extra=PUBLIC)
def chat(body: ChatIn):
    answer = BOT.reply(body.message)
    with HISTORY_LOCK:
        HISTORY.extend([{"role": "user", "content": body.message[:2000]}, {"role": "assistant", "content": answer}])
    prompt_tokens = len(SYSTEM_PROMPT.split()) + len(body.message.split())
    completion_tokens = len(answer.split())
    # FLAW LLM-001: model name and token usage in every reply
    return {"id": f"chatcmpl-{secrets.token_hex(6)}", "object": "chat.completion", "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


@app.get("/api/v2/chat/history", response_model=ChatHistory, tags=["chat"], openapi_extra=PUBLIC)
def chat_history():
    with HISTORY_LOCK:
        recent = list(HISTORY)
    return {"messages": [{"role": "system", "content": SYSTEM_PROMPT}, *recent]}  # FLAW LLM-002


@app.get("/debug/vars", include_in_schema=False)
def debug_vars():
    # FLAW INPUT-006: an expvar-style debug dump left reachable
    return {"cmdline": sys.argv, "pid": os.getpid(), "python": sys.version,
            "memstats": {"gc_counts": gc.get_count(), "objects": len(gc.get_objects())},
            "debug": True, "jwt_alg": "HS256"}


# ----------------------------------------------------------------------------- signed in

@app.get("/api/v2/users/me", response_model=UserOut, tags=["users"])
def me(user: dict = Depends(current_user)):
    # FLAW PROP-002: internal_notes is not in the documented schema (and FLAW PROP-001: internal_*)
    return JSONResponse({**user_out(user), "internal_notes": user["internal_notes"]})


@app.patch("/api/v2/users/me", response_model=UserOut, tags=["users"])
def update_me(body: UserUpdate, user: dict = Depends(current_user)):
    user.update(body.model_dump(exclude_unset=True, exclude_none=True))  # FLAW PROP-003: readOnly role written
    return user_out(user)


@app.get("/api/v1/users/me", include_in_schema=False)
def me_v1(user: dict = Depends(current_user)):
    return user_out(user)  # FLAW INV-002: the retired v1 still answers


@app.get("/api/v2/users/{user_id}", response_model=UserOut, tags=["users"])
def get_user(user_id: int = id_param(1, "user"), user: dict = Depends(current_user)):
    target = data.USERS.get(user_id)  # FLAW BOLA-001 (sequential ids), BOLA-002 (no ownership check)
    if not target:
        raise HTTPException(404, "no such user")
    return user_out(target)  # FLAW BFLA-003: role and is_admin in user objects


@app.get("/api/v2/orders", response_model=list[Order], tags=["shop"])
def orders(user_id: Optional[int] = Query(None, examples=[1]), user: dict = Depends(current_user)):
    owner = user["id"] if user_id is None else user_id  # FLAW BOLA-003: the owner comes from the query
    return [{k: o[k] for k in ("id", "user_id", "item", "total_eur")} for o in data.ORDERS if o["user_id"] == owner]


@app.get("/api/v2/reports/{report_id}", response_model=Report, tags=["users"])
def report(report_id: int = id_param(1, "report"), creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer)):
    r = data.REPORTS.get(report_id)  # FLAW AUTH-001: bearer security declared, never checked
    if not r:
        raise HTTPException(404, "no such report")
    return {k: v for k, v in r.items() if k != "uuid"}


@app.get("/api/v2/notes", response_model=list[Note], tags=["users"])
def notes(creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer)):
    user = user_from(creds, verify=False)  # FLAW AUTH-002: the token is decoded, its signature never checked
    if not user:
        raise unauthorized()
    return [{"id": n["id"], "text": n["text"]} for n in data.NOTES[user["id"]]]


def account_body(request: Request, creds: Optional[HTTPAuthorizationCredentials]) -> dict:
    if request.method != "HEAD" and not user_from(creds):  # FLAW AUTH-003: HEAD skips authentication
        raise unauthorized()
    return data.ACCOUNT


@app.get("/api/v2/account", response_model=Account, tags=["users"])
def account(request: Request, creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer)):
    return account_body(request, creds)


@app.head("/api/v2/account", response_model=Account, tags=["users"])
def account_head(request: Request, creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer)):
    return account_body(request, creds)


@app.get("/api/v2/legacy/profile", response_model=LegacyProfile, tags=["users"], deprecated=True)
def legacy_profile(user: dict = Depends(current_user)):
    return {k: user[k] for k in ("username", "display_name", "email")}  # FLAW INV-003: deprecated, still live


WEBHOOKS: deque = deque(maxlen=100)


@app.post("/api/v2/webhooks", response_model=WebhookOut, status_code=201, tags=["users"])
def add_webhook(body: WebhookIn, user: dict = Depends(current_user)):
    parts = urllib.parse.urlsplit(body.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HTTPException(422, "url must be an absolute http(s) URL")
    # FLAW CONSUME-001: plain http and loopback/private hosts are accepted
    hook = {"id": len(WEBHOOKS) + 1, "url": body.url, "event": body.event}
    WEBHOOKS.append(hook)
    return hook


# ----------------------------------------------------------------------------- admin

@app.get("/api/v2/admin/users", response_model=list[AdminUser], tags=["admin"])
def admin_users():
    # FLAW BFLA-001: no authentication at all.  FLAW PROP-001: password hashes in the response.
    return [{**user_out(u), "password_hash": u["password_hash"]} for u in data.USERS.values()]


@app.get("/api/v2/admin/stats", response_model=AdminStats, tags=["admin"])
def admin_stats(user: dict = Depends(current_user)):
    # FLAW BFLA-002: any signed-in user, not only admins
    return {"users": len(data.USERS), "orders": len(data.ORDERS),
            "revenue_eur": round(sum(o["total_eur"] for o in data.ORDERS), 2)}


if __name__ == "__main__":
    if "--openapi" in sys.argv:
        print(json.dumps(app.openapi(), indent=2))
        sys.exit(0)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8080")),
                log_level="warning", access_log=False)
