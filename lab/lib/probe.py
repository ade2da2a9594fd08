"""A small, independent implementation of rampart's session-rule semantics, driven
by a lab flow file, using only the standard library (http.client).

It exists to prove the lab's ground truth without rampart: every probe below is a
plain sequence of HTTP requests with a positive or negative control. Each client is
a fresh one (no shared cookies); cookies are handled by hand so that Secure cookies
are still sent to http://127.0.0.1, as a browser does for loopback.

A session may be carried by several cookies as one unit (`[session] cookies = ["koa.sess",
"koa.sess.sig"]`: a value and its signature). Its token is then the tuple of those cookies'
values, replayed together wherever a probe replays a token. Rule semantics for such a set (as
rampart judges them): SESS-003 and SESS-006 are not judged (the values are signed or chunked
data, not an id: n/a, so absent); SESS-007/008/009 find the attribute missing only when every
cookie of the set lacks it (one protected member keeps the set out of the attacker's reach);
SESS-011 and SESS-012 judge the first cookie of the set; every other rule replays the whole set.

A refresh token (SESS-020, SESS-021) arrives either in the login's JSON reply (`[login]
refresh_json`, a JSON pointer; the [refresh] step sends it as `{{refresh}}` and its reply's
refresh_json is the rotated one) or as a cookie (`[login] refresh_cookie = "NAME"`: the login sets
the cookie NAME, the [refresh] step needs no placeholder since the cookie travels with it like any
cookie, and a rotated refresh token comes back as a new value of the same cookie).
"""
from __future__ import annotations

import base64
import binascii
import http.client
import json
import math
import os
import re
import secrets
import string
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

TIMEOUT = 10.0
MAX_BODY = 1 << 20
# access_token: RFC 6750 section 2.3 (a bearer token in the query string)
URL_PARAM_NAMES = ("session_id", "sessionid", "sid", "token", "session", "access_token")
# The Servlet containers' URL-rewriting parameter: Tomcat reads ;jsessionid= (lower case) while its
# cookie is JSESSIONID, unless a cookie name is configured (then both use that name, case-sensitive).
# Tried as its own name, never folded into the carrier's (servlet-tomcat).
URL_PARAM_NAMES += ("jsessionid",)


class ProbeError(RuntimeError):
    """A control failed: the flow or the target does not behave as a probe needs."""


# A session token: one string, or (a session carried by several cookies) the tuple of their values.
Token = str | tuple[str, ...]
MULTI_NA = "n/a: session carried by several cookies"


def session_cookies(flow: dict) -> list[str]:
    """The cookies that carry the session: [session] cookie = "X" -> ["X"], cookies = [...] -> those
    (in the flow's order); [] for a header or bearer carrier."""
    s = flow.get("session", {})
    if s.get("cookies"):
        return [str(n) for n in s["cookies"]]
    return [s["cookie"]] if s.get("cookie") else []


def multi_cookie(flow: dict) -> bool:
    """Is the session carried by several cookies as one unit?"""
    return len(session_cookies(flow)) > 1


def refresh_cookie(flow: dict) -> str | None:
    """The cookie the refresh token arrives in ([login] refresh_cookie), or None (refresh_json, or none)."""
    name = flow.get("login", {}).get("refresh_cookie")
    return str(name) if name else None


def check_flow(flow: dict) -> None:
    """The flow keys of the refresh step, as rampart's flow file contract reads them: refresh_json
    (a JSON pointer) belongs in [login] and [refresh], refresh_cookie (a cookie name) in [login]
    only, never both in [login]; [refresh] needs one of them in [login]; a refresh token that comes
    in a cookie comes back rotated in that cookie, not in the refresh reply's body."""
    for section, spec in flow.items():
        if not isinstance(spec, dict):
            continue
        if "refresh_json" in spec and section not in ("login", "refresh"):
            raise ProbeError(f"refresh_json belongs in [login] or [refresh], not [{section}]")
        if "refresh_cookie" in spec and section != "login":
            raise ProbeError(f"refresh_cookie belongs in [login], not [{section}]")
    login = flow.get("login", {})
    if "refresh_cookie" in login:
        name = login["refresh_cookie"]
        if not isinstance(name, str) or not name or any(c in name for c in "=; \t,"):
            raise ProbeError(f"[login] refresh_cookie must be a cookie name, not {name!r}")
        if login.get("refresh_json"):
            raise ProbeError("[login] takes refresh_json or refresh_cookie, not both")
        if name in session_cookies(flow):
            raise ProbeError(f"refresh_cookie {name!r} is a session cookie of the flow")
        if flow.get("refresh", {}).get("refresh_json"):
            raise ProbeError("with [login] refresh_cookie the rotated refresh token comes back in that cookie: "
                             "no refresh_json in [refresh]")
    if "refresh" in flow and not (login.get("refresh_json") or login.get("refresh_cookie")):
        raise ProbeError("[refresh] needs refresh_json or refresh_cookie in [login]")


