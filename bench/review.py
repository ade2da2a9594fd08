#!/usr/bin/env python3
"""Benchmark: `rampart review` (static review of session-handling code) on real
third-party session and auth libraries, next to a plain read of the same files (the
ceiling) and semgrep with trivial rules (a peer), in the same run; about 6½ minutes,
plus a few seconds the first time to fetch the packages.

Not a test: it prints measured figures and never fails on them (exit 0 unless it
cannot run at all: no rampart binary, exit 2). A package that cannot be fetched, or
a peer that cannot be installed or run, is said so in the output and left out.

Build first (`cargo build --release`), then from anywhere:
    bench/review.py [PACKAGE ...]     (default: every package below)

1. fetch the packages once into bench/.out/review/src/<name>/ (reused afterwards;
   what was fetched, with versions, is kept in bench/.out/review/sources.json):
     PyPI     wheels (`pip download --no-deps --only-binary :all:`; the installed
              source, no tests): Django, Flask, Flask-Login, Flask-Session, starlette
     npm      `npm pack`: express, express-session, passport, cookie-session,
              koa-session
     crates   .crate files from the registry cargo itself uses (the sparse index
              index.crates.io for the newest version, static.crates.io for the file,
              with curl): tower-sessions, tower-sessions-core, axum-login,
              actix-session
     Debian   `apt-get download` of source-carrying packages, unpacked with
              `dpkg-deb -x`: golang-github-gorilla-sessions-dev,
              golang-github-go-macaron-session-dev, golang-github-alexedwards-scs-dev
              (Go), php-symfony-http-foundation, php-illuminate-session (PHP); and
              `apt-get source --download-only` for Java (tomcat10, shiro) through a
              private apt configuration in bench/.out/review/apt/ (its own deb-src
              list and index; nothing under /etc or /var is touched), the upstream
              tarball unpacked;
2. for each package, 3 runs (BENCH_RUNS) of
       rampart review <dir> --format json -q
   timed with time.perf_counter around the process; the median wall time, the
   report's own elapsedMs (median), files, lines, languages and findings;
3. in the same run, on the same files (the ones rampart read: its walk mirrored
   here, less the files its report lists as skipped), 3 runs each of
     ceiling   `xargs -0 cat > /dev/null`: every file read once, nothing parsed;
     semgrep   two rule files this script writes, each run as
               `semgrep scan --config RULES --metrics=off --disable-version-check
               --json -q --no-git-ignore --project-root DIR
               --exclude=<each folder rampart's walk leaves out> DIR`
               with an empty DIR/.semgrepignore, so that semgrep's default ignores
               (tests/ and the like) do not apply and it reads the same files as
               rampart (its own file count is printed when it differs):
       session    one session-assignment pattern per language
                  (`$REQ.session[$KEY] = $VALUE`, `$_SESSION[$KEY] = $VALUE`, …).
                  semgrep's literal prefilter skips parsing every file that lacks
                  the pattern's words (on tomcat10, 44 of 2,837 files parsed), so
                  this is what a small rule set really costs, mostly reading;
       parse-all  the same plus a self-assignment pattern (`$X = $X`) per
                  language, which has no literal to prefilter on: semgrep parses
                  and walks every file, as rampart does; the fair peer for an
                  analysis that reads every function.
               Neither is a detection peer: the patterns only give semgrep work
               of the right kind. The folder, not the file list, is passed:
               semgrep 1.x starts one semgrep-core process per file named on the
               command line inside a git work tree (about 0.1 s a file). semgrep
               lives in bench/.venv-semgrep, created on first use (`pip install
               semgrep`, about half a minute); its settings and log go to
               bench/.out/review/semgrep-home/;
   the files are read once before any timing so every tool sees a warm page cache;
4. print two tables: rampart per package (version, language mix, files, lines,
   median s, the report's elapsedMs, lines/s, findings) and the same packages side
   by side (rampart, ceiling, semgrep session, semgrep parse-all: median s and
   lines/s each, semgrep's matches), each with a totals row; then every finding
   (rule, severity, confidence, file:line, function, first matched line) for a
   human to judge. If the binary changes during the run (a rebuild), that is said.
   Raw outputs in bench/.out/review/: <name>.rampart.json,
   <name>.semgrep-session.json, <name>.semgrep-parse-all.json, findings.md.

Environment:
    RAMPART        rampart binary (default target/release/rampart)
    SEMGREP        semgrep executable (default bench/.venv-semgrep/bin/semgrep; the
                   venv is only created when this is unset); SEMGREP=none skips it
    BENCH_RUNS     runs per tool and package (default 3)
    BENCH_TIMEOUT  seconds allowed for one run of one tool (default 600)
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / ".out" / "review"
SRC = OUT / "src"
DL = OUT / "dl"
APT = OUT / "apt"
SOURCES = OUT / "sources.json"
VENV = BENCH / ".venv-semgrep"
USER_AGENT = "rampart-bench (bench/review.py)"

PYPI = [("Django", "python"), ("Flask", "python"), ("Flask-Login", "python"),
        ("Flask-Session", "python"), ("starlette", "python")]
NPM = [("express", "javascript"), ("express-session", "javascript"), ("passport", "javascript"),
       ("cookie-session", "javascript"), ("koa-session", "javascript")]
CRATES = [("tower-sessions", "rust"), ("tower-sessions-core", "rust"), ("axum-login", "rust"),
          ("actix-session", "rust")]
DEBS = [("golang-github-gorilla-sessions-dev", "go"), ("golang-github-go-macaron-session-dev", "go"),
        ("golang-github-alexedwards-scs-dev", "go"), ("php-symfony-http-foundation", "php"),
        ("php-illuminate-session", "php")]
DEB_SOURCES = [("tomcat10", "java"), ("shiro", "java")]
DEB_SRC_LIST = ("deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                "http://deb.debian.org/debian bookworm main\n")

# rampart's walk (crates/review/src/walk.rs), mirrored to list the files it read.
SKIPPED_DIRS = {"node_modules", "vendor", "bower_components", "jspm_packages", "site-packages", "venv",
                ".venv", "env", "virtualenv", "__pycache__", ".tox", ".nox", ".mypy_cache",
                ".pytest_cache", "dist", "build", "target", "out", ".next", ".nuxt", "coverage",
                "third_party", "migrations", ".git", ".hg", ".svn"}
EXTENSIONS = {".py", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".go", ".java",
              ".php", ".rs", ".rules", ".sql"}
NAMES = {"package.json"}  # read for the versions of session libraries

SESSION_PATTERNS = [  # (languages, pattern): a session assignment in each language
    ("[python]", "$REQ.session[$KEY] = $VALUE"),
    ("[javascript, typescript]", "$REQ.session.$KEY = $VALUE"),
    ("[go]", "$SESSION.Values[$KEY] = $VALUE"),
    ("[java]", "$REQ.getSession(...).setAttribute($KEY, $VALUE);"),
    ("[php]", "$_SESSION[$KEY] = $VALUE;"),
    ("[rust]", "$SESSION.insert($KEY, $VALUE);"),
]
PARSE_ALL_PATTERNS = [  # no literal in them: semgrep cannot prefilter, it parses every file
    ("[python]", "$X = $X"),
    ("[javascript, typescript]", "$X = $X"),
    ("[go]", "$X = $X"),
    ("[java]", "$X = $X;"),
    ("[php]", "$X = $X;"),
    ("[rust]", "$X = $X;"),
]
SEMGREP_CONFIGS = {"session": SESSION_PATTERNS, "parse-all": SESSION_PATTERNS + PARSE_ALL_PATTERNS}


def semgrep_rules(patterns: list[tuple[str, str]]) -> str:
    """A semgrep rule file, one rule per (languages, pattern)."""
    rules = ["rules:"]
    for i, (languages, pattern) in enumerate(patterns):
        rules += [f"  - id: rule-{i}", f"    languages: {languages}", "    severity: INFO",
                  "    message: matched", f"    pattern: {json.dumps(pattern)}"]
    return "\n".join(rules) + "\n"


@dataclass
class Package:
    """One fetched package: where it came from and where its source is."""
    name: str
    version: str
    language: str
    registry: str
    dir: str

    @property
    def path(self) -> Path:
        return SRC / self.dir


@dataclass
class Timing:
    """The runs of one tool on one package."""
    walls: list[float] = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None


# --- fetching -----------------------------------------------------------------


def run(cmd: list[str], cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a fetch command; raise with its last line of output when it fails."""
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise RuntimeError(last_line(proc.stderr or proc.stdout) or f"exit {proc.returncode}")
    return proc


