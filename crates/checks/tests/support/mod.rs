//! What the scans of the demo targets share: every check stays within the
//! requests it declares, and proven findings carry their control.

use rampart_checks::CHECKS;
use rampart_engine::ScanConfig;
use rampart_model::{Confidence, Report};

/// No check was stopped at its declared budget, none sent more than it
/// declares for `config`, and every request is attributed to a rule, the
/// setup or the survey.
pub fn assert_within_budgets(report: &Report, config: &ScanConfig) {
    let stats = &report.stats;
    let stopped: Vec<_> = stats
        .errors
        .iter()
        .filter(|e| e.message.contains("it declares"))
        .collect();
    assert!(
        stopped.is_empty(),
        "checks stopped at their declared budget: {stopped:?}"
    );
    for check in CHECKS {
        let id = check.rule().id;
        let sent = stats.requests_by_rule.get(id).copied().unwrap_or(0);
        assert!(
            sent <= check.max_requests(config),
            "{id} sent {sent} > declared {}",
            check.max_requests(config)
        );
    }
    assert_eq!(
        stats.requests_by_rule.values().sum::<u64>(),
        stats.requests,
        "every request is attributed: {:?}",
        stats.requests_by_rule
    );
    assert!(stats.requests_by_rule.contains_key("setup") && stats.requests_by_rule.contains_key("survey"));
}

/// Each of `rules` has a finding that is Confirmed and carries a control exchange.
pub fn assert_proven_with_controls(report: &Report, rules: &[&str]) {
    for rule in rules {
        let f = report.findings.iter().find(|f| f.rule_id == *rule).unwrap_or_else(|| {
            panic!(
                "{rule} missing: {:?}",
                report.findings.iter().map(|f| &f.rule_id).collect::<Vec<_>>()
            )
        });
        assert_eq!(f.confidence, Confidence::Confirmed, "{rule}: {}", f.description);
        assert!(
            f.evidence
                .iter()
                .any(|e| e.note.as_deref().unwrap_or_default().contains("control")),
            "{rule} has no control exchange"
        );
    }
}