def first(token: Token | None) -> str | None:
    """The token, or for a set of cookies the first cookie's value."""
    return token[0] if isinstance(token, tuple) else token


@dataclass
class Resp:
    step: str
    method: str
    path: str
    status: int
    headers: list[tuple[str, str]]
    body: str
    set_cookies: list[str] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


def http_request(base: str, method: str, path: str, headers: dict[str, str],
                 body: bytes | None = None, step: str = "") -> Resp:
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read(MAX_BODY + 1)[:MAX_BODY]
        return Resp(step, method, path, r.status, list(r.getheaders()),
                    data.decode("utf-8", errors="replace"), r.msg.get_all("Set-Cookie") or [])
    finally:
        conn.close()


# ----------------------------------------------------------------------------- cookies

@dataclass
class SetCookie:
    name: str
    value: str
    attrs: dict[str, str]  # lower-case attribute name -> value ("" for flags)

    @classmethod
    def parse(cls, header: str) -> "SetCookie":
        parts = [p.strip() for p in header.split(";")]
        name, _, value = parts[0].partition("=")
        attrs = {}
        for p in parts[1:]:
            if p:
                k, _, v = p.partition("=")
                attrs[k.strip().lower()] = v.strip()
        return cls(name.strip(), value.strip().strip('"'), attrs)

    def lifetime_s(self) -> float | None:
        """Seconds the cookie lives from now; None for a browser-session cookie."""
        if "max-age" in self.attrs:
            try:
                return float(self.attrs["max-age"])
            except ValueError:
                return None
        if "expires" in self.attrs:
            try:
                exp = parsedate_to_datetime(self.attrs["expires"])
            except (TypeError, ValueError):
                return None
            if exp.tzinfo is None:
                exp = exp.replace(tzinfo=timezone.utc)
            return (exp - datetime.now(timezone.utc)).total_seconds()
        return None

    def is_deletion(self) -> bool:
        life = self.lifetime_s()
        return self.value == "" or (life is not None and life <= 0)


# ----------------------------------------------------------------------------- flow client

def _subst(value, token: Token | None, refresh: str | None = None):
    token = first(token)  # {{session}} of a set of cookies: its first cookie's value
    if isinstance(value, str):
        value = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: os.environ.get(m.group(1), ""), value)
        return value.replace("{{session}}", token or "").replace("{{refresh}}", refresh or "")
    if isinstance(value, dict):
        return {k: _subst(v, token, refresh) for k, v in value.items()}
    if isinstance(value, list):
        return [_subst(v, token, refresh) for v in value]
    return value


def json_pointer(doc, pointer: str):
    if pointer in ("", "/"):
        return doc
    for raw in pointer.lstrip("/").split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, list):
            doc = doc[int(key)]
        elif isinstance(doc, dict):
            doc = doc[key]
        else:
            raise KeyError(pointer)
    return doc


