#!/usr/bin/env python3
"""Benchmark: rampart, Schemathesis and wapiti3 side by side on the lab's API targets:
api-zoo, and the real-database targets express-pg (Express + PostgreSQL) and drf-pg
(Django REST framework + PostgreSQL).

Not a test: it prints measured figures and never fails on timing (exit 0 unless it
cannot run at all, e.g. no rampart binary or no lab/.venv).

api-zoo, in one run:

1. start api-zoo's vulnerable variant with lab's own machinery (lab/lib/labctl.py, what
   lab/up uses) on a free port; it needs no database;
2. rampart, exactly as lab/check runs it (plus --no-save):
       ${RAMPART:-target/release/rampart} scan URL --flow lab/flows/api-zoo.toml
           --format json --spec lab/<manifest spec> --active --llm-tier deep [$RAMPART_ARGS]
   with LAB_PASSWORD set: wall time, stats.requests, and the rules in findings[].ruleId
   compared with the manifest's `api_expect`;
3. Schemathesis (its own venv, bench/.venv-schemathesis, created on first use), its
   `ignored_auth` check only, given alice's token (the login rampart's flow makes, done
   here with one POST as the flow file describes it) so that it sees the secured
   operations answer 2xx:
       SCHEMATHESIS_TELEMETRY=false schemathesis run URL/openapi.json --checks ignored_auth
           -H "Authorization: Bearer <alice's JWT>" --exclude-path /api/v2/preview
           --max-examples 10 --request-timeout 5 --seed 1 --generation-database none
           --report junit --report-junit-path OUT.xml
   `/api/v2/preview` is left out because it fetches whatever URL it is given server-side
   (and is public, so ignored_auth has nothing to say about it). Its ST401 failures are
   mapped to the manifest where they name the flaw's operation:
       GET /api/v2/reports/{report_id} "accepts requests without authentication" -> AUTH-001
       GET /api/v2/notes "accepts invalid authentication"                       -> AUTH-002
       HEAD /api/v2/account "accepts requests without authentication"          -> AUTH-003
   anything else it reports is listed as "other";
4. wapiti3 (bench/.venv-wapiti, as bench/lab.py uses it) with its passive header and
   cookie modules, given the same document (--swagger) and token:
       wapiti -u URL/ --swagger URL/openapi.json -H "Authorization: Bearer <JWT>"
           -m cookieflags,http_headers,csp --no-bugreport -f json -o OUT.json
           --scope folder -d 2 --max-scan-time 120 --max-attack-time 60 -t 10
           --flush-session --dns-endpoint 127.0.0.1
   mapped where the finding is the manifest flaw:
       http_headers "X-Content-Type-Options is not set"  -> AUTH-009
       cookieflags  "Secure flag is not set in the cookie : <any>" -> CRYPTO-006
                    (api-zoo carries its session in a bearer header, so every cookie
                    is a non-session cookie, which is what CRYPTO-006 judges)
       http_headers Strict-Transport-Security with a short max-age -> CRYPTO-002
   X-Frame-Options, CSP and HttpOnly on `prefs` have no api_expect rule on a JSON API:
   listed as "other". wapiti 3.2 looks at HSTS only over https and has no check for
   X-Powered-By (INV-004) in these modules;
5. start the fixed variant and run rampart alone on it: its finding count, and how many
   are above info (the manifest expects none there besides its own `expect`).

express-pg and drf-pg, each variant (vulnerable, then fixed), every tool on its own fresh
start of the app (labctl.start_app: a fresh database, the trap counter at 0), because the
peers write: Schemathesis's stateful and negative phases create orders and accounts and
change passwords (fine on a lab database), and a run that deleted or locked out alice would
leave the next tool a dead token. For each tool:

6. rampart exactly as lab/check runs it (plus --no-save):
       rampart scan URL --flow lab/flows/<target>.toml --format json
           [--spec lab/<spec>, not for drf-pg: `scan_without_spec`] --active
           --identity bob=login:bob [$RAMPART_ARGS] --no-save
   with RAMPART_PASSWORD_BOB set (bob's password, "<LAB_PASSWORD>-bob"): wall time,
   stats.requests, findings[].ruleId and findings[].variant (INPUT-007's variant is the
   injected parameter);
7. Schemathesis with every check, given alice's token (one login POST as the flow file
   describes: express-pg a 15-minute JWT, drf-pg a one-hour DRF token) and the manifest's
   `spec` file (neither app serves its document):
       schemathesis run lab/<spec> --url URL --checks all -H "Authorization: Bearer <token>"
           --exclude-path <trap path> [--exclude-name "DELETE /api/v1/users/me"]
           --request-timeout 10 --seed 1 --generation-database none
           --report junit,json --report-junit-path OUT.xml --report-json-path OUT.json
   (no --max-examples: its default number of examples, all four phases). `DELETE /api/v1/users/me`
   (express-pg) deletes the caller: with alice's token it deletes alice early in the run
   and every secured operation after it answers 401, so it is spared like the trap.
   Requests: the report's test_cases.generated (one request each; the probes its checks
   add, such as ignored_auth's replays, are not counted in it). Its checks claim server
   errors, schema and status-code conformance, undeclared methods, ignored auth and
   object-level authorization (ST402, which needs a second identity from --auth-wfc; it
   is given alice only): none of them claims an injection, a login that tells names
   apart, algorithm confusion, mass assignment or introspection, so no api_expect rule
   of these targets is within its reach and every failure is listed as "other"
   (code, title and the operations it names). A 500 from an injection point shows
   there as "ST101 Server error", which is a symptom, not a claim of the flaw;
8. wapiti3 with the injection modules that reach these flaws and the passive header
   modules used above, given the same token and the spec file (wapiti reads a local
   --swagger file itself; no http.server needed):
       wapiti -u URL/ --swagger lab/<spec> -H "Authorization: Bearer <token>"
           -m sql,timesql,exec,cookieflags,http_headers,csp --no-bugreport -f json -o OUT.json
           --scope folder -d 2 --max-scan-time 480 --max-attack-time 240 -t 10
           --flush-session --dns-endpoint 127.0.0.1 -x URL<trap path>*
           [-x URL/api/v1/users/me]
   (-x is by URL, so express-pg's GET /api/v1/users/me is spared with the DELETE).
   Its findings map to api_expect only where the category claims the flaw at the
   planted operation and parameter (the manifest notes say which operation holds which):
       "SQL Injection" / "Blind SQL Injection" on
           express-pg GET /api/v1/products/search q, GET /api/v1/products/{sku} sku,
                      GET /api/v1/coupons/check code                              -> INPUT-007
           drf-pg     GET /api/v1/products/ search, GET /api/v1/products/{sku}/ sku -> INPUT-007
       "Command execution" on express-pg GET /api/v1/tools/lookup host           -> INPUT-008
   everything else (its "Internal Server Error" anomalies, header findings, an
   injection claimed elsewhere) is "other". wapiti substitutes path parameters with a
   fixed value and attacks only query and body parameters, so `sku` is outside its
   reach; it reports no request count (requests "n/a");
9. after every tool, the trap counter (lab/.run/traps/<target>-<variant>, the app counts
   calls to the manifest's `trap`, a destructive GET) must still read 0; each peer has
   the trap excluded, rampart finds it in the spec or the API root and must not call it.

On the fixed variants (api_expect = []) every claim is a wrong claim: rampart's findings of
severity medium or above, and every peer finding that maps to a rule; the peers' "other"
lists are shown beside them.

Prints, per target, a rule x tool table over the vulnerable variant's api_expect ("+"
found, with the parameters found for the injection rules; "-" in reach but missed; "."
outside what the tool's selected checks look at), each tool's wall time, requests, trap
counter and other findings, then the fixed variant's wrong claims. Raw outputs in
bench/.out/peers/<target>-<variant>/ (tokens replaced by <token> in the saved commands
and logs). At the end it stops PostgreSQL if this run started it (as lab/check does).

Usage:
    bench/peers.py [TARGET ...]     TARGET: api-zoo, express-pg, drf-pg (default: all three)

Environment:
    RAMPART        rampart binary (default target/release/rampart)
    RAMPART_ARGS   extra arguments for `rampart scan`
    LAB_PASSWORD   alice's password (default wonderland-7; bob's is "<LAB_PASSWORD>-bob")
    BENCH_TIMEOUT  seconds allowed for one tool run (default 600)
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from lab import (ROOT, labctl, last_line, rampart_binary, stop_started_services, wapiti_findings,  # noqa: E402
                 wapiti_version)

OUT = BENCH / ".out" / "peers"
TARGETS = ("api-zoo", "express-pg", "drf-pg")
TOOLS = ("rampart", "schemathesis", "wapiti")
SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

# api-zoo: Schemathesis's ignored_auth and wapiti's header modules (steps 3 and 4)
SCHEMATHESIS_MAP = {
    ("GET /api/v2/reports/{report_id}", "without authentication"): "AUTH-001",
    ("GET /api/v2/notes", "invalid authentication"): "AUTH-002",
    ("HEAD /api/v2/account", "without authentication"): "AUTH-003",
}
SCHEMATHESIS_REACH = {"api-zoo": {"AUTH-001", "AUTH-002", "AUTH-003"}, "express-pg": set(), "drf-pg": set()}
WAPITI_REACH = {"api-zoo": {"AUTH-009", "CRYPTO-006"},   # CRYPTO-002 only over https
                "express-pg": {"INPUT-007", "INPUT-008"}, "drf-pg": {"INPUT-007"}}

# express-pg and drf-pg (steps 7 and 8): the planted injection points, (method, path
# template, parameter) -> rule, from the manifest notes; and wapiti's categories that claim them
FLAW_POINTS = {
    "express-pg": {("GET", "/api/v1/products/search", "q"): "INPUT-007",
                   ("GET", "/api/v1/products/{sku}", "sku"): "INPUT-007",
                   ("GET", "/api/v1/coupons/check", "code"): "INPUT-007",
                   ("GET", "/api/v1/tools/lookup", "host"): "INPUT-008"},
    "drf-pg": {("GET", "/api/v1/products/", "search"): "INPUT-007",
               ("GET", "/api/v1/products/{sku}/", "sku"): "INPUT-007"},
}
WAPITI_CLAIMS = {"SQL Injection": "INPUT-007", "Blind SQL Injection": "INPUT-007", "Command execution": "INPUT-008"}
# operations the peers leave alone besides the trap: the caller deleting its own account
SPARED = {"express-pg": ["DELETE /api/v1/users/me"]}
PG_WAPITI_MODULES = "sql,timesql,exec,cookieflags,http_headers,csp"


def ensure_venv(name: str, package: str, exe: str) -> str:
    venv = BENCH / name
    path = venv / "bin" / exe
    if not path.exists():
        print(f"bench/peers.py: creating bench/{name} and installing {package} (pip)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", package],
                       check=True)
    return str(path)


def timed(cmd, timeout, **kw) -> tuple[subprocess.CompletedProcess | None, float, str | None]:
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t0, f"timeout after {timeout:.0f} s"
    except OSError as ex:
        return None, time.perf_counter() - t0, f"cannot run: {ex}"
    return proc, time.perf_counter() - t0, None


def scrub(text: str, token: str) -> str:
    return text.replace(token, "<token>") if token else text


# --------------------------------------------------------------------------- rampart

def rampart_command(binary: str, entry: dict, url: str) -> list[str]:
    cmd = [binary, "scan", url, "--flow", str(labctl.LAB / entry["flow"]), "--format", "json"]
    if entry.get("spec") and not entry.get("scan_without_spec"):
        cmd += ["--spec", str(labctl.LAB / entry["spec"])]
    return cmd + [*entry.get("args", []), *shlex.split(os.environ.get("RAMPART_ARGS", "")), "--no-save"]


def run_rampart(binary: str, entry: dict, url: str, outdir: Path, timeout: float) -> dict:
    cmd = rampart_command(binary, entry, url)
    (outdir / "rampart.cmd").write_text(shlex.join(cmd) + "\n")
    proc, wall, err = timed(cmd, timeout)
    if err:
        return {"error": err, "wall": wall}
    (outdir / "rampart.json").write_text(proc.stdout)
    (outdir / "rampart.stderr").write_text(proc.stderr)
    if proc.returncode not in (0, 1):
        return {"error": f"exit {proc.returncode}: {last_line(proc.stderr)}", "wall": wall}
    try:
        report = json.loads(proc.stdout)
        fired: dict[str, str] = {}
        variants: dict[str, set[str]] = {}
        for f in report["findings"]:
            sev = f.get("severity", "info")
            if SEVERITY.get(sev, 0) >= SEVERITY.get(fired.get(f["ruleId"], "info"), 0):
                fired[f["ruleId"]] = sev
            if isinstance(f.get("variant"), str):
                variants.setdefault(f["ruleId"], set()).add(f["variant"])
        medium = [(f["ruleId"], f.get("severity"), f.get("variant")) for f in report["findings"]
                  if SEVERITY.get(f.get("severity", "info"), 0) >= SEVERITY["medium"]]
        return {"wall": wall, "requests": report["stats"]["requests"], "fired": fired, "variants": variants,
                "findings": len(report["findings"]), "medium": medium,
                "serious": sorted({f["ruleId"] for f in report["findings"] if f.get("severity") != "info"})}
    except (ValueError, KeyError, TypeError) as ex:
        return {"error": f"bad JSON report: {type(ex).__name__}: {ex}", "wall": wall}


def login(url: str, flow: dict) -> str:
    """alice's token: the flow's [login] step, one POST of its JSON body (${VAR} from the environment)."""
    step = flow["login"]
    body = {k: re.sub(r"\$\{(\w+)\}", lambda m: os.environ.get(m.group(1), ""), v) if isinstance(v, str) else v
            for k, v in step["json"].items()}
    req = urllib.request.Request(url + step["path"], data=json.dumps(body).encode(), method=step.get("method", "POST"),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        value = json.loads(resp.read(65536))
    for part in step["token_json"].strip("/").split("/"):
        value = value[part]
    return value


# --------------------------------------------------------------------------- Schemathesis

def map_schemathesis(junit: Path) -> tuple[set[str], list[str]]:
    found, other = set(), []
    for case in ET.parse(junit).getroot().iter("testcase"):
        op = case.get("name", "")
        for failure in case.findall("failure"):
            text = failure.text or ""
            scenario = next((s for s in ("without authentication", "invalid authentication") if s in text), "")
            rule = SCHEMATHESIS_MAP.get((op, scenario))
            if rule:
                found.add(rule)
            else:
                other.append(f"{failure.get('message', '?')} {op}" + (f" ({scenario})" if scenario else ""))
    return found, sorted(set(other))


def map_schemathesis_json(report: dict) -> list[str]:
    """Every failure of the JSON run report as "CODE title: operation, ..." (nothing maps, step 7)."""
    return sorted(f"{f.get('code', '?')} {f.get('title', '?')} x{len(f.get('operations') or [])}: "
                  + ", ".join(f.get("operations") or []) for f in report.get("failures") or [])


def schemathesis_command(exe: str, target: str, entry: dict, url: str, token: str, outdir: Path) -> list[str]:
    if target == "api-zoo":
        return [exe, "run", url + "/openapi.json", "--checks", "ignored_auth", "-H", f"Authorization: Bearer {token}",
                "--exclude-path", "/api/v2/preview", "--max-examples", "10", "--request-timeout", "5", "--seed", "1",
                "--no-color", "--generation-database", "none", "--report", "junit",
                "--report-junit-path", str(outdir / "schemathesis.xml")]
    spared = [a for op in SPARED.get(target, []) for a in ("--exclude-name", op)]
    return [exe, "run", str(labctl.LAB / entry["spec"]), "--url", url, "--checks", "all",
            "-H", f"Authorization: Bearer {token}", "--exclude-path", entry["trap"].split()[1], *spared,
            "--request-timeout", "10", "--seed", "1", "--no-color", "--generation-database", "none",
            "--report", "junit,json", "--report-junit-path", str(outdir / "schemathesis.xml"),
            "--report-json-path", str(outdir / "schemathesis.json")]


def run_schemathesis(exe: str, target: str, entry: dict, url: str, token: str, outdir: Path, timeout: float) -> dict:
    junit = outdir / "schemathesis.xml"
    cmd = schemathesis_command(exe, target, entry, url, token, outdir)
    (outdir / "schemathesis.cmd").write_text(scrub(shlex.join(cmd), token) + "\n")
    env = {**os.environ, "SCHEMATHESIS_TELEMETRY": "false"}
    proc, wall, err = timed(cmd, timeout, cwd=outdir, env=env)
    if err:
        return {"error": err, "wall": wall}
    (outdir / "schemathesis.log").write_text(scrub(proc.stdout + proc.stderr, token))
    if proc.returncode not in (0, 1) or not junit.exists():
        return {"error": f"exit {proc.returncode}: {last_line(proc.stderr) or last_line(proc.stdout)}", "wall": wall}
    if target == "api-zoo":
        found, other = map_schemathesis(junit)
        return {"wall": wall, "fired": found, "other": other}
    try:
        report = json.loads((outdir / "schemathesis.json").read_text())
    except (OSError, ValueError) as ex:
        return {"error": f"no JSON run report: {type(ex).__name__}", "wall": wall}
    return {"wall": wall, "fired": set(), "variants": {}, "other": map_schemathesis_json(report),
            "requests": (report.get("test_cases") or {}).get("generated"), "unit": "test cases"}


# --------------------------------------------------------------------------- wapiti

def map_wapiti(report: dict) -> tuple[set[str], list[str]]:
    found, other = set(), []
    for _section, category, item in wapiti_findings(report):
        info, module = item.get("info", ""), item.get("module", "")
        if module == "http_headers" and info.startswith("X-Content-Type-Options is not set"):
            found.add("AUTH-009")
        elif module == "cookieflags" and info.startswith("Secure flag is not set in the cookie"):
            found.add("CRYPTO-006")
        elif module == "http_headers" and info.startswith("Strict-Transport-Security") and "max-age" in info:
            found.add("CRYPTO-002")
        else:
            other.append(f"{module or category}: {info.splitlines()[0][:60] if info else '?'}")
    return found, sorted(set(other))


def flaw_point(points: dict, method: str, path: str, parameter: str) -> tuple | None:
    """The planted (method, template, parameter) a finding names, if any ({x} matches one segment)."""
    for point in points:
        m, template, param = point
        pattern = "^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)) + "$"
        if m == (method or "").upper() and re.match(pattern, path or "") and param == parameter:
            return point
    return None


def map_wapiti_points(report: dict, points: dict) -> tuple[dict[str, set[str]], list[str]]:
    """(rule -> parameters, other): a claim maps only at the point planted for its rule (step 8)."""
    found: dict[str, set[str]] = {}
    other = []
    for _section, category, item in wapiti_findings(report):
        method, path, param = item.get("method", ""), item.get("path", ""), item.get("parameter", "")
        rule, point = WAPITI_CLAIMS.get(category), flaw_point(points, method, path, param)
        if rule and point and points[point] == rule:
            found.setdefault(rule, set()).add(param)
            continue
        info = (item.get("info") or "?").splitlines()[0]
        where = f" {method} {path}" + (f" ({param})" if param else "") if category in (
            *WAPITI_CLAIMS, "Internal Server Error") else ""
        other.append(f"{item.get('module') or '?'}: {category}{where}"
                     + ("" if where else f": {info[:60]}"))
    return found, sorted(set(other))


def wapiti_command(exe: str, target: str, entry: dict, url: str, token: str, outdir: Path) -> list[str]:
    common = ["--no-bugreport", "-f", "json", "-o", str(outdir / "wapiti.json"), "--scope", "folder", "-d", "2"]
    state = ["-t", "10", "--flush-session", "--store-session", str(outdir / "wapiti-session"),
             "--store-config", str(outdir / "wapiti-config"), "--dns-endpoint", "127.0.0.1", "-v", "1"]
    auth = ["-H", f"Authorization: Bearer {token}"]
    if target == "api-zoo":
        return [exe, "-u", url + "/", "--swagger", url + "/openapi.json", *auth, "-m", "cookieflags,http_headers,csp",
                *common, "--max-scan-time", "120", "--max-attack-time", "60", *state]
    spared = [a for op in SPARED.get(target, []) for a in ("-x", url + op.split()[1])]
    return [exe, "-u", url + "/", "--swagger", str(labctl.LAB / entry["spec"]), *auth, "-m", PG_WAPITI_MODULES,
            *common, "--max-scan-time", "480", "--max-attack-time", "240", *state,
            "-x", url + entry["trap"].split()[1] + "*", *spared]


def run_wapiti(exe: str, target: str, entry: dict, url: str, token: str, outdir: Path, timeout: float) -> dict:
    out_json = outdir / "wapiti.json"
    for d in ("wapiti-session", "wapiti-config"):
        (outdir / d).mkdir(parents=True, exist_ok=True)
    cmd = wapiti_command(exe, target, entry, url, token, outdir)
    (outdir / "wapiti.cmd").write_text(scrub(shlex.join(cmd), token) + "\n")
    proc, wall, err = timed(cmd, timeout, cwd=outdir)
    if err:
        return {"error": err, "wall": wall}
    (outdir / "wapiti.log").write_text(scrub(proc.stdout + proc.stderr, token))
    try:
        report = json.loads(out_json.read_text())
    except (OSError, ValueError) as ex:
        return {"error": f"exit {proc.returncode}, no JSON report: {type(ex).__name__}", "wall": wall}
    pages = (report.get("infos") or {}).get("crawled_pages_nbr")
    if target == "api-zoo":
        found, other = map_wapiti(report)
        return {"wall": wall, "fired": found, "other": other, "pages": pages}
    variants, other = map_wapiti_points(report, FLAW_POINTS[target])
    return {"wall": wall, "fired": set(variants), "variants": variants, "other": other, "pages": pages}


# --------------------------------------------------------------------------- runs

def with_app(target: str, entry: dict, fn) -> dict:
    """Start a fresh app, fn(url) -> {tool: result}, read the trap counter, stop the app."""
    results, pid = {}, None
    try:
        pid, url = labctl.start_app(target, entry["variant"], labctl.free_port())
        results = fn(url)
        if entry.get("trap"):
            hits = labctl.trap_hits(target, entry["variant"])
            for r in results.values():
                r["trap"] = hits
    except (labctl.LabError, OSError, ValueError, KeyError) as ex:
        results.setdefault("error", {"error": short_error(ex)})
    finally:
        if pid:
            labctl.stop_app(pid)
    return results


def short_error(ex: Exception) -> str:
    return f"{type(ex).__name__}: {str(ex).splitlines()[0] if str(ex) else ''}"


def run_tool(tool: str, target: str, entry: dict, tools: dict, url: str, outdir: Path, timeout: float) -> dict:
    if tool == "rampart":
        return run_rampart(tools["rampart"], entry, url, outdir, timeout)
    try:
        token = login(url, labctl.load_flow(entry))
    except (OSError, ValueError, KeyError, TypeError) as ex:
        return {"error": f"login failed: {short_error(ex)}"}
    run = run_schemathesis if tool == "schemathesis" else run_wapiti
    return run(tools[tool], target, entry, url, token, outdir, timeout)


def scan_variant(target: str, entry: dict, tools: dict, timeout: float, which: tuple[str, ...]) -> dict:
    """{tool: result}: api-zoo's tools share one start of the app, the pg targets get one each."""
    outdir = OUT / f"{target}-{entry['variant']}"
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    if target == "api-zoo":
        got = with_app(target, entry, lambda url: {t: run_tool(t, target, entry, tools, url, outdir, timeout)
                                                   for t in which})
        return {t: got.get(t, got.get("error")) for t in which}
    results = {}
    for tool in which:
        got = with_app(target, entry, lambda url: {tool: run_tool(tool, target, entry, tools, url, outdir, timeout)})
        results[tool] = got.get(tool, got.get("error"))
        print(f"# {target} {entry['variant']} {tool}: {results[tool].get('wall', 0):.1f} s", file=sys.stderr,
              flush=True)
    return results


