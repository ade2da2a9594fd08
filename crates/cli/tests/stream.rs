//! `--jsonl`: findings stream as JSON lines while the scan still runs, each
//! redacted, suppressed ones marked, and a last `done` line agrees with the
//! report written at the end.

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use support::*;

const SCAN: &[&str] = &["--rate", "0", "--entropy-samples", "20", "--no-save"];

#[test]
fn findings_stream_while_the_scan_runs_and_end_with_the_score() {
    let demo = demo(rampart_demo::Flaws::vulnerable());
    let flow = temp_file("stream-flow.toml", rampart_demo::FLOW);
    let ignore = temp_file(
        "stream-ignore.toml",
        "[[ignore]]\nrule = \"SESS-007\"\nreason = \"read by our own script\"\n",
    );
    let report = std::env::temp_dir().join(format!("rampart-test-{}-stream.json", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["scan", &demo.url, "--flow", flow.to_str().unwrap(), "--jsonl", "-o"])
        .arg(&report)
        .arg("--ignore")
        .arg(&ignore)
        .args(SCAN)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines: Vec<Value> = Vec::new();
    let mut running_at_first = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        assert!(!line.contains(rampart_demo::PASSWORD), "the password streamed: {line}");
        running_at_first.get_or_insert_with(|| child.try_wait().unwrap().is_none());
        lines.push(serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")));
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(
        running_at_first,
        Some(true),
        "the first line came only when the scan had ended"
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let (done, found) = lines.split_last().unwrap();
    assert_eq!(done["event"], "done");
    assert_eq!(
        (&done["overall"], &done["letterGrade"]),
        (&report["overall"], &report["letterGrade"])
    );
    assert!(
        found
            .iter()
            .all(|l| l["event"] == "finding" && l["target"] == demo.url.as_str())
    );
    let key = |f: &Value| format!("{} {} {}", f["ruleId"], f["variant"], f["instance"]);
    let mut streamed: Vec<String> = found
        .iter()
        .filter(|l| l.get("suppressed").is_none())
        .map(key)
        .collect();
    let mut reported: Vec<String> = report["findings"].as_array().unwrap().iter().map(key).collect();
    streamed.sort();
    reported.sort();
    assert_eq!(streamed, reported, "every reported finding streamed, once");
    let suppressed: Vec<&Value> = found.iter().filter(|l| l.get("suppressed").is_some()).collect();
    assert!(!suppressed.is_empty() && suppressed.iter().all(|l| l["ruleId"] == "SESS-007"));
    assert_eq!(suppressed[0]["suppressed"]["reason"], "read by our own script");
    assert_eq!(done["suppressed"].as_u64(), Some(suppressed.len() as u64));
}

#[test]
fn a_stream_on_stdout_leaves_the_report_to_files() {
    let demo = demo(rampart_demo::Flaws::fixed());
    let out = rampart(&[&["scan", &demo.url, "--jsonl", "-f", "json"], SCAN].concat());
    assert_error(&out, "--jsonl streams to stdout");
    let file = std::env::temp_dir().join(format!("rampart-test-{}-stream.jsonl", std::process::id()));
    let out = rampart(
        &[
            &[
                "scan",
                &demo.url,
                "--checks",
                "CRYPTO-001",
                "--jsonl",
                file.to_str().unwrap(),
                "-f",
                "json",
            ],
            SCAN,
        ]
        .concat(),
    );
    assert!(out.stdout.starts_with(b"{"), "the report on stdout: {}", stderr(&out));
    assert_eq!(json(&out)["schema"], "rampart.report/v1");
    let text = std::fs::read_to_string(&file).unwrap();
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "done");
}
