#!/usr/bin/env python3
"""Benchmark: the session suite against the demo API.

Prints, per suite, wall time, requests sent and peak memory of the rampart
process, next to the floor measured in the same run: the same number of plain
sequential keep-alive GET requests to the same server from a minimal client.
Run from the repository root after `cargo build --release`.
"""
import http.client, json, os, resource, statistics, subprocess, sys, time
from urllib.parse import urlparse

RAMPART = os.environ.get("RAMPART", "target/release/rampart")
RUNS = 5
ALL_BUT_ENTROPY = ",".join(f"SESS-{n:03}" for n in range(1, 14) if n != 6)


def start_demo(fixed):
    args = [RAMPART, "demo", "--serve"] + (["--fixed"] if fixed else [])
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = proc.stdout.readline().strip()
    flow = proc.stdout.readline().strip()
    return proc, url, flow


def scan(url, flow, checks, samples):
    args = [RAMPART, "scan", url, "--flow", flow, "--format", "json", "--rate", "0", "--entropy-samples", str(samples)]
    if checks:
        args += ["--checks", checks]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, timeout=120)
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if out.returncode not in (0, 1):
        sys.exit(f"rampart failed: {out.stderr.strip()}")
    report = json.loads(out.stdout)
    return wall, report["stats"]["requests"], max(peak_kib, before), len(report["findings"])


def floor(url, n):
    """n sequential GETs over one keep-alive connection: the HTTP cost of n requests."""
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    start = time.perf_counter()
    for _ in range(n):
        conn.request("GET", "/login")
        conn.getresponse().read()
    conn.close()
    return time.perf_counter() - start


def main():
    print(f"{'target':<11} {'suite':<22} {'wall ms':>8} {'requests':>9} {'peak MiB':>9} {'findings':>9}   {'floor ms (same requests)':>24}")
    for fixed in (False, True):
        proc, url, flow = start_demo(fixed)
        try:
            for suite, checks, samples in (("session, no entropy", ALL_BUT_ENTROPY, 2), ("session + 100 samples", "session", 100)):
                runs = [scan(url, flow, checks, samples) for _ in range(RUNS)]
                wall = statistics.median(r[0] for r in runs)
                requests = runs[0][1]
                peak = max(r[2] for r in runs) / 1024
                base = statistics.median(floor(url, requests) for _ in range(RUNS))
                target = "fixed" if fixed else "vulnerable"
                print(f"{target:<11} {suite:<22} {wall*1000:>8.0f} {requests:>9} {peak:>9.1f} {runs[0][3]:>9}   {base*1000:>24.0f}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
