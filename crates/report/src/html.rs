//! A single self-contained HTML page for people: grade and score, category
//! bars, and the findings by severity as collapsible sections with their proof.
//!
//! Nothing is fetched: the style is inline, there is no script, and `<details>`
//! opens without one. Every report string goes through [`escape`].

use crate::curl::curl;
use crate::rules::rules;
use rampart_model::{Exchange, Finding, Header, Report, Severity};
use std::io::{self, Write};

/// The page's style, inlined into `<style>` so the file needs nothing else.
const STYLE: &str = include_str!("html.css");

/// Write `report` as one HTML document.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<title>rampart report — {}</title>", escape(&report.target))?;
    writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>")?;
    header(report, out)?;
    categories(report, out)?;
    findings(report, out)?;
    suppressed(report, out)?;
    checks(report, out)?;
    writeln!(out, "</body>\n</html>")
}

fn header(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let grade = escape(&report.letter_grade);
    writeln!(out, "<header class=\"head\">")?;
    writeln!(
        out,
        "<div class=\"grade g-{grade}\" id=\"grade\" title=\"grade\">{grade}</div>"
    )?;
    writeln!(out, "<div><h1>rampart report: {}</h1>", escape(&report.target))?;
    writeln!(
        out,
        "<div class=\"score\" id=\"score\">Score {}/100</div>",
        report.overall
    )?;
    if let Some(note) = report.coverage.provisional_note() {
        writeln!(
            out,
            "<div class=\"provisional\" id=\"provisional\">Grade {}</div>",
            escape(&note)
        )?;
    }
    if let Some(flow) = &report.flow {
        writeln!(
            out,
            "<div class=\"meta\" id=\"session\">Session: {}</div>",
            escape(&flow.summary)
        )?;
    }
    if !report.coverage.not_tested.is_empty() {
        writeln!(out, "<ul class=\"untested\" id=\"untested\">")?;
        for line in &report.coverage.not_tested {
            writeln!(out, "<li>{}</li>", escape(line))?;
        }
        writeln!(out, "</ul>")?;
    }
    let stack = [&report.fingerprint.framework, &report.fingerprint.store]
        .into_iter()
        .flatten()
        .map(|s| escape(s))
        .collect::<Vec<_>>()
        .join(", ");
    writeln!(
        out,
        "<div class=\"meta\">{} findings · {} requests · {:.1} s · started {} · rampart {}{}</div>",
        report.findings.len(),
        report.stats.requests,
        report.duration_ms as f64 / 1000.0,
        escape(&when(&report.started_at)),
        escape(&report.tool.version),
        if stack.is_empty() {
            String::new()
        } else {
            format!(" · stack {stack}")
        }
    )?;
    writeln!(out, "</div>\n</header>")
}

fn categories(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<h2>Categories</h2>")?;
    if report.categories.is_empty() {
        return writeln!(out, "<p>No category applied to this target: nothing was tested.</p>");
    }
    for (category, score) in &report.categories {
        writeln!(
            out,
            "<div class=\"cat\"><span>{}</span><div class=\"bar\"><span class=\"{}\" style=\"width:{}%\"></span></div><b>{}</b></div>",
            escape(category.name()),
            band(*score),
            score.min(&100),
            score
        )?;
    }
    Ok(())
}

/// The colour band of a category score, on the grade scale (A–B, C–D, F).
fn band(score: u8) -> &'static str {
    match score {
        80.. => "good",
        60..80 => "fair",
        _ => "poor",
    }
}

/// `2026-01-02T03:04:05.123Z` → `2026-01-02 03:04:05 UTC`.
fn when(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..19)) {
        (Some(day), Some(time)) if rfc3339.ends_with('Z') => format!("{day} {time} UTC"),
        _ => rfc3339.to_string(),
    }
}

fn findings(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.findings.is_empty() {
        return writeln!(out, "<h2>Findings</h2>\n<p>No findings.</p>");
    }
    for sev in Severity::DESCENDING {
        let group: Vec<&Finding> = report.findings.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        let name = sev.as_str();
        writeln!(
            out,
            "<h2 class=\"s-{name}\">{} ({})</h2>",
            capitalise(name),
            group.len()
        )?;
        for f in group {
            finding(f, out)?;
        }
    }
    Ok(())
}

fn finding(f: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let variant = f.qualifier().map(|v| format!(" [{}]", escape(&v))).unwrap_or_default();
    writeln!(out, "<details class=\"finding\" id=\"{}\">", escape(&f.id))?;
    writeln!(
        out,
        "<summary><span class=\"sev s-{sev}\">{sev}</span> <span class=\"title\">{}</span>{variant} <span class=\"rid\">{}</span></summary>",
        escape(&f.title),
        escape(&f.rule_id),
        sev = f.severity.as_str()
    )?;
    let cwe: Vec<String> = f.cwe.iter().map(|n| format!("CWE-{n}")).collect();
    let rows = [
        ("Rule", f.rule_id.clone()),
        ("Confidence", f.confidence.to_string()),
        ("Endpoint", format!("{} {}", f.endpoint.method, f.endpoint.url)),
        ("Category", f.category.name().to_string()),
        ("CWE / OWASP", format!("{} · {}", cwe.join(", "), f.owasp)),
    ];
    writeln!(out, "<dl>")?;
    for (name, value) in rows {
        writeln!(out, "<dt>{name}</dt><dd>{}</dd>", escape(&value))?;
    }
    writeln!(out, "</dl>\n<p class=\"description\">{}</p>", escape(&f.description))?;
    writeln!(
        out,
        "<p class=\"remediation\"><b>Fix:</b> {}</p>",
        escape(&f.remediation)
    )?;
    for (i, ex) in f.evidence.iter().enumerate() {
        exchange(i + 1, ex, out)?;
    }
    writeln!(out, "</details>")
}

