//! The project file: `rampart.toml` in the working directory (or `--config
//! FILE`) supplies options, the flow (relative to the file) and
//! suppressions; the command line wins; a bad file is a one-line error.

mod support;

use serde_json::Value;
use support::*;

const PROJECT: &str = r#"
[scan]
flow = "security/flow.toml"
checks = ["SESS-001", "SESS-007"]
rate = 0
fail_on = "high"

[[ignore]]
rule = "SESS-007"
reason = "the cookie is read by our own script; HttpOnly tracked in JIRA-12"
"#;

/// A project folder holding `rampart.toml` and its flow file.
fn project(name: &str, config: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rampart-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(dir.join("security")).unwrap();
    std::fs::write(dir.join("rampart.toml"), config).unwrap();
    std::fs::write(dir.join("security/flow.toml"), rampart_demo::FLOW).unwrap();
    dir
}

/// How many checks ran, and the rules of every finding, suppressed or not.
fn ran(report: &Value) -> (u64, Vec<&str>) {
    let found = report["findings"].as_array().unwrap().iter();
    let suppressed = report["suppressed"].as_array().into_iter().flatten();
    let mut rules: Vec<&str> = found.chain(suppressed).map(|f| f["ruleId"].as_str().unwrap()).collect();
    rules.sort();
    rules.dedup();
    (report["stats"]["checksRun"].as_u64().unwrap(), rules)
}

#[test]
fn the_project_file_supplies_the_flow_checks_gate_and_suppressions() {
    let demo = demo(rampart_demo::Flaws::vulnerable());
    let dir = project("proj-a", PROJECT);
    let out = rampart_in(&dir, &["scan", &demo.url, "-f", "json", "--no-save"]);
    let report = json(&out);
    let events = report["stats"]["events"].to_string();
    assert!(
        events.contains("options and suppressions from rampart.toml"),
        "{events}"
    );
    assert_eq!(ran(&report), (2, vec!["SESS-001", "SESS-007"]));
    assert!(report["flow"].is_object(), "the file's flow was used: {report}");
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["ruleId"] == "SESS-001"), "{report}");
    let suppressed = report["suppressed"].as_array().unwrap();
    assert!(
        suppressed.iter().all(|s| s["ruleId"] == "SESS-007") && !suppressed.is_empty(),
        "{report}"
    );
    assert_eq!(suppressed[0]["suppression"]["source"], "rampart.toml #1");
    assert_eq!(
        out.status.code(),
        Some(1),
        "fail_on = high fails the gate: {}",
        stderr(&out)
    );
}

#[test]
fn the_command_line_wins_and_no_config_skips_the_file() {
    let demo = demo(rampart_demo::Flaws::vulnerable());
    let dir = project("proj-b", PROJECT);
    let over = rampart_in(
        &dir,
        &["scan", &demo.url, "-f", "json", "--no-save", "--checks", "SESS-004"],
    );
    assert_eq!(ran(&json(&over)), (1, vec!["SESS-004"]));
    let bare = rampart_in(
        &dir,
        &[
            "scan",
            &demo.url,
            "-f",
            "json",
            "--no-save",
            "--no-config",
            "--checks",
            "SESS-001",
        ],
    );
    let report = json(&bare);
    assert!(report["flow"].is_null(), "no flow without the file: {report}");
    assert_eq!(
        bare.status.code(),
        Some(0),
        "no gate without the file: {}",
        stderr(&bare)
    );
    let elsewhere = std::env::temp_dir();
    let config = dir.join("rampart.toml");
    let named = rampart_in(
        &elsewhere,
        &[
            "scan",
            &demo.url,
            "-f",
            "json",
            "--no-save",
            "--config",
            config.to_str().unwrap(),
        ],
    );
    let report = json(&named);
    assert!(
        report["flow"].is_object(),
        "the flow resolves next to the file: {report}"
    );
}

#[test]
fn a_bad_project_file_is_a_one_line_error() {
    let typo = project("proj-c", "[scan]\nrat = 5\n");
    assert_error(
        &rampart_in(&typo, &["scan", "http://127.0.0.1:9/"]),
        "rampart.toml: unknown field `rat`",
    );
    let range = project("proj-d", "[scan]\nconcurrency = 0\n");
    assert_error(
        &rampart_in(&range, &["scan", "http://127.0.0.1:9/"]),
        "[scan] concurrency = 0 is outside 1..=1024",
    );
    let gate = project("proj-e", "[scan]\nfail_on = \"severe\"\n");
    assert_error(
        &rampart_in(&gate, &["scan", "http://127.0.0.1:9/"]),
        "unknown severity 'severe'",
    );
    let ignore = project("proj-f", "[[ignore]]\nrule = \"SESS-001\"\nreason = \"\"\n");
    assert_error(
        &rampart_in(&ignore, &["scan", "http://127.0.0.1:9/"]),
        "rampart.toml #1: a suppression needs a reason",
    );
    assert_error(
        &rampart(&["scan", "http://127.0.0.1:9/", "--config", "/nonexistent/rampart.toml"]),
        "--config",
    );
}
