//! Report loading under arbitrary input: `Snapshot::parse` (diff, baseline)
//! never panics, and whatever it accepts renders in every format. A short
//! run here; `PROPTEST_CASES=100000` for a long one (bench/README.md).

use proptest::prelude::*;
use rampart_report::Format;
use rampart_report::diff::Snapshot;

const FORMATS: [Format; 7] = Format::ALL;

/// A report's JSON with fields swapped for arbitrary values.
fn report_json() -> impl Strategy<Value = String> {
    let score = prop_oneof![0u64..=100, any::<u64>()];
    let grade = prop_oneof![Just("A".to_string()), Just("F".to_string()), ".{0,4}"];
    (score.clone(), score, grade, "[a-z:/.]{0,30}", any::<u64>()).prop_map(|(overall, auth, grade, target, ms)| {
        serde_json::json!({
            "schema": "rampart.report/v1",
            "tool": {"name": "rampart", "version": "0.1.0"},
            "target": target, "startedAt": "", "completedAt": "", "durationMs": ms,
            "overall": overall, "letterGrade": grade,
            "categories": {"Authentication": auth},
            "findings": [], "fingerprint": {},
            "stats": {"requests": 0, "checksRun": 0, "errors": [], "relogins": 0}
        })
        .to_string()
    })
}

fn renders_if_accepted(text: &str) {
    if let Ok(snapshot) = Snapshot::parse(text) {
        for format in FORMATS {
            let mut out = Vec::new();
            rampart_report::render(&snapshot.report, format, &mut out).unwrap();
        }
    }
}

/// The run's length: `PROPTEST_CASES` when set, else `short`.
fn cases(short: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(short)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        renders_if_accepted(&text);
    }

    #[test]
    fn reports_with_hostile_values_are_refused_or_render(text in report_json()) {
        renders_if_accepted(&text);
    }
}

#[test]
fn a_category_score_above_100_is_refused() {
    let report = serde_json::json!({
        "schema": "rampart.report/v1", "tool": {"name": "rampart", "version": "0.1.0"},
        "target": "http://x/", "startedAt": "", "completedAt": "", "durationMs": 0,
        "overall": 50, "letterGrade": "F", "categories": {"Authentication": 250},
        "findings": [], "fingerprint": {}, "stats": {"requests": 0, "checksRun": 0, "errors": [], "relogins": 0}
    });
    let err = Snapshot::parse(&report.to_string()).unwrap_err().to_string();
    assert!(err.contains("above 100"), "{err}");
}
