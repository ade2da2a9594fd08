//! JUnit XML, for CI test dashboards: one test case per rule that ran, failed
//! once per finding of that rule, in error when the check failed, skipped when
//! it did not apply.
//!
//! The suite's `failures` counts failing test cases (rules that fired), as CI
//! dashboards do; each case carries one `<failure>` element per finding.

use crate::curl::curl;
use crate::rules::{RuleView, evidence_lines, rules};
use rampart_model::{Finding, Report};
use std::io::{self, Write};

/// Write `report` as a JUnit XML document with one test suite, `rampart`.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let cases = cases(report);
    let failures = cases.iter().filter(|c| !c.findings.is_empty()).count();
    let errors = cases.iter().filter(|c| c.error.is_some()).count();
    let skipped = cases
        .iter()
        .filter(|c| c.skipped.is_some() && c.findings.is_empty())
        .count();
    let counts = format!(
        r#"tests="{}" failures="{failures}" errors="{errors}" skipped="{skipped}" time="{:.3}""#,
        cases.len(),
        report.duration_ms as f64 / 1000.0
    );
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<testsuites name="rampart" {counts}>"#)?;
    writeln!(
        out,
        r#"  <testsuite name="rampart" {counts} timestamp="{}">"#,
        escape(&timestamp(&report.started_at), true)
    )?;
    properties(report, out)?;
    for case in &cases {
        case.write(out)?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

fn properties(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let props = [
        ("target", report.target.clone()),
        ("grade", report.letter_grade.clone()),
        ("score", report.overall.to_string()),
        ("gradeProvisional", report.coverage.grade_provisional.to_string()),
        ("suppressed", report.suppressed.len().to_string()),
        ("provisionalReasons", report.coverage.provisional_reasons.join("; ")),
        ("requests", report.stats.requests.to_string()),
        ("version", report.tool.version.clone()),
    ];
    writeln!(out, "    <properties>")?;
    for (name, value) in props {
        writeln!(
            out,
            r#"      <property name="{name}" value="{}"/>"#,
            escape(&value, true)
        )?;
    }
    writeln!(out, "    </properties>")
}

/// One rule's test case and what happened to it.
struct Case<'a> {
    classname: &'a str,
    name: String,
    findings: Vec<&'a Finding>,
    error: Option<&'a str>,
    skipped: Option<&'a str>,
}

/// A case per rule that ran, then one per failed or inapplicable rule the
/// report's rule list lacks, so no error or skip is lost.
fn cases(report: &Report) -> Vec<Case<'_>> {
    let views = rules(report);
    let mut ids: Vec<&str> = views.iter().map(|r| r.id).collect();
    for id in report.stats.errors.iter().map(|e| e.rule_id.as_str()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    for id in report.stats.not_applicable.keys().map(String::as_str) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.into_iter()
        .map(|id| case(report, id, views.iter().find(|r| r.id == id)))
        .collect()
}

fn case<'a>(report: &'a Report, id: &'a str, rule: Option<&RuleView<'a>>) -> Case<'a> {
    Case {
        classname: rule.map_or("rampart", |r| r.category.name()),
        name: rule.map_or_else(|| id.to_string(), |r| format!("{} {}", r.id, r.title)),
        findings: report.findings.iter().filter(|f| f.rule_id == id).collect(),
        error: report
            .stats
            .errors
            .iter()
            .find(|e| e.rule_id == id)
            .map(|e| e.message.as_str()),
        skipped: report.stats.not_applicable.get(id).map(String::as_str),
    }
}

impl Case<'_> {
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let head = format!(
            r#"    <testcase classname="{}" name="{}""#,
            escape(self.classname, true),
            escape(&self.name, true)
        );
        if self.findings.is_empty() && self.error.is_none() && self.skipped.is_none() {
            return writeln!(out, "{head}/>");
        }
        writeln!(out, "{head}>")?;
        for f in &self.findings {
            let message = format!(
                "{} {}: {} {}",
                f.severity, f.confidence, f.endpoint.method, f.endpoint.url
            );
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                escape(&message, true),
                f.severity,
                escape(&failure_body(f), false)
            )?;
        }
        if let Some(message) = self.error {
            let m = escape(message, true);
            writeln!(
                out,
                r#"      <error message="{m}" type="CheckError">{}</error>"#,
                escape(message, false)
            )?;
        } else if let (Some(reason), true) = (self.skipped, self.findings.is_empty()) {
            writeln!(out, r#"      <skipped message="{}"/>"#, escape(reason, true))?;
        }
        writeln!(out, "    </testcase>")
    }
}

