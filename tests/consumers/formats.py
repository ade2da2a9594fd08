#!/usr/bin/env python3
"""Real consumers of rampart's SARIF, JUnit and HTML reports.

Runs `rampart demo` (the built-in vulnerable API, and its fixed twin) once per
format and hands each file to a tool that reads that format for a living:

- SARIF: the SARIF 2.1.0 JSON schema with Python `jsonschema`, and Microsoft's
  SARIF Multitool `validate` (its SARIF and GitHub rule sets); also the SARIF
  of `rampart review` on its fixtures, whose regions must quote the files;
- JUnit: `junitparser`, compared with the rules that ran and the findings;
- HTML: headless Chromium through playwright-core (html_check.mjs);
- the terminal summary: `rampart demo` in a real terminal (tmux), terminal.py.

Ground truth comes from `rampart checks --format json` and a JSON demo run.
Prints one line per check and ends with `N passed, N failed`.

usage: tests/consumers/setup && tests/consumers/formats.py
env:   RAMPART=path/to/rampart (default target/release/rampart)
"""

import collections
import copy
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV = HERE / ".venv"
# The SARIF 2.1.0 schema as the SARIF SDK's multitool ships it (its own
# validator uses it). Unlike the OASIS original (draft-04), this copy declares
# draft 2020-12 and already has the `language` pattern corrected to
# ^[a-zA-Z]{2}(-[a-zA-Z]{2})?$, so nothing needs relaxing for Python's `re`.
SCHEMA = HERE / "node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
# The committed screenshot is refreshed only on request (RAMPART_SCREENSHOT=1); otherwise it goes to the temp dir.
SCREENSHOT = ROOT / "docs/report-screenshot.png"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}

if Path(sys.prefix).resolve() != VENV.resolve() and (VENV / "bin/python").exists():
    os.execv(VENV / "bin/python", [str(VENV / "bin/python"), __file__, *sys.argv[1:]])

import jsonschema  # noqa: E402  (after the re-exec into the venv)
from junitparser import Failure, JUnitXml, Skipped, TestSuite  # noqa: E402
from terminal import terminal_checks  # noqa: E402


class Checks:
    """Counts and prints check outcomes, one line each."""

    def __init__(self):
        self.passed = self.failed = 0

    def record(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        suffix = f" ({detail})" if detail else ""
        print(f"{'ok  ' if ok else 'FAIL'} {name}{suffix}", flush=True)
        return ok


def rampart(*args):
    binary = os.environ.get("RAMPART", str(ROOT / "target/release/rampart"))
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=180, cwd=ROOT)


def demo(c, fmt, out, fixed=False):
    """Run the demo into `out`; record whether it worked."""
    proc = rampart("demo", "--format", fmt, "--output", str(out), *(["--fixed"] if fixed else []))
    twin = "fixed" if fixed else "vulnerable"
    ok = proc.returncode == 0 and out.exists()
    last = (proc.stderr.strip().splitlines() or [""])[-1]
    c.record(f"{fmt}: rampart demo ({twin}) writes {out.name}", ok, last)
    return ok


class Truth:
    """What the reports must show: the rules that ran and one JSON demo run."""

    def __init__(self, tmp, fixed):
        rules = json.loads(rampart("checks", "--format", "json").stdout)
        self.rules = {r["id"]: r for r in rules}
        out = tmp / f"truth-{'fixed' if fixed else 'vulnerable'}.json"
        rampart("demo", "--format", "json", "--output", str(out), *(["--fixed"] if fixed else []))
        report = json.loads(out.read_text())
        assert report["stats"]["checksRun"] == len(self.rules), "the demo runs every check"
        self.grade, self.overall = report["letterGrade"], report["overall"]
        self.findings = report["findings"]
        self.per_rule = collections.Counter(f["ruleId"] for f in self.findings)


# SARIF ---------------------------------------------------------------------


