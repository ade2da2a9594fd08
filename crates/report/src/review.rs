//! `rampart review` reports: a static review's findings located in source,
//! as a terminal summary, JSON, SARIF 2.1.0 (with real source regions, so
//! code scanning annotates the lines) or Markdown.

use crate::markdown::{fenced_as, text as md};
use crate::rules::RuleView;
use crate::sarif::{INFORMATION_URI, SCHEMA, descriptor, level};
use crate::summary::wrap;
use crate::{Format, terminal_safe};
use rampart_model::{CodeFinding, Review, Severity};
use serde_json::{Value, json};
use std::io::{self, Write};

/// Key of a review finding's fingerprint in SARIF `partialFingerprints`.
const FINGERPRINT_KEY: &str = "rampartReview/v1";

/// The formats a review renders in.
pub const REVIEW_FORMATS: [Format; 4] = [Format::Summary, Format::Json, Format::Sarif, Format::Markdown];

/// Write `review` in `format` (one of [`REVIEW_FORMATS`]).
pub fn render_review(review: &Review, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, review).map_err(io::Error::from)?;
            writeln!(out)
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(review)).map_err(io::Error::from)?;
            writeln!(out)
        }
        Format::Markdown => markdown(review, out),
        Format::Summary => summary(review, out, None),
        other => Err(io::Error::other(format!(
            "a review renders as summary, json, sarif or markdown, not {}",
            other.name()
        ))),
    }
}

/// The terminal summary, wrapped to `width` columns.
pub fn summary(review: &Review, out: &mut dyn Write, width: Option<usize>) -> io::Result<()> {
    writeln!(out, "{}", headline(review))?;
    if review.findings.is_empty() {
        writeln!(out, "No session-handling flaws found.")?;
    } else {
        writeln!(out, "Findings: {}", counts(review))?;
    }
    for f in &review.findings {
        writeln!(out)?;
        let head = format!(
            "{:<8} {} {}:{}{} {}",
            f.severity.as_str().to_uppercase(),
            f.rule_id,
            f.file,
            f.start_line,
            f.function.as_deref().map(|n| format!(" ({n})")).unwrap_or_default(),
            f.title
        );
        writeln!(out, "{}", wrap(&terminal_safe(&head), "  ", width))?;
        for line in f.lines.lines().take(6) {
            writeln!(out, "    | {}", terminal_safe(&line.trim_end().replace('\t', "    ")))?;
        }
        let why = format!("{} ({} confidence)", f.message, f.confidence);
        writeln!(out, "{}", wrap(&terminal_safe(&why), "  ", width))?;
        writeln!(out, "{}", wrap(&format!("Fix: {}", f.fix), "  ", width))?;
        writeln!(out, "{}", wrap(&format!("Prove it: {}", f.prove), "  ", width))?;
    }
    if !review.skipped.is_empty() {
        writeln!(out)?;
        writeln!(out, "Not reviewed: {} file(s)", review.skipped.len())?;
        for s in review.skipped.iter().take(10) {
            writeln!(out, "  {} ({})", terminal_safe(&s.path), s.reason)?;
        }
    }
    writeln!(out)?;
    let note = "A review reads the code's shape, not its behaviour: each finding is a lead to confirm with the \
                `rampart scan` it names.";
    writeln!(out, "{}", wrap(note, "", width))
}

/// `Reviewed 12 files, 1,340 lines (go 3, python 9) in 41 ms, lines changed since main`.
fn headline(review: &Review) -> String {
    let languages: Vec<String> = review.languages.iter().map(|(l, n)| format!("{l} {n}")).collect();
    let mut line = format!("rampart review: {} file(s), {} line(s)", review.files, review.lines);
    if !languages.is_empty() {
        line.push_str(&format!(" ({})", languages.join(", ")));
    }
    line.push_str(&format!(" in {} ms", review.elapsed_ms));
    if let Some(base) = &review.diff_base {
        line.push_str(&format!("; only lines changed since {base}"));
    }
    line
}