/// What a failure's body says: the proof, the fix and how to reproduce it.
fn failure_body(f: &Finding) -> String {
    let mut body = format!(
        "{} ({})\n\n{}\n\nFix: {}\n",
        f.title, f.id, f.description, f.remediation
    );
    if let Some(v) = &f.variant {
        body.push_str(&format!("Variant: {v}\n"));
    }
    if let Some(i) = &f.instance {
        body.push_str(&format!("Instance: {i}\n"));
    }
    body.push_str("\nEvidence:\n");
    for line in evidence_lines(f) {
        body.push_str(&format!("  {line}\n"));
    }
    body.push_str("\nReproduce:\n");
    for ex in &f.evidence {
        body.push_str(&format!("  {}\n", curl(ex)));
    }
    body
}

/// JUnit's timestamp is an ISO 8601 date-time without zone; rampart's is UTC.
fn timestamp(rfc3339: &str) -> String {
    rfc3339.chars().take(19).collect()
}

/// Escape text for XML 1.0: markup characters become entities, characters
/// XML 1.0 cannot carry at all become U+FFFD, and in attributes tabs and line
/// breaks become character references so parsers keep them.
pub fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Characters outside XML 1.0's `Char` production.
fn forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample;

    fn rendered() -> String {
        let mut buf = Vec::new();
        render(&sample(), &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn escapes_markup_quotes_and_forbidden_characters() {
        assert_eq!(escape(r#"a&b<c>d"e'f"#, false), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
        assert_eq!(escape("x\u{1}y\u{1b}z\u{ffff}", false), "x\u{FFFD}y\u{FFFD}z\u{FFFD}");
        assert_eq!(escape("l1\nl2\tt\r", false), "l1\nl2\tt&#13;");
        assert_eq!(escape("l1\nl2\t", true), "l1&#10;l2&#9;");
        assert_eq!(escape("é ✓ 🦀", true), "é ✓ 🦀");
    }

    #[test]
    fn one_case_per_rule_with_a_failure_per_finding() {
        let xml = rendered();
        assert_eq!(xml.matches("<testcase ").count(), 4);
        assert_eq!(xml.matches("<failure ").count(), 3);
        assert_eq!(xml.matches("<error ").count(), 1);
        assert_eq!(xml.matches("<skipped ").count(), 1);
        assert!(xml.contains(r#"<testsuite name="rampart" tests="4" failures="2" errors="1" skipped="1" time="2.100" timestamp="2026-01-02T03:04:05">"#));
        assert!(
            xml.contains(r#"classname="Authentication" name="TEST-001 Session fixation: &lt;pre-login&gt; id kept""#)
        );
        assert!(xml.contains(r#"message="high confirmed: POST http://api.test/login?a=1&amp;b=&lt;2&gt;""#));
        assert!(xml.contains(r#"<skipped message="needs a session flow (--flow)"/>"#));
    }

    #[test]
    fn no_raw_markup_or_control_characters_leak() {
        let xml = rendered();
        assert!(!xml.contains("<script>") && !xml.contains("]]>"));
        assert!(!xml.chars().any(forbidden));
        assert!(xml.contains("Reproduce:\n  curl -sS -i -X POST"));
    }

    #[test]
    fn rules_missing_from_the_list_still_get_cases() {
        let mut report = sample();
        report.rules.clear();
        let names: Vec<_> = cases(&report).into_iter().map(|c| c.name).collect();
        assert_eq!(names.len(), 4);
        assert_eq!(names[2..], ["TEST-003", "TEST-004"]);
    }

    #[test]
    fn format_is_wired() {
        assert_eq!("junit".parse::<crate::Format>(), Ok(crate::Format::Junit));
        assert_eq!(crate::Format::from_extension("r.xml"), Some(crate::Format::Junit));
    }
}
