#!/usr/bin/env python3
"""Benchmark: rampart's API scan throughput and memory on 1,000 operations, next to
wrk's ceiling against the same server in the same run.

Not a test: it prints measured figures and never fails on timing (exit 0 unless it
cannot run at all, e.g. a missing binary).

It builds nothing. Build both binaries first:
    cargo build --release -p rampart-cli -p rampart-bench

Then, from anywhere (paths are relative to the repository root):
    bench/api.py

1. start target/release/apiserver (bench/src/bin/apiserver.rs): a loopback API of
   BENCH_OPS generated operations (three in four GET with a path id and query
   parameters, the rest POST), its OpenAPI 3.0 document at /openapi.json, small JSON
   answers with security headers;
2. read that document and list every GET operation as a concrete URL (path parameters
   and query parameters from the document's examples);
3. BENCH_RUNS times (default 3), alternating on the same running server:
   a. the ceiling: `wrk -t2 -c16 -d10s -s rotate.lua URL`, the Lua script cycling
      through the GET URLs; wrk's Requests/sec;
   b. rampart: `rampart scan URL --spec URL/openapi.json --rate 0 --concurrency 16
      --format json --output OUT.json --no-save` (no flow, no credentials); its wall
      time and peak RSS (os.wait4's ru_maxrss of the rampart process alone), the
      report's stats.requests, durationMs and findings, and the server's own count of
      answers and of operations reached (GET /_bench/hits, not in the document);
4. print each run and the medians: rampart's requests/s (stats.requests / wall s,
   and / durationMs) next to wrk's, their ratio against the aim of one half, and the
   peak memory against the aim of 100 MiB. Also the busiest 50 ms of the scan as the
   server saw it (its answers per 10 ms since the reset): the rate rampart's HTTP path
   reaches while it sends, apart from the time it spends reading the spec, running
   the checks' analysis and writing the report.

If the inventory did not come from the spec (rampart reached far fewer GET operations
than the document lists), a WARNING says so: the figures then describe a scan of the
root alone.

wrk comes from Debian (`apt-get install -y --no-install-recommends wrk`); when it is
missing and this runs as root, the script installs it, otherwise it prints that command
and reports rampart's figures alone.

Environment:
    RAMPART        rampart binary (default target/release/rampart)
    APISERVER      apiserver binary (default target/release/apiserver)
    BENCH_OPS      operations the server generates (default 1000)
    BENCH_RUNS     runs (default 3); the medians are reported
    WRK_SECONDS    length of each wrk run (default 10)
    BENCH_TIMEOUT  seconds allowed for one rampart scan (default 600)
Raw reports go to bench/.out/api/.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / ".out" / "api"
CONCURRENCY = 16
MIB = 1024 * 1024
AIM_RATIO = 0.5
AIM_MIB = 100


def binary(var: str, default: str) -> str | None:
    raw = os.environ.get(var, default)
    for cand in (Path(raw), ROOT / raw):
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand.resolve())
    return None


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    how = "apt-get install -y --no-install-recommends wrk"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"bench/api.py: wrk missing; running `{how}`...", flush=True)
        proc = subprocess.run(how.split(), capture_output=True, text=True, timeout=600,
                              env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if proc.returncode == 0 and shutil.which("wrk"):
            return shutil.which("wrk")
        print(f"bench/api.py: could not install wrk: {(proc.stderr.strip().splitlines() or [''])[-1]}",
              file=sys.stderr)
    print(f"bench/api.py: no wrk; install it with `{how}` for the ceiling. Going on without it.", file=sys.stderr)
    return None


def start_server(exe: str, ops: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([exe, "--ops", str(ops)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True)
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(10)
    url = (line[0] if line else "").strip()
    if not url.startswith("http://"):
        proc.kill()
        raise RuntimeError(f"apiserver did not print its URL: {proc.stderr.read()[:300] if proc.poll() else ''}")
    return proc, url


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read(8 * MIB))


def example(param: dict):
    if "example" in param:
        return param["example"]
    schema = param.get("schema") or {}
    return schema.get("example", 1 if schema.get("type") == "integer" else "x")


def get_targets(spec: dict) -> list[str]:
    """Every GET operation of the document as a path with its example parameters."""
    targets = []
    for path, item in spec.get("paths", {}).items():
        op = item.get("get")
        if op is None:
            continue
        params = op.get("parameters", [])
        for p in params:
            if p.get("in") == "path":
                path = path.replace("{" + p["name"] + "}", str(example(p)))
        query = "&".join(f"{p['name']}={example(p)}" for p in params if p.get("in") == "query")
        targets.append(path + ("?" + query if query else ""))
    return targets


def lua_script(targets: list[str], path: Path) -> None:
    quoted = ",\n".join(f'  "{t}"' for t in targets)
    path.write_text(
        "-- every GET operation of the spec, in turn\n"
        f"local targets = {{\n{quoted}\n}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #targets + 1\n"
        '  return wrk.format("GET", targets[i])\n'
        "end\n")


def run_wrk(wrk: str, url: str, script: Path, seconds: int) -> dict:
    cmd = [wrk, "-t2", f"-c{CONCURRENCY}", f"-d{seconds}s", "-s", str(script), url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", proc.stdout)
    if proc.returncode != 0 or not rate:
        return {"error": f"wrk exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[:200]}"}
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", proc.stdout)
    return {"rps": float(rate.group(1)), "non2xx": int(bad.group(1)) if bad else 0}


def wait_bounded(proc: subprocess.Popen, timeout: float) -> tuple[int, float, bool]:
    """(exit code, peak RSS in bytes, timed out) of `proc`, from wait4's rusage."""
    timer = threading.Timer(timeout, lambda: proc.send_signal(signal.SIGKILL))
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timed_out = not timer.is_alive()
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss * 1024.0, timed_out