# --------------------------------------------------------------------------- report

def reach_of(tool: str, target: str) -> set[str] | None:
    return None if tool == "rampart" else (SCHEMATHESIS_REACH if tool == "schemathesis" else WAPITI_REACH)[target]


def cell(rule: str, result: dict, reach: set[str] | None, multi: set[str]) -> str:
    if "error" in result:
        return "ERR"
    if rule in result["fired"]:
        shown = sorted(result.get("variants", {}).get(rule, set())) if rule in multi else []
        return "+" + (" " + ",".join(shown) if shown else "")
    return "-" if reach is None or rule in reach else "."


def requests_of(r: dict) -> str:
    if r.get("requests") is None:
        return "requests n/a"
    return f"{r['requests']} {r.get('unit', 'requests')}"


def tool_line(name: str, r: dict, expected: list[str], reach: set[str] | None, target: str) -> str:
    if "error" in r:
        return f"{name:13} ERROR {r['error']} (after {r.get('wall', 0):.1f} s)"
    hit = set(r["fired"]) & set(expected)
    within = f", {len(hit & reach)}/{len(reach)} within reach of its checks" if reach else \
        (", nothing within reach of its checks" if reach is not None else "")
    line = f"{name:13} {r['wall']:6.1f} s  found {len(hit)}/{len(expected)}{within}"
    if target != "api-zoo" or name == "rampart":
        line += f", {requests_of(r)}"
    if "trap" in r:
        line += f", trap {r['trap']}" + ("" if r["trap"] == 0 else " CALLED")
    if name == "rampart":
        api_extra = sorted(x for x in r["fired"] if x not in expected and not x.startswith("SESS-"))
        return line + f", API rules beyond api_expect: {', '.join(api_extra) or 'none'}"
    if r.get("pages") is not None:
        line += f", {r['pages']} URLs crawled"
    return line + other_lines(r)


