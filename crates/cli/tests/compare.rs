//! Comparing scans with the real binary: `rampart diff` of the vulnerable and
//! the fixed demo, `--baseline` with `--fail-on-new`, and `--har` from a scan.
//! Reports come from demo servers on different random ports, so matching
//! also proves fingerprints ignore the port.

mod support;

use rampart_demo::Flaws;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::*;

/// `rampart demo [--fixed]` written to a JSON report file named after `test`.
fn demo_report(test: &str, fixed: bool) -> (PathBuf, Value) {
    let variant = if fixed { "fixed" } else { "vulnerable" };
    let path = temp_file(&format!("{test}-{variant}.json"), "");
    let mut args = vec!["demo", "--output", path.to_str().unwrap()];
    if fixed {
        args.push("--fixed");
    }
    let out = rampart(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    (path, report)
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

fn label(f: &Value) -> String {
    let title = f["title"].as_str().unwrap();
    match (f["variant"].as_str(), f["instance"].as_str()) {
        (Some(v), Some(i)) => format!("{title} [{v}: {i}]"),
        (Some(q), None) | (None, Some(q)) => format!("{title} [{q}]"),
        (None, None) => title.to_string(),
    }
}

#[test]
fn diff_of_vulnerable_and_fixed_demo_lists_every_finding_as_fixed() {
    let (old_path, old) = demo_report("diff", false);
    let (new_path, _) = demo_report("diff", true);
    let (old_file, new_file) = (old_path.to_str().unwrap(), new_path.to_str().unwrap());
    let low = old["overall"].as_u64().unwrap();
    assert!(
        low < 80 && !findings(&old).is_empty(),
        "a confirmed high caps the score at 79: {low}"
    );

    let out = rampart(&["diff", old_file, new_file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let fixed_section = text.split("FIXED (").nth(1).unwrap().split("UNCHANGED").next().unwrap();
    for f in findings(&old) {
        let line = format!(
            "{:<9} {:<8} {}",
            f["ruleId"].as_str().unwrap(),
            f["severity"].as_str().unwrap(),
            label(f)
        );
        assert!(fixed_section.contains(&line), "{line} not fixed in:\n{text}");
    }
    let old_grade = old["letterGrade"].as_str().unwrap();
    assert!(
        text.contains(&format!("Score {low} ({old_grade}) → 100 (A)  +{}", 100 - low)),
        "{text}"
    );
    let n = findings(&old).len();
    assert!(text.contains(&format!("0 new, {n} fixed, 0 unchanged")), "{text}");

    let out = rampart(&["diff", old_file, new_file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let diff = json(&out);
    assert_eq!(
        diff["counts"],
        serde_json::json!({"new": 0, "fixed": n, "unchanged": 0})
    );
    let fixed: BTreeSet<&str> = diff["findings"]["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let before: BTreeSet<&str> = findings(&old)
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fixed, before);
    assert_eq!(
        (diff["old"]["overall"].as_u64(), diff["new"]["overall"].as_u64()),
        (Some(low), Some(100))
    );
    assert_eq!(diff["new"]["letterGrade"], "A");
    let auth = &diff["categories"][0];
    assert_eq!(
        (auth["category"].as_str(), auth["new"].as_u64()),
        (Some("Authentication"), Some(100))
    );
}

/// `rampart scan` of a fresh vulnerable demo with `extra` arguments.
fn scan_vulnerable(extra: &[&str]) -> std::process::Output {
    let target = demo(Flaws::vulnerable());
    let flow = temp_file("compare-flow.toml", rampart_demo::FLOW);
    let mut args = vec![
        "scan",
        target.url.as_str(),
        "--flow",
        flow.to_str().unwrap(),
        "--rate",
        "0",
    ];
    args.extend_from_slice(extra);
    if !extra.contains(&"--format") {
        args.extend_from_slice(&["--format", "json"]);
    }
    rampart(&args)
}

fn baseline_marks(report: &Value) -> BTreeSet<&str> {
    findings(report)
        .iter()
        .map(|f| f["baseline"].as_str().unwrap_or("none"))
        .collect()
}

#[test]
fn baseline_marks_findings_and_fail_on_new_gates_only_new_ones() {
    let (vulnerable, _) = demo_report("baseline", false);
    let (fixed, _) = demo_report("baseline", true);
    let har = temp_file("scan.har", "");
    let same = scan_vulnerable(&[
        "--baseline",
        vulnerable.to_str().unwrap(),
        "--fail-on-new",
        "high",
        "--har",
        har.to_str().unwrap(),
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    let report = json(&same);
    assert!(!findings(&report).is_empty());
    assert_eq!(baseline_marks(&report), BTreeSet::from(["unchanged"]));
    har_matches(&har, &report);

    let worse = scan_vulnerable(&["--baseline", fixed.to_str().unwrap(), "--fail-on-new", "high"]);
    assert_eq!(worse.status.code(), Some(1), "{}", stderr(&worse));
    assert!(
        stderr(&worse).contains("new finding(s) of severity high or above"),
        "{}",
        stderr(&worse)
    );
    let worse = json(&worse);
    assert_eq!(baseline_marks(&worse), BTreeSet::from(["new"]));

    let summary = scan_vulnerable(&["--baseline", fixed.to_str().unwrap(), "--format", "summary"]);
    let text = String::from_utf8_lossy(&summary.stdout);
    assert_eq!(
        summary.status.code(),
        Some(0),
        "no gate asked for: {}",
        stderr(&summary)
    );
    assert!(
        text.contains(&format!("Baseline: {} new, 0 unchanged", findings(&worse).len())),
        "{text}"
    );
    assert!(text.contains("(confirmed, new)"), "{text}");
}

/// The HAR from `--har` has one entry per request the report counted.
fn har_matches(path: &Path, report: &Value) {
    let har: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len() as u64, report["stats"]["requests"].as_u64().unwrap());
    let login = entries
        .iter()
        .find(|e| e["request"]["method"] == "POST" && e["request"]["url"].as_str().unwrap().ends_with("/login"))
        .expect("a login entry");
    assert_eq!(
        login["request"]["postData"]["mimeType"],
        "application/x-www-form-urlencoded"
    );
    assert!(!String::from_utf8_lossy(&std::fs::read(path).unwrap()).contains("correct-horse-7"));
}

#[test]
fn unreadable_or_malformed_reports_are_named() {
    let (good, _) = demo_report("malformed", true);
    let good = good.to_str().unwrap();
    let missing = "/nonexistent/rampart-old.json";
    assert_error(
        &rampart(&["diff", missing, good]),
        "cannot read /nonexistent/rampart-old.json",
    );
    let garbage = temp_file("garbage.json", "{\"schema\": ");
    let garbage = garbage.to_str().unwrap();
    assert_error(
        &rampart(&["diff", good, garbage]),
        &format!("{garbage}: not a rampart JSON report"),
    );
    let other = temp_file("other.json", "{\"schema\": \"sarif/2.1.0\"}");
    let other = other.to_str().unwrap();
    assert_error(
        &rampart(&["diff", other, good]),
        "schema is 'sarif/2.1.0', not rampart.report/v1",
    );
    assert_error(
        &rampart(&["diff", good, good, "--format", "xml"]),
        "invalid value 'xml' for '--format <FORMAT>' [possible values: text, json]",
    );
    // A bad baseline stops the scan before any request: port 9 is never reached.
    assert_error(
        &rampart(&["scan", "http://127.0.0.1:9/", "--baseline", garbage]),
        "garbage.json: not a rampart JSON report",
    );
    let no_baseline = rampart(&["scan", "http://127.0.0.1:9/", "--fail-on-new", "high"]);
    assert_eq!(no_baseline.status.code(), Some(2));
    assert!(stderr(&no_baseline).contains("--baseline"), "{}", stderr(&no_baseline));
}