class Client:
    """One fresh HTTP client following a flow file: a cookie jar plus the session
    carrier the flow names ([session] cookie / cookies / header / bearer). With several
    cookies the token is the tuple of their values (None unless all of them are set)."""

    def __init__(self, flow: dict, base: str, token: Token | None = None):
        self.flow, self.base = flow, base
        s = flow.get("session", {})
        names = session_cookies(flow)
        self.cookie_name = names[0] if len(names) == 1 else None
        self.cookie_set: tuple[str, ...] | None = tuple(names) if len(names) > 1 else None
        self.header_name = s.get("header")
        self.bearer = bool(s.get("bearer"))
        self.cookies: dict[str, str] = {}
        self.token: Token | None = None
        # the refresh token of the last login/refresh step: from its reply's refresh_json, or (the
        # login's refresh_cookie) the cookie's value in the jar after it
        self.refresh: str | None = None
        self.log: list[Resp] = []
        self.preauth_body = ""
        if token is not None:
            self.set_token(token)

    # carrier ------------------------------------------------------------------
    def carrier_name(self) -> str:
        return self.cookie_name or (self.cookie_set[0] if self.cookie_set else None) or self.header_name \
            or "Authorization"

    def set_token(self, token: Token | None) -> None:
        self.token = token
        if self.cookie_name:
            if token is None:
                self.cookies.pop(self.cookie_name, None)
            else:
                self.cookies[self.cookie_name] = token
        elif self.cookie_set:
            if token is not None and (not isinstance(token, tuple) or len(token) != len(self.cookie_set)):
                raise ProbeError(f"a session of {len(self.cookie_set)} cookies needs as many values, not {token!r}")
            for i, name in enumerate(self.cookie_set):
                if token is None:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = token[i]

    def jar_token(self) -> Token | None:
        """The carrier's token as the jar holds it (a set of cookies: all of them, or None)."""
        if self.cookie_name:
            return self.cookies.get(self.cookie_name)
        if self.cookie_set and all(n in self.cookies for n in self.cookie_set):
            return tuple(self.cookies[n] for n in self.cookie_set)
        return None

    def _headers(self, extra: dict | None) -> dict[str, str]:
        h = {"User-Agent": "rampart-lab-verify", "Accept": "*/*"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token and self.header_name:
            h[self.header_name] = self.token
        if self.token and self.bearer:
            h["Authorization"] = f"Bearer {self.token}"
        h.update(_subst(extra or {}, self.token))
        return h

    # transport ----------------------------------------------------------------
    def send(self, step: str, method: str, path: str, body: bytes | None = None,
             content_type: str | None = None, headers: dict | None = None,
             with_carrier: bool = True) -> Resp:
        if with_carrier:
            h = self._headers(headers)
        else:
            h = {"User-Agent": "rampart-lab-verify", "Accept": "*/*"}
        if content_type:
            h["Content-Type"] = content_type
        r = http_request(self.base, method, path, h, body, step)
        for sc in r.set_cookies:
            c = SetCookie.parse(sc)
            if c.is_deletion():
                self.cookies.pop(c.name, None)
            else:
                self.cookies[c.name] = c.value
        if self.cookie_name or self.cookie_set:
            self.token = self.jar_token()
        self.log.append(r)
        return r

    def step(self, name: str, extra_fields: dict | None = None) -> Resp:
        spec = self.flow.get(name) or {}
        if name == "preauth" and not spec:
            spec = {"method": "GET", "path": "/"}
        method = spec.get("method", "GET").upper()
        path = spec["path"]
        body, ctype = None, None
        if "form" in spec or "json" in spec or extra_fields:
            fields = dict(_subst(spec.get("form", spec.get("json", {})), self.token, self.refresh))
            if spec.get("csrf_field"):
                fields[spec["csrf_field"]] = self.csrf_value(spec["csrf_field"])
            fields.update(extra_fields or {})
            if "json" in spec:
                body, ctype = json.dumps(fields).encode(), "application/json"
            else:
                body, ctype = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        r = self.send(name, method, path, body, ctype, spec.get("headers"))
        if name == "preauth":
            self.preauth_body = r.body
        if spec.get("token_json") and r.status < 400:
            try:
                self.set_token(str(json_pointer(json.loads(r.body), spec["token_json"])))
            except (ValueError, KeyError, IndexError, TypeError):
                raise ProbeError(f"{name}: no token at {spec['token_json']} in {r.body[:200]!r}")
        if spec.get("refresh_json") and r.status < 400:
            try:
                self.refresh = str(json_pointer(json.loads(r.body), spec["refresh_json"]))
            except (ValueError, KeyError, IndexError, TypeError):
                raise ProbeError(f"{name}: no refresh token at {spec['refresh_json']} in {r.body[:200]!r}")
        rc = refresh_cookie(self.flow)
        if rc and name in ("login", "refresh") and r.status < 400:
            if name == "login" and set_cookie_value(r, rc) is None:
                raise ProbeError(f"login: no refresh token in the cookie {rc} (no Set-Cookie of it)")
            # a rotating refresh step sets a new value of the cookie; otherwise the jar keeps the old one
            self.refresh = self.cookies.get(rc) or self.refresh
        return r

    def csrf_value(self, field_name: str) -> str:
        for pat in (rf'name=["\']{re.escape(field_name)}["\'][^>]*?value=["\']([^"\']*)["\']',
                    rf'value=["\']([^"\']*)["\'][^>]*?name=["\']{re.escape(field_name)}["\']'):
            m = re.search(pat, self.preauth_body)
            if m:
                return m.group(1)
        raise ProbeError(f"login: csrf field {field_name!r} not found in the preauth page")

    # flow steps -----------------------------------------------------------------
    def preauth(self, required: bool = True) -> Token | None:
        """The pre-auth token; None when the flow's preauth issues none (a JWT API) and
        `required` is False."""
        self.step("preauth")
        if not self.token and required:
            raise ProbeError("preauth issued no session token")
        return self.token

    def login(self, extra_fields: dict | None = None) -> Resp:
        r = self.step("login", extra_fields)
        if r.status >= 400:
            raise ProbeError(f"login failed: HTTP {r.status} {r.body[:200]!r}")
        return r

    def url_probe_logged_in(self, path: str) -> bool:
        """The protected page at `path`, sent without any carrier (no cookie, no header)."""
        spec = self.flow["protected"]
        r = self.send("url-probe", spec.get("method", "GET").upper(), path, with_carrier=False)
        return marker(self.flow) in r.body

    def logged_in(self) -> bool:
        spec = self.flow["protected"]
        r = self.send("protected", spec.get("method", "GET").upper(), spec["path"],
                      headers=spec.get("headers"))
        return spec.get("logged_in_marker", "alice") in r.body


def set_cookie_value(r: Resp, name: str) -> str | None:
    """The value the response sets the cookie `name` to (its last Set-Cookie of that name that is
    not a deletion), or None."""
    value = None
    for sc in r.set_cookies:
        ck = SetCookie.parse(sc)
        if ck.name == name:
            value = None if ck.is_deletion() else ck.value
    return value


def marker(flow: dict) -> str:
    return flow["protected"].get("logged_in_marker", "alice")


def token_only_logged_in(flow: dict, base: str, token: Token) -> bool:
    """A fresh client that sends nothing but `token` through the carrier (a set of cookies: all
    of them)."""
    return Client(flow, base, token).logged_in()


def cookies_only_logged_in(flow: dict, base: str, cookies: dict[str, str]) -> bool:
    """A fresh client that sends exactly `cookies` (some members of a set, say), nothing else."""
    c = Client(flow, base)
    c.cookies = dict(cookies)
    c.token = c.jar_token()
    return c.logged_in()


def shaped_like(token: Token) -> Token:
    """A never-issued id of the same length and alphabet as `token` (a set: each value)."""
    if isinstance(token, tuple):
        return tuple(shaped_like(t) for t in token)
    alnum = "".join(c for c in token if c.isalnum())
    for alphabet in ("0123456789abcdef", "0123456789ABCDEF",
                     string.digits + string.ascii_lowercase, string.digits + string.ascii_uppercase):
        if alnum and all(c in alphabet for c in alnum):
            break
    else:
        alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) if c.isalnum() else c for c in token)


