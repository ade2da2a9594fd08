//! One row per finding, for terminals and logs: whole titles, the variant in
//! its own column (two SESS-002 rows are told apart), and, on a terminal,
//! cells wrapped to its width.

use crate::Terminal;
use comfy_table::{ContentArrangement, Table, presets};
use rampart_model::Report;
use std::io::{self, Write};

/// The table at its natural width (for files and pipes).
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    render_for(report, out, Terminal::default())
}

/// The table, its cells wrapped to `terminal.width` when there is one. Every
/// cell's control characters from the target are defused before layout.
pub fn render_for(report: &Report, out: &mut dyn Write, terminal: Terminal) -> io::Result<()> {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_BORDERS_ONLY).set_header([
        "SEVERITY",
        "CONFIDENCE",
        "RULE",
        "VARIANT",
        "TITLE",
        "ENDPOINT",
    ]);
    if let Some(width) = terminal.width {
        table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    for f in &report.findings {
        table.add_row([
            f.severity.as_str().to_string(),
            f.confidence.as_str().to_string(),
            f.rule_id.clone(),
            crate::terminal_safe(&f.qualifier().unwrap_or_default()),
            crate::terminal_safe(&f.title),
            crate::terminal_safe(&format!(
                "{} {}",
                f.endpoint.method,
                path(&f.endpoint.url, &report.target)
            )),
        ]);
    }
    if !report.findings.is_empty() {
        writeln!(out, "{}", table.trim_fmt())?;
    }
    writeln!(
        out,
        "{}: grade {} score {} findings {} suppressed {} requests {}{}",
        crate::terminal_safe(&report.target),
        report.letter_grade,
        report.overall,
        report.findings.len(),
        report.suppressed.len(),
        report.stats.requests,
        report
            .coverage
            .provisional_note()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default()
    )
}

/// A finding's URL without the origin when it is the target's (the footer
/// names it); a URL on another origin stays whole.
fn path(url: &str, target: &str) -> String {
    let (Ok(u), Ok(t)) = (url::Url::parse(url), url::Url::parse(target)) else {
        return url.to_string();
    };
    if u.origin() != t.origin() {
        return url.to_string();
    }
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(terminal: Terminal) -> String {
        let mut out = Vec::new();
        render_for(&crate::sample::sample(), &mut out, terminal).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn whole_titles_and_variants_without_a_terminal() {
        let report = crate::sample::sample();
        let text = rendered(Terminal::default());
        for f in &report.findings {
            assert!(
                text.contains(&crate::terminal_safe(&f.title)),
                "{} cut: {text}",
                f.title
            );
        }
        assert!(text.lines().any(|l| l.contains("VARIANT")), "{text}");
        let rows: Vec<&str> = text.lines().filter(|l| l.contains("TEST-001")).collect();
        assert_eq!(rows.len(), 2, "{text}");
        assert!(
            rows.iter().any(|r| r.contains(" cookie ")),
            "the variant tells them apart: {text}"
        );
        assert!(
            !text.contains('\u{1b}'),
            "the target's escape sequence is defused: {text}"
        );
    }

    #[test]
    fn a_terminal_width_wraps_cells() {
        let text = rendered(Terminal {
            color: false,
            width: Some(60),
        });
        let lines: Vec<&str> = text.lines().collect();
        let (table, _footer) = lines.split_at(lines.len() - 1);
        let widest = table.iter().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 60, "widest table line {widest}: {text}");
        let unwrapped = rendered(Terminal::default());
        let rows = |t: &str| t.lines().filter(|l| l.starts_with('│')).count();
        assert!(
            rows(&text) > rows(&unwrapped),
            "cells wrap onto more lines at 60 columns: {text}"
        );
    }
}