def schema_errors(doc):
    schema = json.loads(SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def corrupt(doc):
    """A copy with two schema violations and an inconsistent rule reference."""
    bad = copy.deepcopy(doc)
    run = bad["runs"][0]
    run["results"][0]["level"] = "fatal"
    run["results"][0]["ruleIndex"] = len(run["tool"]["driver"]["rules"]) + 5
    del run["tool"]["driver"]["name"]
    return bad


def multitool(tmp, path, kind=None):
    """`sarif-multitool validate`: exit code, error-level results, warnings by rule."""
    out = tmp / f"{path.stem}-{kind or 'sarif'}-validation.sarif"
    out.unlink(missing_ok=True)
    args = ["npx", "--no", "sarif-multitool", "validate", str(path), "--output", str(out)]
    args += ["--rule-kind", kind] if kind else []
    proc = subprocess.run(args, cwd=HERE, capture_output=True, text=True, timeout=300)
    if not out.exists():
        return proc.returncode, [f"no validation log; stdout: {proc.stdout[-500:]} {proc.stderr[-500:]}"], {}
    run = json.loads(out.read_text())["runs"][0]
    levels = {i: r.get("defaultConfiguration", {}).get("level", "warning")
              for i, r in enumerate(run["tool"]["driver"].get("rules", []))}
    errors, warnings = [], collections.Counter()
    for r in run.get("results", []):
        level = r.get("level") or levels.get(r.get("ruleIndex"), "warning")
        if level == "error":
            errors.append(f"{r['ruleId']} {r['message'].get('arguments', [''])[0]}")
        else:
            warnings[r["ruleId"]] += 1
    return proc.returncode, errors, dict(warnings)


def sarif_content(c, doc, truth):
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    c.record("sarif: one run whose driver lists every rule that ran",
             len(doc["runs"]) == 1 and [r["id"] for r in rules] == list(truth.rules),
             f"{len(rules)} rules")
    results = run["results"]
    per_rule = collections.Counter(r["ruleId"] for r in results)
    consistent = all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    c.record("sarif: one result per finding, each pointing at its rule",
             per_rule == truth.per_rule and consistent, f"{len(results)} results, {len(truth.findings)} findings")
    ranked = all(r["properties"]["security-severity"] == SECURITY_SEVERITY[truth.rules[r["id"]]["severity"]]
                 and any(t.startswith("CWE-") for t in r["properties"]["tags"]) for r in rules)
    c.record("sarif: every rule has security-severity and CWE tags", ranked)
    prints = [next(iter(r["partialFingerprints"].values())) for r in results]
    located = all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("http")
                  and r["properties"]["curl"] for r in results)
    c.record("sarif: results have distinct fingerprints, URL locations and curl commands",
             len(set(prints)) == len(prints) and located)


def sarif_checks(c, tmp, truth, truth_fixed):
    path = tmp / "vulnerable.sarif"
    if not demo(c, "sarif", path):
        return
    doc = json.loads(path.read_text())
    errors = schema_errors(doc)
    c.record("sarif: valid against the SARIF 2.1.0 JSON schema (jsonschema)", not errors, "; ".join(errors[:3]))
    bad = tmp / "corrupted.sarif"
    bad.write_text(json.dumps(corrupt(doc)))
    c.record("sarif: schema rejects a corrupted copy (control)", len(schema_errors(corrupt(doc))) >= 2)
    sarif_content(c, doc, truth)
    for kind in (None, "Gh"):
        name = "SARIF rules" if kind is None else "GitHub rules (--rule-kind Gh)"
        code, errors, warnings = multitool(tmp, path, kind)
        c.record(f"sarif: sarif-multitool validate, {name}: exit 0, no errors",
                 code == 0 and not errors, f"exit {code}, errors {errors[:3]}, warnings {warnings}")
    code, errors, _ = multitool(tmp, bad)
    c.record("sarif: sarif-multitool flags the corrupted copy (control)", bool(errors), f"exit {code}, {len(errors)} errors")
    fixed = tmp / "fixed.sarif"
    if demo(c, "sarif", fixed, fixed=True):
        doc = json.loads(fixed.read_text())
        code, errors, _ = multitool(tmp, fixed)
        ok = not schema_errors(doc) and not doc["runs"][0]["results"] and code == 0 and not errors
        c.record("sarif: fixed demo is valid with zero results", ok and not truth_fixed.findings)


