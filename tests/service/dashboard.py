"""rampart's dashboard and `/api/v1`, tried against a real `rampart serve`:

- in real headless Chromium (browser.mjs, with the playwright-core of
  tests/consumers/setup): the demo API is scanned once vulnerable, then
  served fixed; sign in with an API token, see the targets (one named with
  markup, shown as text), queue the second scan and see the history chart and
  what it fixed, be refused without the CSRF token or from another origin,
  sign out, and find the old session id worthless. RAMPART_SCREENSHOTS=DIR
  saves the pages as PNG there (docs/screenshots holds the committed ones);
- by rampart's own session suite (`rampart scan` with tests/service/flow.toml):
  the session rules run and none finds anything at medium or above;
- through the API: its OpenAPI document valid (openapi-spec-validator, with a
  broken copy as the control), a target's scans and a scan's report as the
  browser's scan left them, and rampart scanning the API from that document
  with a token: nothing at medium or above.

RAMPART names the binary. Prints `N passed, N failed`; exits 1 on any failure.
"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from openapi_spec_validator import validate

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import api, binary, check, demo, free_port, results, serve  # noqa: E402

ADMIN = "rmp_dashboard-test-admin-0123456789abcdef"
HOSTILE = "<img src=x onerror=alert(1)>"
# Session rules that must run (not merely apply) against the dashboard.
SESSION_RULES = ["SESS-001", "SESS-002", "SESS-003", "SESS-004", "SESS-006", "SESS-007", "SESS-009"]
SERIOUS = {"medium", "high", "critical"}


def browser(base, tmp):
    print("the dashboard in Chromium")
    spec = tmp / "browser.json"
    shots = os.environ.get("RAMPART_SCREENSHOTS")
    spec.write_text(json.dumps({"base": base, "token": ADMIN, "target": "demo", "hostile": HOSTILE,
                                "screenshots": str(Path(shots).resolve()) if shots else None}))
    proc = subprocess.run(["node", str(HERE / "browser.mjs"), str(spec)], capture_output=True, text=True, timeout=300)
    try:
        reported = json.loads(proc.stdout.strip().splitlines()[-1])["checks"]
    except (IndexError, ValueError, KeyError):
        check("browser.mjs reported its checks", False, (proc.stdout + proc.stderr)[-1500:])
        return
    for c in reported:
        check(c["name"], c["ok"], c["detail"])


def self_scan(rampart, base, tmp):
    print("rampart's session suite against its own dashboard")
    out = tmp / "self-scan.json"
    env = dict(os.environ, RAMPART_DASHBOARD_TOKEN=ADMIN)
    proc, report = scan_json(rampart, [base + "/", "--flow", str(HERE / "flow.toml")], out, env)
    if not check("the scan ran with the flow (exit 0 or 1)", proc.returncode in (0, 1) and report,
                 f"{proc.returncode}: {proc.stderr[-800:]}"):
        return
    ran = set(report["coverage"]["Authentication"].get("ran", []))
    missing = [r for r in SESSION_RULES if r not in ran]
    check("the session rules ran", not missing, f"did not run: {missing}; {report['coverage']['Authentication']}")
    serious = [(f["ruleId"], f["severity"], f["title"]) for f in report["findings"] if f["severity"] in SERIOUS]
    check("nothing at medium or above", not serious, str(serious))
    session = [(f["ruleId"], f["severity"]) for f in report["findings"] if f["ruleId"].startswith("SESS-")]
    print(f"    session findings below medium: {session or 'none'}; grade {report['letterGrade']} {report['overall']}")
    leaked = ADMIN in out.read_text()
    check("the token used to sign in is redacted in the report", not leaked)


def scan_json(rampart, args, out, env=None):
    """`rampart scan ARGS` writing JSON to `out`; the exit code and the report, if any."""
    proc = subprocess.run([rampart, "scan", *args, "--format", "json", "-o", str(out), "--no-save"],
                          env=env, capture_output=True, text=True, timeout=600)
    report = json.loads(out.read_text()) if out.is_file() else None
    return proc, report


def api_checks(rampart, base, tmp):
    print("/api/v1 and its OpenAPI document")
    with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=30) as resp:
        doc = json.loads(resp.read())
    try:
        validate(doc)
        check("the OpenAPI document is valid 3.1", doc["openapi"].startswith("3.1"))
    except Exception as e:  # noqa: BLE001 - the validator raises several kinds
        check("the OpenAPI document is valid 3.1", False, str(e)[:500])
    broken = copy.deepcopy(doc)
    broken["paths"]["/api/v1/targets"]["get"]["responses"] = "none"
    try:
        validate(broken)
        check("a broken copy is refused (control)", False)
    except Exception:  # noqa: BLE001
        check("a broken copy is refused (control)", True)
    _, listed = api(base, ADMIN, "GET", "/api/v1/targets")
    demo_id = next(t["id"] for t in listed["targets"] if t["name"] == "demo")
    status, scans = api(base, ADMIN, "GET", f"/api/v1/targets/{demo_id}/scans")
    done = [s for s in (scans or {}).get("scans", []) if s["state"] == "done"]
    if check("the target's scans list the browser's scan", status == 200 and done and done[0]["scanId"],
             f"{status} {scans}"):
        status, report = api(base, ADMIN, "GET", f"/api/v1/scans/{done[0]['scanId']}")
        check("its report is served whole", status == 200 and report["letterGrade"] == done[0]["letterGrade"]
              and report["overall"] == done[0]["overall"], f"{status} {str(report)[:200]}")
    check("an unknown scan is 404", api(base, ADMIN, "GET", "/api/v1/scans/000000000000")[0] == 404)
    try:
        urllib.request.urlopen(base + f"/api/v1/targets/{demo_id}/scans", timeout=30)
        check("no token, no answer (401 with a challenge)", False, "answered")
    except urllib.error.HTTPError as e:
        check("no token, no answer (401 with a challenge)", e.code == 401
              and e.headers.get("WWW-Authenticate") == 'Bearer realm="rampart"', f"{e.code} {dict(e.headers)}")

    print("rampart scanning its own API from the OpenAPI document")
    before = [api(base, ADMIN, "GET", path)[1] for path in ("/api/v1/targets", "/api/v1/webhooks")]
    proc, report = scan_json(rampart, [base + "/", "--spec", base + "/api/v1/openapi.json",
                                       "--header", f"x-api-key: {ADMIN}"], tmp / "api-scan.json")
    if not check("the scan ran (exit 0 or 1)", proc.returncode in (0, 1) and report, f"{proc.returncode}: {proc.stderr[-800:]}"):
        return
    serious = [(f["ruleId"], f["severity"], f["title"], f["endpoint"]["url"]) for f in report["findings"]
               if f["severity"] in SERIOUS]
    check("nothing at medium or above", not serious, str(serious))
    check("every answer says nosniff (no AUTH-009)", not any(f["ruleId"] == "AUTH-009" for f in report["findings"]))
    id_as_url = [f["endpoint"]["url"] for f in report["findings"]
                 if f["ruleId"] in ("SSRF-003", "CONSUME-001") and "/api/v1/events" in f["endpoint"]["url"]]
    check("an integer id named `target` is not taken for a URL", not id_as_url, str(id_as_url))
    print(f"    below medium: {sorted({f['ruleId'] for f in report['findings']})}; grade {report['letterGrade']} {report['overall']}")
    check("the API token is redacted in the report", ADMIN not in (tmp / "api-scan.json").read_text())
    after = [api(base, ADMIN, "GET", path)[1] for path in ("/api/v1/targets", "/api/v1/webhooks")]
    check("the scan (without --active) changed no target or webhook", before == after, f"{before} -> {after}")


def first_scan(base, target):
    """Scan the target through the API and wait (up to 2 minutes) until it is saved."""
    status, _ = api(base, ADMIN, "POST", f"/api/v1/targets/{target}/scans")
    check("the first scan is queued", status == 202, status)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        _, scans = api(base, ADMIN, "GET", f"/api/v1/targets/{target}/scans")
        if any(s["state"] in ("done", "dead") for s in scans["scans"]):
            return check("the first scan is saved", scans["scans"][0]["state"] == "done", scans)
        time.sleep(0.5)
    return check("the first scan is saved", False, "not within 2 minutes")


def main():
    rampart = binary()
    tmp = Path(tempfile.mkdtemp(prefix="rampart-dashboard-"))
    port = free_port()
    demo_proc, demo_url = demo(rampart, port)
    serve_proc = None
    try:
        serve_proc, base = serve(rampart, tmp / "history.db", ADMIN)
        _, target = api(base, ADMIN, "POST", "/api/v1/targets", {"name": "demo", "url": demo_url})
        status, _ = api(base, ADMIN, "POST", "/api/v1/targets",
                        {"name": HOSTILE, "url": demo_url, "checks": ["AUTH-009"]})
        check("targets added, one named with markup", target.get("id") and status == 201, f"{target} {status}")
        if first_scan(base, target["id"]):
            demo_proc.stop()
            demo_proc, _ = demo(rampart, port, fixed=True)
            browser(base, tmp)
        self_scan(rampart, base, tmp)
        api_checks(rampart, base, tmp)
    finally:
        if serve_proc:
            serve_proc.stop()
        demo_proc.stop()
    if results["failed"] and serve_proc:
        print("rampart serve said:\n  " + "\n  ".join(serve_proc.seen[-30:]))
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