def other_lines(r: dict) -> str:
    if not r["other"]:
        return ", other findings: none"
    if len(r["other"]) <= 3 and all(len(o) < 60 for o in r["other"]):
        return f", other findings: {'; '.join(r['other'])}"
    return f", other findings ({len(r['other'])}):" + "".join(f"\n{'':16}{o}" for o in r["other"])


def print_table(target: str, expected: list[str], vuln: dict) -> None:
    multi = {rule for rule in expected if sum(r == rule for r in FLAW_POINTS.get(target, {}).values()) > 1}
    tools = [(t, reach_of(t, target)) for t in TOOLS if t in vuln]
    width = max([14] + [len(cell(r, vuln[t], reach, multi)) + 2 for r in expected for t, reach in tools])
    print(f"\n{target} (vulnerable)\n{'rule (api_expect)':18}" + "".join(f"{t:>{width}}" for t, _ in tools))
    print("-" * (18 + width * len(tools)))
    for rule in expected:
        print(f"{rule:18}" + "".join(f"{cell(rule, vuln[t], reach, multi):>{width}}" for t, reach in tools))
    print("-" * (18 + width * len(tools)))
    for name, reach in tools:
        print(tool_line(name, vuln[name], expected, reach, target))


def print_fixed_api_zoo(fixed: dict, entry_fixed: dict) -> None:
    f = fixed.get("rampart", {})
    if "error" in f:
        print(f"fixed variant: rampart ERROR {f['error']}")
        return
    allowed = set(entry_fixed.get("expect", [])) | set(entry_fixed.get("api_expect", []))
    unexpected = [x for x in f["serious"] if x not in allowed]
    print(f"fixed variant: rampart {f['wall']:.1f} s, {f['requests']} requests, {f['findings']} findings, "
          f"above info: {', '.join(f['serious']) or 'none'}"
          f" ({'none outside the manifest' if not unexpected else 'NOT in the manifest: ' + ', '.join(unexpected)})")