def review_sarif_checks(c, tmp, truth, truth_fixed):
    """`rampart review` SARIF: valid, and every region quotes exactly the lines it points at."""
    fixtures = "crates/review/tests/fixtures"
    path = tmp / "review.sarif"
    proc = rampart("review", fixtures, "--format", "sarif", "--output", str(path))
    if not c.record("review sarif: rampart review writes review.sarif", proc.returncode == 0 and path.exists(),
                    proc.stderr.strip()[-200:]):
        return
    doc = json.loads(path.read_text())
    errors = schema_errors(doc)
    c.record("review sarif: valid against the SARIF 2.1.0 JSON schema (jsonschema)", not errors, "; ".join(errors[:3]))
    for kind in (None, "Gh"):
        name = "SARIF rules" if kind is None else "GitHub rules (--rule-kind Gh)"
        code, errors, warnings = multitool(tmp, path, kind)
        c.record(f"review sarif: sarif-multitool validate, {name}: exit 0, no errors",
                 code == 0 and not errors, f"exit {code}, errors {errors[:3]}, warnings {warnings}")
    report = json.loads(rampart("review", fixtures, "--format", "json").stdout)
    results = doc["runs"][0]["results"]
    c.record("review sarif: one result per finding of the JSON review", len(results) == len(report["findings"]) > 20,
             f"{len(results)} results, {len(report['findings'])} findings")
    misplaced = []
    for r in results:
        loc = r["locations"][0]["physicalLocation"]
        lines = (ROOT / loc["artifactLocation"]["uri"]).read_text().splitlines()
        region = loc["region"]
        quoted = "\n".join(lines[region["startLine"] - 1:region["endLine"]])
        if quoted != region["snippet"]["text"]:
            misplaced.append(f"{loc['artifactLocation']['uri']}:{region['startLine']}")
    c.record("review sarif: every region's snippet is the file's text at those lines (relative URIs)",
             results and not misplaced, misplaced[:3])
    clean = tmp / "review-clean.sarif"
    proc = rampart("review", f"{fixtures}/seeds/seed001-block2-fastapi-server-generated-id.py", "--format", "sarif",
                   "--output", str(clean))
    doc = json.loads(clean.read_text()) if clean.exists() else {"runs": [{"results": [None]}]}
    c.record("review sarif: a seed's remediation code gives a valid log with zero results",
             proc.returncode == 0 and not schema_errors(doc) and doc["runs"][0]["results"] == [])


# JUnit ---------------------------------------------------------------------


def suites(path):
    xml = JUnitXml.fromfile(str(path))
    return [xml] if isinstance(xml, TestSuite) else list(xml)


def junit_checks(c, tmp, truth, truth_fixed):
    path = tmp / "vulnerable.xml"
    if not demo(c, "junit", path):
        return
    found = suites(path)
    c.record("junit: junitparser reads one suite named rampart", len(found) == 1 and found[0].name == "rampart")
    suite = found[0]
    cases = list(suite)
    expected = {f"{r['id']} {r['title']}" for r in truth.rules.values()}
    c.record("junit: one test case per rule that ran", {case.name for case in cases} == expected,
             f"{len(cases)} cases, {len(truth.rules)} rules")
    counted, classes = {}, True
    for case in cases:
        rule_id = case.name.split(" ", 1)[0]
        counted[rule_id] = sum(isinstance(r, Failure) for r in case.result)
        classes &= case.classname == truth.rules[rule_id]["category"]
    wanted = {rid: truth.per_rule.get(rid, 0) for rid in truth.rules}
    c.record("junit: failures per rule match the findings per rule", counted == wanted,
             f"{sum(counted.values())} failures, {len(truth.findings)} findings")
    c.record("junit: class names are the rules' categories", classes)
    bodies = [r for case in cases for r in case.result if isinstance(r, Failure)]
    c.record("junit: each failure names severity and endpoint and carries curl",
             all(r.message.split(" ")[0] in SECURITY_SEVERITY and "http" in r.message and "curl " in (r.text or "")
                 for r in bodies))
    c.record("junit: suite counts agree with its cases",
             (suite.tests, suite.failures, suite.errors) == (len(cases), sum(1 for n in counted.values() if n), 0),
             f"tests {suite.tests} failures {suite.failures} errors {suite.errors}")
    fixed = tmp / "fixed.xml"
    if demo(c, "junit", fixed, fixed=True):
        suite = suites(fixed)[0]
        failures = sum(isinstance(r, Failure) for case in suite for r in case.result)
        c.record("junit: fixed demo has zero failures over every rule",
                 failures == 0 and suite.failures == 0 and len(list(suite)) == len(truth_fixed.rules),
                 f"{len(list(suite))} cases, {failures} failures")
    junit_skipped(c, tmp, truth)


