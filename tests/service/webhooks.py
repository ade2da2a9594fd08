"""`rampart serve`'s webhooks as a receiver sees them, checked with the
Standard Webhooks reference library (PyPI `standardwebhooks`): a scan of the
demo API (`rampart demo --serve`) as a registered target is delivered to
four endpoints of a real HTTP server, signed so the library accepts it and
rejects it under a wrong secret or a changed body. One endpoint first answers
503 with `Retry-After: 1` (retried a second later, same message id), one 500
(retried after the backoff), one 410 (disabled, no more deliveries). After a rotation both secrets
sign. Prints `N passed, N failed`; exits 1 on any failure.
"""

import base64
import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import api, binary, check, demo, results, serve  # noqa: E402

ADMIN = "rmp_webhooks-test-admin-0123456789abcdef"
WAIT = 120


class Receiver:
    """A real HTTP server: /ok answers 204, /flaky 503 with Retry-After: 1 the
    first time and 200 after, /broken 500 the first time and 200 after, /gone
    410. Every request is kept."""

    def __init__(self):
        self.got = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    seen = sum(1 for r in receiver.got if r["path"] == self.path)
                    receiver.got.append({"path": self.path, "headers": dict(self.headers.items()),
                                         "body": body, "at": time.monotonic()})
                if self.path == "/flaky" and seen == 0:
                    self.send_response(503)
                    self.send_header("Retry-After", "1")
                elif self.path == "/broken" and seen == 0:
                    self.send_response(500)
                else:
                    self.send_response({"/ok": 204, "/flaky": 200, "/broken": 200, "/gone": 410}.get(self.path, 404))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def requests(self, path):
        with self.lock:
            return [r for r in self.got if r["path"] == path]

    def wait(self, path, count):
        deadline = time.monotonic() + WAIT
        while len(self.requests(path)) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.requests(path)


def call(base, method, path, body=None):
    return api(base, ADMIN, method, path, body)


def verifies(secret, request, body=None):
    """The library's verdict on one received request, and the message it parsed."""
    try:
        return True, Webhook(secret).verify(body if body is not None else request["body"], request["headers"])
    except WebhookVerificationError as e:
        return False, str(e)


