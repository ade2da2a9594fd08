"""Gray-box store checks (SESS-014..016) for lab/verify: read the session rows through
psql (PostgreSQL) or the emulator's REST API (Firestore) while logging in over HTTP."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request

import labctl
from probe import Client, ProbeError, token_only_logged_in


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


class PgStore:
    def __init__(self, entry: dict):
        self.db = labctl.db_name(entry["name"], entry["variant"])
        self.table = entry["store_table"]
        self.tok = entry["store_token"]
        self.user = entry.get("store_user")
        self.exp = entry.get("store_expiry")

    def row(self, token: str) -> dict | None:
        cols = [self.tok] + [c for c in (self.user, self.exp) if c]
        out = labctl.psql(f'SELECT {", ".join(cols)} FROM "{self.table}" WHERE "{self.tok}" = {_lit(token)}',
                          self.db).strip()
        if not out:
            return None
        vals = out.split("\n")[0].split("|")
        return {"user": vals[1] if self.user else None} | {"raw": vals}

    def token_verbatim(self, token: str) -> bool:
        q = f'SELECT count(*) FROM "{self.table}" t WHERE position({_lit(token)} in t::text) > 0'
        return int(labctl.psql(q, self.db).strip()) > 0

    def expire(self, token: str) -> None:
        labctl.psql(f'UPDATE "{self.table}" SET "{self.exp}" = \'2000-01-01 00:00:00+00\' '
                    f'WHERE "{self.tok}" = {_lit(token)}', self.db)


class FirestoreStore:
    def __init__(self, entry: dict):
        project = labctl.firestore_project(entry["name"], entry["variant"])
        self.base = (f"http://{labctl.FS_HOST}/v1/projects/{project}/databases/(default)/documents/"
                     f"{entry['store_table']}/")
        self.user = entry.get("store_user")
        self.exp = entry.get("store_expiry")

    def _req(self, method: str, url: str, body: dict | None = None):
        req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": "Bearer owner",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise

    def row(self, token: str) -> dict | None:
        doc = self._req("GET", self.base + urllib.parse.quote(token, safe=""))
        if doc is None:
            return None
        f = doc.get("fields", {}).get(self.user, {})
        user = None if ("nullValue" in f or not f) else next(iter(f.values()))
        return {"user": user, "raw": doc}

    def token_verbatim(self, token: str) -> bool:
        return self.row(token) is not None  # the document id is the token

    def expire(self, token: str) -> None:
        self._req("PATCH", self.base + urllib.parse.quote(token, safe="")
                  + f"?updateMask.fieldPaths={self.exp}",
                  {"fields": {self.exp: {"timestampValue": "2000-01-01T00:00:00Z"}}})


def store_for(entry: dict):
    return FirestoreStore(entry) if entry["store"] == "firestore" else PgStore(entry)


def sess_014(entry, flow, base):
    st = store_for(entry)
    c = Client(flow, base)
    t0 = c.preauth()
    before = st.row(t0)
    if before is None or before["user"] not in (None, ""):
        raise ProbeError(f"control: no anonymous row (user NULL) for the pre-auth token: {before}")
    c.login()
    after = st.row(t0)
    hit = after is not None and after["user"] not in (None, "")
    return hit, (f"row keyed by T0 {'gained user ' + str(after['user']) if hit else 'not elevated'}"
                 + ("" if after is not None or hit else " (row gone)"))


def sess_015(entry, flow, base):
    st = store_for(entry)
    c = Client(flow, base)
    c.preauth()
    c.login()
    hit = st.token_verbatim(c.token)
    return hit, f"live token {'stored verbatim' if hit else 'not found verbatim'}"


def sess_016(entry, flow, base):
    if not entry.get("store_expiry"):
        return True, "no expiry column"
    st = store_for(entry)
    c = Client(flow, base)
    c.preauth()
    c.login()
    t = c.token
    if not token_only_logged_in(flow, base, t):
        raise ProbeError("control: the token does not log in")
    if st.row(t) is None:
        raise ProbeError("control: no row for the live token")
    st.expire(t)
    hit = token_only_logged_in(flow, base, t)
    return hit, f"row expired in the store: token {'still logs in' if hit else 'rejected'}"


STORE_RULES = {"SESS-014": sess_014, "SESS-015": sess_015, "SESS-016": sess_016}
