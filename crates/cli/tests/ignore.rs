//! Suppressions: an ignore file moves matching findings apart (JSON
//! `suppressed`, SARIF `suppressions` with the reason), out of the score and
//! the gate; an expired entry suppresses nothing and is reported; a bad
//! entry is a one-line error.

mod support;

use support::*;

fn scan(url: &str, flow: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "scan",
        url,
        "--flow",
        flow,
        "--rate",
        "0",
        "--entropy-samples",
        "20",
        "--no-save",
    ];
    args.extend_from_slice(extra);
    rampart(&args)
}

#[test]
fn suppressed_findings_are_kept_apart_and_not_scored() {
    let demo = demo(rampart_demo::Flaws::vulnerable());
    let flow = temp_file("ignore-flow.toml", rampart_demo::FLOW);
    let flow = flow.to_str().unwrap();
    let plain = json(&scan(&demo.url, flow, &["-f", "json"]));
    let ignore = temp_file(
        "ignore.toml",
        r#"
[[ignore]]
rule = "SESS-007"
path = "/log*"
reason = "the cookie is read by our own script; HttpOnly tracked in JIRA-12"
expires = "2999-01-01"

[[ignore]]
rule = "SESS-009"
reason = "was accepted until the last release"
expires = "2020-01-01"

[[ignore]]
rule = "INPUT-007"
instance = "q"
reason = "the search is rewritten in SEC-9"
"#,
    );
    let (sarif, report) = (temp_file("ignored.sarif", ""), temp_file("ignored.json", ""));
    let out = scan(
        &demo.url,
        flow,
        &[
            "--ignore",
            ignore.to_str().unwrap(),
            "-o",
            sarif.to_str().unwrap(),
            "-o",
            report.to_str().unwrap(),
        ],
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let rules = |list: &serde_json::Value| -> Vec<String> {
        list.as_array().map_or(vec![], |a| {
            a.iter().map(|f| f["ruleId"].as_str().unwrap().to_string()).collect()
        })
    };
    assert!(rules(&plain["findings"]).contains(&"SESS-007".to_string()));
    let mut suppressed = rules(&report["suppressed"]);
    suppressed.sort();
    assert_eq!(suppressed, ["INPUT-007", "SESS-007"]);
    assert!(!rules(&report["findings"]).contains(&"SESS-007".to_string()));
    let injected = |list: &serde_json::Value| -> Vec<String> {
        let found = list
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["ruleId"] == "INPUT-007");
        found.map(|f| f["instance"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(
        (injected(&report["suppressed"]), injected(&report["findings"])),
        (vec!["q".to_string()], vec!["id".to_string()]),
        "an instance suppresses that parameter's finding only"
    );
    let cookie = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["ruleId"] == "SESS-007")
        .unwrap();
    assert_eq!(
        cookie["suppression"]["reason"],
        "the cookie is read by our own script; HttpOnly tracked in JIRA-12"
    );
    assert!(
        rules(&report["findings"]).contains(&"SESS-009".to_string()),
        "an expired entry suppresses nothing"
    );
    let events = report["stats"]["events"].to_string();
    assert!(events.contains("of SESS-009 expired on 2020-01-01"), "{events}");
    assert!(report["overall"].as_u64() >= plain["overall"].as_u64());

    let sarif: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<_> = results.iter().filter(|r| r.get("suppressions").is_some()).collect();
    let mut ids: Vec<&str> = suppressed.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, ["INPUT-007", "SESS-007"]);
    assert!(suppressed.iter().all(|r| r["suppressions"][0]["kind"] == "external"));
}

#[test]
fn a_bad_ignore_file_is_a_clear_error() {
    for (text, needle) in [
        (
            "[[ignore]]\nrule = \"NOPE-001\"\nreason = \"x\"\n",
            "unknown rule NOPE-001",
        ),
        ("[[ignore]]\nrule = \"SESS-007\"\nreason = \" \"\n", "needs a reason"),
        (
            "[[ignore]]\nrule = \"SESS-007\"\nreason = \"x\"\nexpires = \"soon\"\n",
            "is not YYYY-MM-DD",
        ),
    ] {
        let file = temp_file("bad-ignore.toml", text);
        assert_error(
            &rampart(&["scan", "http://127.0.0.1:9/", "--ignore", file.to_str().unwrap()]),
            needle,
        );
    }
}
