//! `rampart review`: the static review end to end through the binary — the
//! formats (SARIF regions that code scanning can annotate), the exit-code
//! gate, `--diff BASE` on a real git repository, and the bounds (vendored,
//! generated, oversized and symlinked files are not read).

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{json, rampart_in};

const VULNERABLE: &str = "\
from flask import Flask, request, session
from flask_session import Session

app = Flask(__name__)
app.config['SESSION_TYPE'] = 'redis'
Session(app)


@app.post('/login')
def login():
    if check_password(request.form['username'], request.form['password']):
        session['user_id'] = request.form['username']
    return {'ok': True}
";

const FIXED: &str = "\
from flask import Flask, request, session
from flask_session import Session

app = Flask(__name__)
Session(app)


@app.post('/login')
def login():
    if check_password(request.form['username'], request.form['password']):
        session.clear()
        session['user_id'] = request.form['username']
        app.session_interface.regenerate(session)
    return {'ok': True}
";

const LOGOUT: &str = "

@app.post('/logout')
def logout():
    response = make_response({'ok': True})
    response.delete_cookie('session')
    return response
";

/// A fresh folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rampart-review-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn rules_and_lines(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["ruleId"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["startLine"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn flags_the_vulnerable_login_not_the_fixed_one_and_gates_on_severity() {
    let dir = folder("gate");
    write(&dir, "app/auth.py", VULNERABLE);
    write(&dir, "app/fixed.py", FIXED);
    let out = rampart_in(&dir, &["review", ".", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out);
    assert_eq!(report["schema"], "rampart.review/v1");
    assert_eq!(report["files"], 2);
    assert_eq!(
        rules_and_lines(&report),
        [("SESS-001".to_string(), "app/auth.py".to_string(), 12)]
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["function"], "login");
    assert_eq!(finding["framework"], "flask");
    assert_eq!(finding["confidence"], "tentative");
    assert!(
        finding["fix"].as_str().unwrap().contains("session.regenerate()"),
        "{}",
        finding["fix"]
    );
    assert!(finding["prove"].as_str().unwrap().contains("--checks SESS-001"));
    assert_eq!(
        finding["lines"],
        "        session['user_id'] = request.form['username']"
    );
    assert_eq!(
        rampart_in(&dir, &["review", ".", "--fail-on", "high"]).status.code(),
        Some(1)
    );
    assert_eq!(
        rampart_in(&dir, &["review", ".", "--fail-on", "critical"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        rampart_in(&dir, &["review", "app/fixed.py", "--fail-on", "info"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn sarif_locates_findings_in_source_and_fingerprints_survive_moves() {
    let dir = folder("sarif");
    write(&dir, "auth.py", VULNERABLE);
    let out = rampart_in(&dir, &["review", "auth.py", "--format", "sarif", "-o", "review.sarif"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("review written to review.sarif"));
    let log: Value = serde_json::from_slice(&std::fs::read(dir.join("review.sarif")).unwrap()).unwrap();
    let run = &log["runs"][0];
    let result = &run["results"][0];
    let rule_index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][rule_index]["id"], "SESS-001");
    assert_eq!(result["level"], "error");
    let physical = &result["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "auth.py");
    assert_eq!(physical["region"]["startLine"], 12);
    assert!(
        physical["region"]["snippet"]["text"]
            .as_str()
            .unwrap()
            .contains("session['user_id']")
    );
    assert_eq!(result["locations"][0]["logicalLocations"][0]["name"], "login");
    let fingerprint = result["partialFingerprints"]["rampartReview/v1"].clone();
    assert_eq!(fingerprint.as_str().map(str::len), Some(16));

    // Two lines added above and the line re-indented: the same finding, moved.
    let moved = format!(
        "# a comment\n# another\n{}",
        VULNERABLE.replace("        session['user_id']", "\tsession['user_id']")
    );
    write(&dir, "auth.py", &moved);
    let again = json(&rampart_in(&dir, &["review", "auth.py", "--format", "sarif"]));
    let result = &again["runs"][0]["results"][0];
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 14);
    assert_eq!(result["partialFingerprints"]["rampartReview/v1"], fingerprint);
}

#[test]
fn markdown_and_summary_name_the_fix_and_the_proving_scan() {
    let dir = folder("text");
    write(&dir, "auth.py", VULNERABLE);
    let md = String::from_utf8(rampart_in(&dir, &["review", "auth.py", "--format", "md"]).stdout).unwrap();
    assert!(md.contains("| high | SESS-001 | `auth.py:12` |"), "{md}");
    assert!(md.contains("```python\n        session['user_id']"), "{md}");
    assert!(md.contains("**Prove it:**"));
    let summary = String::from_utf8(rampart_in(&dir, &["review", "auth.py"]).stdout).unwrap();
    assert!(
        summary.starts_with("rampart review: 1 file(s), 13 line(s) (python 1)"),
        "{summary}"
    );
    assert!(summary.contains("Findings: 1 high"));
    assert!(summary.contains("SESS-001 auth.py:12 (login)"));
    assert!(summary.contains("Fix: ") && summary.contains("Prove it: RAMPART_PASSWORD=… rampart scan"));
    assert!(
        summary.contains("For flask:") && !summary.contains("For django:"),
        "{summary}"
    );
    let named = String::from_utf8(rampart_in(&dir, &["review", "auth.py", "--framework", "django"]).stdout).unwrap();
    assert!(
        named.contains("For django:") && !named.contains("For flask:"),
        "--framework chooses the fix: {named}"
    );
}

#[test]
fn diff_reports_only_the_lines_changed_since_the_base() {
    let dir = folder("diff");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(&dir)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q", "-b", "main"]);
    write(&dir, "auth.py", VULNERABLE);
    git(&["add", "auth.py"]);
    git(&["commit", "-q", "-m", "login"]);
    write(&dir, "auth.py", &format!("{VULNERABLE}{LOGOUT}"));
    let everything = json(&rampart_in(&dir, &["review", ".", "--format", "json"]));
    let rules: Vec<String> = rules_and_lines(&everything).into_iter().map(|(r, ..)| r).collect();
    assert_eq!(rules, ["SESS-001", "SESS-004"]);
    let changed = json(&rampart_in(
        &dir,
        &["review", ".", "--diff", "main", "--format", "json"],
    ));
    assert_eq!(changed["diffBase"], "main");
    assert_eq!(
        rules_and_lines(&changed),
        [("SESS-004".to_string(), "auth.py".to_string(), 19)]
    );
    let bad = rampart_in(&dir, &["review", ".", "--diff", "no-such-branch"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--diff no-such-branch") && err.trim().lines().count() == 1,
        "{err}"
    );
    let option = rampart_in(&dir, &["review", ".", "--diff", "--output=x"]);
    assert_eq!(
        option.status.code(),
        Some(2),
        "a base that looks like an option is refused"
    );
}

#[test]
fn vendored_generated_oversized_and_linked_files_are_not_read() {
    let dir = folder("bounds");
    write(&dir, "src/auth.py", VULNERABLE);
    write(&dir, "node_modules/lib/auth.py", VULNERABLE);
    write(&dir, "vendor/auth.py", VULNERABLE);
    write(
        &dir,
        "src/gen.py",
        &format!("# Code generated by protoc. DO NOT EDIT.\n{VULNERABLE}"),
    );
    write(
        &dir,
        "src/big.py",
        &format!("{VULNERABLE}{}", "# padding\n".repeat(2000)),
    );
    let outside = folder("bounds-outside");
    write(&outside, "secret.py", VULNERABLE);
    std::os::unix::fs::symlink(outside.join("secret.py"), dir.join("src/linked.py")).unwrap();
    let out = rampart_in(&dir, &["review", ".", "--format", "json", "--max-file-bytes", "4096"]);
    let report = json(&out);
    assert_eq!(
        rules_and_lines(&report),
        [("SESS-001".to_string(), "src/auth.py".to_string(), 12)]
    );
    let skipped: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        skipped.contains(&("src/gen.py".into(), "generated".into())),
        "{skipped:?}"
    );
    assert!(
        skipped.contains(&("src/big.py".into(), "larger than 4096 bytes".into())),
        "{skipped:?}"
    );
    assert_eq!(report["files"], 1);

    let capped = json(&rampart_in(
        &dir,
        &["review", "src", "--format", "json", "--max-files", "1"],
    ));
    assert_eq!(capped["files"], 1);
    assert!(
        capped["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["reason"].as_str().unwrap().contains("limit of 1 files"))
    );

    for args in [
        &["review", "missing.py"][..],
        &["review", ".", "--format", "html"],
        &["review"],
    ] {
        let out = rampart_in(&dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}
