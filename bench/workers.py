#!/usr/bin/env python3
"""Benchmark: queued scans of lab targets processed by 1, 2 and 3 `rampart worker`
processes on PostgreSQL, and by 3 with one of them killed midway, next to the same
scans run without any queue in the same run.

Not a test: it prints measured figures and never fails on timing (exit 0 unless it
cannot run at all, e.g. no rampart binary, no PostgreSQL, a lab target that does not
start). A round whose jobs are not all done, or that saved a scan twice, is printed as
such; that is a finding, not a crash.

In one run:

1. a throwaway PostgreSQL 15 (as /work/shared/INFRA.md describes: initdb and pg_ctl as
   the `postgres` user in a temporary directory, `fsync=off`) on 127.0.0.1:$BENCH_PG_PORT
   (default 55530), one database per round (`workers1`, `workers2`, `workers3`,
   `killed`) so rounds do not mix;
2. two lab targets that start in about a second and need no database, each started with
   `lab/up TARGET vulnerable PORT`: koa-jwt (bearer access and refresh tokens) and
   koa-session (two signed cookies, an HTML login with a CSRF field), scanned with their
   flow files lab/flows/<target>.toml (which read ${LAB_PASSWORD});
3. the 60 scans: jobs alternate between the two targets, each the session checks
   $BENCH_CHECKS (default SESS-001,SESS-003,SESS-008,SESS-009,SESS-013: about 1.4 s and
   53-61 requests a scan at the default 50 requests/s);
4. the ceiling: the same 60 scans without a queue, one `rampart scan` process each,
       rampart scan URL --flow lab/flows/<target>.toml --checks CHECKS --no-save
           --format json -o bench/.out/workers/ceiling-<k>/<i>.json -q
   run 1, 2 and 3 at a time (scans per minute each; a scan counts if it exits 0 or 1
   and writes a JSON report);
5. per round: `rampart serve --db postgres://postgres@127.0.0.1:PORT/DB --workers 0
   --listen 127.0.0.1:0` (RAMPART_ADMIN_TOKEN set, 40 characters) runs until the queue
   schema (tables `job` and `scan`) exists and is then stopped; the 60 jobs are inserted
   with psql in one statement,
       INSERT INTO job (kind, payload, max_attempts) VALUES ('scan', '<scan_api JSON>', 3), ...
   (the payload is the MCP tool scan_api's arguments: url, flow, checks,
   max_duration_secs 120); then N `rampart worker --db URL --lease-secs 10 -q` start at
   once (LAB_PASSWORD in their environment) and the script polls the job table twice a
   second until every job is done or dead. The wall time runs from just before the
   workers are spawned to the database's `updated_at` of the last job to finish (so the
   polling interval does not count);
6. the killed round: 3 workers; when 20 jobs are done the first worker gets SIGKILL in
   the middle of its scan (the job it held is read from `lease_owner`, which carries the
   worker's PID); its lease runs out after 10 s and another worker runs that job again.

Checked after each round: jobs done and dead, rows in `scan` (one saved scan per done
job; more would be a scan saved twice), done jobs whose `result` (the saved scan id) is
shared or missing from `scan`, and jobs with attempts > 1 (in the killed round, the one
the killed worker held is expected to show 2).

The table: round, workers, wall s, scans/min, ceiling scans/min at the same
parallelism, ratio. Raw outputs (the ceiling's reports, the workers' and the server's
stderr, the job table of each round, PostgreSQL's log) go to bench/.out/workers/.
Everything it started (workers, server, PostgreSQL, lab targets) is stopped on exit,
also on Ctrl-C or an error. Lab targets: when lab/.run listed no running process
before the run, `lab/down` at the end; otherwise only the two targets this run started
are stopped (by PID), leaving someone else's lab processes alone.

About 6 minutes on the project machine (2 cores).

Usage: bench/workers.py
Environment:
    RAMPART        rampart binary (default $CARGO_TARGET_DIR/release/rampart, CARGO_TARGET_DIR
                   defaulting to target)
    LAB_PASSWORD   alice's password (default wonderland-7)
    LAB_PG_PORT    the lab's own PostgreSQL port, passed on to lab/up (default 55531)
    BENCH_PG_PORT  the throwaway PostgreSQL's port (default 55530)
    BENCH_JOBS     scans per round (default 60)
    BENCH_CHECKS   comma-separated rule ids for every scan (default above)
    BENCH_KILL_AT  done jobs at which the killed round kills a worker (default a third)
    BENCH_ROUND_TIMEOUT  seconds one round may take before it is given up (default 600)
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / ".out" / "workers"
os.environ.setdefault("LAB_PASSWORD", "wonderland-7")
os.environ.setdefault("LAB_PG_PORT", "55531")
sys.path.insert(0, str(ROOT / "lab" / "lib"))
import labctl  # noqa: E402

PGBIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "55530"))
JOBS = int(os.environ.get("BENCH_JOBS", "60"))
CHECKS = [c.strip() for c in os.environ.get(
    "BENCH_CHECKS", "SESS-001,SESS-003,SESS-008,SESS-009,SESS-013").split(",") if c.strip()]
KILL_AT = int(os.environ.get("BENCH_KILL_AT", str(max(1, JOBS // 3))))
ROUND_TIMEOUT = float(os.environ.get("BENCH_ROUND_TIMEOUT", "600"))
LEASE_SECS = 10
TARGETS = ("koa-jwt", "koa-session")
ADMIN_TOKEN = "bench-workers-admin-token-0123456789abcd"  # 40 characters, a throwaway database's
POLL = 0.5


def say(msg: str) -> None:
    print(f"bench/workers.py: {msg}", file=sys.stderr, flush=True)


def rampart_binary() -> str | None:
    default = str(Path(os.environ.get("CARGO_TARGET_DIR", "target")) / "release" / "rampart")
    raw = os.environ.get("RAMPART", default)
    for cand in (Path(raw), ROOT / raw):
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand.resolve())
    return None


# --------------------------------------------------------------------------- cleanup

class Cleanup:
    """Everything this run started, stopped in reverse order by `run()`."""

    def __init__(self):
        self.steps: list[tuple[str, object]] = []

    def add(self, what: str, fn) -> None:
        self.steps.append((what, fn))

    def run(self) -> None:
        while self.steps:
            what, fn = self.steps.pop()
            try:
                fn()
            except Exception as e:  # keep cleaning up
                say(f"cleanup of {what}: {type(e).__name__}: {e}")


def stop_proc(p: subprocess.Popen, timeout: float = 5.0) -> None:
    """SIGTERM, wait, SIGKILL: only the process we started (by its PID)."""
    if p.poll() is not None:
        return
    try:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(timeout=timeout)
    except ProcessLookupError:
        pass


# --------------------------------------------------------------------------- PostgreSQL

class Postgres:
    def __init__(self, cleanup: Cleanup):
        if not (PGBIN / "initdb").exists():
            raise SystemExit(f"bench/workers.py: no PostgreSQL 15 server binaries in {PGBIN}")
        if labctl.port_open(PG_PORT):
            raise SystemExit(f"bench/workers.py: port {PG_PORT} is already in use (BENCH_PG_PORT)")
        self.root = Path(tempfile.mkdtemp(prefix="rampart-bench-workers-pg-"))
        cleanup.add("the PostgreSQL directory", lambda: shutil.rmtree(self.root, ignore_errors=True))
        as_pg: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root
            shutil.chown(self.root, "postgres", "postgres")
            as_pg = ["runuser", "-u", "postgres", "--"]
        self.as_pg = as_pg
        self.data = self.root / "data"
        self.log = self.root / "log"
        subprocess.run([*as_pg, str(PGBIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
        cleanup.add("PostgreSQL", self.stop)
        subprocess.run([*as_pg, str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
                        "-o", f"-c listen_addresses=127.0.0.1 -p {PG_PORT} -c unix_socket_directories={self.root} "
                              "-c fsync=off", "start"], check=True, capture_output=True)

    def stop(self) -> None:
        if self.log.exists():
            shutil.copyfile(self.log, OUT / "postgres.log")
        subprocess.run([*self.as_pg, str(PGBIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60)

    @staticmethod
    def url(db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{PG_PORT}/{db}"

    @staticmethod
    def sql(query: str, db: str = "postgres") -> str:
        proc = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", db,
                               "-X", "-At", "-v", "ON_ERROR_STOP=1", "-f", "-"],
                              input=query, capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise RuntimeError(f"psql: {proc.stderr.strip()[:300]}")
        return proc.stdout.strip()


# --------------------------------------------------------------------------- lab targets

def start_targets(cleanup: Cleanup) -> dict[str, str]:
    before = [r for r in labctl.read_pids() if labctl.alive(int(r[0]))]
    ours: list[int] = []

    def down() -> None:
        if before:
            for pid in ours:
                labctl.stop_pid(pid)
                labctl.forget_pid(pid)
        else:
            subprocess.run([str(ROOT / "lab" / "down")], capture_output=True, timeout=120)
    cleanup.add("lab targets", down)

    urls = {}
    for target in TARGETS:
        port = labctl.free_port()
        proc = subprocess.run([str(ROOT / "lab" / "up"), target, "vulnerable", str(port)],
                              capture_output=True, text=True, timeout=120)
        for r in labctl.read_pids():
            if r[1] == "app" and r[-1] == str(port):
                ours.append(int(r[0]))
        if proc.returncode != 0 or not proc.stdout.strip():
            raise RuntimeError(f"lab/up {target} vulnerable {port}: {proc.stderr.strip()[-300:]}")
        urls[target] = proc.stdout.strip().splitlines()[-1]
        say(f"{target} (vulnerable) at {urls[target]}")
    return urls


def job_args(urls: dict[str, str]) -> list[dict]:
    """The scans, as scan_api arguments; jobs alternate between the targets."""
    out = []
    for i in range(JOBS):
        target = TARGETS[i % len(TARGETS)]
        out.append({"url": urls[target], "flow": str(ROOT / "lab" / "flows" / f"{target}.toml"),
                    "checks": CHECKS, "max_duration_secs": 120})
    return out


# --------------------------------------------------------------------------- ceiling

def ceiling(binary: str, scans: list[dict], parallel: int) -> dict:
    outdir = OUT / f"ceiling-{parallel}"
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)

    def one(i: int) -> tuple[bool, int]:
        a = scans[i]
        out = outdir / f"{i:02d}.json"
        cmd = [binary, "scan", a["url"], "--flow", a["flow"], "--checks", ",".join(a["checks"]), "--no-save",
               "--format", "json", "-o", str(out), "-q"]
        if stopping:
            return False, 0
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        running.add(proc)
        try:
            _, stderr = proc.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return False, 0
        finally:
            running.discard(proc)
        (outdir / f"{i:02d}.stderr").write_text(stderr)
        try:
            report = json.loads(out.read_text())
            return proc.returncode in (0, 1), int(report["stats"]["requests"])
        except (OSError, ValueError, KeyError, TypeError):
            return False, 0

    running: set[subprocess.Popen] = set()
    stopping: list[bool] = []
    pool = ThreadPoolExecutor(max_workers=parallel)
    t0 = time.monotonic()
    try:
        results = list(pool.map(one, range(len(scans))))
    finally:  # on Ctrl-C or SIGTERM: no new scans, the running ones stopped by PID
        stopping.append(True)
        pool.shutdown(wait=False, cancel_futures=True)
        for p in list(running):
            stop_proc(p)
    wall = time.monotonic() - t0
    ok = sum(1 for good, _ in results if good)
    return {"wall": wall, "ok": ok, "requests": sum(r for _, r in results), "per_min": ok / wall * 60}


# --------------------------------------------------------------------------- rounds

def create_schema(binary: str, db: str, logdir: Path) -> None:
    """`rampart serve` up until the queue's tables exist, then stopped."""
    env = {**os.environ, "RAMPART_ADMIN_TOKEN": ADMIN_TOKEN}
    with open(logdir / "serve.stderr", "w") as err:
        serve = subprocess.Popen([binary, "serve", "--db", Postgres.url(db), "--workers", "0",
                                  "--listen", "127.0.0.1:0"], stdin=subprocess.DEVNULL,
                                 stdout=err, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if serve.poll() is not None:
                raise RuntimeError(f"rampart serve exited with {serve.returncode}: "
                                   + (logdir / "serve.stderr").read_text().strip()[-300:])
            if Postgres.sql("SELECT to_regclass('job') IS NOT NULL AND to_regclass('scan') IS NOT NULL", db) == "t":
                time.sleep(0.5)  # let it finish its migrations
                return
            time.sleep(0.2)
        raise RuntimeError("rampart serve did not create the queue tables within 60 s")
    finally:
        stop_proc(serve)


def insert_jobs(db: str, scans: list[dict]) -> None:
    rows = ",\n".join("('scan', '" + json.dumps(a).replace("'", "''") + "', 3)" for a in scans)
    Postgres.sql(f"INSERT INTO job (kind, payload, max_attempts) VALUES\n{rows};", db)


def run_round(binary: str, name: str, workers: int, scans: list[dict], kill: bool, cleanup: Cleanup) -> dict:
    logdir = OUT / name
    shutil.rmtree(logdir, ignore_errors=True)
    logdir.mkdir(parents=True)
    Postgres.sql(f"CREATE DATABASE {name}")
    create_schema(binary, name, logdir)
    insert_jobs(name, scans)
    queued = int(Postgres.sql("SELECT count(*) FROM job WHERE state = 'queued'", name))

    env = {**os.environ}
    procs: list[subprocess.Popen] = []

    def stop_all() -> None:
        for p in procs:
            stop_proc(p)
    cleanup.add(f"workers of {name}", stop_all)
    t0 = time.time()
    for w in range(workers):
        with open(logdir / f"worker-{w + 1}.stderr", "w") as err:
            procs.append(subprocess.Popen([binary, "worker", "--db", Postgres.url(name), "--lease-secs",
                                           str(LEASE_SECS), "-q"], stdin=subprocess.DEVNULL, stdout=err,
                                          stderr=subprocess.STDOUT, env=env, start_new_session=True))
    killed: dict = {}
    finished = False
    while time.time() - t0 < ROUND_TIMEOUT:
        done, dead = (int(x) for x in Postgres.sql(
            "SELECT count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE state = 'dead') FROM job",
            name).split("|"))
        if kill and not killed and done >= KILL_AT:
            victim = procs[0]
            held = Postgres.sql(f"SELECT id FROM job WHERE state = 'running' AND lease_owner LIKE '%-{victim.pid}-%'",
                                name)
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            killed = {"at_done": done, "t": time.time() - t0, "pid": victim.pid,
                      "held": [int(x) for x in held.split()] if held else []}
            say(f"{name}: SIGKILL worker pid {victim.pid} at {done} done, {killed['t']:.1f} s in; "
                f"it held job(s) {killed['held'] or 'none'}")
        if done + dead >= queued:
            finished = True
            break
        if all(p.poll() is not None for p in procs):
            break
        time.sleep(POLL)
    polled_end = time.time()
    stop_all()

    end = Postgres.sql("SELECT extract(epoch FROM max(updated_at)) FROM job WHERE state IN ('done', 'dead')", name)
    wall = (float(end) - t0) if finished and end else (polled_end - t0)
    done, dead, retried = (int(x) for x in Postgres.sql(
        "SELECT count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE state = 'dead'), "
        "count(*) FILTER (WHERE attempts > 1) FROM job", name).split("|"))
    scan_rows = int(Postgres.sql("SELECT count(*) FROM scan", name))
    shared = int(Postgres.sql("SELECT count(*) FROM (SELECT result FROM job WHERE state = 'done' "
                              "GROUP BY result HAVING count(*) > 1) s", name))
    missing = int(Postgres.sql("SELECT count(*) FROM job j WHERE state = 'done' "
                               "AND NOT EXISTS (SELECT 1 FROM scan s WHERE s.id = j.result)", name))
    retried_ids = Postgres.sql("SELECT id || ':' || attempts FROM job WHERE attempts > 1 ORDER BY id", name)
    (logdir / "jobs.txt").write_text(Postgres.sql(
        "SELECT id, state, attempts, result, coalesce(last_error, ''), updated_at FROM job ORDER BY id", name) + "\n")
    saved_lines = 0
    lease_lost = 0
    for w in range(workers):
        text = (logdir / f"worker-{w + 1}.stderr").read_text(errors="replace")
        saved_lines += text.count(": saved scan ")
        lease_lost += text.count("lease lost")
    return {"name": name, "workers": workers, "wall": wall, "finished": finished, "queued": queued,
            "done": done, "dead": dead, "scan_rows": scan_rows, "dupes": scan_rows - done, "shared": shared,
            "missing": missing, "retried": retried, "retried_ids": retried_ids.split() if retried_ids else [],
            "saved_lines": saved_lines, "lease_lost": lease_lost, "killed": killed,
            "per_min": done / wall * 60 if wall > 0 else 0.0}


# --------------------------------------------------------------------------- main

def main() -> int:
    binary = rampart_binary()
    if not binary:
        print("bench/workers.py: no rampart binary (build with `cargo build --release`, or set RAMPART)",
              file=sys.stderr)
        return 2
    for tool in ("psql",):
        if not shutil.which(tool):
            print(f"bench/workers.py: {tool} not found", file=sys.stderr)
            return 2
    OUT.mkdir(parents=True, exist_ok=True)
    cleanup = Cleanup()

    def on_term(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)

    t_start = time.monotonic()
    try:
        Postgres(cleanup)
        say(f"PostgreSQL 15 on 127.0.0.1:{PG_PORT}")
        urls = start_targets(cleanup)
        scans = job_args(urls)
        (OUT / "payloads.json").write_text(json.dumps(scans, indent=1) + "\n")

        ceilings = {}
        for k in (1, 2, 3):
            say(f"ceiling: {JOBS} `rampart scan` processes, {k} at a time ...")
            ceilings[k] = ceiling(binary, scans, k)
            c = ceilings[k]
            say(f"ceiling {k}: {c['ok']}/{JOBS} ok in {c['wall']:.1f} s ({c['per_min']:.1f}/min, "
                f"{c['requests']} requests)")

        rounds = []
        for name, n, kill in (("workers1", 1, False), ("workers2", 2, False), ("workers3", 3, False),
                              ("killed", 3, True)):
            say(f"round {name}: {JOBS} jobs, {n} worker(s){', one killed at ' + str(KILL_AT) + ' done' if kill else ''} ...")
            r = run_round(binary, name, n, scans, kill, cleanup)
            rounds.append(r)
            say(f"round {name}: {r['done']} done, {r['dead']} dead in {r['wall']:.1f} s ({r['per_min']:.1f}/min)")
    except (KeyboardInterrupt, SystemExit) as e:
        say(f"interrupted ({type(e).__name__}); cleaning up")
        cleanup.run()
        return 130
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        say(f"cannot run: {type(e).__name__}: {e}; cleaning up")
        cleanup.run()
        return 1
    finally:
        cleanup.run()

    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    print()
    print(f"{version}; {JOBS} scans a round, alternating koa-jwt and koa-session (vulnerable), "
          f"checks {','.join(CHECKS)}; PostgreSQL 15 (fsync=off); lease {LEASE_SECS} s; {os.cpu_count()} CPUs")
    print("ceiling: the same scans as `rampart scan` processes, no queue, "
          + "; ".join(f"{k} at a time {c['wall']:.1f} s ({c['ok']}/{JOBS} ok, {c['requests']} requests)"
                      for k, c in ceilings.items()))
    print()
    head = ("round", "workers", "wall s", "scans/min", "ceiling/min", "ratio", "done", "dead", "scan rows",
            "saved twice", "retried")
    rows = []
    for r in rounds:
        c = ceilings[r["workers"]]
        rows.append((r["name"], str(r["workers"]), f"{r['wall']:.1f}", f"{r['per_min']:.1f}", f"{c['per_min']:.1f}",
                     f"{r['per_min'] / c['per_min']:.2f}" if c["per_min"] else "n/a",
                     f"{r['done']}/{r['queued']}", str(r["dead"]), str(r["scan_rows"]),
                     str(r["dupes"] + r["shared"]), str(r["retried"])))
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    print()
    for r in rounds:
        notes = []
        if not r["finished"]:
            notes.append(f"NOT FINISHED within {ROUND_TIMEOUT:.0f} s (or every worker exited)")
        if r["missing"]:
            notes.append(f"{r['missing']} done job(s) without their saved scan")
        if r["shared"]:
            notes.append(f"{r['shared']} scan id(s) shared by several jobs")
        if r["killed"]:
            k = r["killed"]
            notes.append(f"worker pid {k['pid']} killed at {k['at_done']} done ({k['t']:.1f} s in), "
                         f"holding job(s) {k['held'] or 'none'}")
        if r["retried_ids"]:
            notes.append("attempts > 1 (job:attempts): " + " ".join(r["retried_ids"]))
        notes.append(f"'saved scan' lines in worker logs {r['saved_lines']}, 'lease lost' {r['lease_lost']}")
        print(f"{r['name']}: " + "; ".join(notes))
    print(f"\ntotal {time.monotonic() - t_start:.0f} s; raw outputs in {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
