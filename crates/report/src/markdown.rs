//! GitHub-flavoured Markdown, for CI job summaries and pull-request comments:
//! the grade and score, a score per category, a findings table, the fix for
//! the most severe rules in collapsed `<details>` blocks, and gate hints.
//!
//! Every value from the report is escaped, so text a target echoed cannot add
//! markup, links or table cells to the page.

use crate::curl::curl;
use rampart_model::{BaselineStatus, Finding, Report, Severity};
use std::io::{self, Write};

/// Rows of the findings table; the rest are counted, and the JSON or SARIF report has them all.
const MAX_ROWS: usize = 100;
/// Rules whose fix is shown in a `<details>` block, most severe first.
const MAX_FIXES: usize = 10;

/// Write `report` as a Markdown job summary.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let ranked = ranked(report);
    headline(report, out)?;
    categories(report, out)?;
    findings(&ranked, out)?;
    fixes(&ranked, out)?;
    problems(report, out)?;
    gate_hints(report, out)
}

/// The findings, most severe first, keeping the report's order within a severity.
fn ranked(report: &Report) -> Vec<&Finding> {
    let mut ranked: Vec<&Finding> = report.findings.iter().collect();
    ranked.sort_by_key(|f| std::cmp::Reverse(f.severity));
    ranked
}

fn headline(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let provisional = report.coverage.provisional_note().map(|n| format!(" — {}", text(&n)));
    writeln!(
        out,
        "## rampart: grade {}, score {}/100{}\n",
        text(&report.letter_grade),
        report.overall,
        provisional.unwrap_or_default()
    )?;
    for line in &report.coverage.not_tested {
        writeln!(out, "> {}", text(line))?;
    }
    if let Some(flow) = &report.flow {
        writeln!(out, "Session: {}\n", text(&flow.summary))?;
    }
    if !report.coverage.not_tested.is_empty() {
        writeln!(out)?;
    }
    let counts: Vec<String> = Severity::DESCENDING
        .into_iter()
        .filter_map(|sev| {
            let n = report.findings.iter().filter(|f| f.severity == sev).count();
            (n > 0).then(|| format!("{n} {sev}"))
        })
        .collect();
    let counts = if counts.is_empty() {
        String::new()
    } else {
        format!(" ({})", counts.join(", "))
    };
    writeln!(
        out,
        "Target {} · {} findings{counts} · {} requests · {:.1} s · rampart {}",
        text(&report.target),
        report.findings.len(),
        report.stats.requests,
        report.duration_ms as f64 / 1000.0,
        text(&report.tool.version)
    )?;
    if let Some(writes) = report.stats.writes_line() {
        writeln!(out, "\nWrites (`--active`): {}", text(&writes))?;
    }
    let marked: Vec<BaselineStatus> = report.findings.iter().filter_map(|f| f.baseline).collect();
    if !marked.is_empty() {
        let new = marked.iter().filter(|&&b| b == BaselineStatus::New).count();
        writeln!(out, "\nBaseline: {new} new, {} unchanged", marked.len() - new)?;
    }
    Ok(())
}

fn categories(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\n### Categories\n")?;
    if report.categories.is_empty() {
        return writeln!(out, "No category applied to this target: nothing was tested.");
    }
    writeln!(out, "| Category | Score |\n|---|---:|")?;
    for (category, score) in &report.categories {
        writeln!(out, "| {} | {score} |", text(category.name()))?;
    }
    Ok(())
}

fn findings(ranked: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\n### Findings\n")?;
    if ranked.is_empty() {
        return writeln!(out, "No findings.");
    }
    writeln!(
        out,
        "| Severity | Rule | Title | Endpoint | Confidence |\n|---|---|---|---|---|"
    )?;
    for f in ranked.iter().take(MAX_ROWS) {
        let variant = f.qualifier().map(|v| format!(" [{v}]")).unwrap_or_default();
        let new = if f.baseline == Some(BaselineStatus::New) {
            " (new)"
        } else {
            ""
        };
        writeln!(
            out,
            "| {} | {} | {}{new} | {} {} | {} |",
            f.severity,
            text(&f.rule_id),
            text(&format!("{}{variant}", f.title)),
            text(&f.endpoint.method),
            text(&f.endpoint.url),
            f.confidence
        )?;
    }
    if ranked.len() > MAX_ROWS {
        writeln!(
            out,
            "\n…and {} more in the JSON or SARIF report.",
            ranked.len() - MAX_ROWS
        )?;
    }
    Ok(())
}