def tampered(value: str) -> str:
    """`value` changed the way an attacker would: base64 JSON (a client-side session) decoded,
    given one more key and re-encoded, still naming its user; anything else a random value of
    its shape."""
    try:
        data = json.loads(base64.b64decode(value, validate=True))
    except (ValueError, binascii.Error):
        data = None
    if not isinstance(data, dict):
        return shaped_like(value)
    data["rampart_lab"] = "tampered"
    return base64.b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


def jwt_claims(token: Token | None) -> dict | None:
    """The claims of `token` if it is a JWT (a JSON header with "alg", a JSON payload); a set of
    cookies: its first cookie's value."""
    parts = (first(token) or "").split(".")
    if len(parts) != 3:
        return None
    try:
        header, claims = (json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))) for p in parts[:2])
    except (ValueError, binascii.Error):
        return None
    return claims if isinstance(header, dict) and "alg" in header and isinstance(claims, dict) else None


def logged_in_client(flow: dict, base: str) -> Client:
    c = Client(flow, base)
    c.preauth(required=False)
    c.login()
    if not c.logged_in():
        raise ProbeError("control: a normal login did not reach the protected page")
    return c


# ----------------------------------------------------------------------------- rules

def validate(flow: dict, base: str) -> str:
    """rampart's flow validation: the refresh keys (check_flow), marker only when logged in."""
    check_flow(flow)
    m = marker(flow)
    if Client(flow, base).logged_in():
        raise ProbeError("protected page shows the marker anonymously")
    c = Client(flow, base)
    t0 = c.preauth(required=False)
    if m in c.preauth_body:
        raise ProbeError("preauth page contains the marker")
    if t0 and Client(flow, base, shaped_like(t0)).logged_in():
        raise ProbeError("protected page shows the marker for a random token")
    if t0 and Client(flow, base, t0).logged_in():
        raise ProbeError("protected page shows the marker for the anonymous token")
    r = c.login()
    if not c.logged_in():
        raise ProbeError(f"not logged in after login (HTTP {r.status})")
    if not t0 and Client(flow, base, shaped_like(c.token)).logged_in():
        raise ProbeError("protected page shows the marker for a random token")
    detail = "marker only when logged in" + ("" if t0 else " (preauth issues no token)")
    rc = refresh_cookie(flow)
    if rc:
        # the refresh cookie is no session carrier: alone (no bearer, no session cookie) it is anonymous
        if cookies_only_logged_in(flow, base, {rc: c.refresh}):
            raise ProbeError(f"the refresh cookie {rc} alone reaches the protected page")
        detail += f"; the login sets the refresh token as cookie {rc}, which alone is anonymous"
    if multi_cookie(flow):
        detail += "; " + cookie_set_is_one_unit(flow, base, c.token, t0)
    return detail


