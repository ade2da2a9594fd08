//! Repeatable `--output`: one scan written to several files, each in the format
//! its extension names, and a clear exit 2 for ambiguous or unknown outputs.

mod support;

use rampart_demo::Flaws;
use serde_json::Value;
use std::path::{Path, PathBuf};
use support::*;

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A fresh directory for one test's output files.
fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rampart-outputs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn several_outputs_get_one_scan_each_in_its_format() {
    let target = demo(Flaws::vulnerable());
    let flow = temp_file("outputs-flow.toml", rampart_demo::FLOW);
    let dir = out_dir("several");
    let [sarif, json, md, xml] = ["r.sarif", "r.json", "summary.md", "r.xml"].map(|n| dir.join(n));
    let arg = |p: &PathBuf| p.to_str().unwrap().to_string();
    let (sarif_s, json_s, md_s, xml_s) = (arg(&sarif), arg(&json), arg(&md), arg(&xml));
    let out = rampart(&[
        "scan",
        &target.url,
        "--flow",
        flow.to_str().unwrap(),
        "--rate",
        "0",
        "--entropy-samples",
        "20",
        "--output",
        &sarif_s,
        "--output",
        &json_s,
        "--output",
        &md_s,
        "--output",
        &xml_s,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing on stdout with --output");

    let report = read_json(&json);
    assert_eq!(report["schema"], "rampart.report/v1");
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());

    let log = read_json(&sarif);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), findings.len());
    assert_eq!(run["invocations"][0]["startTimeUtc"], report["startedAt"], "one scan");

    let summary = std::fs::read_to_string(&md).unwrap();
    let headline = format!(
        "## rampart: grade {}, score {}/100",
        report["letterGrade"].as_str().unwrap(),
        report["overall"]
    );
    assert!(summary.starts_with(&headline), "{summary}");
    for f in findings {
        assert!(
            summary.contains(f["ruleId"].as_str().unwrap()),
            "{} missing",
            f["ruleId"]
        );
    }

    let junit = std::fs::read_to_string(&xml).unwrap();
    assert!(junit.starts_with("<?xml") && junit.contains("<testsuites name=\"rampart\""));
    let started: String = report["startedAt"].as_str().unwrap().chars().take(19).collect();
    assert!(junit.contains(&format!("timestamp=\"{started}\"")), "one scan");
}

#[test]
fn one_output_still_takes_format() {
    let dir = out_dir("one");
    let path = dir.join("report.txt");
    let out = rampart(&[
        "demo",
        "--fixed",
        "--format",
        "markdown",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("## rampart: grade "), "{text}");
    assert!(
        text.contains("\n### Findings\n") && text.contains("\n### Gate\n"),
        "{text}"
    );
}

#[test]
fn ambiguous_or_unknown_outputs_fail_before_scanning() {
    let dir = out_dir("errors");
    let file = |n: &str| dir.join(n).to_str().unwrap().to_string();
    let (json, sarif, pdf) = (file("r.json"), file("r.sarif"), file("r.pdf"));
    let url = "http://127.0.0.1:9/";
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", url];
        args.extend_from_slice(extra);
        rampart(&args)
    };
    assert_error(
        &scan(&["--output", &json, "--output", &sarif, "--format", "json"]),
        "--format applies to a single --output",
    );
    assert_error(
        &scan(&["--output", &json, "--output", &pdf]),
        &format!("cannot tell the format of '{pdf}'"),
    );
    assert_error(&scan(&["--output", &pdf]), "add --format");
    assert_error(&scan(&["--output", &json, "--output", &json]), "is given twice");
    assert_error(&scan(&["--output", &json, "--har", &json]), "name the same file");
    let folder = out_dir("errors-folder").join("folder.json");
    std::fs::create_dir(&folder).unwrap();
    assert_error(
        &scan(&["--output", &json, "--output", folder.to_str().unwrap()]),
        "is a directory",
    );
    assert_error(&scan(&["--format", "pdf"]), "html, markdown]");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "no file written: {left:?}");
}
