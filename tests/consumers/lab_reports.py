#!/usr/bin/env python3
"""A real lab application through the report consumers and `rampart diff`.

Starts api-zoo's vulnerable and fixed variants (lab/lib/labctl.py, as lab/up does;
they need no database), scans each as lab/check does with one scan writing both
`.json` and `.sarif`, then:

- SARIF: the official 2.1.0 schema (jsonschema) and Microsoft's SARIF Multitool
  `validate` accept both files, and the vulnerable one holds one result per finding;
- diff: `rampart diff VULNERABLE.json FIXED.json` lists as fixed every vulnerable
  finding whose fingerprint the fixed report lacks, counts new/fixed/unchanged as the
  two reports' fingerprints say, and prints the score drift.

Needs lab/setup and tests/consumers/setup first; prints `N passed, N failed`.
"""
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = HERE / ".venv"
if Path(sys.prefix).resolve() != VENV.resolve() and (VENV / "bin/python").exists():
    os.execv(VENV / "bin/python", [str(VENV / "bin/python"), __file__, *sys.argv[1:]])
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "lab/lib"))
from formats import Checks, multitool, rampart, schema_errors  # noqa: E402  (after the re-exec into the venv)
import labctl  # noqa: E402

TARGET = "api-zoo"


def scan(c, entry, tmp):
    """Start `entry`'s variant, scan it into VARIANT.json and VARIANT.sarif; the JSON report or None."""
    variant = entry["variant"]
    pid, url = labctl.start_app(TARGET, variant, labctl.free_port())
    try:
        json_out, sarif_out = tmp / f"{variant}.json", tmp / f"{variant}.sarif"
        proc = rampart("scan", url, "--flow", str(labctl.LAB / entry["flow"]), "--spec",
                       str(labctl.LAB / entry["spec"]), *entry.get("args", []), "--no-save",
                       "--output", str(json_out), "--output", str(sarif_out))
    finally:
        labctl.stop_app(pid)
    ok = proc.returncode in (0, 1) and json_out.exists() and sarif_out.exists()
    c.record(f"{variant}: one scan of {TARGET} writes {json_out.name} and {sarif_out.name}", ok,
             (proc.stderr.strip().splitlines() or [""])[-1])
    return json.loads(json_out.read_text()) if ok else None


def sarif(c, tmp, variant, report):
    path = tmp / f"{variant}.sarif"
    doc = json.loads(path.read_text())
    errors = schema_errors(doc)
    c.record(f"{variant}: SARIF valid against the 2.1.0 schema", not errors, "; ".join(errors[:3]))
    code, errors, warnings = multitool(tmp, path)
    c.record(f"{variant}: sarif-multitool validate: exit 0, no errors", code == 0 and not errors,
             f"exit {code}, errors {errors[:3]}, warnings {warnings}")
    results = doc["runs"][0]["results"]
    ids = sorted(r["ruleId"] for r in results)
    c.record(f"{variant}: one SARIF result per finding", ids == sorted(f["ruleId"] for f in report["findings"]),
             f"{len(ids)} results, {len(report['findings'])} findings")


def diff(c, tmp, old, new):
    old_prints = {f["fingerprint"]: f for f in old["findings"]}
    new_prints = {f["fingerprint"] for f in new["findings"]}
    fixed = [f for p, f in old_prints.items() if p not in new_prints]
    want = {"new": len(new_prints - old_prints.keys()), "fixed": len(fixed),
            "unchanged": len(new_prints & old_prints.keys())}
    c.record("diff: the vulnerable variant has findings the fixed one lacks", len(fixed) >= 12, f"{len(fixed)} fixed")

    proc = rampart("diff", str(tmp / "vulnerable.json"), str(tmp / "fixed.json"), "--format", "json")
    got = json.loads(proc.stdout) if proc.returncode == 0 else {}
    c.record("diff --format json: counts agree with the reports' fingerprints", got.get("counts") == want,
             f"{got.get('counts')} vs {want}")
    listed = {f["fingerprint"] for f in got.get("findings", {}).get("fixed", [])}
    c.record("diff --format json: every fixed finding listed by fingerprint",
             listed == {f["fingerprint"] for f in fixed}, f"{len(listed)} listed")

    proc = rampart("diff", str(tmp / "vulnerable.json"), str(tmp / "fixed.json"))
    text = proc.stdout
    section = text.split("FIXED (", 1)[-1].split("UNCHANGED", 1)[0] if "FIXED (" in text else ""
    missing = [f["ruleId"] for f in fixed if f["ruleId"] not in section or f["title"] not in section]
    c.record("diff: the text lists each fixed finding's rule and title", proc.returncode == 0 and not missing,
             f"missing {missing[:5]}")
    drift = new["overall"] - old["overall"]
    line = f"Score {old['overall']} ({old['letterGrade']}) → {new['overall']} ({new['letterGrade']})  {drift:+d}"
    c.record("diff: the score drift", drift > 0 and line in text, line)


def main():
    os.environ.setdefault("LAB_PASSWORD", labctl.DEFAULT_PASSWORD)
    labctl.second_identity_env()
    c = Checks()
    entries = {e["variant"]: e for e in labctl.load_manifest() if e["name"] == TARGET}
    with tempfile.TemporaryDirectory(prefix="rampart-lab-reports-") as name:
        tmp = Path(name)
        reports = {}
        for variant in ("vulnerable", "fixed"):
            try:
                reports[variant] = scan(c, entries[variant], tmp)
            except (labctl.LabError, OSError, ValueError) as ex:
                c.record(f"{variant}: {TARGET} started and scanned", False, f"{type(ex).__name__}: {ex}")
                reports[variant] = None
            if reports[variant] is not None:
                sarif(c, tmp, variant, reports[variant])
        if all(reports.values()):
            diff(c, tmp, reports["vulnerable"], reports["fixed"])
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