def cookie_set_is_one_unit(flow: dict, base: str, token: tuple[str, ...], t0: Token | None) -> str:
    """A session carried by several cookies is carried by all of them together: the whole set logs
    in from a fresh client (control); the set without any one member, with any one member tampered
    (tampered()), or with a member of the pre-auth set in its place, does not."""
    names = session_cookies(flow)
    if not isinstance(token, tuple) or len(token) != len(names):
        raise ProbeError(f"login did not set every cookie of {names}")
    whole = dict(zip(names, token))
    if not cookies_only_logged_in(flow, base, whole):
        raise ProbeError(f"control: the whole set {' + '.join(names)} does not log in from a fresh client")
    tries = []
    for n in names:
        tries.append((f"the set without {n}", {k: v for k, v in whole.items() if k != n}))
    for n in names:
        tries.append((f"{n} tampered", dict(whole, **{n: tampered(whole[n])})))  # the others real
    if isinstance(t0, tuple):
        for n, old in zip(names, t0):
            if old != whole[n]:
                tries.append((f"{n} from the pre-auth set", dict(whole, **{n: old})))
    hits = [label for label, jar in tries if cookies_only_logged_in(flow, base, jar)]
    if hits:
        raise ProbeError("the session is not carried by the whole set of cookies: logged in with "
                         + ", ".join(hits))
    return (f"{' + '.join(names)} log in together, from a fresh client; not logged in with "
            + ", ".join(label for label, _ in tries))


def sess_001(flow, base):
    c = Client(flow, base)
    t0 = c.preauth(required=False)
    if not t0:
        return False, "n/a: the preauth step issues no session token, so there is none to fixate"
    c.login()
    if not c.logged_in():
        raise ProbeError("control: login failed")
    hit = token_only_logged_in(flow, base, t0)
    rotated = c.token != t0
    return hit, f"T0 {'still logs in' if hit else 'rejected'} after login; token {'rotated' if rotated else 'kept'}"


def _adoption(flow, base, x: str, plant: bool, run_preauth: bool, body_field: bool):
    """Returns (authenticated_after_login, echoed_by_login, echoed_before_login)."""
    c = Client(flow, base, x if plant else None)
    echoed_pre = False
    if run_preauth:
        r = c.step("preauth")
        echoed_pre = _sets_carrier_to(c, r, x)
        echoed_pre = echoed_pre or (bool(flow.get("preauth", {}).get("token_json")) and c.token == x)
    r = c.step("login", {"session_id": x} if body_field else None)
    if r.status >= 400:
        return False, False, echoed_pre
    echoed = _sets_carrier_to(c, r, x)
    if flow["login"].get("token_json"):
        echoed = echoed or c.token == x
    return token_only_logged_in(flow, base, x), echoed, echoed_pre


def _sets_carrier_to(c: Client, r: Resp, x: Token) -> bool:
    """Does the response set the session cookie to x (a set of cookies: every one of them to its
    value in x)?"""
    sent = [SetCookie.parse(s) for s in r.set_cookies]
    if c.cookie_name:
        return any(ck.name == c.cookie_name and ck.value == x for ck in sent)
    if c.cookie_set and isinstance(x, tuple):
        return all(any(ck.name == n and ck.value == v for ck in sent) for n, v in zip(c.cookie_set, x))
    return False


def sess_002(flow, base):
    sample = Client(flow, base).preauth(required=False) or logged_in_client(flow, base).token
    token_preauth = bool(flow.get("preauth", {}).get("token_json"))
    csrf = bool(flow["login"].get("csrf_field"))
    tries = []
    # carrier plant, then the normal preauth (skipped when preauth hands out the token in a body)
    tries.append(("carrier+preauth", True, not token_preauth, False))
    if not csrf and not token_preauth:
        tries.append(("carrier, no preauth", True, False, False))
    if not multi_cookie(flow):  # one login-body field cannot carry a set of cookies
        tries.append(("login body session_id", False, True, True))
    lenient, strict, hits = False, False, []
    for label, plant, pre, body in tries:
        x = shaped_like(sample)
        auth, echo, echo_pre = _adoption(flow, base, x, plant, pre, body)
        if auth or echo:
            hits.append(f"{label}: {'authenticated' if auth else ''}{' echoed' if echo else ''}".strip())
        lenient = lenient or auth or echo
        strict = strict or auth or echo or echo_pre
        if echo_pre and not (auth or echo):
            hits.append(f"{label}: echoed before login only")
    if lenient != strict:
        raise ProbeError("ambiguous: the planted id is echoed before login but not adopted by it "
                         "(" + "; ".join(hits) + ")")
    note = "" if not multi_cookie(flow) else " (login body session_id: n/a for a set of cookies)"
    return lenient, ("; ".join(hits) if hits else "planted ids never authenticated nor echoed") + note


