"""Ground truth for the rules that send attack values (registered in apiprobe.RULES):
INPUT-007 SQL injection (error-based, boolean-based and time-based), INPUT-008 OS command
injection (time delay), AUTH-011 user enumeration at login, and INV-007 GraphQL introspection.
Standard library only, independent of rampart; every verdict rests on a control.

Inputs are the API document's path and query parameters of GET operations and the
top-level fields of POST JSON bodies (the other fields keep their examples), each sent
with alice's token. A public registration (apictx.signup) is an input like any POST, but
every account one of these requests registers deletes itself again at once (apictx.Accounts). Two answers are "alike" when status and body are equal once the value
sent is written back as the original (an echoed search term does not count as a difference).
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

from apictx import Accounts, Op, Resp, Signup, Zoo, example, fill, rand_word, signup, summary
from probe import ProbeError

# Database error texts: PostgreSQL, MySQL/MariaDB, SQLite, SQL Server, Oracle, PDO.
SQL_ERROR = re.compile(r"syntax error at or near|unterminated quoted string|invalid input syntax for|"
                       r"error in your SQL syntax|unrecognized token:|near \"[^\"]*\": syntax error|"
                       r"sqlite3?\.OperationalError|Unclosed quotation mark|quoted string not properly terminated|"
                       r"SQLSTATE\[", re.I)
SLEEP_S = 3
DELAY_S = 2.5  # the least extra time that counts as the injected sleep
# PostgreSQL sleeps appended to a value ({} = seconds): joined to a quoted string (the subquery yields '',
# so the string is unchanged), and added to a number (the subquery yields 0)
PG_SLEEP_STRING = "'||(SELECT '' FROM pg_sleep({}))||'"
PG_SLEEP_NUMBER = "+(SELECT 0 FROM pg_sleep({}))"


@dataclass
class Input:
    op: Op
    name: str
    where: str  # "path", "query" or "body"
    value: str  # the example the operation is normally sent with
    body: dict | None = None
    signup: Signup | None = None  # set when op is the public registration

    @property
    def label(self) -> str:
        return f"{self.op.label} {self.where} {self.name}"

    def send(self, z: Zoo, value: str) -> Resp:
        if self.where == "body":
            body = dict(self.body, **{self.name: value})
            if self.signup:  # an account this request registers deletes itself again
                with Accounts(z, self.signup) as accounts:
                    return accounts.register(body, token=z.token)
            return z.req(self.op.method, self.op.target, authed=True, body=body)
        return z.get(fill(self.op, {self.name: value}), authed=True)

    def answer(self, z: Zoo, value: str) -> tuple[int, str]:
        """(status, body) with the sent value written back as the original."""
        r = self.send(z, value)
        text = r.text
        for sent, orig in ((json.dumps(value)[1:-1], json.dumps(self.value)[1:-1]), (value, self.value)):
            text = text.replace(sent, orig)
        return r.status, text


def inputs(z: Zoo) -> list[Input]:
    out = []
    registration = signup(z)
    for o in z.spec.ops:
        if o.method == "GET":
            params = o.params("path") + o.params("query")
            out += [Input(o, p["name"], p["in"], str(example(p))) for p in params]
        elif o.method == "POST":
            props = z.spec.props(z.spec.body_schema(o)) or {}
            body = {k: example({"schema": z.spec.resolve(v)}) for k, v in props.items()}
            account = registration if registration and o is registration.register else None
            out += [Input(o, k, "body", str(v), body, account) for k, v in body.items() if isinstance(v, (str, int))]
    return out


# ----------------------------------------------------------------------------- INPUT-007

def _error_based(z: Zoo, i: Input) -> str | None:
    m = SQL_ERROR.search(i.send(z, i.value + "'").text)
    if not m:
        return None
    for control in (i.value, i.value + "''"):
        if SQL_ERROR.search(i.send(z, control).text):
            return None  # the error text is there anyway: not caused by the quote
    return f"{i.label}: a quote -> {m.group(0)!r}; '' and the plain value -> no database error (controls)"


def _boolean_based(z: Zoo, i: Input) -> str | None:
    base = i.answer(z, i.value)
    if i.answer(z, i.value) != base:
        return None  # the plain value answers differently twice: nothing to compare with
    pairs = [(f"{i.value}' AND '1'='1", f"{i.value}' AND '1'='2")]
    if re.fullmatch(r"-?\d+", i.value):
        pairs.insert(0, (f"{i.value} AND 1=1", f"{i.value} AND 1=2"))
    for true, false in pairs:
        first = i.answer(z, true), i.answer(z, false)
        if first[0] == base and first[1] != base and (i.answer(z, true), i.answer(z, false)) == first:
            return (f"{i.label}: {true!r} answers like {i.value!r} ({base[0]}), {false!r} differently "
                    f"({first[1][0]}), twice")
    return None


def _time_based(z: Zoo, i: Input) -> str | None:
    """Blind even to true/false (every error and every condition answered alike): the value with a
    pg_sleep(3) appended is at least 2.5 s slower than with pg_sleep(0) (the control), twice."""
    forms = [PG_SLEEP_STRING]
    if re.fullmatch(r"-?\d+", i.value):
        forms.insert(0, PG_SLEEP_NUMBER)
    for form in forms:
        extra = _slower(z, i, form)
        if extra:
            return (f"{i.label}: {form.format(SLEEP_S)!r} took {extra[0]:.1f} s and {extra[1]:.1f} s longer "
                    f"than {form.format(0)!r}")
    return None


def input_007(z: Zoo):
    every = inputs(z)
    hits = []
    for i in every:
        found = [h for h in (_error_based(z, i), _boolean_based(z, i)) if h]
        if not found:  # the time proof only where nothing else shows: it is the slow one
            found = [h for h in [_time_based(z, i)] if h]
        hits += found
    return summary(hits, f"{len(every)} inputs: no database error for a quote, no true/false difference, "
                         f"no pg_sleep({SLEEP_S}) delay")


# ----------------------------------------------------------------------------- INPUT-008

def _timed(z: Zoo, i: Input, value: str) -> float:
    t0 = time.monotonic()
    i.send(z, value)
    return time.monotonic() - t0


def _slower(z: Zoo, i: Input, form: str) -> list[float] | None:
    """How much longer the value + form.format(SLEEP_S) took than the value + form.format(0) (the
    control), twice; None as soon as one pair differs by less than DELAY_S."""
    extra = []
    for _ in range(2):
        fast = _timed(z, i, i.value + form.format(0))
        slow = _timed(z, i, i.value + form.format(SLEEP_S))
        extra.append(slow - fast)
        if extra[-1] < DELAY_S:
            return None
    return extra


def _delayed(z: Zoo, i: Input) -> str | None:
    extra = _slower(z, i, ";sleep {}")
    if not extra:
        return None
    return f"{i.label}: ';sleep {SLEEP_S}' took {extra[0]:.1f} s and {extra[1]:.1f} s longer than ';sleep 0'"


def input_008(z: Zoo):
    every = inputs(z)
    hits = [h for i in every if (h := _delayed(z, i))]
    return summary(hits, f"{len(every)} inputs: ';sleep {SLEEP_S}' no slower than ';sleep 0'")


# ----------------------------------------------------------------------------- AUTH-011

def auth_011(z: Zoo):
    login = z.flow["login"]
    fields = login.get("json")
    if not isinstance(fields, dict):
        return False, "n/a: the login takes no JSON body"
    user_key = next((k for k, v in fields.items() if v == "alice"), None)
    pass_key = next((k for k in fields if k != user_key), None)
    if not (user_key and pass_key):
        return False, "n/a: the flow's login body names no user alice and password"
    method, path = login.get("method", "POST").upper(), login["path"]

    def attempt(username: str) -> tuple[int, str]:
        r = z.req(method, path, body=dict(fields, **{user_key: username, pass_key: "wrong-" + rand_word()}))
        if r.ok:
            raise ProbeError(f"control: a wrong password for {username} answered {r.status}")
        return r.status, r.text.replace(username, "<user>")

    stranger = "nobody-" + rand_word(8)
    known, unknown = [attempt("alice"), attempt("alice")], [attempt(stranger), attempt(stranger)]
    for who, pair in (("alice", known), ("an unknown user", unknown)):
        if pair[0] != pair[1]:
            raise ProbeError(f"control: two wrong-password answers for {who} differ: {pair}")
    shown = [f"{s} {b[:60]}" for s, b in (known[0], unknown[0])]
    return known[0] != unknown[0], f"alice + wrong password -> {shown[0]}; unknown user -> {shown[1]} (each twice)"


# ----------------------------------------------------------------------------- INV-007

GRAPHQL_PATHS = ("/graphql", "/api/graphql")
MAX_GRAPHQL = 4
INTROSPECTION = "query RampartIntrospection { __schema { queryType { name } mutationType { name } types { name } } }"
GRAPHQL_CONTROL = "query RampartControl { rampartNoSuchField }"


def _graphql_candidates(z: Zoo) -> list[str]:
    """Documented operations whose path names GraphQL, then /graphql and /api/graphql."""
    paths = [o.target.split("?", 1)[0] for o in z.spec.ops if "graphql" in o.path.lower()]
    paths += list(GRAPHQL_PATHS)
    seen: dict[str, str] = {}
    for p in paths:
        seen.setdefault(p.rstrip("/"), p)
    return list(seen.values())[:MAX_GRAPHQL]


def _type_names(r: Resp) -> list[str]:
    data = r.json()
    schema = (data.get("data") or {}).get("__schema") if isinstance(data, dict) else None
    types = schema.get("types") if isinstance(schema, dict) else None
    return [t["name"] for t in types or [] if isinstance(t, dict) and isinstance(t.get("name"), str)]


def inv_007(z: Zoo):
    """Present: an anonymous JSON POST of an introspection query answers the schema's type
    names, and (the control: a GraphQL server, not an echo) a query for a field that does not
    exist answers JSON with an `errors` array."""
    hits, seen = [], []
    for path in _graphql_candidates(z):
        r = z.req("POST", path, body={"query": INTROSPECTION})
        names = _type_names(r)
        if not names:
            seen.append(f"{path} -> {r.status}, no schema")
            continue
        c = z.req("POST", path, body={"query": GRAPHQL_CONTROL})
        body = c.json()
        errors = isinstance(body, dict) and isinstance(body.get("errors"), list)
        own = [n for n in names if not n.startswith("__")]
        note = f"{path}: introspection -> {r.status}, {len(names)} types ({', '.join(own[:6])})"
        if errors:
            hits.append(f"{note}; unknown field -> {c.status} with errors (control)")
        else:
            seen.append(f"{note}, but the unknown-field control -> {c.status} without errors: not counted")
    return summary(hits, "; ".join(seen))
