#!/usr/bin/env python3
"""A real HAR consumer: runs rampart with --har and opens the archive with
haralyzer (PyPI), then checks what a reader of a scan's traffic relies on:
the HAR 1.2 fields, one entry per request the report counted, sane methods,
statuses, URLs and times, and no secret (the demo password, full session
tokens) anywhere in the file.

Usage: tests/consumers/har.py   (RAMPART=path/to/rampart, default target/release/rampart)
Creates tests/consumers/.venv from requirements.txt when it is missing.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
VENV = HERE / ".venv"
PASSWORD = "correct-horse-7"
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}


def in_venv():
    """Re-run this script with the venv's Python, creating the venv and
    installing requirements.txt into it when needed."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() != VENV.resolve():
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        os.execv(str(python), [str(python), __file__, *sys.argv[1:]])
    try:
        import haralyzer  # noqa: F401
    except ImportError:
        pip = [str(VENV / "bin" / "pip"), "install", "-q", "-r", str(HERE / "requirements.txt")]
        subprocess.run(pip, check=True)


in_venv()

from haralyzer import HarParser  # noqa: E402  (installed in the venv above)

RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(bool(ok))
    print(f"{'PASS' if ok else 'FAIL'} {name}{'' if ok or not detail else ': ' + str(detail)}")


def rampart():
    return os.environ.get("RAMPART", str(REPO / "target" / "release" / "rampart"))


def run(args, workdir):
    """Run rampart writing report.json and scan.har into workdir; return (report, HAR path)."""
    report, har = workdir / "report.json", workdir / "scan.har"
    cmd = [rampart(), *args, "--format", "json", "--output", str(report), "--har", str(har)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()}")
    return json.loads(report.read_text()), har


# HAR 1.2 fields every entry must carry, and their types.
ENTRY = {"startedDateTime": str, "time": (int, float), "request": dict, "response": dict,
         "cache": dict, "timings": dict}
REQUEST = {"method": str, "url": str, "httpVersion": str, "cookies": list, "headers": list,
           "queryString": list, "headersSize": int, "bodySize": int}
RESPONSE = {"status": int, "statusText": str, "httpVersion": str, "cookies": list, "headers": list,
            "content": dict, "redirectURL": str, "headersSize": int, "bodySize": int}


def missing(obj, fields):
    return [k for k, t in fields.items() if not isinstance(obj.get(k), t)]


def check_structure(label, raw):
    log = raw.get("log", {})
    check(f"{label}: log.version is 1.2 and the creator is rampart",
          log.get("version") == "1.2" and log.get("creator", {}).get("name") == "rampart", log.get("creator"))
    bad = []
    for i, e in enumerate(log.get("entries", [])):
        req, resp = e.get("request", {}), e.get("response", {})
        gaps = missing(e, ENTRY) + missing(req, REQUEST) + missing(resp, RESPONSE)
        gaps += [f"timings.{k}" for k in ("send", "wait", "receive") if not isinstance(e.get("timings", {}).get(k), int)]
        gaps += [f"content.{k}" for k in ("size", "mimeType") if k not in resp.get("content", {})]
        if gaps:
            bad.append((i, gaps))
    check(f"{label}: every entry has the HAR 1.2 fields", not bad, bad[:3])


def check_entries(label, report, har):
    parser = HarParser.from_file(str(har))
    entries = [e for page in parser.pages for e in page.entries]
    check(f"{label}: haralyzer reads {len(entries)} entries = stats.requests {report['stats']['requests']}",
          len(entries) == report["stats"]["requests"] and entries)
    odd = sorted({e.request.method for e in entries} - METHODS)
    check(f"{label}: methods are HTTP methods", not odd, odd)
    posts = [e for page in parser.pages for e in page.post_requests]
    check(f"{label}: the login POST carries form postData",
          any(e.request.url.endswith("/login") and e.request.mimeType == "application/x-www-form-urlencoded"
              and "username=alice" in (e.request.text or "") for e in posts))
    bad = [(e.request.url, e.response.status) for e in entries
           if not (100 <= e.response.status <= 599 and e.response.statusText)]
    check(f"{label}: statuses are 100-599 with a reason phrase", not bad, bad[:3])
    target = report["target"].rstrip("/")
    off = [e.request.url for e in entries if not e.request.url.startswith(target + "/")]
    check(f"{label}: every URL is under the target {target}", not off, off[:3])
    redirects = [e for e in entries if 300 <= e.response.status < 400]
    wrong = [e.request.url for e in redirects if e.response.redirectURL != (e.response.get_header_value("location") or "")]
    check(f"{label}: {len(redirects)} redirects name their Location in redirectURL", redirects and not wrong, wrong[:3])
    check_times(label, report, entries)


def check_times(label, report, entries):
    from dateutil import parser as dates
    start, end = dates.isoparse(report["startedAt"]), dates.isoparse(report["completedAt"])
    times = [e.startTime for e in entries]
    outside = [t for t in times if t is None or not (start.replace(microsecond=0) <= t <= end)]
    check(f"{label}: startedDateTime parses and lies within the scan", not outside, outside[:3])
    waits = [e for e in entries if e.raw_entry["timings"]["wait"] != e.raw_entry["time"]]
    check(f"{label}: timings.wait equals time", not waits)


def check_secrets(label, har, token_pattern):
    text = har.read_text()
    check(f"{label}: the demo password appears nowhere", PASSWORD not in text)
    leaked = sorted(set(re.findall(token_pattern, text)))
    check(f"{label}: no full session token ({token_pattern}) appears", not leaked, leaked[:3])
    raw = json.loads(text)
    issued = [c["value"] for e in raw["log"]["entries"] for c in e["response"]["cookies"]
              if c["name"] == "sid" and c["value"]]
    clear = [v for v in issued if not v.endswith("[redacted]")]
    check(f"{label}: all {len(issued)} issued sid cookies are redacted", issued and not clear, clear[:3])


def serve_demo():
    """`rampart demo --serve`: the vulnerable demo API for a plain `rampart scan`."""
    proc = subprocess.Popen([rampart(), "demo", "--serve"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url, flow = proc.stdout.readline().strip(), proc.stdout.readline().strip()
    return proc, url, flow


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        runs = [("demo", ["demo"], r"sess-\d{6}"), ("demo --fixed", ["demo", "--fixed"], r"[0-9a-f]{64}")]
        for label, args, token_pattern in runs:
            workdir = tmp / label.replace(" ", "_")
            workdir.mkdir()
            report, har = run(args, workdir)
            check_structure(label, json.loads(har.read_text()))
            check_entries(label, report, har)
            check_secrets(label, har, token_pattern)
        proc, url, flow = serve_demo()
        try:
            workdir = tmp / "scan"
            workdir.mkdir()
            report, har = run(["scan", url, "--flow", flow, "--rate", "0"], workdir)
            check_entries("scan", report, har)
            check_secrets("scan", har, r"sess-\d{6}")
        finally:
            proc.send_signal(signal.SIGINT)  # --serve removes its flow file on Ctrl-C
            proc.wait(timeout=10)
    failed = RESULTS.count(False)
    print(f"{len(RESULTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
