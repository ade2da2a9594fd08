#!/usr/bin/env python3
"""Benchmark: rampart's peak memory scanning GitHub's published REST description
(about 13 MB of JSON, npm package @octokit/openapi, generated/api.github.com.json)
with --spec at --rate 0 against a loopback stub, next to the peak memory of Python
merely parsing the same file, in the same run, and the aim of 300 MiB.

Not a test: it prints measured figures and never fails on them (exit 0 unless it
cannot run at all: no binary, no npm).

Build first (`cargo build --release`), then from anywhere:
    bench/bigspec.py

1. `npm pack @octokit/openapi` into bench/.out/bigspec/ (once) and unpack the
   description;
2. start a loopback stub (Python's ThreadingHTTPServer) that answers every request
   200 with a small JSON body and counts them;
3. run `rampart scan STUB --spec FILE --rate 0 --no-save --format json --max-duration 0`
   and measure its wall time and peak RSS (os.wait4's ru_maxrss of that process);
4. in a child Python, `json.load` the same file and report its peak RSS;
5. print the document size, operations rampart read (the report's events say when
   the operation cap cut them), requests sent and answered, and both peaks.

Environment: RAMPART (default target/release/rampart), BENCH_TIMEOUT (default 900).
"""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", ".out", "bigspec")
DOC = "package/generated/api.github.com.json"


def description() -> str:
    path = os.path.join(OUT, DOC)
    if os.path.exists(path):
        return path
    os.makedirs(OUT, exist_ok=True)
    subprocess.run(["npm", "pack", "@octokit/openapi", "--silent"], cwd=OUT, check=True,
                   stdout=subprocess.DEVNULL)
    tarball = sorted(glob.glob(os.path.join(OUT, "octokit-openapi-*.tgz")))[-1]
    with tarfile.open(tarball) as tar:
        tar.extract(DOC, OUT, filter="data")
    return path


class Stub(BaseHTTPRequestHandler):
    hits = 0
    lock = threading.Lock()

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        with Stub.lock:
            Stub.hits += 1
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer

    def log_message(self, *_args) -> None:
        pass


def peak_of(cmd: list[str], timeout: float) -> tuple[int, float, int]:
    """Exit code, wall seconds and peak RSS in KiB of one process."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, time.monotonic() - start, usage.ru_maxrss


def main() -> int:
    rampart = os.environ.get("RAMPART", os.path.join(ROOT, "target", "release", "rampart"))
    if not os.path.exists(rampart):
        print("bench/bigspec.py: rampart binary not found; `cargo build --release` or set RAMPART",
              file=sys.stderr)
        return 2
    doc = description()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    report = os.path.join(OUT, "report.json")
    cmd = [rampart, "scan", url, "--spec", doc, "--rate", "0", "--no-save", "--format", "json",
           "--output", report, "--max-duration", "0"]
    code, wall, rss = peak_of(cmd, float(os.environ.get("BENCH_TIMEOUT", "900")))
    server.shutdown()
    py = [sys.executable, "-c", f"import json; json.load(open({doc!r}))"]
    _, py_wall, py_rss = peak_of(py, 300)
    stats = {}
    if os.path.exists(report):
        with open(report) as f:
            stats = json.load(f).get("stats", {})
    mib = lambda kib: kib / 1024
    print(f"description        {os.path.getsize(doc) / 1e6:.1f} MB ({doc})")
    print(f"rampart            exit {code}, {wall:.1f} s wall, peak RSS {mib(rss):.0f} MiB "
          f"(aim: under 300 MiB), {stats.get('requests', '?')} requests sent, {Stub.hits} answered")
    print(f"python json.load   {py_wall:.1f} s, peak RSS {mib(py_rss):.0f} MiB (the parsed document alone)")
    for event in stats.get("events", [])[:5]:
        print(f"  event: {event}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
