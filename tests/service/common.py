"""What the tests of `rampart serve` share: the binary, child processes whose
output is read line by line, calls of the JSON API, and a tally of checks."""

import json
import os
import queue
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    """Record one assertion and print it."""
    results["passed" if ok else "failed"] += 1
    print(f"  {'ok  ' if ok else 'FAIL'} {name}" + ("" if ok or not detail else f": {detail}"))
    return ok


def binary():
    """RAMPART, else the release build under CARGO_TARGET_DIR or target/."""
    if os.environ.get("RAMPART"):
        return os.environ["RAMPART"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "release" / "rampart")


class Process:
    """A child process whose stdout or stderr lines are read on a thread."""

    def __init__(self, args, stream, env=None):
        self.proc = subprocess.Popen(args, env=env, text=True, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE if stream == "stdout" else subprocess.DEVNULL,
                                     stderr=subprocess.PIPE if stream == "stderr" else subprocess.DEVNULL)
        self.lines = queue.Queue()
        self.seen = []
        pipe = self.proc.stdout if stream == "stdout" else self.proc.stderr
        threading.Thread(target=self._read, args=(pipe,), daemon=True).start()

    def _read(self, pipe):
        for line in pipe:
            self.seen.append(line.rstrip())
            self.lines.put(line.rstrip())

    def line(self, wanted, timeout=30):
        """The first line (from now) containing `wanted`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if wanted in line:
                return line
        raise RuntimeError(f"no line with {wanted!r}; output: {self.seen[-20:]}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def serve(rampart, db, token, *extra):
    """`rampart serve` on a free port with `token` as its admin token; the process and its base URL."""
    env = dict(os.environ, RAMPART_ADMIN_TOKEN=token)
    proc = Process([rampart, "serve", "--listen", "127.0.0.1:0", "--db", str(db), *extra], "stderr", env)
    base = proc.line("listening on http://").split("listening on ")[1].split(";")[0]
    return proc, base


def demo(rampart, port=0, fixed=False):
    """`rampart demo --serve` (vulnerable, or `--fixed`) on `port` (0: a free
    one); the process and its URL."""
    proc = Process([rampart, "demo", "--serve", "--port", str(port)] + (["--fixed"] if fixed else []), "stdout")
    return proc, proc.line("http://")


def free_port():
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base, token, method, path, body=None):
    """One call of the JSON API; the status and the parsed answer."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"x-api-key": token, "content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, json.loads(raw) if raw else None