def print_fixed(target: str, fixed: dict, entry_fixed: dict) -> None:
    """Wrong claims on a fixed variant (api_expect = []): rampart's medium-or-above findings of a
    rule the manifest does not expect there (its `expect`: SESS-013, concurrent sessions), the
    peers' findings that map to a rule; the peers' other findings beside them."""
    allowed = set(entry_fixed.get("expect", [])) | set(entry_fixed.get("api_expect", []))
    print(f"{target} (fixed): wrong claims")
    for name in TOOLS:
        r = fixed.get(name)
        if r is None:
            continue
        if "error" in r:
            print(f"{name:13} ERROR {r['error']} (after {r.get('wall', 0):.1f} s)")
            continue
        if name == "rampart":
            claims = sorted(f"{rule} {sev}" + (f" ({variant})" if variant else "")
                            for rule, sev, variant in r["medium"] if rule not in allowed)
        else:
            claims = [f"{rule} ({','.join(sorted(r['variants'].get(rule, set())))})" for rule in sorted(r["fired"])]
        trap = f", trap {r['trap']}" + ("" if r["trap"] == 0 else " CALLED") if "trap" in r else ""
        line = (f"{name:13} {r['wall']:6.1f} s  {len(claims)} wrong claims"
                + (f": {'; '.join(claims)}" if claims else "") + f", {requests_of(r)}{trap}")
        if name == "rampart":
            line += f" ({r['findings']} findings in all)"
        else:
            line += (f", {r['pages']} URLs crawled" if r.get("pages") is not None else "") + other_lines(r)
        print(line)