/// How to fix the most severe rules that fired: one collapsed block per rule,
/// with the remediation and a curl command that reproduces its first finding.
fn fixes(ranked: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    let mut seen: Vec<&str> = Vec::new();
    for f in ranked {
        if seen.len() == MAX_FIXES {
            break;
        }
        if seen.contains(&f.rule_id.as_str()) {
            continue;
        }
        seen.push(&f.rule_id);
        if seen.len() == 1 {
            writeln!(out, "\n### How to fix\n")?;
        }
        writeln!(
            out,
            "<details><summary>{} {} ({})</summary>\n",
            html(&f.rule_id),
            html(&f.title),
            f.severity
        )?;
        writeln!(out, "**Proof:** {}\n", text(&f.description))?;
        writeln!(out, "**Fix:** {}\n", text(&f.remediation))?;
        if let Some(ex) = f.evidence.first() {
            writeln!(out, "Reproduce:\n\n{}\n", fenced(&curl(ex)))?;
        }
        writeln!(out, "</details>")?;
    }
    Ok(())
}

fn problems(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let stats = &report.stats;
    if stats.errors.is_empty() && stats.not_applicable.is_empty() && report.suppressed.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    for s in &report.suppressed {
        writeln!(out, "- suppressed (not scored): {}", text(&s.line()))?;
    }
    for e in &stats.errors {
        writeln!(out, "- error in {}: {}", text(&e.rule_id), text(&e.message))?;
    }
    if !stats.not_applicable.is_empty() {
        let ids: Vec<String> = stats.not_applicable.keys().map(|id| text(id)).collect();
        writeln!(out, "- not applicable to this target: {}", ids.join(", "))?;
    }
    Ok(())
}

/// Which `--threshold` and `--fail-on` values this report passes.
fn gate_hints(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\n### Gate\n")?;
    writeln!(
        out,
        "- `--threshold N` passes for N ≤ {0} and fails above it (score {0}).",
        report.overall
    )?;
    let Some(worst) = report.findings.iter().map(|f| f.severity).max() else {
        return writeln!(out, "- `--fail-on` passes at every severity: no findings.");
    };
    let hits = report.findings.iter().filter(|f| f.severity >= worst).count();
    let passes = Severity::DESCENDING
        .into_iter()
        .rev()
        .find(|sev| *sev > worst)
        .map(|sev| format!("`--fail-on {sev}` passes; "))
        .unwrap_or_default();
    writeln!(
        out,
        "- {passes}`--fail-on {worst}` or lower fails ({hits} finding(s) of severity {worst})."
    )
}

/// Escape text for a Markdown paragraph or table cell.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => push_html(&mut out, c),
        }
    }
    out
}

/// Escape text inside raw HTML (a `<summary>`), where Markdown escapes would show.
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c => push_html(&mut out, c),
        }
    }
    out
}

fn push_html(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        c if c.is_control() => out.push('\u{FFFD}'),
        c => out.push(c),
    }
}

/// A fenced shell block whose fence is longer than any backtick run in `code`.
fn fenced(code: &str) -> String {
    fenced_as(code, "sh")
}