/// `1 high, 2 medium`.
fn counts(review: &Review) -> String {
    review
        .counts()
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn markdown(review: &Review, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## rampart review\n")?;
    writeln!(out, "{}\n", md(&headline(review)))?;
    if review.findings.is_empty() {
        writeln!(out, "No session-handling flaws found.")?;
    } else {
        writeln!(out, "**Findings:** {}\n", counts(review))?;
        writeln!(out, "| Severity | Rule | Where | Finding | Confidence |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for f in &review.findings {
            writeln!(
                out,
                "| {} | {} | `{}:{}` | {} | {} |",
                f.severity,
                f.rule_id,
                f.file.replace('`', "'"),
                f.start_line,
                md(&f.title),
                f.confidence
            )?;
        }
        for f in &review.findings {
            markdown_finding(f, out)?;
        }
    }
    if !review.skipped.is_empty() {
        writeln!(out, "\n**Not reviewed:** {} file(s)\n", review.skipped.len())?;
        for s in &review.skipped {
            writeln!(out, "- {} ({})", md(&s.path), md(&s.reason))?;
        }
    }
    writeln!(
        out,
        "\n_A review reads the code's shape, not its behaviour: confirm each finding with the `rampart scan` it names._"
    )
}

fn markdown_finding(f: &CodeFinding, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "\n### {} {} — {}:{}\n",
        f.rule_id,
        md(&f.title),
        md(&f.file),
        f.start_line
    )?;
    writeln!(out, "{}\n", fenced_as(&f.lines, language_tag(&f.file)))?;
    writeln!(out, "{}\n", md(&f.message))?;
    writeln!(out, "**Fix:** {}\n", md(&f.fix))?;
    writeln!(out, "**Prove it:**\n\n{}", fenced_as(&f.prove, "sh"))
}

/// The fenced-block language of a file, from its extension.
fn language_tag(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("py") => "python",
        Some("js" | "mjs" | "cjs" | "jsx") => "javascript",
        Some("ts" | "tsx" | "mts" | "cts") => "typescript",
        Some("go") => "go",
        Some("java") => "java",
        Some("php") => "php",
        Some("rs") => "rust",
        _ => "",
    }
}

/// The review as a SARIF 2.1.0 log.
pub fn sarif(review: &Review) -> Value {
    let rules: Vec<RuleView<'_>> = review.rules.iter().map(RuleView::from).collect();
    let results: Vec<Value> = review.findings.iter().map(|f| result(f, &rules)).collect();
    let notifications: Vec<Value> = review
        .skipped
        .iter()
        .map(|s| {
            json!({
                "level": "note",
                "message": { "text": format!("not reviewed: {}", s.reason) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&s.path) } } }],
            })
        })
        .collect();
    let mut driver = json!({
        "name": "rampart",
        "fullName": review.tool,
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(descriptor).collect::<Vec<_>>(),
    });
    if !INFORMATION_URI.is_empty() {
        driver["informationUri"] = json!(INFORMATION_URI);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "automationDetails": { "id": "rampart-review/" },
            "invocations": [{ "executionSuccessful": true, "toolExecutionNotifications": notifications }],
            "results": results,
            "properties": {
                "files": review.files,
                "lines": review.lines,
                "languages": review.languages,
                "diffBase": review.diff_base,
            },
        }],
    })
}

fn result(f: &CodeFinding, rules: &[RuleView<'_>]) -> Value {
    let index = rules.iter().position(|r| r.id == f.rule_id).unwrap_or(0);
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&f.file) },
            "region": {
                "startLine": f.start_line,
                "endLine": f.end_line,
                "snippet": { "text": f.lines },
            },
        },
    });
    if let Some(function) = &f.function {
        location["logicalLocations"] = json!([{ "name": function, "kind": "function" }]);
    }
    json!({
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": { "text": format!("{}: {}. Fix: {}", f.title, f.message, f.fix) },
        "locations": [location],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
        "properties": {
            "severity": f.severity.as_str(),
            "confidence": f.confidence.as_str(),
            "framework": f.framework,
            "fix": f.fix,
            "prove": f.prove,
        },
    })
}

/// A file path as a URI reference: `/` separators, spaces and `%` escaped.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => out.push_str("%25"),
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '\\' => out.push('/'),
            c => out.push(c),
        }
    }
    out
}

/// The exit-code gate: some finding is at least `threshold`.
pub fn review_fails(review: &Review, threshold: Severity) -> bool {
    review.worst().is_some_and(|worst| worst >= threshold)
}
