//! What a finished scan of a target means: the events recorded with it,
//! from a comparison with the target's previous scan (the findings'
//! fingerprints, as `rampart diff` matches them). The first scan of a target
//! is its baseline: `scan.completed` only.

use rampart_model::{Finding, Report};
use rampart_report::diff::{self, Snapshot};
use rampart_store::queue::NewEvent;
use serde_json::{Value, json};

pub const SCAN_COMPLETED: &str = "scan.completed";
pub const SCAN_FAILED: &str = "scan.failed";
pub const FINDING_NEW: &str = "finding.new";
pub const FINDING_FIXED: &str = "finding.fixed";
pub const GRADE_CHANGED: &str = "grade.changed";
/// Every event type, as webhooks subscribe to them.
pub const KINDS: &[&str] = &[SCAN_COMPLETED, SCAN_FAILED, FINDING_NEW, FINDING_FIXED, GRADE_CHANGED];

/// Most `finding.new` plus `finding.fixed` events one scan records; the
/// counts in `scan.completed` are always whole.
pub const MAX_FINDING_EVENTS: usize = 100;

/// The events of `report`, the new scan of `target`, after `previous` (the
/// id and report of the target's last scan, if any).
pub fn after_scan(target: i64, previous: Option<&(String, Report)>, report: &Report) -> Vec<NewEvent> {
    let Some((previous_id, old)) = previous else {
        return vec![completed(target, report, json!({"previousScanId": null}))];
    };
    let (old_snap, new_snap) = (Snapshot::of(old.clone()), Snapshot::of(report.clone()));
    let changes = diff::diff(&old_snap, &new_snap);
    let mut events = vec![completed(
        target,
        report,
        json!({
            "previousScanId": previous_id,
            "scoreDrift": i16::from(report.overall) - i16::from(old.overall),
            "new": changes.added.len(),
            "fixed": changes.fixed.len(),
            "unchanged": changes.unchanged.len(),
        }),
    )];
    if old.letter_grade != report.letter_grade {
        events.push(event(
            GRADE_CHANGED,
            json!({"targetId": target.to_string(), "from": old.letter_grade, "to": report.letter_grade,
                   "previousScanId": previous_id}),
        ));
    }
    let new = changes.added.iter().map(|e| (FINDING_NEW, e));
    let fixed = changes.fixed.iter().map(|e| (FINDING_FIXED, e));
    events.extend(
        new.chain(fixed)
            .take(MAX_FINDING_EVENTS)
            .map(|(kind, e)| event(kind, finding(target, e.fingerprint, e.finding))),
    );
    events
}

/// The event of a target's scan that failed for good.
pub fn failed(target: i64, job: i64, error: &str) -> NewEvent {
    event(
        SCAN_FAILED,
        json!({"targetId": target.to_string(), "jobId": job.to_string(), "error": error}),
    )
}

fn completed(target: i64, report: &Report, mut data: Value) -> NewEvent {
    data["targetId"] = json!(target.to_string());
    data["url"] = json!(report.target);
    data["overall"] = json!(report.overall);
    data["letterGrade"] = json!(report.letter_grade);
    data["findings"] = json!(report.findings.len());
    event(SCAN_COMPLETED, data)
}

fn finding(target: i64, fingerprint: &str, f: &Finding) -> Value {
    json!({
        "targetId": target.to_string(),
        "fingerprint": fingerprint,
        "ruleId": f.rule_id,
        "severity": f.severity,
        "title": f.title,
        "endpoint": f.endpoint,
        "variant": f.variant,
        "instance": f.instance,
    })
}

fn event(kind: &str, data: Value) -> NewEvent {
    NewEvent {
        kind: kind.into(),
        data: data.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::{Confidence, Endpoint};

    fn kinds(events: &[NewEvent]) -> Vec<&str> {
        events.iter().map(|e| e.kind.as_str()).collect()
    }

    fn data(e: &NewEvent) -> Value {
        serde_json::from_str(&e.data).unwrap()
    }

    #[test]
    fn the_first_scan_is_the_baseline() {
        let report = report(&[("AUTH-009", "a"), ("RATE-001", "b")], 80, "B");
        let events = after_scan(7, None, &report);
        assert_eq!(kinds(&events), [SCAN_COMPLETED]);
        let d = data(&events[0]);
        assert_eq!((d["targetId"].as_str(), d["findings"].as_u64()), (Some("7"), Some(2)));
        assert!(d["previousScanId"].is_null());
    }

    #[test]
    fn new_and_fixed_findings_and_a_grade_change_are_events() {
        let old = report(&[("AUTH-009", "a"), ("RATE-001", "b")], 80, "B");
        let new = report(&[("RATE-001", "b"), ("INPUT-007", "c")], 55, "D");
        let events = after_scan(7, Some(&("s1".into(), old.clone())), &new);
        assert_eq!(
            kinds(&events),
            [SCAN_COMPLETED, GRADE_CHANGED, FINDING_NEW, FINDING_FIXED]
        );
        let d = data(&events[0]);
        assert_eq!(
            (
                d["scoreDrift"].as_i64(),
                d["new"].as_u64(),
                d["fixed"].as_u64(),
                d["unchanged"].as_u64()
            ),
            (Some(-25), Some(1), Some(1), Some(1))
        );
        assert_eq!(
            (data(&events[1])["from"].as_str(), data(&events[1])["to"].as_str()),
            (Some("B"), Some("D"))
        );
        assert_eq!(data(&events[2])["ruleId"], "INPUT-007");
        assert_eq!(data(&events[3])["ruleId"], "AUTH-009");

        let same = after_scan(7, Some(&("s2".into(), new.clone())), &new);
        assert_eq!(kinds(&same), [SCAN_COMPLETED], "nothing changed");
    }

    #[test]
    fn finding_events_are_capped_but_counts_are_whole() {
        let paths: Vec<String> = (0..150).map(|i| format!("p{i}")).collect();
        let many: Vec<(&str, &str)> = paths.iter().map(|p| ("AUTH-009", p.as_str())).collect();
        let old = report(&[], 100, "A");
        let new = report(&many, 100, "A");
        let events = after_scan(1, Some(&("s".into(), old)), &new);
        assert_eq!(events.len(), 1 + MAX_FINDING_EVENTS);
        assert_eq!(data(&events[0])["new"].as_u64(), Some(150));
    }

    /// A report with one finding per (rule id, path).
    fn report(found: &[(&str, &str)], overall: u8, grade: &str) -> Report {
        let finding = |(rule, path): &(&str, &str)| {
            let check = rampart_checks::CHECKS.iter().find(|c| c.rule().id == *rule).unwrap();
            let endpoint = Endpoint {
                method: "GET".into(),
                url: format!("http://api.test/{path}"),
            };
            Finding::new(check.rule(), Confidence::Confirmed, endpoint, "proven")
        };
        Report {
            schema: rampart_model::report::SCHEMA.into(),
            tool: Report::tool(),
            target: "http://api.test/".into(),
            started_at: "2026-12-05T06:00:00Z".into(),
            completed_at: "2026-12-05T06:01:00Z".into(),
            duration_ms: 1,
            overall,
            letter_grade: grade.into(),
            categories: Default::default(),
            findings: found.iter().map(finding).collect(),
            suppressed: Vec::new(),
            fingerprint: Default::default(),
            stats: Default::default(),
            flow: None,
            identities: Vec::new(),
            coverage: Default::default(),
            exchanges: Vec::new(),
            rules: Vec::new(),
        }
    }
}