def run_rampart(exe: str, url: str, out: Path, timeout: float) -> dict:
    cmd = [exe, "scan", url, "--spec", url + "/openapi.json", "--rate", "0", "--concurrency", str(CONCURRENCY),
           "--format", "json", "--output", str(out), "--no-save"]
    out.unlink(missing_ok=True)
    get_json(url + "/_bench/hits?reset=1")
    with open(out.with_suffix(".stderr"), "w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
        code, peak, timed_out = wait_bounded(proc, timeout)
        wall = time.perf_counter() - t0
    served = get_json(url + "/_bench/hits?reset=1")  # its count includes the answer to the first reset
    if timed_out:
        return {"error": f"timeout after {timeout:.0f} s"}
    if code not in (0, 1):
        tail = (out.with_suffix(".stderr").read_text().strip().splitlines() or [""])[-1]
        return {"error": f"exit {code}: {tail[:200]}"}
    try:
        report = json.loads(out.read_text())
        requests = report["stats"]["requests"]
        findings = report["findings"]
        duration = report["durationMs"] / 1000
    except (OSError, ValueError, KeyError, TypeError) as ex:
        return {"error": f"bad JSON report: {type(ex).__name__}: {ex}"}
    return {"wall": wall, "duration": duration, "requests": requests, "rps": requests / wall,
            "rps_scan": requests / duration if duration else 0.0, "peak": peak,
            "burst": best_window(served["timeline"], served["bucketMs"]),
            "findings": len(findings), "serious": sum(f.get("severity") != "info" for f in findings),
            "served": served["requests"] - 1, "gets": served["get"], "posts": served["post"],
            "errors": len(report["stats"].get("errors") or [])}


def best_window(timeline: list[int], bucket_ms: int, window_ms: int = 50) -> float:
    """The server's busiest `window_ms` of answers, as requests per second."""
    width = max(1, window_ms // bucket_ms)
    best = max((sum(timeline[i:i + width]) for i in range(max(1, len(timeline) - width + 1))), default=0)
    return best * 1000.0 / (width * bucket_ms)


def row(i, w: dict, r: dict) -> str:
    ceiling = f"{w['rps']:>10.0f}" if "rps" in w else f"{'-':>10}"
    if "error" in r:
        return f"{i:>6} {ceiling}  rampart ERROR {r['error']}"
    ratio = f"{r['rps'] / w['rps']:>6.2f}" if "rps" in w else f"{'-':>6}"
    return (f"{i:>6} {ceiling} {r['rps']:>10.0f} {r['rps_scan']:>10.0f} {r['burst']:>10.0f} {ratio} "
            f"{r['requests']:>9} {r['served']:>8} "
            f"{r['wall']:>7.2f} {r['peak'] / MIB:>8.1f} {r['gets']['reached']:>5}/{r['gets']['of']:<5} "
            f"{r['posts']['reached']:>4}/{r['posts']['of']:<4} {r['findings']:>5} ({r['serious']})")


def main() -> int:
    rampart, server = binary("RAMPART", "target/release/rampart"), binary("APISERVER", "target/release/apiserver")
    if not rampart or not server:
        print("bench/api.py: binaries missing; build them with "
              "`cargo build --release -p rampart-cli -p rampart-bench` (or set RAMPART / APISERVER)", file=sys.stderr)
        return 2
    ops, runs = int(os.environ.get("BENCH_OPS", "1000")), int(os.environ.get("BENCH_RUNS", "3"))
    seconds, timeout = int(os.environ.get("WRK_SECONDS", "10")), float(os.environ.get("BENCH_TIMEOUT", "600"))
    wrk = ensure_wrk()
    OUT.mkdir(parents=True, exist_ok=True)
    proc, url = start_server(server, ops)
    try:
        targets = get_targets(get_json(url + "/openapi.json"))
        lua_script(targets, OUT / "rotate.lua")
        print(f"server:  {url}, {ops} operations ({len(targets)} GET); {os.cpu_count()} cores")
        print(f"ceiling: {'wrk -t2 -c%d -d%ds, rotating through the %d GET URLs' % (CONCURRENCY, seconds, len(targets)) if wrk else 'none (no wrk)'}")
        print(f"rampart: {rampart} scan URL --spec URL/openapi.json --rate 0 --concurrency {CONCURRENCY}\n", flush=True)
        print(f"{'run':>6} {'wrk req/s':>10} {'r req/s':>10} {'r req/s*':>10} {'r burst':>10} {'ratio':>6} {'requests':>9} "
              f"{'served':>8} {'wall s':>7} {'peak MiB':>8} {'GET ops':>11} {'POST ops':>9} findings")
        results = []
        for i in range(1, runs + 1):
            w = run_wrk(wrk, url, OUT / "rotate.lua", seconds) if wrk else {}
            r = run_rampart(rampart, url, OUT / f"rampart-{i}.json", timeout)
            results.append((w, r))
            note = f"   wrk: {w['error']}" if "error" in w else ""
            note += f"   wrk: {w['non2xx']} non-2xx answers" if w.get("non2xx") else ""
            print(row(i, w, r) + note, flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return summary(results, len(targets))


def summary(results, get_ops: int) -> int:
    good = [r for _, r in results if "error" not in r]
    ceilings = [w["rps"] for w, _ in results if "rps" in w]
    if not good:
        print("\nno rampart run completed")
        return 0
    med = {k: statistics.median(r[k] for r in good) for k in ("rps", "rps_scan", "burst", "peak", "wall", "requests")}
    reached = min(r["gets"]["reached"] for r in good)
    print()
    if ceilings:
        ceiling = statistics.median(ceilings)
        print(f"median: rampart {med['rps']:.0f} req/s ({med['rps_scan']:.0f} by the report's durationMs), "
              f"wrk ceiling {ceiling:.0f} req/s: ratio {med['rps'] / ceiling:.2f} (aim >= {AIM_RATIO}); "
              f"busiest 50 ms {med['burst']:.0f} req/s ({med['burst'] / ceiling:.2f} of the ceiling)")
    else:
        print(f"median: rampart {med['rps']:.0f} req/s ({med['rps_scan']:.0f} by durationMs); no ceiling (no wrk)")
    print(f"peak memory: {med['peak'] / MIB:.1f} MiB median, {max(r['peak'] for r in good) / MIB:.1f} MiB max "
          f"(aim < {AIM_MIB} MiB); {med['requests']:.0f} requests in {med['wall']:.2f} s")
    print("r req/s = stats.requests / wall time; r req/s* = stats.requests / durationMs; r burst = the server's "
          "busiest 50 ms of rampart's answers; served = answers the server counted; GET/POST ops = operations the "
          "server saw at least once; findings (non-info).")
    if reached < 0.9 * get_ops:
        print(f"WARNING: rampart reached only {reached} of the spec's {get_ops} GET operations: the inventory did "
              "not come from --spec, so these figures describe a much smaller scan.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