fn exchange(n: usize, ex: &Exchange, out: &mut dyn Write) -> io::Result<()> {
    let (req, resp) = (&ex.request, &ex.response);
    let note = ex
        .note
        .as_deref()
        .map(|n| format!(" — {}", escape(n)))
        .unwrap_or_default();
    writeln!(
        out,
        "<h4>{n}. {} {} → {}{note}</h4>",
        escape(&req.method),
        escape(&req.url),
        resp.status
    )?;
    let request = message(
        &format!("{} {}", req.method, req.url),
        &req.headers,
        req.body.as_deref(),
    );
    let cut = if resp.truncated { "\n[… truncated]" } else { "" };
    let response = message(&format!("HTTP {}", resp.status), &resp.headers, Some(&resp.body));
    writeln!(out, "<pre class=\"request\">{}</pre>", escape(&request))?;
    writeln!(out, "<pre class=\"response\">{}{cut}</pre>", escape(&response))?;
    writeln!(out, "<pre class=\"curl\">{}</pre>", escape(&curl(ex)))
}

/// A start line, headers and body as they would appear on the wire.
fn message(start: &str, headers: &[Header], body: Option<&str>) -> String {
    let mut text = start.to_string();
    for h in headers {
        text.push_str(&format!("\n{}: {}", h.name, h.value));
    }
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        text.push_str("\n\n");
        text.push_str(body);
    }
    text
}

/// Every rule that ran and what came of it.
fn suppressed(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.suppressed.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<h2>Suppressed ({}, not scored)</h2>\n<ul id=\"suppressed\">",
        report.suppressed.len()
    )?;
    for s in &report.suppressed {
        writeln!(out, "<li>{}</li>", escape(&s.line()))?;
    }
    writeln!(out, "</ul>")
}

fn checks(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<h2>Checks</h2>\n<table>")?;
    for rule in rules(report) {
        let fired = report.findings.iter().filter(|f| f.rule_id == rule.id).count();
        let error = report.stats.errors.iter().find(|e| e.rule_id == rule.id);
        let outcome = match (fired, error, report.stats.not_applicable.get(rule.id)) {
            (_, Some(e), _) => format!("error: {}", e.message),
            (_, _, Some(why)) => format!("not applicable: {why}"),
            (0, _, _) => "passed".to_string(),
            (n, _, _) => format!("{n} finding(s)"),
        };
        writeln!(
            out,
            "<tr><td class=\"rid\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(rule.id),
            escape(rule.title),
            escape(&outcome)
        )?;
    }
    writeln!(out, "</table>")?;
    for event in &report.stats.events {
        writeln!(out, "<p class=\"meta\">Note: {}</p>", escape(event))?;
    }
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// Escape text for HTML element content and quoted attributes; control
/// characters HTML cannot show become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
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
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1}b\u{7f}c\u{1b}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}");
        assert_eq!(escape("l1\nl2\té"), "l1\nl2\té");
    }

    #[test]
    fn self_contained_and_escaped() {
        let html = rendered();
        for external in ["<script", "<link", "src=", "@import", "url("] {
            assert!(!html.contains(external), "{external}");
        }
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        assert!(!html.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')));
    }

    #[test]
    fn grade_categories_and_every_finding_present() {
        let html = rendered();
        assert!(html.contains("<div class=\"grade g-D\" id=\"grade\" title=\"grade\">D</div>"));
        assert!(html.contains("Score 61/100"));
        assert!(html.contains("class=\"poor\" style=\"width:35%\""));
        assert!(html.contains("started 2026-01-02 03:04:05 UTC"));
        assert_eq!(html.matches("<details class=\"finding\"").count(), 3);
        for id in ["f-1", "f-2", "f-3"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(html.contains("Session fixation: &lt;pre-login&gt; id kept"));
        assert!(html.contains("curl -sS -i -X POST -H &#39;Cookie: sid=it&#39;\\&#39;&#39;s&#39;"));
    }

    #[test]
    fn grouped_by_severity_most_severe_first() {
        let html = rendered();
        let high = html.find("High (2)").unwrap();
        let medium = html.find("Medium (1)").unwrap();
        assert!(high < medium);
        assert!(html.contains("error: connection reset &lt;by peer&gt; &amp; gone"));
        assert!(html.contains("not applicable: needs a session flow (--flow)"));
    }

    #[test]
    fn format_is_wired() {
        assert_eq!("html".parse::<crate::Format>(), Ok(crate::Format::Html));
        assert_eq!(crate::Format::from_extension("r.html"), Some(crate::Format::Html));
        assert_eq!(crate::Format::from_extension("r.HTM"), Some(crate::Format::Html));
    }
}
