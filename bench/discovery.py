#!/usr/bin/env python3
"""Benchmark: login discovery (`--login alice`) next to the hand-written flow.

Not a test: it prints measured figures and never fails on timing (exit 0 unless it
cannot run at all, e.g. no rampart binary).

For each target-variant in lab/manifest.toml (lab set up with `lab/setup`), in one run:
start the target with lab's machinery on a free port, then scan it twice, the session
suite only (`--checks session`), as lab/check does otherwise:
    rampart scan URL --flow lab/flows/<target>.toml --checks session --format json
    rampart scan URL --login alice --checks session --format json   (RAMPART_PASSWORD set)
(with `--spec` where the manifest names one, as lab/check passes it: api-zoo's login
is found in its spec) and record wall time, `stats.requests`, the requests made before the checks
(`stats.requestsByRule.setup`: reaching the target, reading the inventory, discovery,
validating the flow) and the session rules that fired. The table shows both side by
side, the extra setup requests discovery cost, and whether the verdicts agree (SESS-005
left out: it needs a [password_change] step discovery does not look for).

Usage: bench/discovery.py [TARGET[:VARIANT] ...]
Environment: RAMPART (default target/release/rampart), LAB_PASSWORD (default
wonderland-7), BENCH_TIMEOUT (seconds per scan, default 300).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lab" / "lib"))
import labctl  # noqa: E402

NOT_DISCOVERED = {"SESS-005"}


def scan(binary: str, url: str, how: list[str], spec: str | None, timeout: float) -> dict:
    env = {**os.environ, "RAMPART_PASSWORD": os.environ["LAB_PASSWORD"]}
    cmd = [binary, "scan", url, *how, "--checks", "session", "--format", "json", "--no-save"]
    if spec:
        cmd += ["--spec", str(labctl.LAB / spec)]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    if proc.returncode not in (0, 1):
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[0][:80], "wall": wall}
    report = json.loads(proc.stdout)
    stats = report["stats"]
    return {
        "wall": wall,
        "requests": stats["requests"],
        "setup": stats.get("requestsByRule", {}).get("setup", 0),
        "rules": {f["ruleId"] for f in report["findings"] if f["ruleId"].startswith("SESS-")} - NOT_DISCOVERED,
    }


def cell(r: dict) -> str:
    if "error" in r:
        return f"error: {r['error']}"
    return f"{r['wall']:5.1f} s {r['requests']:5d} req {r['setup']:4d} setup"


def main() -> int:
    os.environ.setdefault("LAB_PASSWORD", labctl.DEFAULT_PASSWORD)
    binary = os.environ.get("RAMPART", str(ROOT / "target" / "release" / "rampart"))
    if not os.access(binary, os.X_OK):
        print(f"bench/discovery.py: no rampart binary at {binary}", file=sys.stderr)
        return 2
    timeout = float(os.environ.get("BENCH_TIMEOUT", "300"))
    entries = labctl.load_manifest()
    if sys.argv[1:]:
        wanted = [a.partition(":") for a in sys.argv[1:]]
        entries = [e for e in entries if any(e["name"] == n and (not v or e["variant"] == v) for n, _, v in wanted)]
    before = set(labctl.service_pids())
    rows = []
    try:
        for e in entries:
            pid, url = labctl.start_app(e["name"], e["variant"], labctl.free_port())
            try:
                flow = scan(binary, url, ["--flow", str(labctl.LAB / e["flow"])], e.get("spec"), timeout)
                login = scan(binary, url, ["--login", "alice"], e.get("spec"), timeout)
            finally:
                labctl.stop_app(pid)
            rows.append((e, flow, login))
            print(f"# {e['name']} {e['variant']} done", file=sys.stderr, flush=True)
    finally:
        if set(labctl.service_pids()) - before and not before:
            labctl.down_all(clean=True)
    print(f"{'target':16} {'variant':10} {'hand-written flow':28} {'--login (discovered)':28} {'extra':>6} verdicts")
    for e, flow, login in rows:
        extra = login.get("setup", 0) - flow.get("setup", 0) if "error" not in flow and "error" not in login else 0
        same = "error" not in flow and "error" not in login and flow["rules"] == login["rules"]
        print(f"{e['name']:16} {e['variant']:10} {cell(flow):28} {cell(login):28} {extra:6d} "
              f"{'same' if same else 'DIFFER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
