"""Gray-box store checks (SESS-014..017) for lab/verify: read the session rows through
psql (PostgreSQL) or the emulator's REST API (Firestore) while logging in over HTTP.

Every rule proves presence AND absence with a control:
  014  the record keyed by T0 (user NULL before login -- the control) has a user after
       login, under the same key.
  015  the live tokens (a logged-in one and a pre-auth one) appear verbatim somewhere
       in the store (any table / any collection, any column / field, document ids).
       Control when absent: SHA-256 hex of each token IS in the store's key column.
  016  no expiry column/field; or (read-only evidence) records without expiry, or the
       live token's own record already expired while the token still logs in; or
       (write evidence) the live token's record expired by verify (2000-01-01) still
       logs in. Absence needs all of: every record has a future expiry (a fresh
       pre-auth one included) and the expired record is rejected.
  017  (Firestore) the live session document can be read (GET) or listed (GET on the
       collection) without credentials. Absence: both answer 403 PERMISSION_DENIED
       while the document exists (read with owner credentials).

Records are looked up by the key the manifest declares: the token itself, or its
SHA-256 hex when `store_hashed = true`.
"""
from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

import labctl
from probe import Client, ProbeError, token_only_logged_in

EXPIRED_AT = "2000-01-01 00:00:00+00"


