//! `--login USER`: the session flow discovered from credentials alone gives
//! the session verdicts the hand-written flow gives; a login that cannot be
//! found exits 2 saying what was found, what is missing, and a skeleton.

mod support;

use std::collections::BTreeSet;
use std::process::{Command, Output};
use support::*;

const PASSWORD: &str = "correct-horse-7";

fn scan(url: &str, password: Option<&str>, args: &[&str]) -> Output {
    let history = std::env::temp_dir().join(format!("rampart-login-{}-history.db", std::process::id()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.env("RAMPART_DB", history).env_remove("RAMPART_PASSWORD");
    if let Some(p) = password {
        cmd.env("RAMPART_PASSWORD", p);
    }
    cmd.args(["scan", url, "--rate", "0", "--format", "json"]).args(args);
    cmd.output().unwrap()
}

fn session_rules(report: &serde_json::Value) -> BTreeSet<String> {
    let ids = report["findings"].as_array().unwrap().iter();
    ids.filter_map(|f| f["ruleId"].as_str())
        .filter(|id| id.starts_with("SESS-"))
        .map(String::from)
        .collect()
}

#[test]
fn credentials_alone_find_the_flow_and_its_verdicts() {
    let demo = demo(rampart_demo::Flaws::vulnerable());
    let saved = std::env::temp_dir().join(format!("rampart-login-{}-flow.toml", std::process::id()));
    let out = scan(
        &demo.url,
        Some(PASSWORD),
        &["--login", "alice", "--save-flow", saved.to_str().unwrap()],
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let discovered = json(&out);
    let flow = &discovered["flow"];
    assert_eq!(flow["discovered"], true);
    assert_eq!(
        flow["summary"],
        "Logged in as alice via POST /login (form), session cookie sid, checked on GET /profile; logout POST /logout"
    );
    assert_eq!(
        discovered["gradeProvisional"], false,
        "{}",
        discovered["provisionalReasons"]
    );

    let hand = temp_file("demo-flow.toml", rampart_demo::FLOW);
    let given = json(&scan(&demo.url, None, &["--flow", hand.to_str().unwrap()]));
    let mut expected = session_rules(&given);
    expected.remove("SESS-005");
    assert_eq!(
        session_rules(&discovered),
        expected,
        "the same session verdicts as the hand-written flow (but the password change it names)"
    );

    let file = std::fs::read_to_string(&saved).unwrap();
    assert!(
        file.contains("${RAMPART_PASSWORD}") && !file.contains(PASSWORD),
        "{file}"
    );
    let pinned = scan(
        &demo.url,
        Some(PASSWORD),
        &["--flow", saved.to_str().unwrap(), "--checks", "session"],
    );
    assert!(
        matches!(pinned.status.code(), Some(0 | 1)),
        "the saved flow scans: {}",
        stderr(&pinned)
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(PASSWORD),
        "the password is redacted"
    );
}

#[test]
fn a_login_that_cannot_be_found_says_what_was_found_and_what_is_missing() {
    let demo = demo(rampart_demo::Flaws::vulnerable());
    let out = scan(&demo.url, Some("not-her-password"), &["--login", "alice"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0], "rampart: login discovery for alice found no working flow",
        "{err}"
    );
    assert!(lines[1].contains("found: a login form on GET /login"), "{err}");
    assert!(lines[2].contains("missing: POST /login answered 401"), "{err}");
    assert!(
        err.contains("[preauth]") && err.contains("path = \"/login\""),
        "the skeleton holds the form: {err}"
    );
    assert!(!err.contains("not-her-password"), "{err}");
}

#[test]
fn login_needs_a_password_from_somewhere() {
    let out = scan("http://127.0.0.1:9/", None, &["--login", "alice"]);
    assert_error(&out, "--login alice needs a password: set RAMPART_PASSWORD");
    let out = scan(
        "http://127.0.0.1:9/",
        None,
        &["--login", "alice", "--password-env", "NO_SUCH_VAR_X"],
    );
    assert_error(&out, "set NO_SUCH_VAR_X");
    let out = scan("http://127.0.0.1:9/", None, &["--login", "alice", "--flow", "x.toml"]);
    assert_eq!(out.status.code(), Some(2), "--login and --flow exclude each other");
}
