//! The terminal summary: grade and score, category scores, and the findings
//! grouped by severity with their proof level and remediation.

use rampart_model::{BaselineStatus, Report, Severity};
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    render_styled(report, out, Terminal::default())
}

/// How the terminal that shows a summary or table wants it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    /// ANSI colours by severity and grade.
    pub color: bool,
    /// Wrap text to this many columns, on word boundaries.
    pub width: Option<usize>,
}

/// The summary for a terminal: every control character the target could
/// have put in the report (an escape sequence echoed in a finding) is
/// replaced, then ANSI colours by severity and grade are added when asked.
pub fn render_styled(report: &Report, out: &mut dyn Write, terminal: Terminal) -> io::Result<()> {
    let mut plain = Vec::new();
    write_plain(report, &mut plain, terminal.width)?;
    let safe = crate::terminal_safe(&String::from_utf8_lossy(&plain));
    let text = if terminal.color { colorize(&safe) } else { safe };
    out.write_all(text.as_bytes())
}

/// Colour the lines the summary's own layout makes: what was not tested and a
/// provisional grade in yellow, the grade by its letter, severity headings by severity.
fn colorize(text: &str) -> String {
    let paint = |line: &str, code: &str| format!("\x1b[{code}m{line}\x1b[0m");
    let mut out = String::with_capacity(text.len() + 256);
    let mut before_grade = true;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let heading = Severity::DESCENDING
            .into_iter()
            .find(|sev| body.starts_with(&format!("{} (", sev.as_str().to_uppercase())));
        let painted = if let Some(sev) = heading {
            paint(body, severity_color(sev))
        } else if body.starts_with("  Grade ") && body.contains(" is provisional: ") {
            paint(body, YELLOW)
        } else if let Some(rest) = body.strip_prefix("  Grade ").filter(|_| before_grade) {
            before_grade = false;
            let (letter, tail) = rest.split_at(rest.find(' ').unwrap_or(rest.len()));
            format!("  {}{tail}", paint(&format!("Grade {letter}"), grade_color(letter)))
        } else if before_grade && body.starts_with("  ") {
            paint(body, YELLOW)
        } else {
            body.to_string()
        };
        out.push_str(&painted);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn write_plain(report: &Report, out: &mut dyn Write, width: Option<usize>) -> io::Result<()> {
    writeln!(out, "rampart {} — {}", report.tool.version, report.target)?;
    writeln!(out)?;
    for line in &report.coverage.not_tested {
        writeln!(out, "{}", wrap_hanging(line, "  ", "    ", width))?;
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
    writeln!(out, "  Findings: {}", by_severity(report))?;
    baseline(report, out)?;
    if let Some(flow) = &report.flow {
        let line = format!("Session: {}", flow.summary);
        writeln!(out, "{}", wrap_hanging(&line, "  ", "    ", width))?;
    }
    if let Some(writes) = report.stats.writes_line() {
        writeln!(out, "  Writes (--active): {writes}")?;
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
            let variant = f.qualifier().map(|v| format!(" [{v}]")).unwrap_or_default();
            let baseline = f.baseline.map(|b| format!(", {}", b.as_str())).unwrap_or_default();
            let heading = format!(
                "{} {}{} — {} ({}{baseline})",
                f.rule_id, f.title, variant, f.endpoint.url, f.confidence
            );
            writeln!(out, "{}", wrap_hanging(&heading, "  ", "    ", width))?;
            writeln!(out, "{}", wrap(&f.description, "      ", width))?;
            writeln!(out, "{}", wrap(&format!("Fix: {}", f.remediation), "      ", width))?;
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
            writeln!(out, "{}", wrap_hanging(&s.line(), "  ", "    ", width))?;
        }
    }
    footer(report, out, width)
}

/// "1 critical, 0 high, …": the findings counted by severity, most severe first.
fn by_severity(report: &Report) -> String {
    let count = |sev| report.findings.iter().filter(|f| f.severity == sev).count();
    let counts: Vec<String> = Severity::DESCENDING
        .into_iter()
        .map(|sev| format!("{} {}", count(sev), sev.as_str()))
        .collect();
    counts.join(", ")
}

/// `text` after `indent`, broken at spaces so no line passes `width`
/// columns (a longer word keeps its own line); one line without a width.
pub(crate) fn wrap(text: &str, indent: &str, width: Option<usize>) -> String {
    wrap_hanging(text, indent, indent, width)
}

/// As `wrap`, the first line after `first` and the rest after `rest`.
fn wrap_hanging(text: &str, first: &str, rest: &str, width: Option<usize>) -> String {
    let indent = first.chars().count().max(rest.chars().count());
    let room = width.map_or(usize::MAX, |w| w.saturating_sub(indent).max(20));
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        let used = line.chars().count();
        if used > 0 && used + 1 + word.chars().count() > room {
            lines.push(word.to_string());
        } else {
            if used > 0 {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    let indented: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}{l}", if i == 0 { first } else { rest }))
        .collect();
    indented.join("\n")
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

fn footer(report: &Report, out: &mut dyn Write, width: Option<usize>) -> io::Result<()> {
    let stats = &report.stats;
    if !stats.errors.is_empty() || !stats.events.is_empty() || stats.relogins > 0 {
        writeln!(out)?;
    }
    for e in &stats.errors {
        let line = format!("error in {}: {}", e.rule_id, e.message);
        writeln!(out, "{}", wrap_hanging(&line, "  ", "    ", width))?;
    }
    for e in &stats.events {
        writeln!(out, "{}", wrap_hanging(&format!("note: {e}"), "  ", "    ", width))?;
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

const YELLOW: &str = "33";

fn severity_color(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    }
}

fn grade_color(grade: &str) -> &'static str {
    match grade {
        "A" | "B" => "1;32",
        "C" => "1;33",
        _ => "1;31",
    }
}

fn bar(score: u8) -> String {
    let filled = usize::from(score.min(100)) / 5;
    format!("{}{}", "█".repeat(filled), "░".repeat(20 - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_when_asked() {
        let report = crate::sample::sample();
        let mut plain = Vec::new();
        render(&report, &mut plain).unwrap();
        let plain = String::from_utf8(plain).unwrap();
        assert!(
            !plain.contains('\u{1b}'),
            "no escape codes, not even the target's: {plain}"
        );
        assert!(plain.contains("\u{fffd}[0m"), "the echoed escape sequence is defused");
        let mut styled = Vec::new();
        let color = Terminal {
            color: true,
            width: None,
        };
        render_styled(&report, &mut styled, color).unwrap();
        let styled = String::from_utf8(styled).unwrap();
        assert!(styled.contains("\x1b[31mHIGH (2)\x1b[0m"), "{styled}");
        assert!(styled.contains("\x1b[1;31mGrade D\x1b[0m   Score 61/100"), "{styled}");
        assert!(styled.contains("\x1b[33m  Session lifecycle: not tested"), "{styled}");
        assert_eq!(
            styled.matches('\u{1b}').count(),
            2 * 5,
            "only rampart's own colours: {styled}"
        );
    }

    #[test]
    fn counts_by_severity_and_wraps_to_the_width() {
        let report = crate::sample::sample();
        let mut out = Vec::new();
        let narrow = Terminal {
            color: false,
            width: Some(40),
        };
        render_styled(&report, &mut out, narrow).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("  Findings: 0 critical, 2 high,"), "{text}");
        let fix_lines: Vec<&str> = text.lines().filter(|l| l.starts_with("      ")).collect();
        assert!(fix_lines.len() > 2 * report.findings.len(), "descriptions wrap: {text}");
        for line in fix_lines {
            let long_word = line.split_whitespace().any(|w| w.chars().count() > 34);
            assert!(line.chars().count() <= 40 || long_word, "'{line}' passes 40 columns");
        }
    }

    #[test]
    fn wrap_breaks_at_spaces_only() {
        assert_eq!(wrap("a bb ccc", "  ", None), "  a bb ccc");
        let text = "one two three four five six seven eight nine ten eleven";
        assert_eq!(
            wrap(text, "", Some(24)),
            "one two three four five\nsix seven eight nine ten\neleven"
        );
        assert_eq!(wrap("", "  ", Some(30)), "  ");
    }
}
