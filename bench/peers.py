#!/usr/bin/env python3
"""Benchmark: rampart, Schemathesis and wapiti3 side by side on the api-zoo lab target.

Not a test: it prints measured figures and never fails on timing (exit 0 unless it
cannot run at all, e.g. no rampart binary or no lab/.venv).

In one run:

1. start api-zoo's vulnerable variant with lab's own machinery (lab/lib/labctl.py, what
   lab/up uses) on a free port; it needs no database;
2. rampart, exactly as lab/check runs it (plus --no-save):
       ${RAMPART:-target/release/rampart} scan URL --flow lab/flows/api-zoo.toml
           --format json --spec lab/<manifest spec> --active --llm-tier deep [$RAMPART_ARGS]
   with LAB_PASSWORD set: wall time, stats.requests, and the rules in findings[].ruleId
   compared with the manifest's `api_expect`;
3. Schemathesis (its own venv, bench/.venv-schemathesis, created on first use), its
   `ignored_auth` check only, given alice's token (the login rampart's flow makes, done
   here with one POST) so that it sees the secured operations answer 2xx:
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

Prints a rule x tool table over the vulnerable variant's api_expect ("+" found, "-" in
reach but missed, "." outside what the tool's selected checks look at), the other
findings of each peer, and totals with wall times. Raw outputs in bench/.out/peers/.

Usage:
    bench/peers.py

Environment:
    RAMPART        rampart binary (default target/release/rampart)
    RAMPART_ARGS   extra arguments for `rampart scan`
    LAB_PASSWORD   alice's password (default wonderland-7)
    BENCH_TIMEOUT  seconds allowed for one tool run (default 600)
"""
from __future__ import annotations

import json
import os
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
from lab import ROOT, labctl, last_line, rampart_binary, wapiti_findings, wapiti_version  # noqa: E402

OUT = BENCH / ".out" / "peers"
TARGET = "api-zoo"
SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
SCHEMATHESIS_MAP = {
    ("GET /api/v2/reports/{report_id}", "without authentication"): "AUTH-001",
    ("GET /api/v2/notes", "invalid authentication"): "AUTH-002",
    ("HEAD /api/v2/account", "without authentication"): "AUTH-003",
}
SCHEMATHESIS_REACH = {"AUTH-001", "AUTH-002", "AUTH-003"}
WAPITI_REACH = {"AUTH-009", "CRYPTO-006"}   # CRYPTO-002 only over https


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


def run_rampart(binary: str, entry: dict, url: str, outdir: Path, timeout: float) -> dict:
    cmd = [binary, "scan", url, "--flow", str(labctl.LAB / entry["flow"]), "--format", "json",
           "--spec", str(labctl.LAB / entry["spec"]), *entry.get("args", []),
           *shlex.split(os.environ.get("RAMPART_ARGS", "")), "--no-save"]
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
        for f in report["findings"]:
            sev = f.get("severity", "info")
            if SEVERITY.get(sev, 0) >= SEVERITY.get(fired.get(f["ruleId"], "info"), 0):
                fired[f["ruleId"]] = sev
        return {"wall": wall, "requests": report["stats"]["requests"], "fired": fired,
                "findings": len(report["findings"]),
                "serious": sorted({f["ruleId"] for f in report["findings"] if f.get("severity") != "info"})}
    except (ValueError, KeyError, TypeError) as ex:
        return {"error": f"bad JSON report: {type(ex).__name__}: {ex}", "wall": wall}


def login(url: str) -> str:
    body = json.dumps({"username": "alice", "password": os.environ["LAB_PASSWORD"]}).encode()
    req = urllib.request.Request(url + "/api/v2/auth/login", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read(65536))["token"]


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