/// A fenced code block in `lang`, its fence longer than any backtick run in `code`.
pub(crate) fn fenced_as(code: &str, lang: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let body: String = code
        .chars()
        .map(|c| if c.is_control() && c != '\n' { '\u{FFFD}' } else { c })
        .collect();
    format!("{fence}{lang}\n{body}\n{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{NASTY, sample};

    fn rendered(report: &Report) -> String {
        let mut buf = Vec::new();
        render(report, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    /// Table cells on a row: pipes not escaped by a backslash, minus one.
    fn cells(row: &str) -> usize {
        let mut prev = ' ';
        let pipes = row
            .chars()
            .filter(|&c| {
                let bare = c == '|' && prev != '\\';
                prev = c;
                bare
            })
            .count();
        pipes - 1
    }

    #[test]
    fn escapes_markdown_html_and_controls() {
        assert_eq!(text("a|b*c_d`e`[x](y)"), r"a\|b\*c\_d\`e\`\[x\](y)");
        assert_eq!(text("<b>&\"q\"\nl2\u{1b}"), "&lt;b&gt;&amp;&quot;q&quot; l2\u{FFFD}");
        assert_eq!(html("<i>a_b</i>"), "&lt;i&gt;a_b&lt;/i&gt;");
        assert_eq!(fenced("echo ```x```"), "````sh\necho ```x```\n````");
    }

    #[test]
    fn headline_and_category_scores() {
        let md = rendered(&sample());
        assert!(
            md.starts_with("## rampart: grade D, score 61/100 — provisional: session lifecycle not tested"),
            "{md}"
        );
        assert!(md.contains("Target http://api.test/ · 3 findings (2 high, 1 medium) · 42 requests · 2.1 s"));
        assert!(md.contains("| Category | Score |\n|---|---:|\n| Authentication | 35 |\n| BOLA / IDOR | 100 |\n"));
    }

    #[test]
    fn one_row_per_finding_most_severe_first() {
        let md = rendered(&sample());
        let rows: Vec<&str> = md
            .lines()
            .filter(|l| l.starts_with("| high") || l.starts_with("| medium"))
            .collect();
        assert_eq!(rows.len(), 3, "{md}");
        assert!(rows.iter().all(|r| cells(r) == 5), "{rows:#?}");
        assert_eq!(
            rows[1],
            "| high | TEST-001 | Session fixation: &lt;pre-login&gt; id kept \\[cookie\\] \
             | POST http://api.test/login?a=1&amp;b=&lt;2&gt; | confirmed |"
        );
        assert!(rows[2].starts_with("| medium | TEST-002 | Cookie without Secure |"));
    }

    #[test]
    fn fixes_per_rule_in_details_without_raw_markup() {
        let md = rendered(&sample());
        assert_eq!(md.matches("<details><summary>").count(), 2);
        assert!(md.contains("<summary>TEST-001 Session fixation: &lt;pre-login&gt; id kept (high)</summary>"));
        assert!(md.contains("**Fix:** Rotate the session id."));
        assert!(md.contains("```sh\ncurl -sS -i -X POST -H 'Cookie: sid=it'\\''s'"));
        assert!(!md.contains("<script>") && !md.contains(NASTY));
        assert!(!md.chars().any(|c| c.is_control() && c != '\n'));
        assert!(md.contains("- error in TEST-003: connection reset &lt;by peer&gt; &amp; gone"));
        assert!(md.contains("- not applicable to this target: TEST-004"));
    }

    #[test]
    fn gate_hints_name_what_passes() {
        let md = rendered(&sample());
        assert!(md.contains("- `--threshold N` passes for N ≤ 61"));
        assert!(md.contains(
            "- `--fail-on critical` passes; `--fail-on high` or lower fails (2 finding(s) of severity high)."
        ));
        let mut clean = sample();
        clean.findings.clear();
        let md = rendered(&clean);
        assert!(md.contains("No findings.") && md.contains("`--fail-on` passes at every severity"));
        assert!(!md.contains("<details>"));
    }

    #[test]
    fn long_reports_are_cut_with_a_count() {
        let mut report = sample();
        let f = report.findings[0].clone();
        report.findings = vec![f; MAX_ROWS + 7];
        let md = rendered(&report);
        assert_eq!(md.lines().filter(|l| l.starts_with("| high |")).count(), MAX_ROWS);
        assert!(md.contains("…and 7 more in the JSON or SARIF report."));
        assert_eq!(md.matches("<details>").count(), 1);
    }

    #[test]
    fn format_is_wired() {
        assert_eq!("markdown".parse::<crate::Format>(), Ok(crate::Format::Markdown));
        assert_eq!(
            crate::Format::from_extension("summary.md"),
            Some(crate::Format::Markdown)
        );
        assert_eq!(
            crate::Format::from_extension("r.MARKDOWN"),
            Some(crate::Format::Markdown)
        );
    }
}