def sess_003(flow, base):
    if multi_cookie(flow):
        return False, MULTI_NA
    c = logged_in_client(flow, base)
    t = c.token
    path = flow["protected"]["path"]
    names = []
    for n in (c.carrier_name(), *URL_PARAM_NAMES):
        if n not in names:
            names.append(n)
    hits = []
    for n in names:
        sep = "&" if "?" in path else "?"
        if Client(flow, base).url_probe_logged_in(f"{path}{sep}{urllib.parse.quote(n)}={urllib.parse.quote(t)}"):
            hits.append(f"?{n}=")
        base_path, q, rest = path.partition("?")
        if Client(flow, base).url_probe_logged_in(f"{base_path};{n}={urllib.parse.quote(t)}{q}{rest}"):
            hits.append(f";{n}=")
    return bool(hits), ("token accepted via " + ", ".join(hits)) if hits else "URL-carried token rejected"


def sess_004(flow, base):
    if "logout" not in flow:
        return False, "n/a: flow has no [logout] step"
    c = logged_in_client(flow, base)
    t = c.token
    if not token_only_logged_in(flow, base, t):
        raise ProbeError("control: token does not log in from a fresh client")
    r = c.step("logout")
    if r.status >= 400:
        raise ProbeError(f"logout failed: HTTP {r.status}")
    hit = False
    for delay in (0.2, 1.5):
        time.sleep(delay)
        hit = token_only_logged_in(flow, base, t)
        if not hit:
            break
    return hit, f"token {'still logs in' if hit else 'rejected'} after logout"


def sess_005(flow, base):
    if "password_change" not in flow:
        return False, "n/a: flow has no [password_change] step"
    c = logged_in_client(flow, base)
    t = c.token
    r = c.step("password_change")
    if r.status >= 400:
        raise ProbeError(f"password change failed: HTTP {r.status} {r.body[:200]!r}")
    if not c.logged_in():
        raise ProbeError("control: the session did not continue after the password change")
    hit = token_only_logged_in(flow, base, t)
    return hit, (f"pre-change token {'still logs in' if hit else 'rejected'}; "
                 f"token {'kept' if c.token == t else 'rotated'}")


def entropy_estimate(tokens: list[str]) -> float:
    n = min(len(t) for t in tokens)
    bits = 0.0
    for i in range(n):
        counts = Counter(t[i] for t in tokens)
        total = len(tokens)
        bits += -sum(k / total * math.log2(k / total) for k in counts.values())
    return bits


def login_token(flow, base) -> str:
    c = Client(flow, base)
    c.preauth(required=False)
    c.login()
    if not c.token:
        raise ProbeError("login issued no session token")
    return c.token


def sess_006(flow, base, n: int = 100, n_login: int = 30):
    if multi_cookie(flow):
        return False, MULTI_NA
    if Client(flow, base).preauth(required=False):
        tokens, source = [Client(flow, base).preauth() for _ in range(n)], "pre-auth"
    else:
        tokens, source = [login_token(flow, base) for _ in range(n_login)], "login"
    dups = len(tokens) - len(set(tokens))
    if source == "login" and dups:
        # logins of the one user that repeat a token are not independent sessions: no sample of
        # the generator (SESS-019 judges a login that hands out the same token), as rampart judges it
        return False, f"n/a: {dups} of {len(tokens)} login tokens repeat (not independent sessions)"
    if all(jwt_claims(t) is not None for t in tokens):
        # a JWT is signed data, not a random id: only repeats make it guessable (as rampart judges it)
        return dups > 0, f"{len(tokens)} {source} tokens, all JWTs: {dups} duplicates"
    seq = False
    for conv in (lambda s: int(s, 10), lambda s: int(s.replace("-", ""), 16)):
        try:
            nums = [conv(t) for t in tokens]
        except ValueError:
            continue
        diffs = {b - a for a, b in zip(nums, nums[1:])}
        seq = seq or len(diffs) == 1
    bits = entropy_estimate(tokens)
    weak = dups > 0 or seq or bits < 64
    return weak, f"{len(tokens)} {source} tokens: {dups} duplicates, sequence={seq}, ~{bits:.0f} bits estimated"


def standard_run(flow, base) -> tuple[Client, list[str]]:
    """preauth, login, protected, [password_change, protected], logout; returns the
    client (with its response log) and every session token seen."""
    c = Client(flow, base)
    tokens = [c.preauth(required=False)]
    c.login()
    tokens.append(c.token)
    if not c.logged_in():
        raise ProbeError("control: login failed")
    if "password_change" in flow:
        c.step("password_change")
        tokens.append(c.token)
        c.logged_in()
    if "logout" in flow:
        c.step("logout")
    return c, [t for t in dict.fromkeys(tokens) if t]


def session_set_cookies(flow, base, names: list[str] | None = None) -> list[SetCookie]:
    names = session_cookies(flow) if names is None else names
    c, _ = standard_run(flow, base)
    out = []
    for r in c.log:
        for sc in r.set_cookies:
            ck = SetCookie.parse(sc)
            if ck.name in names and not ck.is_deletion():
                out.append(ck)
    return out


