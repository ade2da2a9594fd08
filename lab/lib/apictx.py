"""What the API probes (apiprobe.py) stand on: a plain http.client request, the
target's API document (operations, example-filled request targets, $ref resolution),
the running target with alice's login and a one-time survey of every GET operation,
hand-made JWTs (and the PEM text of a JWKS's RSA key), the public registration and the
accounts a probe registers through it (each deletes itself again), and a small callback
listener. Standard library only."""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import http.server
import json
import os
import re
import secrets
import string
import threading
import time
import urllib.parse
from dataclasses import dataclass

import labctl
import probe
from probe import ProbeError, jwt_claims

TIMEOUT = 10.0
MAX_BODY = 1 << 20
URL_NAMES = {"url", "uri", "link", "src", "callback", "webhook", "image", "fetch", "target", "dest", "redirect_uri",
             "feed"}
REDIRECT_NAMES = {"next", "redirect", "redirect_uri", "return", "return_to", "returnurl", "continue", "url", "dest"}
PAGE_NAMES = ("limit", "page_size", "per_page")
ROLE_KEYS = {"role", "roles", "is_admin", "isadmin", "permissions", "scopes", "is_superuser"}
ADMIN_SEGMENTS = {"admin", "internal", "manage", "management", "ops"}
HMAC_WORDLIST = ["secret", "password", "changeme", "jwt_secret", "jwt-secret", "your-256-bit-secret", "secretkey",
                 "secret123", "key", "admin", "123456", "supersecret", "s3cr3t", "test", "dev", "default"]
HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


# ----------------------------------------------------------------------------- HTTP

@dataclass
class Resp:
    status: int
    headers: list[tuple[str, str]]
    raw: bytes
    truncated: bool

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.raw)
        except ValueError:
            return None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def send(base: str, method: str, target: str, headers: dict | None = None, body=None) -> Resp:
    u = urllib.parse.urlsplit(base)
    h = {"User-Agent": "rampart-lab-verify", "Accept": "application/json, */*"}
    h.update(headers or {})
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=TIMEOUT)
    try:
        conn.request(method, target, body=body, headers=h)
        r = conn.getresponse()
        raw = r.read(MAX_BODY + 1)
        return Resp(r.status, list(r.getheaders()), raw[:MAX_BODY], len(raw) > MAX_BODY)
    finally:
        conn.close()


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def rand_word(n: int = 10) -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(n))


# ----------------------------------------------------------------------------- the API document

@dataclass
class Op:
    method: str
    path: str
    doc: dict
    secured: bool
    target: str = ""

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    def params(self, where: str | None = None) -> list[dict]:
        return [p for p in self.doc.get("parameters", []) if where is None or p.get("in") == where]


