"""Process control for the lab: the shared PostgreSQL, the Firestore emulator and
the target apps. Standard library only (runs under the system python3).

Everything started here is recorded in lab/.run/pids, one line per process:
    <pid> postgres
    <pid> firestore
    <pid> app <target> <variant> <port>
and is stopped by that PID (PostgreSQL through pg_ctl stop).
"""
from __future__ import annotations

import fcntl
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

LAB = Path(__file__).resolve().parent.parent
RUN = LAB / ".run"
PIDS = RUN / "pids"
LOGS = RUN / "logs"
VENV_PY = LAB / ".venv" / "bin" / "python"
GO_BIN = LAB / ".build" / "go-crdb"

PGBIN = Path(os.environ.get("LAB_PGBIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("LAB_PG_PORT", "55433"))
PG_ROOT = RUN / "pg"
PG_DATA = PG_ROOT / "data"
FS_PORT = int(os.environ.get("LAB_FIRESTORE_PORT", "8687"))
FS_HOST = f"127.0.0.1:{FS_PORT}"

TARGETS = ("flask-crdb", "fastapi-crdb", "django-crdb", "go-crdb", "flask-firestore", "api-zoo", "express-pg",
           "drf-pg")
TARGETS += ("koa-jwt",)  # Koa + jsonwebtoken, access and refresh tokens in memory (no database)
# Targets without a session store (bearer tokens; the databases of express-pg and drf-pg hold shop data).
STORELESS = ("api-zoo", "express-pg", "drf-pg", "koa-jwt")
# Targets whose variants are two apps (targets/<name>/<variant>/); the others switch on LAB_VARIANT.
SPLIT = ("api-zoo",)
# Targets on the shared PostgreSQL (a fresh database per variant on every start).
ON_POSTGRES = ("flask-crdb", "fastapi-crdb", "django-crdb", "go-crdb", "express-pg", "drf-pg")
NODE_TARGETS = ("express-pg", "koa-jwt")
# Jakarta servlets on an embedded Tomcat 10.1 (Debian's libtomcat10-java); HttpSessions in Tomcat's memory.
TARGETS += ("servlet-tomcat",)
STORELESS += ("servlet-tomcat",)
JAVA_TARGETS = ("servlet-tomcat",)
JAVA_BUILD = LAB / ".build"  # lab/setup compiles targets/<name>/*.java into .build/<name>/classes
JAVA_JARS = Path("/usr/share/java")  # the jars named in targets/<name>/jars.txt
# C1 only and the serial collector: the JVM answers in about 2.5 s instead of 5 on a small machine.
JAVA_OPTS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"]
# Koa + koa-session (signed): a session carried by two cookies, koa.sess and koa.sess.sig. No database;
# the fixed variant's session store is a Map in the app's memory.
TARGETS += ("koa-session",)
STORELESS += ("koa-session",)
NODE_TARGETS += ("koa-session",)
# Litestar + its client-side session (AES-GCM, chunked): a logged-in session carried by two cookies,
# session-0 and session-1. No database; the fixed variant keeps its live session ids in memory.
TARGETS += ("litestar-chunks",)
STORELESS += ("litestar-chunks",)
# Django REST framework + dj-rest-auth + simplejwt: the access token in the body, the refresh token only in an
# HttpOnly cookie. SQLite in a fresh temporary directory per start (the app's own), no session store.
TARGETS += ("djrest-cookie",)
STORELESS += ("djrest-cookie",)
# Targets whose hand-written API document lab/verify checks against the app's routes
# (`<app command> --routes` prints them); api-zoo's documents are FastAPI's app.openapi().
ROUTE_LISTED = ("express-pg", "drf-pg")
VARIANTS = ("vulnerable", "fixed")
DEFAULT_PASSWORD = "wonderland-7"


class LabError(RuntimeError):
    pass


def log(msg: str) -> None:
    print(f"lab: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- pids

@contextmanager
def _pids_locked():
    RUN.mkdir(parents=True, exist_ok=True)
    with open(RUN / "pids.lock", "w") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lk, fcntl.LOCK_UN)


def read_pids() -> list[list[str]]:
    if not PIDS.exists():
        return []
    return [ln.split() for ln in PIDS.read_text().splitlines() if ln.strip()]


def _write_pids(rows: list[list[str]]) -> None:
    PIDS.write_text("".join(" ".join(r) + "\n" for r in rows))


def record_pid(pid: int, *role: str) -> None:
    with _pids_locked():
        rows = [r for r in read_pids() if r[0] != str(pid)]
        rows.append([str(pid), *role])
        _write_pids(rows)


def forget_pid(pid: int) -> None:
    with _pids_locked():
        _write_pids([r for r in read_pids() if r[0] != str(pid)])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still "exists"; reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().split(")")[-1].split()[0] == "Z":
                return False
    except OSError:
        return False
    return True


def stop_pid(pid: int, timeout: float = 8.0) -> None:
    """SIGTERM the process (and the process group it leads, which we created),
    wait with a deadline, then SIGKILL."""
    if not alive(pid):
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            if os.getpgid(pid) == pid:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not alive(pid):
                return
            time.sleep(0.05)
    log(f"process {pid} did not exit")


# --------------------------------------------------------------------------- helpers

def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


_HANDED_OUT: set[int] = set()
_HANDED_OUT_LOCK = threading.Lock()


def free_port() -> int:
    """A free port never handed out before by this process (targets started side by side)."""
    with _HANDED_OUT_LOCK:
        while True:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            if port not in _HANDED_OUT:
                _HANDED_OUT.add(port)
                return port


def http_status(host: str, port: int, method: str, path: str, timeout: float = 2.0) -> int | None:
    try:
        c = http.client.HTTPConnection(host, port, timeout=timeout)
        c.request(method, path)
        r = c.getresponse()
        r.read()
        c.close()
        return r.status
    except (OSError, http.client.HTTPException):
        return None


def _spawn(cmd: list[str], logfile: Path, env: dict | None = None,
           cwd: Path | None = None) -> subprocess.Popen:
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(logfile, "ab") as out:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                env=env, cwd=cwd, start_new_session=True)


# --------------------------------------------------------------------------- postgres

def _pg_running_pid() -> int | None:
    pidfile = PG_DATA / "postmaster.pid"
    if not pidfile.exists():
        return None
    try:
        pid = int(pidfile.read_text().split()[0])
    except (ValueError, IndexError, OSError):
        return None
    return pid if alive(pid) else None


def ensure_postgres() -> None:
    """Start the shared PostgreSQL 15 (the CockroachDB stand-in) unless it runs."""
    pid = _pg_running_pid()
    if pid:
        if not any(r[0] == str(pid) for r in read_pids()):
            record_pid(pid, "postgres")
        return
    if port_open(PG_PORT):
        raise LabError(f"port {PG_PORT} is in use by a PostgreSQL the lab did not start; "
                       "stop it or set LAB_PG_PORT")
    if not (PGBIN / "postgres").exists():
        raise LabError(f"PostgreSQL binaries missing under {PGBIN}; run lab/setup")
    PG_ROOT.mkdir(parents=True, exist_ok=True)
    shutil.chown(PG_ROOT, "postgres", "postgres")
    if not (PG_DATA / "PG_VERSION").exists():
        if PG_DATA.exists():
            shutil.rmtree(PG_DATA)
        subprocess.run(["runuser", "-u", "postgres", "--", str(PGBIN / "initdb"), "-D", str(PG_DATA),
                        "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    r = subprocess.run(["runuser", "-u", "postgres", "--", str(PGBIN / "pg_ctl"), "-D", str(PG_DATA),
                        "-l", str(PG_ROOT / "log"), "-w", "-t", "30", "-o",
                        f"-c listen_addresses=127.0.0.1 -p {PG_PORT} -c unix_socket_directories={PG_ROOT}"
                        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                        " -c max_connections=200",
                        "start"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        raise LabError("pg_ctl start failed: " + r.stderr.decode(errors="replace")
                       + _tail(PG_ROOT / "log"))
    pid = _pg_running_pid()
    if not pid:
        raise LabError("PostgreSQL did not start" + _tail(PG_ROOT / "log"))
    record_pid(pid, "postgres")
    log(f"postgres started on 127.0.0.1:{PG_PORT} (pid {pid})")


def stop_postgres() -> None:
    if (PG_DATA / "postmaster.pid").exists():
        subprocess.run(["runuser", "-u", "postgres", "--", str(PGBIN / "pg_ctl"), "-D", str(PG_DATA),
                        "-m", "fast", "-w", "-t", "30", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


def psql(sql: str, db: str = "postgres") -> str:
    r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", db,
                        "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise LabError(f"psql failed: {r.stderr.strip()}")
    return r.stdout


# The role lab/check hands rampart: it may connect and SELECT, nothing else, so a
# scan that completes with it is a scan that never wrote.
READ_ONLY_ROLE = "rampart_ro"


def fresh_database(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')
    psql(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{READ_ONLY_ROLE}') "
         f"THEN CREATE ROLE {READ_ONLY_ROLE} LOGIN; END IF; END $$")
    psql(f'GRANT CONNECT ON DATABASE "{name}" TO {READ_ONLY_ROLE}; '
         f"GRANT USAGE ON SCHEMA public TO {READ_ONLY_ROLE}; "
         f"ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT ON TABLES TO {READ_ONLY_ROLE}",
         db=name)


# --------------------------------------------------------------------------- firestore

def _firestore_jar() -> Path:
    for sdk in ("/usr/lib/google-cloud-sdk", "/usr/share/google-cloud-sdk", "/opt/google-cloud-sdk"):
        jar = Path(sdk) / "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"
        if jar.exists():
            return jar
    try:
        sdk = subprocess.run(["gcloud", "info", "--format=value(installation.sdk_root)"],
                             capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        sdk = ""
    jar = Path(sdk) / "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"
    if sdk and jar.exists():
        return jar
    raise LabError("Firestore emulator jar not found (Google Cloud SDK missing)")


def ensure_firestore() -> None:
    ours = [r for r in read_pids() if r[1:2] == ["firestore"] and alive(int(r[0]))]
    if ours and http_status("127.0.0.1", FS_PORT, "GET", "/") is not None:
        return
    if port_open(FS_PORT):
        raise LabError(f"port {FS_PORT} is in use by a process the lab did not start; "
                       "stop it or set LAB_FIRESTORE_PORT")
    jar = _firestore_jar()
    p = _spawn(["java", "-cp", str(jar), "com.google.cloud.datastore.emulator.firestore.CloudFirestore",
                "start", f"--host=127.0.0.1", f"--port={FS_PORT}", "--project_id=demo-lab"],
               LOGS / "firestore.log")
    record_pid(p.pid, "firestore")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if p.poll() is not None:
            forget_pid(p.pid)
            raise LabError("Firestore emulator exited" + _tail(LOGS / "firestore.log"))
        if http_status("127.0.0.1", FS_PORT, "GET", "/", timeout=1) == 200:
            log(f"firestore emulator started on {FS_HOST} (pid {p.pid})")
            return
        time.sleep(0.1)
    stop_pid(p.pid)
    forget_pid(p.pid)
    raise LabError("Firestore emulator did not become ready in 60 s" + _tail(LOGS / "firestore.log"))


def wipe_firestore(project: str) -> None:
    st = http_status("127.0.0.1", FS_PORT, "DELETE",
                     f"/emulator/v1/projects/{project}/databases/(default)/documents", timeout=10)
    if st != 200:
        raise LabError(f"could not wipe Firestore project {project} (HTTP {st})")


def firestore_rules_file(target: str, variant: str) -> Path:
    """The security rules the manifest gives the target's project (store_rules)."""
    for e in load_manifest():
        if e["name"] == target and e["variant"] == variant and e.get("store_rules"):
            return LAB / e["store_rules"]
    raise LabError(f"lab/manifest.toml gives {target} ({variant}) no store_rules")


def install_firestore_rules(project: str, rules: Path) -> None:
    """Give one emulator project its own security rules. The emulator's --rules flag
    would apply one file to every project it serves; this endpoint is per project.
    Rules survive a document wipe, so they are installed on every start."""
    body = json.dumps({"rules": {"files": [{"name": rules.name, "content": rules.read_text()}]}})
    try:
        c = http.client.HTTPConnection("127.0.0.1", FS_PORT, timeout=10)
        c.request("PUT", f"/emulator/v1/projects/{project}:securityRules", body=body,
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        answer = r.read().decode(errors="replace")
        c.close()
    except (OSError, http.client.HTTPException) as e:
        raise LabError(f"could not install Firestore rules for {project}: {e}") from e
    if r.status != 200:
        raise LabError(f"Firestore emulator rejected {rules} for {project} (HTTP {r.status}): {answer[:300]}")


# --------------------------------------------------------------------------- targets

def db_name(target: str, variant: str) -> str:
    return f"lab_{target.replace('-', '_')}_{variant}"


def firestore_project(target: str, variant: str) -> str:
    return f"demo-{target}-{variant}"


def store_info(target: str, variant: str) -> dict:
    """Where the target keeps its sessions; "url" is what `rampart scan --store` takes
    (None for a target without a store)."""
    if target in STORELESS:
        return {"store": "none", "url": None, "database": db_name(target, variant) if target in ON_POSTGRES else None}
    if target == "flask-firestore":
        project = firestore_project(target, variant)
        return {"store": "firestore", "project": project, "emulator": FS_HOST, "collection": "sessions",
                "rules": str(firestore_rules_file(target, variant)),
                "url": f"firestore://{project}?emulator={FS_HOST}&collection=sessions"}
    name = db_name(target, variant)
    return {"store": "postgres", "database": name,
            "url": f"postgres://{READ_ONLY_ROLE}@127.0.0.1:{PG_PORT}/{name}"}


def app_dir(target: str, variant: str) -> Path:
    """Where the target's app lives (api-zoo: one app per variant)."""
    tdir = LAB / "targets" / target
    return tdir / variant if target in SPLIT else tdir


def app_command(target: str, variant: str) -> list[str]:
    """The command that runs the target's app (lab/verify appends --openapi or --routes)."""
    if target == "go-crdb":
        return [str(GO_BIN)]
    if target in NODE_TARGETS:
        return ["node", str(app_dir(target, variant) / "app.js")]
    if target in JAVA_TARGETS:
        return ["java", *JAVA_OPTS, "-cp", ":".join(str(p) for p in java_classpath(target)), "Main"]
    return [str(VENV_PY), str(app_dir(target, variant) / "app.py")]


def _missing(target: str) -> str | None:
    """What lab/setup has not built or installed for the target yet, if anything."""
    if target == "go-crdb":
        return None if GO_BIN.exists() else "lab/.build/go-crdb missing"
    if target in NODE_TARGETS:
        modules = LAB / "targets" / target / "node_modules"
        return None if modules.is_dir() else f"{modules.relative_to(LAB.parent)} missing"
    if target in JAVA_TARGETS:
        absent = [p for p in java_classpath(target) if not p.exists()]
        main = JAVA_BUILD / target / "classes" / "Main.class"
        return (f"{main.relative_to(LAB.parent)} missing" if not main.exists()
                else f"{absent[0]} missing" if absent else None)
    return None if VENV_PY.exists() else "lab/.venv missing"


def java_classpath(target: str) -> list[Path]:
    """A Java target's classpath: lab/setup's classes, then the Debian jars its jars.txt names."""
    names = [ln.split("#", 1)[0].strip() for ln in (LAB / "targets" / target / "jars.txt").read_text().splitlines()]
    return [JAVA_BUILD / target / "classes", *(JAVA_JARS / n for n in names if n)]


def trap_file(target: str, variant: str) -> Path:
    """Where the app counts the calls of its trap (a destructive GET; manifest key `trap`)."""
    return RUN / "traps" / f"{target}-{variant}"


def trap_hits(target: str, variant: str) -> int:
    try:
        return int(trap_file(target, variant).read_text())
    except (OSError, ValueError) as e:
        raise LabError(f"{target} ({variant}) keeps no trap counter ({e})") from e


# Targets started side by side (run_each) start the shared services, and create the
# shared read-only role, once.
_SERVICES_LOCK = threading.Lock()


def start_app(target: str, variant: str, port: int, password: str | None = None,
              ready_timeout: float = 60.0) -> tuple[int, str]:
    """Start one target (and the store it needs) with a clean store; returns (pid, url)."""
    if target not in TARGETS:
        raise LabError(f"unknown target {target!r}; one of {', '.join(TARGETS)}")
    if variant not in VARIANTS:
        raise LabError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
    missing = _missing(target)
    if missing:
        raise LabError(f"{missing}; run lab/setup")
    if port_open(port):
        raise LabError(f"port {port} is already in use")

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FLASK_", "DJANGO_", "PG", "FIRESTORE_", "GOOGLE_"))}
    trap = trap_file(target, variant)
    trap.parent.mkdir(parents=True, exist_ok=True)
    trap.unlink(missing_ok=True)
    env.update(LAB_VARIANT=variant, PORT=str(port), PYTHONUNBUFFERED="1", LAB_TRAP_FILE=str(trap),
               LAB_PASSWORD=password or os.environ.get("LAB_PASSWORD") or DEFAULT_PASSWORD)
    if target == "flask-firestore":
        with _SERVICES_LOCK:
            ensure_firestore()
        project = firestore_project(target, variant)
        wipe_firestore(project)
        install_firestore_rules(project, firestore_rules_file(target, variant))
        env.update(FIRESTORE_EMULATOR_HOST=FS_HOST, GOOGLE_CLOUD_PROJECT=project)
    elif target in ON_POSTGRES:
        name = db_name(target, variant)
        with _SERVICES_LOCK:  # one start at a time creates the shared read-only role
            ensure_postgres()
            fresh_database(name)
        env.update(DATABASE_URL=f"postgresql://postgres@127.0.0.1:{PG_PORT}/{name}?sslmode=disable",
                   PGCONNECT_TIMEOUT="10")

    if target in JAVA_TARGETS:  # Tomcat's base directory (work/); gone with lab/.run
        env["LAB_TOMCAT_BASE"] = str(RUN / "tomcat" / f"{target}-{variant}-{port}")
    logfile = LOGS / f"{target}-{variant}-{port}.log"
    p = _spawn(app_command(target, variant), logfile, env=env, cwd=app_dir(target, variant))
    record_pid(p.pid, "app", target, variant, str(port))
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if p.poll() is not None:
            forget_pid(p.pid)
            raise LabError(f"{target} ({variant}) exited with {p.returncode}" + _tail(logfile))
        st = http_status("127.0.0.1", port, "GET", "/", timeout=1)
        if st is not None and st < 500:
            return p.pid, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    stop_pid(p.pid)
    forget_pid(p.pid)
    raise LabError(f"{target} ({variant}) did not answer within {ready_timeout:.0f} s" + _tail(logfile))


def untouched_queries(entry: dict) -> list[str]:
    """The entry's `untouched` queries (manifest): one SQL string, or a list of them; [] without
    the key."""
    raw = entry.get("untouched")
    if raw is None:
        return []
    queries = [raw] if isinstance(raw, str) else raw
    if not isinstance(queries, list) or not queries or not all(isinstance(q, str) and q.strip() for q in queries):
        raise LabError(f"{entry['name']} ({entry['variant']}): `untouched` must be an SQL query or a list of them")
    return list(queries)


def untouched_label(query: str) -> str:
    """A short name for an `untouched` query in a result line: the table it reads (FROM ...)."""
    m = re.search(r"\bFROM\s+([\w.\"]+)", query, re.I)
    return m.group(1).strip('"') if m else " ".join(query.split())[:40]


def untouched_rows(entry: dict, query: str | None = None) -> tuple[list[str], list[str]]:
    """(column names, rows) of one of the entry's `untouched` queries (manifest; `query` may be
    left out when there is only one) on its database; each row one line of psql's unaligned
    output (columns joined by "|")."""
    if entry["name"] not in ON_POSTGRES:
        raise LabError(f"{entry['name']} keeps no PostgreSQL database for `untouched`")
    if query is None:
        queries = untouched_queries(entry)
        if len(queries) != 1:
            raise LabError(f"{entry['name']} ({entry['variant']}): {len(queries)} `untouched` queries; name one")
        query = queries[0]
    r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres",
                        "-d", db_name(entry["name"], entry["variant"]), "-v", "ON_ERROR_STOP=1", "-qAX",
                        "-P", "footer=off", "-c", query], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise LabError(f"psql failed: {r.stderr.strip()}")
    lines = r.stdout.splitlines()
    return (lines[0].split("|") if lines else []), lines[1:]


def untouched_diff(columns: list[str], before: list[str], after: list[str], during: str = "the scan",
                   shown: int = 3) -> tuple[bool, str, list[str]]:
    """(identical, a one-line summary with a short diff, the whole diff) of two results of an
    `untouched` query: rows added (+), removed (-) and changed (~: the same first column,
    the columns that differ)."""
    if before == after:
        return True, f"{len(before)} rows, identical before and after {during}", []

    def key(row: str) -> str:
        return row.split("|", 1)[0]

    def changes(x: str, y: str) -> str:
        old, new = x.split("|"), y.split("|")
        diffs = [f"{columns[i] if i < len(columns) else i} {o!r} -> {n!r}"
                 for i, (o, n) in enumerate(zip(old, new)) if o != n]
        return f"~ {key(x)}: " + ", ".join(diffs)

    b, a = {key(r): r for r in before}, {key(r): r for r in after}
    if len(b) == len(before) and len(a) == len(after):  # the first column is a key: pair the rows up
        added = [a[k] for k in a if k not in b]
        removed = [b[k] for k in b if k not in a]
        changed = [changes(b[k], a[k]) for k in b if k in a and b[k] != a[k]]
    else:  # compare as multisets
        added, removed = list(after), list(before)
        for r in before:
            if r in added:
                added.remove(r)
        for r in after:
            if r in removed:
                removed.remove(r)
        changed = []
    diff = [f"+ {r}" for r in added] + [f"- {r}" for r in removed] + changed
    head = (f"{len(before)} rows before, {len(after)} after: {len(added)} added, {len(removed)} removed, "
            f"{len(changed)} changed")
    if not diff:
        return False, f"{head}: the same rows in another order", ["the same rows in another order"]
    short = "; ".join(d if len(d) <= 160 else d[:157] + "..." for d in diff[:shown])
    more = f" (+{len(diff) - shown} more)" if len(diff) > shown else ""
    return False, f"{head}: {short}{more}", diff


def stop_app(pid: int) -> None:
    stop_pid(pid)
    forget_pid(pid)


def service_pids() -> dict[str, int]:
    return {r[1]: int(r[0]) for r in read_pids() if r[1] in ("postgres", "firestore")}


def down_all(clean: bool = True) -> None:
    rows = read_pids()
    # apps first (they hold database connections), then the emulator, then PostgreSQL
    for r in rows:
        if r[1] == "app":
            stop_pid(int(r[0]))
    for r in rows:
        if r[1] == "firestore":
            stop_pid(int(r[0]))
    if any(r[1] == "postgres" for r in rows) or _pg_running_pid():
        stop_postgres()
        for r in rows:
            if r[1] == "postgres":
                stop_pid(int(r[0]), timeout=15)
    if clean:
        shutil.rmtree(RUN, ignore_errors=True)
    else:
        with _pids_locked():
            _write_pids([r for r in read_pids() if alive(int(r[0]))])


# --------------------------------------------------------------------------- side by side

class _HeldOutput:
    """Stands in for sys.stdout or sys.stderr while run_each runs: what a worker thread
    writes goes to that thread's buffer (with the stream it was meant for), the rest through."""

    def __init__(self, real, held: threading.local):
        self.real, self.held = real, held

    def write(self, text: str) -> int:
        chunks = getattr(self.held, "chunks", None)
        if chunks is None:
            return self.real.write(text)
        chunks.append((self.real, text))
        return len(text)

    def flush(self) -> None:
        if getattr(self.held, "chunks", None) is None:
            self.real.flush()

    def __getattr__(self, name):
        return getattr(self.real, name)


def lab_jobs() -> int:
    """How many targets run side by side: LAB_JOBS, default 2."""
    try:
        return max(1, int(os.environ.get("LAB_JOBS", "2")))
    except ValueError:
        raise LabError(f"LAB_JOBS must be a number, not {os.environ['LAB_JOBS']!r}") from None


def run_each(entries: list, fn, jobs: int | None = None) -> None:
    """fn(entry) for every entry, `jobs` (LAB_JOBS) at a time. Each entry's output, stdout
    and stderr in the order written, is held back and printed in one piece when it ends,
    so the lines of two targets never interleave."""
    held = threading.local()
    out, err = sys.stdout, sys.stderr
    print_lock = threading.Lock()

    def one(entry):
        held.chunks = []
        try:
            fn(entry)
        finally:
            chunks, held.chunks = held.chunks, None
            with print_lock:
                for stream, text in chunks:
                    stream.write(text)
                out.flush()
                err.flush()

    sys.stdout, sys.stderr = _HeldOutput(out, held), _HeldOutput(err, held)
    try:
        with ThreadPoolExecutor(max_workers=jobs or lab_jobs()) as pool:
            for done in [pool.submit(one, e) for e in entries]:
                done.result()
    finally:
        sys.stdout, sys.stderr = out, err


def _tail(path: Path, n: int = 30) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()[-n:]
    except OSError:
        return ""
    return "\n--- " + str(path) + " (tail) ---\n" + "\n".join(lines)


def second_identity_env() -> None:
    """The manifest's API targets name bob as a second identity (`--identity bob=login:bob`);
    rampart reads his password, "<LAB_PASSWORD>-bob", from RAMPART_PASSWORD_BOB."""
    os.environ["RAMPART_PASSWORD_BOB"] = (os.environ.get("LAB_PASSWORD") or DEFAULT_PASSWORD) + "-bob"


def load_manifest() -> list[dict]:
    with open(LAB / "manifest.toml", "rb") as f:
        return tomllib.load(f)["target"]


def load_flow(entry: dict) -> dict:
    with open(LAB / entry["flow"], "rb") as f:
        return tomllib.load(f)