def _cookie_rule(flow, base, pred, what: str, first_only: bool = False):
    """A cookie-attribute rule over every (non-deletion) Set-Cookie of the session cookie in a
    standard run: present when one of them matches `pred`. A set of cookies: present only when
    EVERY cookie of the set has a matching Set-Cookie (SESS-007..009); `first_only` judges the
    set's first cookie alone (SESS-011, SESS-012)."""
    names = session_cookies(flow)
    if not names:
        return False, "n/a: the session does not travel in a cookie"
    note = ""
    if first_only and len(names) > 1:
        note = f"judged on {names[0]}, the first cookie of the set: "
        names = names[:1]
    cookies = session_set_cookies(flow, base, names)
    if not cookies:
        raise ProbeError("no session Set-Cookie seen")
    if len(names) == 1:
        bad = [ck for ck in cookies if pred(ck)]
        return bool(bad), f"{note}{len(bad)}/{len(cookies)} session Set-Cookie {what}"
    per = []
    for n in names:
        mine = [ck for ck in cookies if ck.name == n]
        if not mine:
            raise ProbeError(f"no Set-Cookie of {n}, a cookie of the session set, seen")
        per.append((n, sum(1 for ck in mine if pred(ck)), len(mine)))
    observed = all(bad for _, bad, _ in per)
    return observed, ("; ".join(f"{n}: {bad}/{total} Set-Cookie {what}" for n, bad, total in per)
                      + f" ({'every' if observed else 'not every'} cookie of the set)")


def sess_007(flow, base):
    return _cookie_rule(flow, base, lambda c: "httponly" not in c.attrs, "without HttpOnly")


def sess_008(flow, base):
    return _cookie_rule(flow, base, lambda c: "secure" not in c.attrs, "without Secure")


def sess_009(flow, base):
    return _cookie_rule(flow, base, lambda c: c.attrs.get("samesite", "").lower() in ("", "none"),
                        "without SameSite (or None)")


def sess_011(flow, base):
    claims = jwt_claims(logged_in_client(flow, base).token)
    if claims is not None and "exp" not in claims:
        return True, "the session token is a JWT without an exp claim"
    note = f"JWT exp in {claims['exp'] - time.time():.0f} s; " if claims is not None else ""

    def long_lived(c):
        life = c.lifetime_s()
        return life is not None and life > 86400
    observed, detail = _cookie_rule(flow, base, long_lived, "living more than a day", first_only=True)
    return observed, note + detail


def sess_012(flow, base):
    host = urllib.parse.urlsplit(base).hostname

    def parent(c):
        d = c.attrs.get("domain", "").lstrip(".").lower()
        return bool(d) and d != host and host.endswith("." + d)
    return _cookie_rule(flow, base, parent, "scoped to a parent domain", first_only=True)


def sess_010(flow, base):
    c, tokens = standard_run(flow, base)
    skip = {s for s in ("preauth", "login") if flow.get(s, {}).get("token_json")}
    found = []  # (response index, token index, place)
    for ti, t in enumerate(tokens):
        # a set of cookies is exposed only when every one of its values is (the whole set replays)
        seen_by_member = []
        for value in (t if isinstance(t, tuple) else (t,)):
            seen = []
            for ri, r in enumerate(c.log):
                loc = r.header("Location") or ""
                if value in loc or urllib.parse.quote(value) in loc:
                    seen.append((ri, ti, f"{r.step}: Location"))
                if r.step not in skip and value in r.body:
                    seen.append((ri, ti, f"{r.step}: body"))
            seen_by_member.append(seen)
        if all(seen_by_member):
            found.extend(h for seen in seen_by_member for h in seen)
    hits = list(dict.fromkeys(place for _, _, place in sorted(found)))
    return bool(hits), ("token seen in " + ", ".join(hits)) if hits else "token never in a URL, redirect or body"


def sess_013(flow, base):
    c1 = logged_in_client(flow, base)
    t1 = c1.token
    c2 = logged_in_client(flow, base)
    if not token_only_logged_in(flow, base, c2.token):
        raise ProbeError("control: second login's token does not log in")
    hit = token_only_logged_in(flow, base, t1)
    return hit, f"first session {'still valid' if hit else 'ended'} after a second login"


# ----------------------------------------------------------------------------- SESS-019..021
# 019 applies to every flow; 020 and 021 need a [refresh] step (and the login's refresh_json or
# refresh_cookie), 021 a [logout] step too: without them they are n/a (absent).