def last_line(text: str) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith(("E:", "ERROR", "npm ERR", "curl:"))]
    return (errors or lines or [""])[-1][:160]


def fresh_dir(name: str) -> Path:
    dest = SRC / name
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    return dest


def untar(archive: Path, dest: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")


def fetch_pypi(name: str, language: str) -> Package:
    """The newest wheel for this Python, unpacked (the package's installed files)."""
    before = set(DL.glob("*.whl"))
    run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--only-binary", ":all:", "-d", str(DL), name])
    wanted = name.lower().replace("-", "_")
    wheels = [w for w in set(DL.glob("*.whl")) - before or DL.glob("*.whl")
              if w.name.lower().split("-")[0] == wanted]
    wheel = max(wheels, key=lambda w: w.stat().st_mtime)
    version = wheel.name.split("-")[1]
    with zipfile.ZipFile(wheel) as z:
        z.extractall(fresh_dir(name))
    return Package(name, version, language, "PyPI", name)


def fetch_npm(name: str, language: str) -> Package:
    """`npm pack NAME`, unpacked."""
    out = run(["npm", "pack", name, "--silent"], cwd=DL).stdout.split()
    tarball = DL / out[-1]
    version = tarball.name[len(name) + 1:-len(".tgz")]
    untar(tarball, fresh_dir(name))
    return Package(name, version, language, "npm", name)


def crate_index_path(name: str) -> str:
    """The crate's path in the sparse index (1/, 2/, 3/a/, ab/cd/)."""
    n = name.lower()
    if len(n) <= 2:
        return f"{len(n)}/{n}"
    if len(n) == 3:
        return f"3/{n[0]}/{n}"
    return f"{n[:2]}/{n[2:4]}/{n}"


def fetch_crate(name: str, language: str) -> Package:
    """The newest non-yanked stable version's .crate, unpacked."""
    index = run(["curl", "-sSfL", "-A", USER_AGENT,
                 f"https://index.crates.io/{crate_index_path(name)}"]).stdout
    versions = [json.loads(line) for line in index.splitlines() if line.strip()]
    stable = [v["vers"] for v in versions if not v.get("yanked") and "-" not in v["vers"]]
    version = max(stable, key=lambda v: tuple(int(p) for p in v.split(".")))
    crate = DL / f"{name}-{version}.crate"
    run(["curl", "-sSfL", "-A", USER_AGENT, "-o", str(crate),
         f"https://static.crates.io/crates/{name}/{name}-{version}.crate"])
    untar(crate, fresh_dir(name))
    return Package(name, version, language, "crates.io", name)


def fetch_deb(name: str, language: str) -> Package:
    """`apt-get download NAME` (a -dev or php package carries source), `dpkg-deb -x`."""
    before = set(DL.glob("*.deb"))
    run(["apt-get", "download", "-q", name], cwd=DL)
    debs = [d for d in set(DL.glob(f"{name}_*.deb")) - before or DL.glob(f"{name}_*.deb")]
    deb = max(debs, key=lambda d: d.stat().st_mtime)
    version = deb.name.split("_")[1].replace("%3a", ":")
    run(["dpkg-deb", "-x", str(deb), str(fresh_dir(name))])
    return Package(name, version, language, "Debian (binary package)", name)


def apt_options() -> list[str]:
    """apt options for a private deb-src configuration under bench/.out/review/apt/."""
    return ["-o", f"Dir::Etc::SourceList={APT / 'sources.list'}", "-o", "Dir::Etc::SourceParts=/nonexistent",
            "-o", f"Dir::State::Lists={APT / 'lists'}", "-o", f"Dir::Cache={APT / 'cache'}",
            "-o", "Debug::NoLocking=1", "-q"]


def apt_source_index() -> None:
    """The bookworm main source index, once, in the private configuration."""
    if list((APT / "lists").glob("*Sources*")):
        return
    for sub in ("lists/partial", "cache/archives/partial"):
        (APT / sub).mkdir(parents=True, exist_ok=True)
    (APT / "sources.list").write_text(DEB_SRC_LIST)
    run(["apt-get", *apt_options(), "update"])


def fetch_deb_source(name: str, language: str) -> Package:
    """`apt-get source --download-only NAME`, the upstream tarball unpacked."""
    apt_source_index()
    where = DL / f"debsrc-{name}"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    run(["apt-get", *apt_options(), "source", "--download-only", name], cwd=where)
    dsc = next(where.glob("*.dsc"))
    version = dsc.stem.split("_", 1)[1]
    tarballs = sorted(where.glob("*.orig.tar.*")) or [t for t in sorted(where.glob("*.tar.*"))
                                                      if ".debian.tar." not in t.name]
    untar(tarballs[0], fresh_dir(name))
    return Package(name, version, language, "Debian (source package)", name)


def fetch_all() -> tuple[list[Package], list[str]]:
    """Every package, fetched now or reused; and what could not be fetched, why."""
    OUT.mkdir(parents=True, exist_ok=True)
    DL.mkdir(parents=True, exist_ok=True)
    known = json.loads(SOURCES.read_text()) if SOURCES.exists() else {}
    plan = ([(n, l, fetch_pypi) for n, l in PYPI] + [(n, l, fetch_npm) for n, l in NPM]
            + [(n, l, fetch_crate) for n, l in CRATES] + [(n, l, fetch_deb) for n, l in DEBS]
            + [(n, l, fetch_deb_source) for n, l in DEB_SOURCES])
    packages, missing = [], []
    for name, language, fetch in plan:
        entry = known.get(name)
        if entry and (SRC / entry["dir"]).is_dir():
            packages.append(Package(**entry))
            continue
        t0 = time.perf_counter()
        try:
            package = fetch(name, language)
        except Exception as e:  # noqa: BLE001 - any failure only leaves the package out
            missing.append(f"{name} ({language}): not fetched: {e or type(e).__name__}")
            continue
        print(f"fetched {package.registry} {name} {package.version} in {time.perf_counter() - t0:.1f} s",
              flush=True)
        known[name] = package.__dict__
        SOURCES.write_text(json.dumps(known, indent=1, sort_keys=True))
        packages.append(package)
    return packages, missing


# --- measuring ----------------------------------------------------------------


def rampart_binary() -> str | None:
    raw = os.environ.get("RAMPART", "target/release/rampart")
    for cand in (Path(raw), ROOT / raw):
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand.resolve())
    return None