def scan_now(base, target):
    """Queue a scan of the target, waiting out one still running (409)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        status, _ = call(base, "POST", f"/api/v1/targets/{target}/scans")
        if status != 409:
            return status
        time.sleep(0.5)
    return 409


def refusals(base, receiver):
    print("endpoints the service refuses")
    for name, body in [
        ("a cloud metadata address", {"url": "http://169.254.169.254/latest"}),
        ("a private address not allowed", {"url": "http://10.1.2.3/hook"}),
        ("credentials in the URL", {"url": receiver.url.replace("http://", "http://user:pw@") + "/ok"}),
        ("an unknown event type", {"url": receiver.url + "/ok", "events": ["scan.exploded"]}),
        ("an unknown target", {"url": receiver.url + "/ok", "targetId": "999999"}),
        ("a scheme other than http(s)", {"url": "ftp://127.0.0.1/hook"}),
    ]:
        status, answer = call(base, "POST", "/api/v1/webhooks", body)
        check(f"{name}: 400 with a reason", status == 400 and (answer or {}).get("error"), f"{status} {answer}")


def main():
    rampart = binary()
    receiver = Receiver()
    tmp = Path(tempfile.mkdtemp(prefix="rampart-webhooks-"))
    demo_proc, demo_url = demo(rampart)
    serve_proc, base = serve(rampart, tmp / "history.db", ADMIN, "--allow-webhooks", "127.0.0.1")
    try:
        scenario(base, receiver, demo_url)
    finally:
        serve_proc.stop()
        demo_proc.stop()
        receiver.server.shutdown()
    if results["failed"]:
        print("rampart serve said:\n  " + "\n  ".join(serve_proc.seen[-30:]))
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


def scenario(base, receiver, demo_url):
    refusals(base, receiver)

    print("four endpoints and a target")
    hooks = {}
    for path, events in [("/ok", []), ("/flaky", ["scan.completed"]), ("/broken", ["scan.completed"]), ("/gone", [])]:
        status, made = call(base, "POST", "/api/v1/webhooks", {"url": receiver.url + path, "events": events})
        check(f"{path} added: 201 with a whsec_ secret", status == 201 and made["secret"].startswith("whsec_"),
              f"{status} {made}")
        hooks[path] = made
    _, listed = call(base, "GET", "/api/v1/webhooks")
    check("secrets are shown once: never listed", "secret" not in json.dumps(listed) and len(listed["webhooks"]) == 4,
          json.dumps(listed)[:300])
    status, target = call(base, "POST", "/api/v1/targets", {"name": "demo", "url": demo_url, "checks": ["AUTH-009"]})
    check("target added", status == 201, f"{status} {target}")
    check("scan queued", scan_now(base, target["id"]) == 202)

    print("the first scan's scan.completed, delivered and verified")
    ok = receiver.wait("/ok", 1)
    flaky = receiver.wait("/flaky", 2)
    gone = receiver.wait("/gone", 1)
    if not check("each endpoint was called (flaky twice)", len(ok) == 1 and len(flaky) == 2 and len(gone) == 1,
                 f"{len(ok)} {len(flaky)} {len(gone)}"):
        return
    good, message = verifies(hooks["/ok"]["secret"], ok[0])
    check("the library verifies /ok's delivery", good, message)
    if good:
        check("the message is the scan's scan.completed",
              message["type"] == "scan.completed" and message["data"]["targetId"] == target["id"]
              and message["data"].get("scanId") and message["data"].get("letterGrade"), json.dumps(message)[:300])
    stranger = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    check("a wrong secret is rejected (control)", not verifies(stranger, ok[0])[0])
    tampered = ok[0]["body"].replace(b'"scan.completed"', b'"scan.failed"')
    check("a changed body is rejected (control)", tampered != ok[0]["body"]
          and not verifies(hooks["/ok"]["secret"], ok[0], tampered)[0])
    check("/gone's delivery verifies too", verifies(hooks["/gone"]["secret"], gone[0])[0])

    print("Retry-After honoured, 410 disables")
    first, second = flaky
    check("the retry carries the same webhook-id",
          first["headers"].get("webhook-id") == second["headers"].get("webhook-id"), str(first["headers"]))
    gap = second["at"] - first["at"]
    check("retried after Retry-After: 1, not the 5 s+ backoff", 0.9 <= gap < 4.5, f"{gap:.2f} s")
    check("both flaky attempts verify", all(verifies(hooks["/flaky"]["secret"], r)[0] for r in flaky))
    _, attempts = call(base, "GET", f"/api/v1/webhooks/{hooks['/flaky']['id']}/attempts")
    logged = [(a["attempt"], a["status"]) for a in attempts["attempts"]]
    check("attempts logged, newest first", logged == [(2, 200), (1, 503)], str(attempts))
    _, shown = call(base, "GET", f"/api/v1/webhooks/{hooks['/gone']['id']}")
    check("/gone is disabled, saying why", shown["enabled"] is False and "410" in (shown["disabledReason"] or ""),
          str(shown))

    broken = receiver.wait("/broken", 2)
    if check("a delivery answered 500 is retried", len(broken) == 2, len(broken)):
        gap = broken[1]["at"] - broken[0]["at"]
        check("after the backoff (5 to 10 s for the first retry), same webhook-id",
              4.5 <= gap <= 15 and broken[0]["headers"].get("webhook-id") == broken[1]["headers"].get("webhook-id"),
              f"{gap:.1f} s")
        check("the retried delivery verifies", verifies(hooks["/broken"]["secret"], broken[1])[0])

    print("a rotated secret: both sign the next delivery")
    status, rotated = call(base, "POST", f"/api/v1/webhooks/{hooks['/ok']['id']}/rotate")
    check("rotate: a new secret", status == 200 and rotated["secret"] != hooks["/ok"]["secret"], str(rotated))
    check("second scan queued", scan_now(base, target["id"]) == 202)
    ok = receiver.wait("/ok", 2)
    flaky = receiver.wait("/flaky", 3)
    if not check("the second scan was delivered", len(ok) == 2 and len(flaky) == 3, f"{len(ok)} {len(flaky)}"):
        return
    latest = ok[1]
    check("two signatures during the rotation", len(latest["headers"].get("webhook-signature", "").split()) == 2,
          latest["headers"].get("webhook-signature"))
    check("the new secret verifies", verifies(rotated["secret"], latest)[0])
    check("the old secret still verifies", verifies(hooks["/ok"]["secret"], latest)[0])
    check("the new secret does not verify the earlier delivery (control)", not verifies(rotated["secret"], ok[0])[0])
    check("a disabled endpoint gets nothing more", len(receiver.requests("/gone")) == 1)
    status, shown = call(base, "POST", f"/api/v1/webhooks/{hooks['/gone']['id']}/enable")
    check("enable: on again", status == 200 and shown["enabled"] is True, str(shown))
    status, _ = call(base, "DELETE", f"/api/v1/webhooks/{hooks['/flaky']['id']}")
    check("delete: 204, then 404", status == 204
          and call(base, "GET", f"/api/v1/webhooks/{hooks['/flaky']['id']}")[0] == 404)


if __name__ == "__main__":
    sys.exit(main())
