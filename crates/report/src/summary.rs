//! The terminal summary: grade and score, category scores, and the findings
//! grouped by severity with their proof level and remediation.

use rampart_model::{BaselineStatus, Report, Severity};
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "rampart {} — {}", report.tool.version, report.target)?;
    writeln!(out)?;
    for line in &report.coverage.not_tested {
        writeln!(out, "  {line}")?;
    }
    if !report.coverage.not_tested.is_empty() {
        writeln!(out)?;
    }
    writeln!(
        out,
        "  Grade {}   Score {}/100   ({} findings, {} requests, {:.1} s)",
        report.letter_grade,
        report.overall,
        report.findings.len(),
        report.stats.requests,
        report.duration_ms as f64 / 1000.0
    )?;
    if let Some(note) = report.coverage.provisional_note() {
        writeln!(out, "  Grade {} is {note}", report.letter_grade)?;
    }
    baseline(report, out)?;
    if let Some(flow) = &report.flow {
        writeln!(out, "  Session: {}", flow.summary)?;
    }
    if let Some(fw) = &report.fingerprint.framework {
        let lib = report
            .fingerprint
            .session_library
            .as_deref()
            .map(|l| format!(", {l}"))
            .unwrap_or_default();
        let store = report
            .fingerprint
            .store
            .as_deref()
            .map(|s| format!(", store {s}"))
            .unwrap_or_default();
        writeln!(out, "  Stack: {fw}{lib}{store}")?;
    }
    writeln!(out)?;
    for (category, score) in &report.categories {
        writeln!(out, "  {:<38} {:>3}  {}", category.name(), score, bar(*score))?;
    }
    if report.categories.is_empty() {
        writeln!(out, "  No category applied to this target: nothing was tested.")?;
        for (rule, why) in report.stats.not_applicable.iter().take(3) {
            writeln!(out, "    {rule}: {why}")?;
        }
    }
    for sev in Severity::DESCENDING {
        let group: Vec<_> = report.findings.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        writeln!(out)?;
        writeln!(out, "{} ({})", sev.as_str().to_uppercase(), group.len())?;
        for f in group {
            let variant = f.variant.as_deref().map(|v| format!(" [{v}]")).unwrap_or_default();
            let baseline = f.baseline.map(|b| format!(", {}", b.as_str())).unwrap_or_default();
            writeln!(
                out,
                "  {} {}{} — {} ({}{baseline})",
                f.rule_id, f.title, variant, f.endpoint.url, f.confidence
            )?;
            writeln!(out, "      {}", f.description)?;
            writeln!(out, "      Fix: {}", f.remediation)?;
        }
    }
    if report.findings.is_empty() {
        writeln!(out)?;
        writeln!(out, "No findings.")?;
    }
    if !report.suppressed.is_empty() {
        writeln!(out)?;
        writeln!(out, "SUPPRESSED ({}, not scored)", report.suppressed.len())?;
        for s in &report.suppressed {
            writeln!(out, "  {}", s.line())?;
        }
    }
    footer(report, out)
}

/// How many findings are new since the `--baseline` report, when one was given.
fn baseline(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let marked: Vec<BaselineStatus> = report.findings.iter().filter_map(|f| f.baseline).collect();
    if marked.is_empty() {
        return Ok(());
    }
    let new = marked.iter().filter(|&&b| b == BaselineStatus::New).count();
    writeln!(out, "  Baseline: {new} new, {} unchanged", marked.len() - new)
}

fn footer(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let stats = &report.stats;
    if !stats.errors.is_empty() || !stats.events.is_empty() || stats.relogins > 0 {
        writeln!(out)?;
    }
    for e in &stats.errors {
        writeln!(out, "  error in {}: {}", e.rule_id, e.message)?;
    }
    for e in &stats.events {
        writeln!(out, "  note: {e}")?;
    }
    if stats.relogins > 0 {
        writeln!(
            out,
            "  note: the flow logged in again {} time(s) after losing its session",
            stats.relogins
        )?;
    }
    Ok(())
}

fn bar(score: u8) -> String {
    let filled = usize::from(score.min(100)) / 5;
    format!("{}{}", "█".repeat(filled), "░".repeat(20 - filled))
}