def run_schemathesis(exe: str, url: str, token: str, outdir: Path, timeout: float) -> dict:
    junit = outdir / "schemathesis.xml"
    cmd = [exe, "run", url + "/openapi.json", "--checks", "ignored_auth", "-H", f"Authorization: Bearer {token}",
           "--exclude-path", "/api/v2/preview", "--max-examples", "10", "--request-timeout", "5", "--seed", "1",
           "--no-color", "--generation-database", "none", "--report", "junit", "--report-junit-path", str(junit)]
    (outdir / "schemathesis.cmd").write_text(shlex.join(cmd).replace(token, "<JWT>") + "\n")
    env = {**os.environ, "SCHEMATHESIS_TELEMETRY": "false"}
    proc, wall, err = timed(cmd, timeout, cwd=outdir, env=env)
    if err:
        return {"error": err, "wall": wall}
    (outdir / "schemathesis.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode not in (0, 1) or not junit.exists():
        return {"error": f"exit {proc.returncode}: {last_line(proc.stderr) or last_line(proc.stdout)}", "wall": wall}
    found, other = map_schemathesis(junit)
    return {"wall": wall, "fired": found, "other": other}


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


def run_wapiti(exe: str, url: str, token: str, outdir: Path, timeout: float) -> dict:
    out_json = outdir / "wapiti.json"
    for d in ("wapiti-session", "wapiti-config"):
        (outdir / d).mkdir(parents=True, exist_ok=True)
    cmd = [exe, "-u", url + "/", "--swagger", url + "/openapi.json", "-H", f"Authorization: Bearer {token}",
           "-m", "cookieflags,http_headers,csp", "--no-bugreport", "-f", "json", "-o", str(out_json),
           "--scope", "folder", "-d", "2", "--max-scan-time", "120", "--max-attack-time", "60", "-t", "10",
           "--flush-session", "--store-session", str(outdir / "wapiti-session"),
           "--store-config", str(outdir / "wapiti-config"), "--dns-endpoint", "127.0.0.1", "-v", "1"]
    (outdir / "wapiti.cmd").write_text(shlex.join(cmd).replace(token, "<JWT>") + "\n")
    proc, wall, err = timed(cmd, timeout, cwd=outdir)
    if err:
        return {"error": err, "wall": wall}
    (outdir / "wapiti.log").write_text(proc.stdout + proc.stderr)
    try:
        report = json.loads(out_json.read_text())
    except (OSError, ValueError) as ex:
        return {"error": f"exit {proc.returncode}, no JSON report: {type(ex).__name__}", "wall": wall}
    found, other = map_wapiti(report)
    return {"wall": wall, "fired": found, "other": other,
            "pages": (report.get("infos") or {}).get("crawled_pages_nbr")}


def scan_variant(entry: dict, tools: dict, timeout: float) -> dict:
    outdir = OUT / entry["variant"]
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    results, pid = {}, None
    try:
        pid, url = labctl.start_app(TARGET, entry["variant"], labctl.free_port())
        results["rampart"] = run_rampart(tools["rampart"], entry, url, outdir, timeout)
        if entry["variant"] == "vulnerable":
            token = login(url)
            results["schemathesis"] = run_schemathesis(tools["schemathesis"], url, token, outdir, timeout)
            results["wapiti"] = run_wapiti(tools["wapiti"], url, token, outdir, timeout)
    except (labctl.LabError, OSError, ValueError, KeyError) as ex:
        msg = f"{type(ex).__name__}: {str(ex).splitlines()[0] if str(ex) else ''}"
        for tool in ("rampart", "schemathesis", "wapiti"):
            results.setdefault(tool, {"error": msg})
    finally:
        if pid:
            labctl.stop_app(pid)
    return results


def cell(rule: str, result: dict, reach: set[str] | None) -> str:
    if "error" in result:
        return "ERR"
    if rule in result["fired"]:
        return "+"
    return "-" if reach is None or rule in reach else "."


def report(expected: list[str], vuln: dict, fixed: dict, entry_fixed: dict) -> None:
    tools = [("rampart", None), ("schemathesis", SCHEMATHESIS_REACH), ("wapiti", WAPITI_REACH)]
    print(f"\n{'rule (api_expect)':18}" + "".join(f"{t:>14}" for t, _ in tools))
    print("-" * (18 + 14 * len(tools)))
    for rule in expected:
        print(f"{rule:18}" + "".join(f"{cell(rule, vuln[t], reach):>14}" for t, reach in tools))
    print("-" * (18 + 14 * len(tools)))
    for name, reach in tools:
        r = vuln[name]
        if "error" in r:
            print(f"{name:13} ERROR {r['error']} (after {r.get('wall', 0):.1f} s)")
            continue
        hit = set(r["fired"]) & set(expected)
        within = f", {len(hit)}/{len(reach)} within reach of its checks" if reach else ""
        extra = ""
        if name == "rampart":
            api_extra = sorted(x for x in r["fired"] if x not in expected and not x.startswith("SESS-"))
            extra = f", {r['requests']} requests, API rules beyond api_expect: {', '.join(api_extra) or 'none'}"
        else:
            extra = f", other findings: {'; '.join(r['other']) or 'none'}"
            if r.get("pages") is not None:
                extra += f", {r['pages']} URLs crawled"
        print(f"{name:13} {r['wall']:6.1f} s  found {len(hit)}/{len(expected)}{within}{extra}")
    f = fixed.get("rampart", {})
    if "error" in f:
        print(f"fixed variant: rampart ERROR {f['error']}")
    else:
        allowed = set(entry_fixed.get("expect", [])) | set(entry_fixed.get("api_expect", []))
        unexpected = [x for x in f["serious"] if x not in allowed]
        print(f"fixed variant: rampart {f['wall']:.1f} s, {f['requests']} requests, {f['findings']} findings, "
              f"above info: {', '.join(f['serious']) or 'none'}"
              f" ({'none outside the manifest' if not unexpected else 'NOT in the manifest: ' + ', '.join(unexpected)})")
    print("'+' found, '-' missed (within the tool's reach), '.' outside what the tool's selected checks look at. "
          "schemathesis = ignored_auth only; wapiti = cookieflags,http_headers,csp over plain http.")


def main() -> int:
    os.environ.setdefault("LAB_PASSWORD", labctl.DEFAULT_PASSWORD)
    labctl.second_identity_env()
    os.chdir(ROOT)
    binary = rampart_binary()
    if not binary:
        print("bench/peers.py: rampart binary not found; `cargo build --release` or set RAMPART", file=sys.stderr)
        return 2
    entries = {e["variant"]: e for e in labctl.load_manifest() if e["name"] == TARGET}
    if set(entries) != {"vulnerable", "fixed"}:
        print(f"bench/peers.py: lab/manifest.toml has no {TARGET} vulnerable+fixed entries", file=sys.stderr)
        return 2
    timeout = float(os.environ.get("BENCH_TIMEOUT", "600"))
    tools = {"rampart": binary,
             "schemathesis": ensure_venv(".venv-schemathesis", "schemathesis", "schemathesis"),
             "wapiti": ensure_venv(".venv-wapiti", "wapiti3", "wapiti")}
    st_version = subprocess.run([tools["schemathesis"], "--version"], capture_output=True, text=True,
                                timeout=60).stdout.strip()
    print(f"rampart:      {binary} {os.environ.get('RAMPART_ARGS', '')}".rstrip())
    print(f"schemathesis: {st_version} (check ignored_auth)")
    print(f"wapiti:       {wapiti_version(tools['wapiti'])} (modules cookieflags,http_headers,csp)")
    print(f"target:       lab {TARGET} (vulnerable: all three; fixed: rampart); raw output in "
          f"{OUT.relative_to(ROOT)}/", flush=True)
    vuln = scan_variant(entries["vulnerable"], tools, timeout)
    fixed = scan_variant(entries["fixed"], tools, timeout)
    report(entries["vulnerable"]["api_expect"], vuln, fixed, entries["fixed"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
