//! SARIF 2.1.0, for code-scanning dashboards: one run whose driver lists every
//! rule that ran, and one result per finding located at its endpoint URL.
//!
//! Written by hand with serde_json: the few objects used are small, and the
//! output is checked with the SARIF 2.1.0 schema and Microsoft's SARIF
//! Multitool by `tests/consumers/formats.py`.

use crate::curl::curl;
use crate::rules::{RuleView, evidence_lines, rules};
use rampart_model::{Finding, Report, Severity};
use serde_json::{Value, json};
use std::io::{self, Write};

/// The final OASIS schema, under the address SARIF viewers recognise.
pub(crate) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where users read about rampart; empty until the workspace names a repository.
pub(crate) const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

/// Key of the finding's fingerprint in `partialFingerprints`: the same value as
/// the JSON report's `fingerprint` (rule, method, path and variant), so alerts
/// follow a finding across scans, hosts and ports.
const FINGERPRINT_KEY: &str = "rampartFinding/v1";

/// Write `report` as a SARIF 2.1.0 log.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report)).map_err(io::Error::from)?;
    writeln!(out)
}

/// The whole log as a JSON value.
pub fn log(report: &Report) -> Value {
    let rules = rules(report);
    let mut results: Vec<Value> = report.findings.iter().map(|f| result(f, &rules)).collect();
    results.extend(report.suppressed.iter().map(|s| {
        let mut r = result(&s.finding, &rules);
        r["suppressions"] = json!([{ "kind": "external", "justification": s.suppression.reason }]);
        r
    }));
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver(report, &rules) },
            "invocations": [invocation(report, &rules)],
            "results": results,
            "properties": {
                "target": report.target,
                "overall": report.overall,
                "letterGrade": report.letter_grade,
                "gradeProvisional": report.coverage.grade_provisional,
                "provisionalReasons": report.coverage.provisional_reasons,
                "notTested": report.coverage.not_tested,
                "categories": report.categories,
                "requests": report.stats.requests,
            },
        }],
    })
}

fn driver(report: &Report, rules: &[RuleView<'_>]) -> Value {
    let mut driver = json!({
        "name": report.tool.name,
        "fullName": format!("{} {}", report.tool.name, report.tool.version),
        "version": report.tool.version,
        "semanticVersion": report.tool.version,
        "rules": rules.iter().map(descriptor).collect::<Vec<_>>(),
    });
    if !INFORMATION_URI.is_empty() {
        driver["informationUri"] = json!(INFORMATION_URI);
    }
    driver
}

/// A `reportingDescriptor` for one rule.
pub(crate) fn descriptor(rule: &RuleView<'_>) -> Value {
    let mut tags = vec!["security".to_string()];
    tags.extend(rule.cwe.iter().map(|n| format!("CWE-{n}")));
    tags.push(rule.owasp.to_string());
    tags.push(rule.category.name().to_string());
    let mut value = json!({
        "id": rule.id,
        "name": pascal_case(rule.title),
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": rule.summary },
        "help": { "text": rule.remediation, "markdown": help_markdown(rule) },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(rule.severity),
            "severity": rule.severity.as_str(),
        },
    });
    if let Some(uri) = rule.references.first() {
        value["helpUri"] = json!(uri);
    }
    value
}

fn help_markdown(rule: &RuleView<'_>) -> String {
    let mut md = format!("**Fix:** {}", rule.remediation);
    if !rule.references.is_empty() {
        md.push_str("\n\n**References:**\n");
        for r in rule.references {
            md.push_str(&format!("\n- <{r}>"));
        }
    }
    md
}