def sess_019(flow, base):
    """Same session token on every login: two logins from fresh clients, 1.5 s apart, return the
    identical token, and it reaches the protected page; control: a forged token of its shape does not."""
    t1 = login_token(flow, base)
    time.sleep(1.5)
    t2 = login_token(flow, base)
    if token_only_logged_in(flow, base, shaped_like(t1)):
        raise ProbeError("control: a forged token of the login token's shape logs in")
    if t1 != t2:
        return False, "two logins 1.5 s apart returned different tokens"
    hit = token_only_logged_in(flow, base, t1)
    return hit, (f"two logins 1.5 s apart returned the same token, which {'logs in' if hit else 'does not log in'}"
                 "; control: a forged token of its shape does not")


def has_refresh(flow) -> bool:
    return "refresh" in flow and bool(flow["login"].get("refresh_json") or refresh_cookie(flow))


def refresh_with(flow, base, refresh_token: str) -> tuple[Resp, str | None, str | None]:
    """The flow's [refresh] step from a fresh client holding only `refresh_token` (refresh_json: as
    {{refresh}}; refresh_cookie: as that cookie, the client's only one): (response, the access token
    it returned, the new refresh token it returned: refresh_json in the reply, or the cookie's new
    value in the reply's Set-Cookie); None for both when refused."""
    c = Client(flow, base)
    c.refresh = refresh_token
    rc = refresh_cookie(flow)
    if rc:
        c.cookies[rc] = refresh_token
    r = c.step("refresh")
    if r.status >= 400 or not c.token:
        return r, None, None
    if rc:
        return r, c.token, set_cookie_value(r, rc)
    return r, c.token, (c.refresh if flow["refresh"].get("refresh_json") else None)


def _refused(flow, base, refresh_token: str) -> str:
    """Control: a forged refresh token of `refresh_token`'s shape is refused (its HTTP status)."""
    r, access, _ = refresh_with(flow, base, shaped_like(refresh_token))
    if access:
        raise ProbeError(f"control: a forged refresh token was accepted (HTTP {r.status})")
    return f"control: a forged refresh token is refused (HTTP {r.status})"


def sess_020(flow, base):
    """Rotated refresh token accepted again: R1 -> (A2, R2 != R1); R1 again -> A3 that logs in."""
    if not has_refresh(flow):
        return False, "n/a: flow has no [refresh] step"
    r1 = logged_in_client(flow, base).refresh
    if not r1:
        raise ProbeError("the login returned no refresh token")
    resp, a2, r2 = refresh_with(flow, base, r1)
    if not a2:
        raise ProbeError(f"control: refreshing with R1 failed: HTTP {resp.status} {resp.body[:200]!r}")
    if not token_only_logged_in(flow, base, a2):
        raise ProbeError("control: the access token of the first refresh does not log in")
    if not r2 or r2 == r1:
        return False, "n/a: the refresh does not rotate the refresh token (R2 missing or equal to R1)"
    control = _refused(flow, base, r1)
    resp, a3, _ = refresh_with(flow, base, r1)
    if not a3:
        return False, f"R1 rotated to R2; R1 again refused (HTTP {resp.status}); {control}"
    hit = token_only_logged_in(flow, base, a3)
    return hit, (f"R1 rotated to R2; R1 again accepted (HTTP {resp.status}), its access token "
                 f"{'logs in' if hit else 'does not log in'}; {control}")


def sess_021(flow, base):
    """Refresh token still works after logout: login (A1, R1), logout with A1, R1 -> A2 that logs in."""
    if not has_refresh(flow):
        return False, "n/a: flow has no [refresh] step"
    if "logout" not in flow:
        return False, "n/a: flow has no [logout] step"
    c = logged_in_client(flow, base)
    r1 = c.refresh
    if not r1:
        raise ProbeError("the login returned no refresh token")
    r = c.step("logout")
    if r.status >= 400:
        raise ProbeError(f"logout failed: HTTP {r.status}")
    control = _refused(flow, base, r1)
    time.sleep(0.2)
    resp, a2, _ = refresh_with(flow, base, r1)
    if not a2:
        return False, f"after logout R1 is refused (HTTP {resp.status}); {control}"
    hit = token_only_logged_in(flow, base, a2)
    return hit, (f"after logout R1 is accepted (HTTP {resp.status}), its access token "
                 f"{'logs in' if hit else 'does not log in'}; {control}")


RULES = {
    "SESS-001": sess_001, "SESS-002": sess_002, "SESS-003": sess_003, "SESS-004": sess_004,
    "SESS-005": sess_005, "SESS-006": sess_006, "SESS-007": sess_007, "SESS-008": sess_008,
    "SESS-009": sess_009, "SESS-010": sess_010, "SESS-011": sess_011, "SESS-012": sess_012,
    "SESS-013": sess_013,
    "SESS-019": sess_019, "SESS-020": sess_020, "SESS-021": sess_021,
}
