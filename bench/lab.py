#!/usr/bin/env python3
"""Benchmark: rampart's session suite on every lab target, next to wapiti3.

Not a test: it prints measured figures and never fails on timing (exit 0 unless it
cannot run at all, e.g. no rampart binary).

For each of the ten target-variants in lab/manifest.toml, in one run:

1. start the target with lab's own machinery (lab/lib/labctl.py, what lab/up uses),
   on a free port, with a fresh store;
2. run rampart exactly as lab/check does:
       ${RAMPART:-target/release/rampart} scan URL --flow lab/flows/<target>.toml
           --format json [$RAMPART_ARGS]
   with LAB_PASSWORD set; record the wall time, `stats.requests` from the report and
   the SESS-001..013 rules in `findings[].ruleId`, compared with the manifest's
   `expect` (the store rules SESS-014..016 need --store and are left out, as in
   lab/check without LAB_CHECK_STORE);
3. run the peer, wapiti3, on the same running target with only its passive cookie and
   header modules:
       wapiti -u URL/ -m cookieflags,http_headers --no-bugreport -f json -o OUT.json
           --scope folder [-s URL<preauth path>] -d 2 --max-links-per-page 20
           --max-files-per-dir 20 --max-scan-time 60 --max-attack-time 30 -t 10
           --flush-session --store-session DIR --store-config DIR
           --dns-endpoint 127.0.0.1
   `-s` gives wapiti the flow's pre-auth page when it is a GET (the same public entry
   point rampart's flow names; fastapi-crdb's `/` is JSON with no link to it), and
   nothing else: no credentials, so wapiti sees nothing behind the login.
   `--dns-endpoint 127.0.0.1` because wapiti instantiates every module, and its
   log4shell module resolves its DNS endpoint (an outside name by default) even when
   it is not selected. Its wall time is recorded and its JSON findings
   (vulnerabilities, anomalies, additionals) are mapped to the manifest where that is
   honest:
       cookieflags "HttpOnly flag is not set in the cookie : <session cookie>" -> SESS-007
       cookieflags "Secure flag is not set in the cookie : <session cookie>"   -> SESS-008
   where <session cookie> is the flow's `[session] cookie`. Nothing else wapiti
   reports has a SESS rule (X-Frame-Options, X-Content-Type-Options, flags on other
   cookies): those are listed as "other". wapiti 3.2 checks neither SameSite
   (SESS-009) nor cookie lifetime (SESS-011), and every other session rule (fixation,
   logout, rotation, token in URL, entropy, concurrency) needs a login or a
   multi-step flow it does not have; go-crdb carries its token in a header, so no
   cookie rule applies there. The "reach" figure is the number of expected flaws that
   wapiti's two modules could detect at all (SESS-007/008 on cookie carriers);
4. stop the target (labctl.stop_app, by PID), and at the end stop PostgreSQL or the
   Firestore emulator if this run started them (as lab/check does).

Then it prints one table and a totals line. If wapiti (or rampart) fails on a target,
the error is printed in its cell and the run goes on.

wapiti3 lives in its own venv, bench/.venv-wapiti, created on first use
(`python3 -m venv bench/.venv-wapiti && bench/.venv-wapiti/bin/pip install wapiti3`,
about a minute and a half). Raw reports and wapiti's logs go to bench/.out/lab/.

Usage (from anywhere; paths are relative to the repository root):
    bench/lab.py [TARGET[:VARIANT] ...]

Environment:
    RAMPART         rampart binary (default target/release/rampart)
    RAMPART_ARGS    extra arguments for `rampart scan` (as in lab/check)
    WAPITI          wapiti executable (default bench/.venv-wapiti/bin/wapiti; the
                    venv is only created when this is unset)
    LAB_PASSWORD    alice's password (default wonderland-7)
    BENCH_TIMEOUT   seconds allowed for one rampart or wapiti run (default 600)
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "lab" / "lib"))
import labctl  # noqa: E402

SESSION_RULES = [f"SESS-{i:03d}" for i in range(1, 14)]
WAPITI_REACH = {"SESS-007", "SESS-008"}   # the only manifest rules cookieflags can show
VENV = BENCH / ".venv-wapiti"
OUT = BENCH / ".out" / "lab"


def rampart_binary() -> str | None:
    raw = os.environ.get("RAMPART", "target/release/rampart")
    for cand in (Path(raw), ROOT / raw):
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand.resolve())
    return None


def wapiti_binary() -> str:
    if os.environ.get("WAPITI"):
        return os.environ["WAPITI"]
    exe = VENV / "bin" / "wapiti"
    if not exe.exists():
        print(f"bench/lab.py: creating {VENV.relative_to(ROOT)} and installing wapiti3 "
              "(pip, about a minute and a half)...", flush=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        "wapiti3"], check=True)
        print(f"bench/lab.py: wapiti3 installed in {time.perf_counter() - t0:.0f} s", flush=True)
    return str(exe)


def wapiti_version(exe: str) -> str:
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unknown ({e})"
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    return lines[-1] if lines else "unknown"


def selected(entries, args):
    if not args:
        return entries
    return [e for e in entries
            if any(e["name"] == a.partition(":")[0]
                   and (not a.partition(":")[2] or e["variant"] == a.partition(":")[2]) for a in args)]


def last_line(text: str) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    return lines[-1][:90] if lines else ""


def run_rampart(binary, entry, url, outdir, timeout, extra) -> dict:
    cmd = [binary, "scan", url, "--flow", str(labctl.LAB / entry["flow"]), "--format", "json", *extra]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s", "wall": time.perf_counter() - t0}
    wall = time.perf_counter() - t0
    (outdir / "rampart.json").write_text(proc.stdout)
    (outdir / "rampart.stderr").write_text(proc.stderr)
    if proc.returncode not in (0, 1):
        return {"error": f"exit {proc.returncode}: {last_line(proc.stderr)}", "wall": wall}
    try:
        report = json.loads(proc.stdout)
        fired = {f["ruleId"] for f in report["findings"]}
        requests = report["stats"]["requests"]
    except (ValueError, KeyError, TypeError) as ex:
        return {"error": f"bad JSON report: {type(ex).__name__}: {ex}", "wall": wall}
    return {"wall": wall, "requests": requests, "fired": fired & set(SESSION_RULES),
            "check_errors": len(report.get("stats", {}).get("errors") or [])}


def wapiti_findings(report: dict):
    for section in ("vulnerabilities", "anomalies", "additionals"):
        for category, items in (report.get(section) or {}).items():
            for item in items or []:
                yield section, category, item


def map_wapiti(report: dict, session_cookie: str | None) -> tuple[set[str], list[str]]:
    """(manifest rules shown, short names of everything else wapiti reported)."""
    rules: set[str] = set()
    other: list[str] = []
    for _section, category, item in wapiti_findings(report):
        info = item.get("info", "")
        module = item.get("module", "")
        if module == "cookieflags" and " flag is not set in the cookie : " in info:
            flag, _, cookie = info.partition(" flag is not set in the cookie : ")
            cookie = cookie.strip()
            rule = {"HttpOnly": "SESS-007", "Secure": "SESS-008"}.get(flag)
            if rule and session_cookie and cookie == session_cookie:
                rules.add(rule)
                continue
            other.append(f"{flag}({cookie})")
        elif module == "http_headers":
            name = info.split(" is not set")[0].split(" has an invalid value")[0]
            other.append(name.replace("X-Content-Type-Options", "XCTO").replace("X-Frame-Options", "XFO")
                         .replace("Strict-Transport-Security", "HSTS")
                         + ("(invalid)" if "invalid" in info else ""))
        else:
            other.append(f"{module or category}: {info[:40]}")
    return rules, sorted(set(other))


def run_wapiti(exe, entry, url, outdir, timeout) -> dict:
    flow = labctl.load_flow(entry)
    out_json = outdir / "wapiti.json"
    cmd = [exe, "-u", url + "/", "-m", "cookieflags,http_headers", "--no-bugreport",
           "-f", "json", "-o", str(out_json),
           "--scope", "folder", "-d", "2", "--max-links-per-page", "20", "--max-files-per-dir", "20",
           "--max-scan-time", "60", "--max-attack-time", "30", "-t", "10",
           "--flush-session", "--store-session", str(outdir / "wapiti-session"),
           "--store-config", str(outdir / "wapiti-config"),
           "--dns-endpoint", "127.0.0.1", "-v", "1"]
    pre = flow.get("preauth") or {}
    if pre.get("method", "GET").upper() == "GET" and pre.get("path"):
        cmd += ["-s", url + pre["path"]]
    (outdir / "wapiti-session").mkdir(parents=True, exist_ok=True)
    (outdir / "wapiti-config").mkdir(parents=True, exist_ok=True)
    (outdir / "wapiti.cmd").write_text(shlex.join(cmd) + "\n")
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, cwd=outdir)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s", "wall": time.perf_counter() - t0}
    except OSError as ex:
        return {"error": f"cannot run wapiti: {ex}", "wall": time.perf_counter() - t0}
    wall = time.perf_counter() - t0
    (outdir / "wapiti.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}: {last_line(proc.stderr) or last_line(proc.stdout) or '(no output)'}",
                "wall": wall}
    try:
        report = json.loads(out_json.read_text())
    except (OSError, ValueError) as ex:
        return {"error": f"no JSON report: {type(ex).__name__}: {last_line(str(ex))}", "wall": wall}
    rules, other = map_wapiti(report, (flow.get("session") or {}).get("cookie"))
    pages = (report.get("infos") or {}).get("crawled_pages_nbr")
    return {"wall": wall, "fired": rules, "other": other, "pages": pages}


def short(rules) -> str:
    return ",".join(r[-3:] for r in sorted(rules)) or "-"


def cell(found: set[str], expected: set[str]) -> str:
    hit = found & expected
    s = f"{len(hit)}/{len(expected)} {short(hit)}"
    extra = found - expected
    if extra:
        s += f" +{short(extra)}!"
    return s


def in_reach(entry, expected: set[str]) -> set[str]:
    flow = labctl.load_flow(entry)
    cookie_carrier = bool((flow.get("session") or {}).get("cookie"))
    return expected & WAPITI_REACH if cookie_carrier else set()


def already_running(entry) -> bool:
    return any(r[1:4] == ["app", entry["name"], entry["variant"]] and labctl.alive(int(r[0]))
               for r in labctl.read_pids())


def stop_started_services(before: set[str]) -> None:
    """Stop PostgreSQL (or any shared service) if this run started it, as lab/check does."""
    started = set(labctl.service_pids()) - before
    if started and not before:
        labctl.down_all(clean=True)
        return
    for role in started:
        spid = labctl.service_pids()[role]
        if role == "postgres":
            labctl.stop_postgres()
        labctl.stop_pid(spid)
        labctl.forget_pid(spid)


def main() -> int:
    os.environ.setdefault("LAB_PASSWORD", labctl.DEFAULT_PASSWORD)
    os.chdir(ROOT)
    rampart = rampart_binary()
    if not rampart:
        print("bench/lab.py: rampart binary not found; `cargo build --release` or set RAMPART", file=sys.stderr)
        return 2
    entries = selected(labctl.load_manifest(), sys.argv[1:])
    if not entries:
        print("bench/lab.py: nothing selected", file=sys.stderr)
        return 2
    timeout = float(os.environ.get("BENCH_TIMEOUT", "600"))
    extra = shlex.split(os.environ.get("RAMPART_ARGS", ""))
    wapiti = wapiti_binary()
    print(f"rampart: {rampart} {' '.join(extra)}".rstrip())
    print(f"wapiti:  {wapiti_version(wapiti)} (modules cookieflags,http_headers)")
    print(f"targets: {len(entries)}; raw reports in {OUT.relative_to(ROOT)}/", flush=True)

    run_t0 = time.perf_counter()
    services_before = set(labctl.service_pids())
    rows = []
    try:
        for e in entries:
            name, variant = e["name"], e["variant"]
            expected = set(e["expect"]) & set(SESSION_RULES)
            row = {"entry": e, "expected": expected, "reach": in_reach(e, expected)}
            rows.append(row)
            outdir = OUT / f"{name}-{variant}"
            shutil.rmtree(outdir, ignore_errors=True)
            outdir.mkdir(parents=True)
            t0 = time.perf_counter()
            if already_running(e):
                row["rampart"] = row["wapiti"] = {"error": "already running (lab/up); stop it first"}
                continue
            pid = None
            try:
                pid, url = labctl.start_app(name, variant, labctl.free_port())
                row["rampart"] = run_rampart(rampart, e, url, outdir, timeout, extra)
                row["wapiti"] = run_wapiti(wapiti, e, url, outdir, timeout)
            except labctl.LabError as ex:
                msg = f"start failed: {str(ex).splitlines()[0]}"
                row.setdefault("rampart", {"error": msg})
                row.setdefault("wapiti", {"error": msg})
                print(str(ex), file=sys.stderr)
            finally:
                if pid:
                    labctl.stop_app(pid)
            print(f"# {name} {variant}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    finally:
        stop_started_services(services_before)
    total_wall = time.perf_counter() - run_t0

    # ------------------------------------------------------------------ table
    head = (f"{'target':16} {'variant':10} {'r wall s':>8} {'r reqs':>6}  {'rampart found/exp (SESS-)':32} "
            f"{'w wall s':>8} {'w pages':>7}  {'wapiti found/exp (SESS-)':24} {'reach':>5}  wapiti other")
    print()
    print(head)
    print("-" * len(head))
    tot = {"r_wall": 0.0, "r_req": 0, "r_hit": 0, "r_extra": 0, "r_err": 0, "w_wall": 0.0, "w_hit": 0,
           "w_extra": 0, "w_err": 0, "w_other": 0, "exp": 0, "reach": 0}
    for row in rows:
        e, exp, r, w = row["entry"], row["expected"], row["rampart"], row["wapiti"]
        tot["exp"] += len(exp)
        tot["reach"] += len(row["reach"])
        line = f"{e['name']:16} {e['variant']:10} "
        if "error" in r:
            tot["r_err"] += 1
            rw = f"{r['wall']:8.1f}" if "wall" in r else f"{'-':>8}"
            line += f"{rw} {'-':>6}  {('ERROR ' + r['error'])[:32]:32} "
        else:
            tot["r_wall"] += r["wall"]
            tot["r_req"] += r["requests"]
            tot["r_hit"] += len(r["fired"] & exp)
            tot["r_extra"] += len(r["fired"] - exp)
            rc = cell(r["fired"], exp) + (f" ({r['check_errors']} err)" if r["check_errors"] else "")
            line += f"{r['wall']:8.1f} {r['requests']:>6}  {rc:32} "
        if "error" in w:
            tot["w_err"] += 1
            ww = f"{w['wall']:8.1f}" if "wall" in w else f"{'-':>8}"
            line += f"{ww} {'-':>7}  ERROR {w['error']}"
        else:
            tot["w_wall"] += w["wall"]
            tot["w_hit"] += len(w["fired"] & exp)
            tot["w_extra"] += len(w["fired"] - exp)
            tot["w_other"] += len(w["other"])
            pages = "-" if w["pages"] is None else str(w["pages"])
            line += (f"{w['wall']:8.1f} {pages:>7}  {cell(w['fired'], exp):24} {len(row['reach']):>5}  "
                     f"{', '.join(w['other']) or '-'}")
        print(line)
    print("-" * len(head))
    print(f"total ({len(rows)} target-variants, run {total_wall:.0f} s): "
          f"rampart {tot['r_wall']:.1f} s, {tot['r_req']} requests, found {tot['r_hit']}/{tot['exp']} "
          f"expected flaws, {tot['r_extra']} not in manifest, {tot['r_err']} errors; "
          f"wapiti {tot['w_wall']:.1f} s, found {tot['w_hit']}/{tot['exp']} "
          f"({tot['w_hit']}/{tot['reach']} within reach of its cookie modules), {tot['w_extra']} not in manifest, "
          f"{tot['w_other']} findings with no SESS rule, {tot['w_err']} errors")
    print("SESS- ids are rule numbers (001 = SESS-001); '+NNN!' fired but not in the manifest. "
          "reach = expected flaws wapiti's modules can show at all (SESS-007/008 on cookie carriers); "
          "nothing behind the login is visible to it. XFO/XCTO = X-Frame-Options/X-Content-Type-Options "
          "missing (no SESS rule).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