def example(param: dict):
    ex = param.get("examples")
    if isinstance(ex, dict) and ex:
        return next(iter(ex.values())).get("value")
    schema = param.get("schema", {})
    for holder in (param, schema):
        if "example" in holder:
            return holder["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    return 1 if schema.get("type") == "integer" else "x"


def fill(op: Op, overrides: dict | None = None, path: str | None = None) -> str:
    """A request target for op: path parameters and required query parameters filled
    with their examples, `overrides` (name -> value) added or replacing them."""
    overrides = overrides or {}
    out = path or op.path
    for p in op.params("path"):
        value = overrides.get(p["name"], example(p))
        out = out.replace("{" + p["name"] + "}", urllib.parse.quote(str(value), safe=""))
    query = {p["name"]: example(p) for p in op.params("query") if p.get("required")}
    query.update({k: v for k, v in overrides.items() if k not in {p["name"] for p in op.params("path")}})
    return out + ("?" + urllib.parse.urlencode(query) if query else "")


class Spec:
    def __init__(self, doc: dict):
        self.doc = doc
        default = doc.get("security", [])
        self.ops = []
        for path, item in doc.get("paths", {}).items():
            for method, op in item.items():
                if method.lower() in ("get", "head", "post", "put", "patch", "delete", "options"):
                    sec = op.get("security", default)
                    o = Op(method.upper(), path, op, any(bool(req) for req in sec))
                    o.target = fill(o)
                    self.ops.append(o)

    def resolve(self, schema: dict) -> dict:
        for _ in range(20):
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            if not ref:
                return schema or {}
            node = self.doc
            for part in ref.lstrip("#/").split("/"):
                node = node[part]
            schema = node
        raise ProbeError(f"$ref loop at {schema}")

    def props(self, schema: dict) -> dict | None:
        """Properties of an object schema (anyOf/oneOf/allOf merged); None if free-form."""
        schema = self.resolve(schema)
        branches = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
        if branches:
            merged: dict = {}
            for b in branches:
                b = self.resolve(b)
                if b.get("type") == "null":
                    continue
                sub = self.props(b)
                if sub is None:
                    return None
                merged.update(sub)
            return merged
        if "properties" in schema:
            return schema["properties"]
        return None

    def body_schema(self, op: Op) -> dict:
        content = op.doc.get("requestBody", {}).get("content", {})
        return self.resolve(content.get("application/json", {}).get("schema", {}))

    def ok_schema(self, op: Op) -> dict | None:
        for code, r in op.doc.get("responses", {}).items():
            if code.startswith("2"):
                schema = r.get("content", {}).get("application/json", {}).get("schema")
                if schema:
                    return schema
        return None


def url_like(name: str, schema: dict) -> bool:
    return name.lower() in URL_NAMES or schema.get("format") in ("uri", "url")


# ----------------------------------------------------------------------------- context

@dataclass
class Surveyed:
    op: Op
    anon: Resp
    authed: Resp

    @property
    def best(self) -> Resp:
        return self.authed if self.authed.ok else self.anon


class Zoo:
    """One running target: its base URL, flow, API document and alice's login."""

    def __init__(self, entry: dict, flow: dict, base: str):
        self.entry, self.flow, self.base = entry, flow, base
        self.spec = Spec(json.loads((labctl.LAB / entry["spec"]).read_text()))
        # The trap (manifest key `trap`: a destructive GET the document declares) is never sent.
        self.spec.ops = [o for o in self.spec.ops if o.label != entry.get("trap")]
        self.password = os.environ.get("LAB_PASSWORD") or labctl.DEFAULT_PASSWORD
        self.token = self.login("alice", self.password)
        self._survey: list[Surveyed] | None = None
        self._key: tuple | None = None

    def login(self, username: str, password: str) -> str:
        c = probe.Client(self.flow, self.base)
        c.preauth(required=False)
        c.login({"username": username, "password": password})
        if not c.token:
            raise ProbeError(f"login as {username} issued no token")
        return c.token

    def creds(self, token: str | None = None) -> dict:
        token = token or self.token
        s = self.flow.get("session", {})
        if s.get("bearer"):
            return {"Authorization": f"Bearer {token}"}
        if s.get("header"):
            return {s["header"]: token}
        return {"Cookie": f"{s['cookie']}={token}"}

    def get(self, target: str, token: str | None = None, authed: bool = False, **headers) -> Resp:
        h = dict(headers)
        if authed or token:
            h.update(self.creds(token))
        return send(self.base, "GET", target, h)

    def req(self, method: str, target: str, authed: bool = False, body=None, headers: dict | None = None) -> Resp:
        h = dict(headers or {})
        if authed:
            h.update(self.creds())
        return send(self.base, method, target, h, body)

    def survey(self) -> list[Surveyed]:
        """One anonymous and one authed GET of every GET operation, plus the root."""
        if self._survey is None:
            root = Op("GET", "/", {}, False, "/")
            ops = [root] + [o for o in self.spec.ops if o.method == "GET"]
            self._survey = [Surveyed(o, self.get(o.target), self.get(o.target, authed=True)) for o in ops]
        return self._survey

    def responses(self) -> list[tuple[str, Resp]]:
        return [(f"{s.op.label} ({who})", r) for s in self.survey() for who, r in (("anon", s.anon), ("authed", s.authed))]

    def protected_ok(self, token: str) -> bool:
        p = self.flow["protected"]
        r = send(self.base, p.get("method", "GET").upper(), p["path"], self.creds(token))
        return r.ok and probe.marker(self.flow) in r.text

    def jwt_key(self) -> tuple[str, bytes] | None:
        """(alg, secret) of alice's token if the secret is in the word list (offline)."""
        if self._key is None:
            self._key = (None,)
            parts = self.token.split(".")
            if jwt_claims(self.token) is not None:
                alg = json.loads(unb64url(parts[0])).get("alg", "")
                for word in HMAC_WORDLIST if alg in HASHES else []:
                    mac = hmac.new(word.encode(), f"{parts[0]}.{parts[1]}".encode(), HASHES[alg]).digest()
                    if hmac.compare_digest(mac, unb64url(parts[2])):
                        self._key = ((alg, word.encode()),)
                        break
        return self._key[0]


def sign(claims: dict, alg: str, key: bytes | None, kid: str | None = None) -> str:
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"} | ({"kid": kid} if kid is not None else {})).encode())
    payload = b64url(json.dumps(claims).encode())
    if key is None:
        return f"{header}.{payload}."
    mac = hmac.new(key, f"{header}.{payload}".encode(), HASHES[alg]).digest()
    return f"{header}.{payload}.{b64url(mac)}"


def _der(tag: int, body: bytes) -> bytes:
    """One DER element: tag, definite length (short or long form), body."""
    if len(body) < 0x80:
        length = bytes([len(body)])
    else:
        raw = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _der_uint(value: bytes) -> bytes:
    """A DER INTEGER of the unsigned big-endian `value`: minimal, a 0x00 first where the top bit is set."""
    value = value.lstrip(b"\0") or b"\0"
    return _der(0x02, b"\0" + value if value[0] & 0x80 else value)


RSA_ENCRYPTION = bytes.fromhex("2a864886f70d010101")  # OID 1.2.840.113549.1.1.1


def spki_pem(n: str, e: str) -> str:
    """The PEM text of an RSA public key (a JWK's base64url n and e) as OpenSSL, Node's
    KeyObject.export({type: "spki", format: "pem"}) and Python's cryptography write it:
    SubjectPublicKeyInfo SEQUENCE{SEQUENCE{rsaEncryption, NULL}, BIT STRING{SEQUENCE{n, e}}},
    base64 in 64-character lines between the PUBLIC KEY header and footer, a newline after each."""
    rsa_key = _der(0x30, _der_uint(unb64url(n)) + _der_uint(unb64url(e)))
    algorithm = _der(0x30, _der(0x06, RSA_ENCRYPTION) + _der(0x05, b""))
    der = _der(0x30, algorithm + _der(0x03, b"\0" + rsa_key))  # BIT STRING: no unused bits
    text = base64.b64encode(der).decode()
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"


def garble(token: str) -> str:
    """The same JWT with a wrong (but well-formed) signature; an opaque token with its last
    character changed."""
    if token.count(".") != 2:
        return token[:-1] + ("b" if token[-1:] == "a" else "a")
    head, payload, sig = token.split(".")
    raw = bytearray(unb64url(sig) or b"\0")
    raw[0] ^= 0x5A
    return f"{head}.{payload}.{b64url(bytes(raw))}"


def walk(value, depth: int = 0):
    """(key, value) of every object member at any depth."""
    if depth > 12:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from walk(v, depth + 1)
    elif isinstance(value, list):
        for v in value[:200]:
            yield from walk(v, depth + 1)


def top_keys(value) -> frozenset | None:
    if isinstance(value, dict):
        return frozenset(value)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return frozenset(value[0])
    return None


def elements(value) -> list | None:
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        return value["items"]
    return None


def summary(hits: list[str], none: str) -> tuple[bool, str]:
    hits = list(dict.fromkeys(hits))
    return (bool(hits), "; ".join(hits[:6]) + (f" (+{len(hits) - 6})" if len(hits) > 6 else "")) if hits else (False, none)


# ----------------------------------------------------------------------------- accounts a probe registers

PASSWORD_FIELD = re.compile(r"pass(word|wd)?$|pwd$|^pass", re.I)
OLD_SECRET = re.compile(r"old|current|existing|previous|confirm", re.I)
IDENTITY_FIELDS = ("username", "user_name", "login", "email", "user", "name")
LOGIN_PATH = re.compile(r"log-?in|sign-?in|/token|/session", re.I)


def password_field(props: dict, spec: "Spec") -> str | None:
    """The body field that carries a (new) password: a password-like name or `format: password`,
    never an old/current/confirmation one."""
    for k, v in props.items():
        if not OLD_SECRET.search(k) and (PASSWORD_FIELD.search(k) or spec.resolve(v).get("format") == "password"):
            return k
    return None


def is_email(name: str, schema: dict) -> bool:
    return "email" in name.lower() or schema.get("format") == "email"


@dataclass
class Signup:
    """A public registration operation (a POST taking a user name or e-mail and a password, not a
    login) and the operation an account deletes itself with (a DELETE of /…/me or of the flow's
    protected path, no path parameters), if the document has one."""
    register: Op
    user_field: str
    password_field: str
    delete: Op | None

    def body(self, z: "Zoo", name: str, password: str) -> dict:
        """The document's example body (apictx.example of each writable property) with the account's
        name (an e-mail address where the field wants one) and password."""
        schema = z.spec.body_schema(self.register)
        props = z.spec.props(schema) or {}
        body = {k: example({"schema": z.spec.resolve(v)}) for k, v in props.items()
                if not z.spec.resolve(v).get("readOnly")}
        user_schema = z.spec.resolve(props.get(self.user_field, {}))
        body[self.user_field] = f"{name}@example.com" if is_email(self.user_field, user_schema) else name
        body[self.password_field] = password
        return body


def signup(z: "Zoo") -> Signup | None:
    login = z.flow.get("login", {}).get("path", "")
    protected = z.flow.get("protected", {}).get("path", "")
    delete = next((o for o in z.spec.ops if o.method == "DELETE" and not o.params("path")
                   and (o.path.rstrip("/").endswith("/me") or o.path == protected)), None)
    for o in z.spec.ops:
        if (o.method != "POST" or o.secured or o.params("path") or o.path == login or LOGIN_PATH.search(o.path)
                or "password" in o.path.lower()):
            continue
        props = z.spec.props(z.spec.body_schema(o)) or {}
        secret = password_field(props, z.spec)
        user = next((k for k in IDENTITY_FIELDS if k in props), None)
        if secret and user:
            return Signup(o, user, secret, delete)
    return None


def login_fields(flow: dict) -> tuple[str, str] | None:
    """(user field, password field) of the flow's JSON/form login (the field whose value is alice)."""
    fields = flow.get("login", {}).get("json") or flow.get("login", {}).get("form")
    if not isinstance(fields, dict):
        return None
    user_key = next((k for k, v in fields.items() if v == "alice"), None)
    pass_key = next((k for k in fields if k != user_key and "csrf" not in k.lower()), None)
    return (user_key, pass_key) if user_key and pass_key else None


class Accounts:
    """Accounts a probe registers through a Signup; on leaving the block each one deletes itself
    (logs in with whichever of its passwords works, newest first, else uses a token it had, then
    sends the Signup's delete operation), whatever happened in the block. An account that cannot be
    deleted fails the probe (ProbeError) unless the block is already failing."""

    def __init__(self, z: "Zoo", s: Signup):
        self.z, self.s = z, s
        self.made: dict[str, dict] = {}  # login name -> {"passwords": [...], "tokens": [...]}

    def __enter__(self):
        return self

    def register(self, body: dict, token: str | None = None) -> Resp:
        """POST the registration (anonymously, or with `token`); a 2xx answer records the account."""
        r = send(self.z.base, "POST", self.s.register.target, self.z.creds(token) if token else {}, body)
        if r.ok:
            name = str(body.get(self.s.user_field))
            self.made.setdefault(name, {"passwords": [], "tokens": []})["passwords"].append(
                body.get(self.s.password_field))
        return r

    def may_have(self, name: str, password: str) -> None:
        """`password` may now be the account's (a change was attempted): try it first on cleanup."""
        self.made.setdefault(name, {"passwords": [], "tokens": []})["passwords"].append(password)

    def login(self, name: str, password: str) -> str | None:
        """A token for the account, or None when the flow's login refuses it."""
        keys = login_fields(self.z.flow)
        if not keys:
            raise ProbeError("the flow's login names no user alice and password")
        c = probe.Client(self.z.flow, self.z.base)
        c.preauth(required=False)
        r = c.step("login", {keys[0]: name, keys[1]: password})
        if r.status >= 400 or not c.token:
            return None
        self.made.get(name, {"tokens": []})["tokens"].append(c.token)
        return c.token

    def __exit__(self, exc_type, *exc):
        left = []
        for name, acct in self.made.items():
            tokens = [t for pw in reversed(acct["passwords"]) if isinstance(pw, str) and (t := self.login(name, pw))]
            deleted = False
            for token in tokens + acct["tokens"][::-1]:
                if self.s.delete is None:
                    break
                r = send(self.z.base, "DELETE", self.s.delete.target, self.z.creds(token))
                if r.ok:
                    deleted = True
                    break
            if not deleted:
                left.append(name)
        if left and exc_type is None:
            how = f"{self.s.delete.label} as the account" if self.s.delete else "no operation to delete an account"
            raise ProbeError(f"registered accounts left behind ({how}): {', '.join(left)}")
        return False


# ----------------------------------------------------------------------------- the SSRF listener

class Listener:
    """A tiny HTTP server recording every request path; answers an HTML page that
    carries `<script>rampart-<token></script>` for the token in /cb/<token>."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                token = self.path.split("/cb/", 1)[-1].split("?", 1)[0]
                body = (f"<html><head><title>rampart</title></head><body>"
                        f"{Listener.marker(token)}</body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def marker(token: str) -> str:
        return f"<script>rampart-{token}</script>"

    def url(self, token: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/cb/{token}"

    def hit(self, token: str, within: float = 4.0) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if any(f"/cb/{token}" in p for p in self.hits):
                return True
            time.sleep(0.05)
        return False

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
