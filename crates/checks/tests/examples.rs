//! Every rule's example findings (`Rule::examples`): well formed, and rendered
//! in every report format as pinned snapshots (`tests/snapshots/`), so a change
//! to a renderer or to what a rule reports shows in review. After a deliberate
//! change: `INSTA_UPDATE=always cargo test --release -p rampart-checks --test
//! examples`, then read the diff of the `.snap` files.

use rampart_checks::CHECKS;
use rampart_model::report::SCHEMA;
use rampart_model::{Category, Confidence, Coverage, EXAMPLE_ORIGIN, Finding, Report, Stats, score};
use rampart_report::Format;
use std::collections::BTreeSet;

const METHODS: [&str; 8] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"];

/// Headers whose values are secrets and must show redacted in an example.
const SECRET_HEADERS: [&str; 4] = ["authorization", "cookie", "set-cookie", "x-api-key"];

#[test]
fn every_rule_has_a_well_formed_example() {
    for check in CHECKS {
        let rule = check.rule();
        assert!(!rule.examples.is_empty(), "{} has no example finding", rule.id);
        for example in rule.examples {
            let (method, path) = example.endpoint.split_once(' ').unwrap_or_default();
            assert!(
                METHODS.contains(&method) && path.starts_with('/'),
                "{}: endpoint {:?} is not `METHOD /path`",
                rule.id,
                example.endpoint
            );
            if let Some(v) = example.variant {
                assert!(rule.variants.contains(&v), "{}: variant {v:?} is not declared", rule.id);
            }
            assert!(!example.description.trim().is_empty(), "{}: no description", rule.id);
            assert!(!example.evidence.is_empty(), "{}: an example needs its proof", rule.id);
            for proof in example.evidence {
                let (method, target) = proof.request.split_once(' ').unwrap_or_default();
                assert!(
                    METHODS.contains(&method) && target.starts_with('/'),
                    "{}: request {:?}",
                    rule.id,
                    proof.request
                );
                assert!(
                    !proof.note.trim().is_empty(),
                    "{}: every exchange says what it shows",
                    rule.id
                );
                for line in proof.headers.iter().chain(proof.response_headers) {
                    let (name, value) = line.split_once(':').unwrap_or((line, ""));
                    let secret = SECRET_HEADERS.contains(&name.trim().to_ascii_lowercase().as_str());
                    assert!(
                        !secret || value.contains("[redacted]"),
                        "{}: {line:?} shows a secret",
                        rule.id
                    );
                }
            }
        }
    }
}

#[test]
fn examples_render_in_every_format() {
    let report = examples_report();
    assert_eq!(
        report
            .findings
            .iter()
            .map(|f| f.rule_id.as_str())
            .collect::<BTreeSet<_>>()
            .len(),
        CHECKS.len(),
        "one finding (at least) per rule"
    );
    for format in Format::ALL {
        let mut out = Vec::new();
        rampart_report::render(&report, format, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for f in &report.findings {
            assert!(text.contains(&f.rule_id), "{format:?} lacks {}", f.rule_id);
        }
        insta::assert_snapshot!(format!("examples-{}", format.name()), text);
    }
}

/// A report holding every rule's examples, scored like a scan that ran every rule.
fn examples_report() -> Report {
    let mut findings: Vec<Finding> = CHECKS
        .iter()
        .flat_map(|c| c.rule().examples.iter().map(|e| e.finding(c.rule())))
        .collect();
    findings.sort_by(|a, b| {
        (b.severity, b.confidence)
            .cmp(&(a.severity, a.confidence))
            .then(a.rule_id.cmp(&b.rule_id))
    });
    for (i, f) in findings.iter_mut().enumerate() {
        f.id = format!("f-{}", i + 1);
    }
    let applicable: BTreeSet<Category> = Category::ALL.into_iter().collect();
    let scored = score::score(&findings, &applicable);
    let confirmed = findings
        .iter()
        .filter(|f| f.confidence == Confidence::Confirmed)
        .count();
    assert!(confirmed > 0, "some examples are proven");
    Report {
        schema: SCHEMA.into(),
        tool: Report::tool(),
        target: format!("{EXAMPLE_ORIGIN}/"),
        started_at: "2026-01-02T03:04:05Z".into(),
        completed_at: "2026-01-02T03:05:05Z".into(),
        duration_ms: 60_000,
        overall: scored.overall,
        letter_grade: score::grade(scored.overall).into(),
        categories: scored.categories,
        findings,
        suppressed: Vec::new(),
        fingerprint: Default::default(),
        stats: Stats {
            requests: 1000,
            checks_run: CHECKS.len(),
            ..Default::default()
        },
        flow: None,
        identities: Vec::new(),
        coverage: Coverage::default(),
        exchanges: Vec::new(),
        rules: CHECKS.iter().map(|c| *c.rule()).collect(),
    }
}
