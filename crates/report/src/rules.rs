//! The rules a report covers, for the renderers that list every rule that ran
//! (SARIF's `tool.driver.rules`, JUnit's test cases), not only those that fired.

use rampart_model::{Category, Finding, Report, Rule, Severity};

/// A rule's metadata, borrowed from the report's rule list or, for a finding
/// whose rule the report does not list, from the finding itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub category: Category,
    pub severity: Severity,
    pub cwe: &'a [u32],
    pub owasp: &'a str,
    pub summary: &'a str,
    pub remediation: &'a str,
    pub references: &'a [&'a str],
}

/// Every rule that ran (`report.rules`, in order), then the rules of findings
/// the list lacks, so a report assembled without rule metadata still renders.
pub fn rules(report: &Report) -> Vec<RuleView<'_>> {
    let mut views: Vec<RuleView<'_>> = report.rules.iter().map(RuleView::from).collect();
    for f in &report.findings {
        if !views.iter().any(|v| v.id == f.rule_id) {
            views.push(from_finding(f));
        }
    }
    views
}

impl<'a> From<&'a Rule> for RuleView<'a> {
    fn from(r: &'a Rule) -> RuleView<'a> {
        RuleView {
            id: r.id,
            title: r.title,
            category: r.category,
            severity: r.severity,
            cwe: r.cwe,
            owasp: r.owasp,
            summary: r.summary,
            remediation: r.remediation,
            references: r.references,
        }
    }
}

fn from_finding(f: &Finding) -> RuleView<'_> {
    RuleView {
        id: &f.rule_id,
        title: &f.title,
        category: f.category,
        severity: f.severity,
        cwe: &f.cwe,
        owasp: &f.owasp,
        summary: &f.title,
        remediation: &f.remediation,
        references: &[],
    }
}

/// One line per evidence exchange: request line, status and the exchange's note.
pub fn evidence_lines(f: &Finding) -> Vec<String> {
    f.evidence
        .iter()
        .map(|ex| {
            let note = ex.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            format!(
                "{} {} -> {}{note}",
                ex.request.method, ex.request.url, ex.response.status
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample;

    #[test]
    fn lists_rules_that_ran_then_rules_only_findings_name() {
        let mut report = sample();
        let ids: Vec<_> = rules(&report).iter().map(|r| r.id.to_string()).collect();
        assert_eq!(ids, ["TEST-001", "TEST-002", "TEST-003", "TEST-004"]);
        report.rules.clear();
        let ids: Vec<_> = rules(&report).iter().map(|r| r.id.to_string()).collect();
        assert_eq!(ids, ["TEST-001", "TEST-002"], "rules recovered from findings");
    }

    #[test]
    fn evidence_lines_name_request_and_status() {
        let report = sample();
        let lines = evidence_lines(&report.findings[0]);
        assert_eq!(lines[0], "POST http://api.test/login?a=1&b=<2> -> 200 (victim logs in)");
    }
}
