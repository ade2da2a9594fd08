//! The scan history through the real binary: `scan` saves, `list` shows,
//! `results` renders the saved report again exactly as the scan wrote it, and
//! bad ids or databases are clear errors (exit 2) while a failed save only warns.

mod support;

use rampart_demo::Flaws;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::*;

/// A fresh directory for one test's databases and files.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rampart-history-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `rampart ARGS` with `RAMPART_DB` set to `db`.
fn rampart_env(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .env("RAMPART_DB", db)
        .args(args)
        .output()
        .expect("run rampart")
}

/// Scan the demo API with its flow, quickly; `extra` adds flags.
fn scan_args<'a>(target: &'a str, flow: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["scan", target, "--flow", flow, "--rate", "0", "--entropy-samples", "20"];
    args.extend_from_slice(extra);
    args
}

/// The id in `rampart: saved as ID (…)` on stderr.
fn saved_id(out: &Output) -> String {
    let err = stderr(out);
    let line = err
        .lines()
        .find_map(|l| l.strip_prefix("rampart: saved as "))
        .unwrap_or_else(|| panic!("no 'saved as' line: {err}"));
    let id = line.split_whitespace().next().unwrap().to_string();
    assert_eq!(id.len(), 12, "{line}");
    assert!(
        id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{line}"
    );
    assert!(line.contains(&format!("(rampart results {id}")), "{line}");
    assert!(line.contains("evidence: rampart results"), "{line}");
    id
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

#[test]
fn a_saved_scan_is_listed_and_rendered_again() {
    let target = demo(Flaws::vulnerable());
    let flow = temp_file("history-flow.toml", rampart_demo::FLOW);
    let dir = fresh_dir("roundtrip");
    let (db, json_file, sarif) = (dir.join("h.db"), dir.join("scan.json"), dir.join("scan.sarif"));
    let extra = ["--db", s(&db), "--output", s(&json_file), "--output", s(&sarif)];
    let out = rampart(&scan_args(&target.url, s(&flow), &extra));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = saved_id(&out);
    let report = read_json(&json_file);
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.len() >= 5, "{findings:?}");

    let list = rampart(&["list", "--db", s(&db), "--format", "json"]);
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    let scans = json(&list);
    let scans = scans.as_array().unwrap();
    assert_eq!(scans.len(), 1, "{scans:?}");
    let scan = &scans[0];
    assert_eq!(scan["id"], id.as_str());
    for (key, field) in [
        ("target", "target"),
        ("overall", "overall"),
        ("letterGrade", "letterGrade"),
    ] {
        assert_eq!(scan[key], report[field], "{key}");
    }
    assert_eq!(scan["startedAt"], report["startedAt"]);
    assert_eq!(scan["findings"], findings.len());
    let high = findings.iter().filter(|f| f["severity"] == "high").count();
    assert_eq!(scan["bySeverity"]["high"], high);

    let again = rampart(&["results", &id, "--db", s(&db), "--format", "json"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(json(&again), report, "the saved report renders as the scan wrote it");

    let prefix = &id[..6];
    let log = rampart(&["results", prefix, "--db", s(&db), "--format", "sarif"]);
    assert_eq!(log.status.code(), Some(0), "{}", stderr(&log));
    let log = json(&log);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), findings.len());
    assert_eq!(log, read_json(&sarif), "SARIF rules come back from the registry");

    let table = rampart(&["list", "--db", s(&db)]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.starts_with("ID ") && text.contains(&id) && text.contains(&target.url),
        "{text}"
    );
}

#[test]
fn unknown_ids_and_broken_databases_are_clear_errors() {
    let dir = fresh_dir("errors");
    let db = dir.join("h.db");
    let missing = rampart(&["results", "0123456789ab", "--db", s(&db)]);
    assert_error(&missing, "no saved scan '0123456789ab'");
    assert!(!db.exists(), "reading commands do not create a history");
    let listed = rampart(&["list", "--db", s(&db), "--format", "json"]);
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    assert_eq!(json(&listed), serde_json::json!([]));

    let fixed = demo(Flaws::fixed());
    let flow = temp_file("history-errors-flow.toml", rampart_demo::FLOW);
    let out = rampart(&scan_args(&fixed.url, s(&flow), &["--db", s(&db), "--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    saved_id(&out);
    for id in ["0123456789ab", "not-an-id", "%"] {
        assert_error(&rampart(&["results", id, "--db", s(&db)]), "no saved scan");
    }
    assert_error(
        &rampart(&["list", "--db", s(&db), "--format", "xml"]),
        "invalid value 'xml'",
    );

    let garbage = dir.join("garbage.db");
    std::fs::write(&garbage, "this is not an SQLite database, only some text").unwrap();
    assert_error(&rampart(&["list", "--db", s(&garbage)]), "cannot open the scan history");
    let out = rampart(&scan_args(
        &fixed.url,
        s(&flow),
        &["--db", s(&garbage), "--format", "json"],
    ));
    assert_eq!(
        out.status.code(),
        Some(0),
        "a failed save keeps the exit code: {}",
        stderr(&out)
    );
    assert_eq!(json(&out)["schema"], "rampart.report/v1", "the report was written");
    let warning: Vec<_> = stderr(&out)
        .lines()
        .filter(|l| l.contains("not saved"))
        .map(str::to_string)
        .collect();
    assert_eq!(warning.len(), 1, "{}", stderr(&out));
    assert!(
        warning[0].starts_with("rampart: warning: scan not saved"),
        "{warning:?}"
    );
}

#[test]
fn rampart_db_no_save_and_the_demo() {
    let dir = fresh_dir("env");
    let db = dir.join("nested").join("env.db");
    let target = demo(Flaws::fixed());
    let flow = temp_file("history-env-flow.toml", rampart_demo::FLOW);

    let demo_run = rampart_env(&db, &["demo", "--fixed", "--format", "json"]);
    assert_eq!(demo_run.status.code(), Some(0), "{}", stderr(&demo_run));
    let unsaved = rampart_env(
        &db,
        &scan_args(&target.url, s(&flow), &["--no-save", "--format", "json"]),
    );
    assert_eq!(unsaved.status.code(), Some(0), "{}", stderr(&unsaved));
    assert!(!stderr(&unsaved).contains("saved as"), "{}", stderr(&unsaved));
    assert!(!db.exists(), "neither the demo nor --no-save touches the history");

    let saved = rampart_env(&db, &scan_args(&target.url, s(&flow), &["--format", "json"]));
    assert_eq!(saved.status.code(), Some(0), "{}", stderr(&saved));
    let id = saved_id(&saved);
    assert!(!stderr(&saved).contains("--db"), "the default history needs no --db");
    let demo_db = dir.join("demo.db");
    let demo_saved = rampart(&["demo", "--format", "json", "--db", s(&demo_db)]);
    assert_eq!(demo_saved.status.code(), Some(0), "{}", stderr(&demo_saved));
    let demo_id = saved_id(&demo_saved);

    let listed = json(&rampart_env(
        &db,
        &["list", "--format", "json", "--target", target.url.trim_end_matches('/')],
    ));
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);
    let other = json(&rampart_env(
        &db,
        &["list", "--format", "json", "--target", "http://other.test/"],
    ));
    assert_eq!(other, serde_json::json!([]));
    let from_demo = json(&rampart(&[
        "results",
        &demo_id,
        "--db",
        s(&demo_db),
        "--format",
        "json",
    ]));
    assert_eq!(
        from_demo,
        json(&demo_saved),
        "the demo's saved report is the one it printed"
    );
}
