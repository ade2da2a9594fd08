//! Classification, fingerprints read back or computed, and both renderings.

use super::*;
use serde_json::json;

fn finding(rule: &str, url: &str, variant: Option<&str>) -> Value {
    let mut f = json!({
        "id": "f-1", "ruleId": rule, "severity": "high", "confidence": "confirmed",
        "category": "Authentication", "title": format!("{rule} title"), "description": "d",
        "remediation": "r", "cwe": [384], "owasp": "API2:2023",
        "endpoint": {"method": "POST", "url": url}, "evidence": [], "curl": []
    });
    if let Some(v) = variant {
        f["variant"] = json!(v);
    }
    f
}

fn report(overall: u8, auth: u8, findings: Vec<Value>) -> String {
    json!({
        "schema": "rampart.report/v1", "tool": {"name": "rampart", "version": "0.1.0"},
        "target": "http://127.0.0.1:4000/", "startedAt": "", "completedAt": "2026-01-01T00:00:00Z",
        "durationMs": 1, "overall": overall, "letterGrade": rampart_model::score::grade(overall),
        "categories": {"Authentication": auth}, "findings": findings,
        "fingerprint": {}, "stats": {"requests": 1, "checksRun": 1, "errors": [], "relogins": 0}
    })
    .to_string()
}

fn rules(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| format!("{}{}", e.finding.rule_id, e.finding.variant.as_deref().unwrap_or("")))
        .collect()
}

#[test]
fn classifies_new_fixed_and_unchanged_across_hosts() {
    let old = Snapshot::parse(&report(
        40,
        0,
        vec![
            finding("SESS-001", "http://127.0.0.1:4000/login", None),
            finding("SESS-002", "http://127.0.0.1:4000/login", Some("cookie")),
            finding("SESS-004", "http://127.0.0.1:4000/logout", None),
        ],
    ))
    .unwrap();
    let new = Snapshot::parse(&report(
        79,
        65,
        vec![
            finding("SESS-001", "https://prod.example.com/login", None),
            finding("SESS-002", "https://prod.example.com/login", Some("login-body")),
        ],
    ))
    .unwrap();
    let d = diff(&old, &new);
    assert_eq!(rules(&d.unchanged), ["SESS-001"]);
    assert_eq!(rules(&d.added), ["SESS-002login-body"]);
    assert_eq!(rules(&d.fixed), ["SESS-002cookie", "SESS-004"]);
    let auth = CategoryDrift {
        category: Category::Authentication,
        old: Some(0),
        new: Some(65),
    };
    assert_eq!(d.categories, [auth]);
}

#[test]
fn a_rule_that_fires_more_often_counts_the_extra_as_new() {
    let one = vec![finding("SESS-007", "http://h/login", None)];
    let two = vec![one[0].clone(), one[0].clone()];
    let (old, new) = (
        Snapshot::parse(&report(95, 95, one)).unwrap(),
        Snapshot::parse(&report(90, 90, two)).unwrap(),
    );
    let d = diff(&old, &new);
    assert_eq!((d.unchanged.len(), d.added.len(), d.fixed.len()), (1, 1, 0));
}

#[test]
fn stored_fingerprints_win_and_missing_ones_are_computed() {
    let mut stored = finding("SESS-001", "http://h/login", None);
    stored["fingerprint"] = json!("abc");
    let plain = finding("SESS-004", "http://h/logout", None);
    let snap = Snapshot::parse(&report(50, 50, vec![stored, plain])).unwrap();
    assert_eq!(snap.fingerprints[0], "abc");
    assert_eq!(snap.fingerprints[1], snap.report.findings[1].fingerprint());
}

#[test]
fn malformed_reports_are_rejected() {
    assert!(matches!(Snapshot::parse("{not json"), Err(ParseError::Json(_))));
    let wrong = report(50, 50, vec![]).replace("rampart.report/v1", "other/v9");
    let err = Snapshot::parse(&wrong).unwrap_err().to_string();
    assert_eq!(err, "schema is 'other/v9', not rampart.report/v1");
    assert!(matches!(Snapshot::parse("{}"), Err(ParseError::Schema(_))));
    let truncated = r#"{"schema": "rampart.report/v1", "findings": []}"#;
    let err = Snapshot::parse(truncated).unwrap_err();
    assert!(
        matches!(&err, ParseError::Json(e) if e.to_string().contains("missing field")),
        "{err:?}"
    );
}

#[test]
fn mark_sets_baseline_status() {
    let baseline = Snapshot::parse(&report(65, 65, vec![finding("SESS-001", "http://a:1/login", None)])).unwrap();
    let mut current = Snapshot::parse(&report(
        30,
        30,
        vec![
            finding("SESS-001", "http://b:2/login", None),
            finding("SESS-003", "http://b:2/profile", Some("query")),
        ],
    ))
    .unwrap()
    .report;
    mark(&mut current, &baseline);
    let marks: Vec<_> = current.findings.iter().map(|f| f.baseline).collect();
    assert_eq!(marks, [Some(BaselineStatus::Unchanged), Some(BaselineStatus::New)]);
}

#[test]
fn renders_text_and_json() {
    let old = Snapshot::parse(&report(0, 0, vec![finding("SESS-001", "http://h/login", None)])).unwrap();
    let new = Snapshot::parse(&report(100, 100, vec![])).unwrap();
    let d = diff(&old, &new);
    let mut text = Vec::new();
    render_text(&d, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("Score 0 (F) → 100 (A)  +100"), "{text}");
    assert!(
        text.contains("FIXED (1)\n  SESS-001  high     SESS-001 title — POST http://h/login"),
        "{text}"
    );
    assert!(text.ends_with("0 new, 1 fixed, 0 unchanged\n"), "{text}");
    let mut json = Vec::new();
    render_json(&d, &mut json).unwrap();
    let json: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["counts"], json!({"new": 0, "fixed": 1, "unchanged": 0}));
    assert_eq!(json["scoreDelta"], 100);
    assert_eq!(
        json["categories"][0],
        json!({"category": "Authentication", "old": 0, "new": 100, "delta": 100})
    );
    assert_eq!(json["findings"]["fixed"][0]["ruleId"], "SESS-001");
    assert_eq!(json["findings"]["fixed"][0]["fingerprint"].as_str().unwrap().len(), 64);
}