def sha256_hex(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


class PgStore:
    kind = "row"

    def __init__(self, entry: dict):
        self.db = labctl.db_name(entry["name"], entry["variant"])
        self.table = entry["store_table"]
        self.tok = entry["store_token"]
        self.user = entry.get("store_user")
        self.exp = entry.get("store_expiry")
        self.hashed = bool(entry.get("store_hashed", False))
        self._columns: dict[str, str] | None = None

    def q(self, sql: str) -> str:
        return labctl.psql(sql, self.db).strip()

    def key(self, token: str) -> str:
        return sha256_hex(token) if self.hashed else token

    def columns(self) -> dict[str, str]:
        if self._columns is None:
            out = self.q("SELECT column_name, data_type FROM information_schema.columns "
                         f"WHERE table_schema = 'public' AND table_name = {_lit(self.table)}")
            self._columns = dict(ln.split("|", 1) for ln in out.splitlines() if ln)
        return self._columns

    def expiry_column(self) -> str | None:
        """The declared expiry column if the table really has it."""
        return self.exp if self.exp and self.exp in self.columns() else None

    def _now(self) -> str:
        # Flask-Session writes naive UTC into a TIMESTAMP column.
        naive = self.columns().get(self.exp, "") == "timestamp without time zone"
        return "(now() AT TIME ZONE 'UTC')" if naive else "now()"

    def row(self, token: str) -> dict | None:
        user = f"{_ident(self.user)}::text" if self.user else "NULL"
        if self.expiry_column():
            e = _ident(self.exp)
            exp = f"{e}::text, {e} IS NULL, {e} <= {self._now()}"
        else:
            exp = "NULL, NULL, NULL"
        out = self.q(f"SELECT json_build_array({user}, {exp})::text FROM {_ident(self.table)} "
                     f"WHERE {_ident(self.tok)} = {_lit(self.key(token))}")
        if not out:
            return None
        u, e, e_null, e_past = json.loads(out.splitlines()[0])
        return {"user": u, "expiry": e, "no_expiry": e_null, "expired": e_past}

    def key_present(self, value: str) -> bool:
        """Is `value` in the declared token column?"""
        return int(self.q(f"SELECT count(*) FROM {_ident(self.table)} "
                          f"WHERE {_ident(self.tok)}::text = {_lit(value)}")) > 0

    def verbatim_anywhere(self, token: str) -> list[str]:
        """Every table whose rows' text contains the token (as text, or hex-encoded as
        a bytea column shows it)."""
        tables = self.q("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) "
                        "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                        "AND table_schema NOT IN ('pg_catalog', 'information_schema')").splitlines()
        hexed = token.encode("utf-8").hex()
        hits = []
        for t in tables:
            n = int(self.q(f"SELECT count(*) FROM {t} r WHERE position({_lit(token)} in r::text) > 0 "
                           f"OR position({_lit(hexed)} in r::text) > 0"))
            if n:
                hits.append(f"{t} ({n} row{'s' if n > 1 else ''})")
        return hits

    def expiry_audit(self) -> dict:
        e = _ident(self.exp)
        rows, null, past = self.q(f"SELECT count(*), count(*) FILTER (WHERE {e} IS NULL), "
                                  f"count(*) FILTER (WHERE {e} <= {self._now()}) "
                                  f"FROM {_ident(self.table)}").split("|")
        return {"records": int(rows), "no_expiry": int(null), "expired": int(past)}

    def expire(self, token: str) -> None:
        self.q(f"UPDATE {_ident(self.table)} SET {_ident(self.exp)} = {_lit(EXPIRED_AT)} "
               f"WHERE {_ident(self.tok)} = {_lit(self.key(token))}")


class FirestoreStore:
    kind = "document"

    def __init__(self, entry: dict):
        self.project = labctl.firestore_project(entry["name"], entry["variant"])
        self.root = f"http://{labctl.FS_HOST}/v1/projects/{self.project}/databases/(default)/documents"
        self.collection = entry["store_table"]
        self.base = f"{self.root}/{self.collection}/"
        self.user = entry.get("store_user")
        self.exp = entry.get("store_expiry")
        self.hashed = bool(entry.get("store_hashed", False))

    def req(self, method: str, url: str, body: dict | None = None, owner: bool = True) -> tuple[int, dict]:
        """(status, JSON answer). owner=False sends no credentials at all."""
        headers = {"Content-Type": "application/json"}
        if owner:
            headers["Authorization"] = "Bearer owner"  # the emulator's admin: bypasses rules
        req = urllib.request.Request(url, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            try:
                return e.code, json.loads(e.read() or b"{}")
            except ValueError:
                return e.code, {}

    def key(self, token: str) -> str:
        return sha256_hex(token) if self.hashed else token

    def doc_url(self, doc_id: str) -> str:
        return self.base + urllib.parse.quote(doc_id, safe="")

    def get(self, doc_id: str) -> dict | None:
        st, doc = self.req("GET", self.doc_url(doc_id))
        if st == 404:
            return None
        if st != 200:
            raise ProbeError(f"emulator GET {doc_id[:12]}...: HTTP {st} {doc}")
        return doc

    def expiry_column(self) -> str | None:
        return self.exp  # a field: judged per document below

    def _expiry(self, doc: dict) -> tuple[str | None, bool, bool | None]:
        f = doc.get("fields", {}).get(self.exp) if self.exp else None
        if not f or "nullValue" in f:
            return None, True, None
        ts = f.get("timestampValue")
        if ts is None:
            return json.dumps(f), True, None  # not a timestamp: no usable expiry
        when = datetime.fromisoformat(ts.replace("Z", "+00:00"))
        return ts, False, when <= datetime.now(timezone.utc)

    def row(self, token: str) -> dict | None:
        doc = self.get(self.key(token))
        if doc is None:
            return None
        f = doc.get("fields", {}).get(self.user, {})
        user = None if ("nullValue" in f or not f) else next(iter(f.values()))
        exp, no_exp, past = self._expiry(doc)
        return {"user": user, "expiry": exp, "no_expiry": no_exp, "expired": past, "raw": doc}

    def key_present(self, value: str) -> bool:
        return self.get(value) is not None

    def documents(self, collection: str, owner: bool = True) -> tuple[int, list[dict]]:
        """All documents of a root collection (paged); (last status, documents)."""
        docs, page = [], ""
        for _ in range(100):
            url = f"{self.root}/{collection}?pageSize=300" + (f"&pageToken={urllib.parse.quote(page)}" if page else "")
            st, ans = self.req("GET", url, owner=owner)
            if st != 200:
                return st, docs
            docs += ans.get("documents", [])
            page = ans.get("nextPageToken", "")
            if not page:
                break
        return 200, docs

    def verbatim_anywhere(self, token: str) -> list[str]:
        st, ans = self.req("POST", f"{self.root}:listCollectionIds", {"pageSize": 100})
        if st != 200:
            raise ProbeError(f"emulator listCollectionIds: HTTP {st} {ans}")
        hits = []
        for coll in ans.get("collectionIds", []):
            _, docs = self.documents(coll)
            n = sum(1 for d in docs if token in d["name"] or token in json.dumps(d.get("fields", {})))
            if n:
                hits.append(f"{coll} ({n} document{'s' if n > 1 else ''})")
        return hits

    def expiry_audit(self) -> dict:
        _, docs = self.documents(self.collection)
        audit = {"records": len(docs), "no_expiry": 0, "expired": 0}
        for d in docs:
            _, no_exp, past = self._expiry(d)
            audit["no_expiry"] += no_exp
            audit["expired"] += bool(past)
        return audit

    def expire(self, token: str) -> None:
        st, ans = self.req("PATCH", self.doc_url(self.key(token)) + f"?updateMask.fieldPaths={self.exp}",
                           {"fields": {self.exp: {"timestampValue": "2000-01-01T00:00:00Z"}}})
        if st != 200:
            raise ProbeError(f"could not expire the document: HTTP {st} {ans}")


def store_for(entry: dict):
    return FirestoreStore(entry) if entry["store"] == "firestore" else PgStore(entry)


def _key_desc(st) -> str:
    return "sha256(T0)" if st.hashed else "T0"


def sess_014(entry, flow, base):
    st = store_for(entry)
    c = Client(flow, base)
    t0 = c.preauth()
    before = st.row(t0)
    if before is None or before["user"] not in (None, ""):
        raise ProbeError(f"control: no anonymous {st.kind} (user NULL) keyed by {_key_desc(st)}: {before}")
    c.login()
    if not c.logged_in():
        raise ProbeError("control: login failed")
    after = st.row(t0)
    hit = after is not None and after["user"] not in (None, "")
    if hit:
        return True, f"{st.kind} keyed by {_key_desc(st)}: user NULL -> {after['user']}, same key"
    return False, (f"{st.kind} keyed by {_key_desc(st)} had user NULL; after login "
                   + ("it is gone" if after is None else "it still has no user")
                   + f"; token {'rotated' if c.token != t0 else 'kept'}")


def sess_015(entry, flow, base):
    st = store_for(entry)
    c = Client(flow, base)
    c.preauth()
    c.login()
    if not c.logged_in():
        raise ProbeError("control: login failed")
    live = c.token
    pre = Client(flow, base).preauth()  # a live anonymous session too
    found, notes = [], []
    for label, tok in (("logged-in token", live), ("pre-auth token", pre)):
        where = st.verbatim_anywhere(tok)
        in_key = st.key_present(st.key(tok))
        # the declared key column/document id must hold what the manifest says
        if not in_key:
            raise ProbeError(f"control: the {label}'s {'sha256' if st.hashed else 'value'} is not a key "
                             f"of {entry['store_table']}.{entry['store_token']} (store_hashed={st.hashed})")
        if where:
            found.append(f"{label} verbatim in " + ", ".join(where))
        else:
            notes.append(label)
    if found:
        return True, "; ".join(found)
    return False, (f"{' and '.join(notes)} nowhere verbatim in the store; "
                   f"sha256 hex of each is the key in {entry['store_table']}.{entry['store_token']}")


def sess_016(entry, flow, base):
    st = store_for(entry)
    if not st.expiry_column():
        return True, f"no expiry column ({entry.get('store_expiry')!r} not in {entry['store_table']})"
    c = Client(flow, base)
    c.preauth()
    c.login()
    t = c.token
    if not token_only_logged_in(flow, base, t):
        raise ProbeError("control: the token does not log in")
    pre = Client(flow, base).preauth()
    own, pre_row = st.row(t), st.row(pre)
    if own is None or pre_row is None:
        raise ProbeError(f"control: no {st.kind} for the live token ({own}) or the pre-auth token ({pre_row})")
    # read-only evidence: what an observer of the store sees without writing
    audit = st.expiry_audit()
    ro = []
    if audit["no_expiry"]:
        ro.append(f"{audit['no_expiry']}/{audit['records']} {st.kind}s without expiry")
    if own["no_expiry"] or own["expired"]:
        ro.append(f"the live token's {st.kind} has expiry {own['expiry'] or 'NULL'} and the token logs in")
    if pre_row["no_expiry"] or pre_row["expired"]:
        ro.append(f"the pre-auth {st.kind} has expiry {pre_row['expiry'] or 'NULL'}")
    # write evidence: expire the live token's record, try it
    st.expire(t)
    after = st.row(t)
    still = token_only_logged_in(flow, base, t)
    if after is not None and not after["expired"]:
        raise ProbeError(f"control: the {st.kind} did not take the past expiry: {after}")
    hit = bool(ro) or still
    if audit["expired"] and not hit:
        raise ProbeError(f"{audit['expired']} {st.kind}s already expired are still stored, "
                         "although expiry is enforced (expected every record to have a future expiry)")
    want = entry.get("store_expiry_evidence")
    if want == "read-only" and not ro:
        raise ProbeError("manifest says store_expiry_evidence = 'read-only' but the store shows "
                         f"no missing or past expiry on a live session ({audit})")
    if want == "write" and ro:
        raise ProbeError(f"manifest says store_expiry_evidence = 'write' but the store shows: {'; '.join(ro)}")
    if hit:
        return True, "; ".join(ro + ([f"{st.kind} set to expire in 2000: token still logs in"] if still else []))
    return False, (f"all {audit['records']} {st.kind}s have a future expiry (pre-auth one included); "
                   f"{st.kind} set to expire in 2000: token rejected")


def sess_017(entry, flow, base):
    if entry["store"] != "firestore":
        return False, "n/a: not a Firestore store (no security rules)"
    st = FirestoreStore(entry)
    c = Client(flow, base)
    c.preauth()
    c.login()
    if not c.logged_in():
        raise ProbeError("control: login failed")
    doc_id = st.key(c.token)
    if st.get(doc_id) is None:
        raise ProbeError("control: the live session document is not there (owner read)")
    g_st, g_ans = st.req("GET", st.doc_url(doc_id), owner=False)
    l_st, docs = st.documents(st.collection, owner=False)
    readable = g_st == 200 and g_ans.get("name", "").endswith("/" + doc_id)
    listed = l_st == 200 and any(d["name"].endswith("/" + doc_id) for d in docs)
    for what, status, ok in (("GET document", g_st, readable), ("list collection", l_st, listed)):
        if not ok and status != 403:
            raise ProbeError(f"without credentials, {what} answered HTTP {status} (expected 200 or 403)")
    if not (readable or listed):
        denied = g_ans.get("error", {}).get("status")
        if denied != "PERMISSION_DENIED":
            raise ProbeError(f"document read answered 403 but not PERMISSION_DENIED: {g_ans}")
        return False, "without credentials: GET document -> 403 PERMISSION_DENIED, list -> 403 (owner read: present)"
    return True, ("without credentials: GET document -> " + ("200" if readable else str(g_st))
                  + ", list -> " + (f"200 ({len(docs)} session documents, the live one included)"
                                    if listed else str(l_st)))


STORE_RULES = {"SESS-014": sess_014, "SESS-015": sess_015, "SESS-016": sess_016, "SESS-017": sess_017}