def legend(target: str) -> str:
    if target == "api-zoo":
        return ("'+' found, '-' missed (within the tool's reach), '.' outside what the tool's selected checks look at. "
                "schemathesis = ignored_auth only; wapiti = cookieflags,http_headers,csp over plain http.")
    return ("'+' found (INPUT-007: the parameters found), '-' missed (within the tool's reach), '.' outside what the "
            f"tool's selected checks look at. schemathesis = --checks all, alice only; wapiti = {PG_WAPITI_MODULES} "
            "(query and body parameters; path parameters are not attacked).")


# --------------------------------------------------------------------------- main

def bench_target(target: str, entries: dict, tools: dict, timeout: float) -> None:
    vuln_entry, fixed_entry = entries["vulnerable"], entries["fixed"]
    vuln = scan_variant(target, vuln_entry, tools, timeout, TOOLS)
    fixed = scan_variant(target, fixed_entry, tools, timeout, ("rampart",) if target == "api-zoo" else TOOLS)
    print_table(target, vuln_entry["api_expect"], vuln)
    if target == "api-zoo":
        print_fixed_api_zoo(fixed, fixed_entry)
    else:
        print_fixed(target, fixed, fixed_entry)
    print(legend(target), flush=True)


def main() -> int:
    os.environ.setdefault("LAB_PASSWORD", labctl.DEFAULT_PASSWORD)
    labctl.second_identity_env()
    os.chdir(ROOT)
    chosen = sys.argv[1:] or list(TARGETS)
    unknown = [t for t in chosen if t not in TARGETS]
    if unknown:
        print(f"bench/peers.py: unknown target {', '.join(unknown)}; one of {', '.join(TARGETS)}", file=sys.stderr)
        return 2
    binary = rampart_binary()
    if not binary:
        print("bench/peers.py: rampart binary not found; `cargo build --release` or set RAMPART", file=sys.stderr)
        return 2
    manifest = labctl.load_manifest()
    entries = {t: {e["variant"]: e for e in manifest if e["name"] == t} for t in chosen}
    for target, variants in entries.items():
        if set(variants) != {"vulnerable", "fixed"}:
            print(f"bench/peers.py: lab/manifest.toml has no {target} vulnerable+fixed entries", file=sys.stderr)
            return 2
    timeout = float(os.environ.get("BENCH_TIMEOUT", "600"))
    tools = {"rampart": binary,
             "schemathesis": ensure_venv(".venv-schemathesis", "schemathesis", "schemathesis"),
             "wapiti": ensure_venv(".venv-wapiti", "wapiti3", "wapiti")}
    st_version = subprocess.run([tools["schemathesis"], "--version"], capture_output=True, text=True,
                                timeout=60).stdout.strip()
    print(f"rampart:      {binary} {os.environ.get('RAMPART_ARGS', '')}".rstrip())
    print(f"schemathesis: {st_version} (api-zoo: check ignored_auth; express-pg, drf-pg: --checks all)")
    print(f"wapiti:       {wapiti_version(tools['wapiti'])} (api-zoo: modules cookieflags,http_headers,csp; "
          f"express-pg, drf-pg: {PG_WAPITI_MODULES})")
    print(f"targets:      {', '.join(chosen)} (api-zoo fixed: rampart only); raw output in "
          f"{OUT.relative_to(ROOT)}/", flush=True)
    before = set(labctl.service_pids())
    try:
        for target in chosen:
            bench_target(target, entries[target], tools, timeout)
    finally:
        stop_started_services(before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