def junit_skipped(c, tmp, truth):
    """A scan without a flow: every rule must come back skipped, with its reason."""
    binary = os.environ.get("RAMPART", str(ROOT / "target/release/rampart"))
    server = subprocess.Popen([binary, "demo", "--serve"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = server.stdout.readline().strip()
        path = tmp / "noflow.xml"
        proc = rampart("scan", url, "--format", "junit", "--output", str(path))
    finally:
        server.send_signal(signal.SIGINT)  # lets the demo remove its temporary flow file
        server.wait(timeout=10)
    if not c.record("junit: rampart scan without a flow writes noflow.xml", proc.returncode == 0, proc.stderr.strip()):
        return
    suite = suites(path)[0]
    reasons = [r.message for case in suite for r in case.result if isinstance(r, Skipped)]
    session = [case for case in suite if case.name.startswith("SESS-")]
    session_skipped = [case for case in session if any(isinstance(r, Skipped) and r.message for r in case.result)]
    c.record("junit: without a flow every session rule is skipped with its reason",
             len(session) > 0 and len(session_skipped) == len(session), f"{len(session_skipped)} of {len(session)}")
    ran = [case for case in suite if not any(isinstance(r, Skipped) for r in case.result)]
    c.record("junit: every skipped case carries its reason and the suite counts them",
             len(reasons) == suite.skipped and all(reasons) and len(ran) + len(reasons) == len(list(suite)),
             f"{len(reasons)} skipped, {len(ran)} ran")
    c.record("junit: without a flow the other categories still run", len(ran) > 0 and not any(
        case.name.startswith("SESS-") for case in ran), f"{len(ran)} ran")


# HTML ----------------------------------------------------------------------


def chromium(c, tmp, spec):
    spec_path = tmp / f"spec-{Path(spec['file']).stem}.json"
    spec_path.write_text(json.dumps(spec))
    proc = subprocess.run(["node", str(HERE / "html_check.mjs"), str(spec_path)], cwd=HERE,
                          capture_output=True, text=True, timeout=300)
    try:
        checks = json.loads(proc.stdout.strip().splitlines()[-1])["checks"]
    except (IndexError, ValueError, KeyError):
        c.record("html: html_check.mjs reported", False, (proc.stdout + proc.stderr)[-800:])
        return
    for check in checks:
        c.record(check["name"], check["ok"], check["detail"])


def html_checks(c, tmp, truth, truth_fixed):
    path = tmp / "vulnerable.html"
    if demo(c, "html", path):
        control = tmp / "control.html"
        control.write_text('<!DOCTYPE html><title>control</title><img src="http://127.0.0.1:9/pixel.png">')
        shot = SCREENSHOT if os.environ.get("RAMPART_SCREENSHOT") == "1" else tmp / "report.png"
        shot.parent.mkdir(exist_ok=True)
        chromium(c, tmp, {
            "file": str(path), "grade": truth.grade, "titles": [f["title"] for f in truth.findings],
            "visible": [f"Score {truth.overall}/100"], "screenshot": str(shot), "control": str(control),
        })
    fixed = tmp / "fixed.html"
    if demo(c, "html", fixed, fixed=True):
        chromium(c, tmp, {
            "file": str(fixed), "grade": truth_fixed.grade, "titles": [],
            "visible": ["No findings.", f"Score {truth_fixed.overall}/100"], "screenshot": None, "control": None,
        })


def main():
    started = time.monotonic()
    c = Checks()
    with tempfile.TemporaryDirectory(prefix="rampart-consumers-") as name:
        tmp = Path(name)
        try:
            truth, truth_fixed = Truth(tmp, fixed=False), Truth(tmp, fixed=True)
        except (OSError, ValueError, KeyError, AssertionError) as err:
            c.record("ground truth: rampart checks and a JSON demo run", False, repr(err))
            print(f"{c.passed} passed, {c.failed} failed")
            return 1
        for section in (sarif_checks, review_sarif_checks, junit_checks, html_checks, terminal_checks):
            begun = time.monotonic()
            section(c, tmp, truth, truth_fixed)
            print(f"     {section.__name__} took {time.monotonic() - begun:.1f} s", flush=True)
    print(f"     total {time.monotonic() - started:.1f} s")
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
