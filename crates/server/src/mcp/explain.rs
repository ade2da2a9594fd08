//! `explain_finding`: a rule, or one finding of a saved scan, explained with
//! its proof (each evidence exchange in one line) and curl reproductions.

use super::args::ExplainFinding;
use super::error::ToolError;
use super::rules::cwe_list;
use super::{history, reply};
use rampart_model::{Category, Exchange, Finding, Rule, Severity};
use rampart_store::History;
use rmcp::model::CallToolResult;
use serde_json::json;

/// Explain the rule, or the finding named by scan id plus finding id (or rule id).
pub async fn run(history: &History, args: &ExplainFinding) -> Result<CallToolResult, ToolError> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let (scan_id, finding_id, rule_id) = (given(&args.scan_id), given(&args.finding_id), given(&args.rule_id));
    match (scan_id, finding_id, rule_id) {
        (Some(scan), Some(finding), _) => finding_in_scan(history, &scan, Pick::Id(&finding)).await,
        (Some(scan), None, Some(rule)) => finding_in_scan(history, &scan, Pick::Rule(&rule)).await,
        (None, _, Some(rule)) => rule_only(&rule),
        _ => Err(ToolError::NothingToExplain),
    }
}

/// Which finding of a scan to explain.
enum Pick<'a> {
    Id(&'a str),
    /// The first finding of this rule.
    Rule(&'a str),
}

fn rule_only(rule_id: &str) -> Result<CallToolResult, ToolError> {
    let rule = rampart_checks::registry::find(rule_id)
        .map(|c| c.rule())
        .ok_or_else(|| ToolError::NoRule(rule_id.to_string()))?;
    let mut text = format!("{} — {}\n", rule.id, rule.title);
    text.push_str(&facts(rule.severity, rule.category, rule.owasp, rule.cwe));
    text.push_str(&format!(
        "\nWhat it is: {}\n\nFix: {}\n",
        rule.summary, rule.remediation
    ));
    text.push_str(&references(rule.references));
    Ok(reply::ok(text, json!({ "rule": rule })))
}

async fn finding_in_scan(history: &History, scan_id: &str, pick: Pick<'_>) -> Result<CallToolResult, ToolError> {
    let record = history::record(history, scan_id).await?;
    let findings = &record.report.findings;
    let found = match pick {
        Pick::Id(id) => findings.iter().find(|f| f.id.eq_ignore_ascii_case(id)),
        Pick::Rule(rule) => findings.iter().find(|f| f.rule_id.eq_ignore_ascii_case(rule)),
    };
    let finding = found.ok_or_else(|| ToolError::NoFinding {
        scan: record.summary.id.clone(),
        finding: match pick {
            Pick::Id(id) | Pick::Rule(id) => id.to_string(),
        },
        known: known(findings),
    })?;
    let rule = rampart_checks::registry::find(&finding.rule_id).map(|c| c.rule());
    let text = finding_text(finding, rule, &record.summary.id);
    let structured = json!({
        "scanId": record.summary.id,
        "rule": rule,
        "finding": {
            "id": finding.id,
            "ruleId": finding.rule_id,
            "variant": finding.variant,
            "instance": finding.instance,
            "severity": finding.severity,
            "confidence": finding.confidence,
            "title": finding.title,
            "description": finding.description,
            "remediation": finding.remediation,
            "cwe": finding.cwe,
            "owasp": finding.owasp,
            "endpoint": finding.endpoint,
            "evidence": finding.evidence.iter().map(evidence_json).collect::<Vec<_>>(),
            "storeEvidence": finding.store_evidence,
            "curl": finding.evidence.iter().map(rampart_report::curl).collect::<Vec<_>>(),
        },
    });
    Ok(reply::ok(text, structured))
}

fn finding_text(f: &Finding, rule: Option<&Rule>, scan_id: &str) -> String {
    let mut text = format!(
        "{} — {} (finding {} of scan {scan_id}, {})\n",
        f.rule_id, f.title, f.id, f.confidence
    );
    text.push_str(&facts(f.severity, f.category, &f.owasp, &f.cwe));
    text.push_str(&format!("Endpoint: {} {}\n", f.endpoint.method, f.endpoint.url));
    if let Some(rule) = rule {
        text.push_str(&format!("\nWhat it is: {}\n", rule.summary));
    }
    text.push_str(&format!(
        "What rampart saw: {}\n\nFix: {}\n",
        f.description, f.remediation
    ));
    text.push_str(&proof(f));
    text.push_str(&references(rule.map_or(&[][..], |r| r.references)));
    text
}

/// `Severity high · Authentication · OWASP API2:2023 · CWE-384`.
fn facts(severity: Severity, category: Category, owasp: &str, cwe: &[u32]) -> String {
    format!(
        "Severity {severity} · {} · OWASP {owasp} · {}\n",
        category.name(),
        cwe_list(cwe)
    )
}

/// The evidence, one line per exchange, store observations, and the curl lines.
fn proof(f: &Finding) -> String {
    let mut text = String::new();
    if !f.evidence.is_empty() {
        text.push_str("\nEvidence:\n");
        for (n, ex) in f.evidence.iter().enumerate() {
            text.push_str(&format!("  {}. {}\n", n + 1, evidence_line(ex)));
        }
    }
    for store in &f.store_evidence {
        text.push_str(&format!(
            "  store {} {}: {}\n",
            store.store, store.container, store.note
        ));
    }
    if !f.evidence.is_empty() {
        text.push_str("\nReproduce:\n");
        for ex in &f.evidence {
            text.push_str(&format!("  {}\n", rampart_report::curl(ex)));
        }
    }
    text
}

/// `POST http://h/login → 302 — note`.
fn evidence_line(ex: &Exchange) -> String {
    let note = ex.note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default();
    format!(
        "{} {} → {}{note}",
        ex.request.method, ex.request.url, ex.response.status
    )
}

fn evidence_json(ex: &Exchange) -> serde_json::Value {
    json!({
        "request": format!("{} {}", ex.request.method, ex.request.url),
        "status": ex.response.status,
        "note": ex.note,
    })
}

fn references(refs: &[&str]) -> String {
    if refs.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = refs.iter().map(|r| format!("  - {r}\n")).collect();
    format!("\nReferences:\n{}", lines.concat())
}

/// `f-1 SESS-001, f-2 SESS-007` (or `none`).
fn known(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "none".into();
    }
    let ids: Vec<String> = findings.iter().map(|f| format!("{} {}", f.id, f.rule_id)).collect();
    ids.join(", ")
}
