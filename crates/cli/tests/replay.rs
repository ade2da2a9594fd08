//! `rampart replay`: a saved finding's check runs again against the same
//! target with fresh credentials; still present (exit 1) while the flaw is
//! there, fixed (exit 0) once the target is corrected, and an error (exit 2)
//! when the check cannot judge without the flow.

mod support;

use rampart_demo::Flaws;
use support::*;

/// The id in `rampart: saved as ID (…)` on stderr.
fn saved_id(out: &std::process::Output) -> String {
    let err = stderr(out);
    let line = err.lines().find_map(|l| l.strip_prefix("rampart: saved as "));
    line.and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no 'saved as' line: {err}"))
        .to_string()
}

#[test]
fn replay_says_still_present_then_fixed() {
    let db = std::env::temp_dir().join(format!("rampart-test-{}-replay.db", std::process::id()));
    let db = db.to_str().unwrap();
    let flow = temp_file("replay-flow.toml", rampart_demo::FLOW);
    let flow = flow.to_str().unwrap();
    let vulnerable = demo(Flaws::vulnerable());
    let port = vulnerable
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse::<u16>()
        .unwrap();
    let scan = rampart(&[
        "scan",
        &vulnerable.url,
        "--flow",
        flow,
        "--rate",
        "0",
        "--checks",
        "SESS-001,SESS-004",
        "--db",
        db,
        "-f",
        "json",
    ]);
    assert_eq!(scan.status.code(), Some(0), "{}", stderr(&scan));
    let report = json(&scan);
    let id = saved_id(&scan);
    let findings = report["findings"].as_array().unwrap();
    let fixation = findings
        .iter()
        .find(|f| f["ruleId"] == "SESS-001")
        .expect("SESS-001 on the demo");
    let finding_id = fixation["id"].as_str().unwrap();

    let again = rampart(&["replay", &id, finding_id, "--flow", flow, "--rate", "0", "--db", db]);
    let verdict = String::from_utf8_lossy(&again.stdout).to_string();
    assert_eq!(again.status.code(), Some(1), "{verdict} {}", stderr(&again));
    assert!(verdict.starts_with("still present: SESS-001 "), "{verdict}");
    assert!(
        stderr(&again).contains(&format!("replaying {finding_id} SESS-001")),
        "{}",
        stderr(&again)
    );

    let no_flow = rampart(&["replay", &id, "SESS-001", "--db", db]);
    assert_error(
        &no_flow,
        "SESS-001 logs in afresh to prove it: give --flow FILE or --login USER",
    );

    drop(vulnerable);
    let _fixed = demo_on(Flaws::fixed(), port);
    let after = rampart(&["replay", &id, "sess-001", "--flow", flow, "--rate", "0", "--db", db]);
    let verdict = String::from_utf8_lossy(&after.stdout).to_string();
    assert_eq!(after.status.code(), Some(0), "{verdict} {}", stderr(&after));
    assert!(
        verdict.starts_with("fixed: SESS-001 no longer proves POST "),
        "{verdict}"
    );
}

#[test]
fn replay_names_what_it_cannot_find() {
    let db = std::env::temp_dir().join(format!("rampart-test-{}-replay-missing.db", std::process::id()));
    let db = db.to_str().unwrap();
    assert_error(
        &rampart(&["replay", "abcdef", "f-1", "--db", db]),
        "no saved scan 'abcdef'",
    );
    let target = demo(Flaws::vulnerable());
    let scan = rampart(&[
        "scan",
        &target.url,
        "--rate",
        "0",
        "--checks",
        "CRYPTO-001",
        "--db",
        db,
        "-f",
        "json",
    ]);
    let id = saved_id(&scan);
    assert_error(
        &rampart(&["replay", &id, "f-99", "--db", db]),
        "the scan has no finding 'f-99' (its findings:",
    );
}