/// The scan itself: times, and the checks that failed as error notifications.
fn invocation(report: &Report, rules: &[RuleView<'_>]) -> Value {
    let notifications: Vec<Value> = report
        .stats
        .errors
        .iter()
        .map(|e| {
            let mut rule = json!({ "id": e.rule_id });
            if let Some(i) = rules.iter().position(|r| r.id == e.rule_id) {
                rule["index"] = json!(i);
            }
            json!({ "level": "error", "message": { "text": e.message }, "associatedRule": rule })
        })
        .collect();
    let mut value = json!({ "executionSuccessful": true, "toolExecutionNotifications": notifications });
    if !report.started_at.is_empty() {
        value["startTimeUtc"] = json!(report.started_at);
    }
    if !report.completed_at.is_empty() {
        value["endTimeUtc"] = json!(report.completed_at);
    }
    value
}

/// One `result`: the finding, its endpoint, fingerprint and proof.
fn result(f: &Finding, rules: &[RuleView<'_>]) -> Value {
    let index = rules.iter().position(|r| r.id == f.rule_id).unwrap_or(0);
    let endpoint = &f.endpoint;
    json!({
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": { "text": message(f) },
        "locations": [{
            "physicalLocation": { "artifactLocation": { "uri": endpoint.url } },
            "logicalLocations": [{
                "name": format!("{} {}", endpoint.method, path_of(&endpoint.url)),
                "fullyQualifiedName": format!("{} {}", endpoint.method, endpoint.url),
                "kind": "resource",
            }],
        }],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint() },
        "properties": {
            "findingId": f.id,
            "severity": f.severity.as_str(),
            "confidence": f.confidence.as_str(),
            "variant": f.variant,
            "instance": f.instance,
            "remediation": f.remediation,
            "evidence": evidence_lines(f),
            "curl": f.evidence.iter().map(curl).collect::<Vec<_>>(),
        },
    })
}

/// Title and description as one sentence-terminated message.
fn message(f: &Finding) -> String {
    let mut text = format!("{}. {}", f.title.trim_end_matches('.'), f.description.trim());
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// The path and query of a URL, for a short location name.
fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
}

/// SARIF level: high and critical are errors, medium a warning, the rest notes.
pub(crate) fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The CVSS-like score code-scanning UIs rank security results by.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// `Session fixation: the …` → `SessionFixation`: SARIF's friendly rule name.
fn pascal_case(title: &str) -> String {
    let head = title.split_once(':').map_or(title, |(head, _)| head);
    head.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{NASTY, sample};

    fn rendered() -> Value {
        let mut buf = Vec::new();
        render(&sample(), &mut buf).unwrap();
        serde_json::from_slice(&buf).unwrap()
    }

    #[test]
    fn one_run_with_every_rule_that_ran() {
        let log = rendered();
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"].as_array().unwrap().len(), 1);
        let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<_> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["TEST-001", "TEST-002", "TEST-003", "TEST-004"]);
        let first = &rules[0];
        assert_eq!(first["name"], "SessionFixation");
        assert_eq!(first["properties"]["security-severity"], "8.0");
        assert_eq!(first["defaultConfiguration"]["level"], "error");
        assert_eq!(first["helpUri"], "https://example.test/ref");
        let tags = first["properties"]["tags"].as_array().unwrap();
        for tag in ["CWE-384", "API2:2023", "Authentication"] {
            assert!(tags.contains(&json!(tag)), "{tag}");
        }
    }

    #[test]
    fn every_finding_is_a_result_pointing_at_its_rule() {
        let log = rendered();
        let run = &log["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        for r in results {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(run["tool"]["driver"]["rules"][index]["id"], r["ruleId"]);
            assert_eq!(r["properties"]["evidence"].as_array().unwrap().len(), 1);
            assert!(r["properties"]["curl"][0].as_str().unwrap().starts_with("curl "));
        }
        assert_eq!(results[2]["level"], "warning", "the finding's own severity wins");
        let text = results[0]["message"]["text"].as_str().unwrap();
        assert!(text.starts_with("Session fixation: <pre-login> id kept. Proven.") && text.contains(NASTY));
        let location = &results[0]["locations"][0];
        assert_eq!(
            location["physicalLocation"]["artifactLocation"]["uri"],
            "http://api.test/login?a=1&b=<2>"
        );
        assert_eq!(location["logicalLocations"][0]["name"], "POST /login?a=1&b=<2>");
    }

    #[test]
    fn fingerprints_match_the_json_report_and_tell_variants_apart() {
        let log = rendered();
        let results = log["runs"][0]["results"].as_array().unwrap();
        let prints: Vec<_> = results
            .iter()
            .map(|r| r["partialFingerprints"][FINGERPRINT_KEY].clone())
            .collect();
        assert_eq!(prints[0], json!(sample().findings[0].fingerprint()));
        assert_ne!(prints[0], prints[1], "variants differ");
    }

    #[test]
    fn failed_checks_are_error_notifications() {
        let log = rendered();
        let notes = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"];
        assert_eq!(notes[0]["associatedRule"]["id"], "TEST-003");
        assert_eq!(notes[0]["associatedRule"]["index"], 2);
        assert_eq!(notes[0]["level"], "error");
    }

    #[test]
    fn levels_and_scores_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(security_severity(Severity::Critical), "9.5");
        assert_eq!(security_severity(Severity::Low), "3.0");
        assert_eq!(
            pascal_case("Session cookie without SameSite, or SameSite=None"),
            "SessionCookieWithoutSameSiteOrSameSiteNone"
        );
        assert_eq!(path_of("http://h:1"), "/");
    }

    #[test]
    fn format_is_wired() {
        assert_eq!("sarif".parse::<crate::Format>(), Ok(crate::Format::Sarif));
        assert_eq!(crate::Format::from_extension("r.sarif"), Some(crate::Format::Sarif));
        assert_eq!(
            crate::Format::from_extension("R.SARIF.JSON"),
            Some(crate::Format::Sarif)
        );
    }
}