def semgrep_binary() -> tuple[str | None, str]:
    """The semgrep executable and its version, installing it on first use; or why not."""
    chosen = os.environ.get("SEMGREP")
    if chosen == "none":
        return None, "skipped (SEMGREP=none)"
    exe = chosen or str(VENV / "bin" / "semgrep")
    if not chosen and not Path(exe).exists():
        print(f"bench/review.py: creating {VENV.relative_to(ROOT)} and installing semgrep (pip)...",
              flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            run([str(VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "semgrep"],
                timeout=900)
        except (subprocess.CalledProcessError, RuntimeError, subprocess.TimeoutExpired) as e:
            return None, f"could not be installed: {e}"
    try:
        version = subprocess.run([exe, "--version", "--disable-version-check"], capture_output=True, text=True, timeout=120,
                                 env=semgrep_env()).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"does not run: {e}"
    return exe, f"semgrep {version}"


def mirrored_walk(root: Path) -> list[Path]:
    """The files rampart's walk lists under root (before it reads them)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith(".")
                       and not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            path = Path(dirpath, name)
            if ((path.suffix.lower() in EXTENSIONS or name in NAMES) and not name.endswith(".min.js")
                    and path.is_file() and not path.is_symlink()):
                found.append(path)
    return sorted(found)


def timed(cmd: list[str], timeout: float, stdin_bytes: bytes | None = None,
          env: dict[str, str] | None = None) -> tuple[float, bytes, str]:
    """Wall seconds, stdout and an error (empty when the run went well) of one process."""
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, input=stdin_bytes, capture_output=True, timeout=timeout, env=env,
                              stdin=None if stdin_bytes is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t0, b"", f"timeout after {timeout:.0f} s"
    except OSError as e:
        return time.perf_counter() - t0, b"", str(e)
    wall = time.perf_counter() - t0
    error = "" if proc.returncode == 0 else f"exit {proc.returncode}: {last_line(proc.stderr.decode(errors='replace'))}"
    return wall, proc.stdout, error


def measure(cmd: list[str], runs: int, timeout: float, stdin_bytes: bytes | None = None,
            env: dict[str, str] | None = None) -> tuple[Timing, bytes]:
    """`runs` timed runs of cmd; the output of the last one that worked."""
    timing, output = Timing(), b""
    for _ in range(runs):
        wall, out, error = timed(cmd, timeout, stdin_bytes, env)
        if error:
            timing.error = error
            break
        timing.walls.append(wall)
        output = out
    return timing, output


@dataclass
class Peer:
    """One semgrep configuration's runs on one package, and its last report."""
    timing: Timing
    report: dict

    @property
    def files(self) -> list[str]:
        return self.report.get("paths", {}).get("scanned", [])

    @property
    def lines(self) -> int:
        return sum(line_count(p) for p in self.files)

    @property
    def matches(self) -> int:
        return len(self.report.get("results", []))


@dataclass
class Result:
    """All measurements of one package."""
    package: Package
    report: dict
    rampart: Timing
    elapsed_ms: list[int]
    files: list[Path]
    ceiling: Timing
    peers: dict[str, Peer]

    @property
    def lines(self) -> int:
        return self.report.get("lines", 0)


def run_rampart(package: Package, rampart: str, runs: int, timeout: float) -> tuple[Timing, list[int], dict]:
    """`rampart review DIR --format json -q`, `runs` times: timing, elapsedMs and the last report."""
    timing, elapsed, report = Timing(), [], {}
    for _ in range(runs):
        wall, out, error = timed([rampart, "review", str(package.path), "--format", "json", "-q"], timeout)
        if error:
            timing.error = error
            break
        timing.walls.append(wall)
        report = json.loads(out)
        elapsed.append(report.get("elapsedMs", 0))
        (OUT / f"{package.name}.rampart.json").write_bytes(out)
    return timing, elapsed, report


def review_package(package: Package, rampart: str, semgrep: str | None, runs: int,
                   timeout: float) -> Result:
    """rampart, the ceiling and semgrep on one package, `runs` times each."""
    listing = b"\0".join(str(p).encode() for p in mirrored_walk(package.path))
    subprocess.run(["xargs", "-0", "cat"], input=listing, stdout=subprocess.DEVNULL)  # warm the cache
    timing, elapsed, report = run_rampart(package, rampart, runs, timeout)
    skipped = {s.get("path") for s in report.get("skipped", [])}
    files = [p for p in mirrored_walk(package.path) if str(p) not in skipped]
    listing = b"\0".join(str(p).encode() for p in files)
    ceiling, _ = measure(["xargs", "-0", "cat"], runs, timeout, listing)
    peers = {}
    for config in SEMGREP_CONFIGS if semgrep and files else []:
        peer_timing, out = measure(semgrep_command(semgrep, config, package.path), runs, timeout,
                                   env=semgrep_env())
        if out:
            (OUT / f"{package.name}.semgrep-{config}.json").write_bytes(out)
        peers[config] = Peer(peer_timing, json.loads(out) if out else {})
    return Result(package, report, timing, elapsed, files, ceiling, peers)


def semgrep_command(semgrep: str, config: str, root: Path) -> list[str]:
    """semgrep with one of the rule files on the folder, reading what rampart reads."""
    (root / ".semgrepignore").write_text("")
    excludes = [f"--exclude={d}" for d in sorted(SKIPPED_DIRS) if not d.startswith(".")]
    rules = OUT / f"semgrep-{config}.yaml"
    return [semgrep, "scan", "--config", str(rules), "--metrics=off", "--disable-version-check", "--json",
            "-q", "--no-git-ignore", "--project-root", str(root), *excludes, str(root)]


def semgrep_env() -> dict[str, str]:
    """The environment for semgrep: its settings file and log under bench/.out/review/."""
    home = OUT / "semgrep-home"
    home.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "SEMGREP_SETTINGS_FILE": str(home / "settings.yml"),
            "SEMGREP_LOG_FILE": str(home / "semgrep.log"),
            "SEMGREP_VERSION_CACHE_PATH": str(home / "version")}


def line_count(path: str) -> int:
    """Lines as Rust's str::lines() counts them (a last line without a newline counts)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return 0
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


# --- printing -----------------------------------------------------------------


def rate(lines: int, seconds: float | None) -> str:
    return f"{lines / seconds:,.0f}" if seconds else "n/a"


def secs(timing: Timing | None) -> str:
    if timing is None:
        return "n/a"
    if timing.median is None:
        return timing.error or "n/a"
    return f"{timing.median:.3f}"


def languages(report: dict) -> str:
    langs = sorted(report.get("languages", {}).items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {v}" for k, v in langs) or "none"


def rampart_table(results: list[Result]) -> list[str]:
    """rampart's figures, one row a package, and a totals row."""
    rows = ["| package | version | languages (files) | files | lines | median s | elapsedMs | lines/s "
            "| findings |", "|---|---|---|--:|--:|--:|--:|--:|--:|"]
    files = lines = findings = 0
    seconds = 0.0
    for r in results:
        mirror = "" if len(r.files) == r.report.get("files", 0) else f" (walk mirror: {len(r.files)})"
        elapsed = statistics.median(r.elapsed_ms) if r.elapsed_ms else "n/a"
        rows.append(f"| {r.package.name} | {r.package.version} | {languages(r.report)} "
                    f"| {r.report.get('files', 0)}{mirror} | {r.lines:,} | {secs(r.rampart)} | {elapsed} "
                    f"| {rate(r.lines, r.rampart.median)} | {len(r.report.get('findings', []))} |")
        if r.rampart.median is not None:
            files += r.report.get("files", 0)
            lines += r.lines
            seconds += r.rampart.median
            findings += len(r.report.get("findings", []))
    rows.append(f"| **total** | | | {files} | {lines:,} | {seconds:.3f} | | {rate(lines, seconds)} "
                f"| {findings} |")
    return rows


def peer_cells(r: Result, config: str) -> str:
    """median s, lines/s and matches of one semgrep configuration (and its file count if it differs)."""
    peer = r.peers.get(config)
    if peer is None:
        return "n/a | n/a | n/a"
    extra = "" if not peer.report or len(peer.files) == len(r.files) else f" ({len(peer.files)} files)"
    return f"{secs(peer.timing)}{extra} | {rate(peer.lines, peer.timing.median)} | {peer.matches}"


def side_by_side(results: list[Result]) -> list[str]:
    """rampart next to the ceiling and semgrep, one row a package, and a totals row."""
    rows = ["| package | lines | rampart s | rampart lines/s | ceiling `cat` s | ceiling lines/s "
            "| semgrep session s | lines/s | matches | semgrep parse-all s | lines/s | matches |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        rows.append(f"| {r.package.name} | {r.lines:,} | {secs(r.rampart)} | {rate(r.lines, r.rampart.median)} "
                    f"| {secs(r.ceiling)} | {rate(r.lines, r.ceiling.median)} | {peer_cells(r, 'session')} "
                    f"| {peer_cells(r, 'parse-all')} |")
    lines = sum(r.lines for r in results)
    total = lambda timings: sum(t.median or 0 for t in timings)  # noqa: E731
    cells = [f"{total(r.rampart for r in results):.3f}", rate(lines, total(r.rampart for r in results)),
             f"{total(r.ceiling for r in results):.3f}", rate(lines, total(r.ceiling for r in results))]
    for config in SEMGREP_CONFIGS:
        peers = [r.peers[config] for r in results if config in r.peers and r.peers[config].timing.median]
        seconds = total(p.timing for p in peers)
        cells += [f"{seconds:.3f}", rate(sum(p.lines for p in peers), seconds), str(sum(p.matches for p in peers))]
    rows.append(f"| **total** | {lines:,} | " + " | ".join(cells) + " |")
    return rows


def findings_list(results: list[Result]) -> list[str]:
    """Every finding, one line each, with the path inside its package."""
    out = []
    for r in results:
        for f in r.report.get("findings", []):
            path = os.path.relpath(f["file"], r.package.path)
            first = (f.get("lines") or "").splitlines()[0].strip() if f.get("lines") else ""
            out.append(f"- {r.package.name} {r.package.version}: {f['ruleId']} ({f['severity']}, "
                       f"{f['confidence']}) `{path}:{f['startLine']}` in `{f.get('function') or '-'}`"
                       f"{' [' + f['framework'] + ']' if f.get('framework') else ''}: `{first[:140]}`")
    return out or ["- none"]


def binary_stamp(path: str) -> str:
    """The binary's modification time, to tell a rebuild during the run."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.stat(path).st_mtime))


def main() -> int:
    started = time.perf_counter()
    rampart = rampart_binary()
    if not rampart:
        print("bench/review.py: rampart binary not found; `cargo build --release` or set RAMPART",
              file=sys.stderr)
        return 2
    stamp = binary_stamp(rampart)
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    timeout = float(os.environ.get("BENCH_TIMEOUT", "600"))
    packages, missing = fetch_all()
    semgrep, semgrep_note = semgrep_binary()
    for config, patterns in SEMGREP_CONFIGS.items():
        (OUT / f"semgrep-{config}.yaml").write_text(semgrep_rules(patterns))
    chosen = sys.argv[1:]
    results = []
    for package in [p for p in packages if not chosen or p.name in chosen]:
        print(f"measuring {package.name} {package.version} ...", flush=True)
        results.append(review_package(package, rampart, semgrep, runs, timeout))
    version = subprocess.run([rampart, "--version"], capture_output=True, text=True).stdout.strip()
    report = [f"rampart: {rampart} ({version}, built {stamp}); peer: {semgrep_note}; {runs} runs each, "
              f"medians; {os.cpu_count()} cores", ""]
    if binary_stamp(rampart) != stamp:
        report += [f"WARNING: the binary changed during the run (now {binary_stamp(rampart)}): "
                   "figures mix two builds", ""]
    report += ["Fetched:"] + [f"- {p.registry}: {p.name} {p.version} ({p.language})" for p in packages]
    report += [f"- {m}" for m in missing] + ["", "rampart review:", ""] + rampart_table(results)
    report += ["", "Side by side (median wall seconds; lines/s over the lines of the files each read):", ""]
    report += side_by_side(results) + ["", "Findings:"] + findings_list(results)
    report += ["", f"total wall time of the benchmark: {time.perf_counter() - started:.1f} s"]
    (OUT / "findings.md").write_text("\n".join(report) + "\n")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
