//! Renderers: a report and a writer in, text out. Renderers never send requests.

mod curl;
pub mod diff;
pub mod har;
mod html;
mod json;
mod junit;
mod markdown;
mod review;
mod rules;
#[cfg(test)]
mod sample;
mod sarif;
mod summary;
mod table;

pub use curl::curl;
pub use html::escape as html_escape;
pub use review::{REVIEW_FORMATS, render_review, review_fails, sarif as review_sarif, summary as review_summary};
pub use summary::{Terminal, render_styled as summary_styled};
pub use table::render_for as table_for;

use rampart_model::Report;
use std::io::{self, Write};
use std::str::FromStr;

/// An output format of `rampart scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Summary,
    Table,
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// JUnit XML, one test case per rule, for CI test reports.
    Junit,
    /// One self-contained HTML page.
    Html,
    /// GitHub-flavoured Markdown, for CI job summaries.
    Markdown,
}

impl Format {
    /// Every format, in the order `--format` lists them.
    pub const ALL: [Format; 7] = [
        Format::Summary,
        Format::Table,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Html,
        Format::Markdown,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Summary => "summary",
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Html => "html",
            Format::Markdown => "markdown",
        }
    }

    /// The format a file name implies (`--output r.json`, `r.sarif.json`, `r.html`, `summary.md`).
    pub fn from_extension(path: &str) -> Option<Format> {
        if path.to_ascii_lowercase().ends_with(".sarif.json") {
            return Some(Format::Sarif);
        }
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "txt" => Some(Format::Summary),
            "sarif" => Some(Format::Sarif),
            "xml" => Some(Format::Junit),
            "html" | "htm" => Some(Format::Html),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = if s.eq_ignore_ascii_case("md") { "markdown" } else { s };
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown format '{s}' (summary, table, json, sarif, junit, html, markdown)"))
    }
}

/// Text for a terminal: every control character but the line break (an
/// escape sequence a target echoed into a finding) becomes U+FFFD.
pub(crate) fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' { '\u{fffd}' } else { c })
        .collect()
}

pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Summary => summary::render(report, out),
        Format::Table => table::render(report, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Junit => junit::render(report, out),
        Format::Html => html::render(report, out),
        Format::Markdown => markdown::render(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_formats_defuse_escape_sequences_from_the_target() {
        let report = sample::sample();
        for format in [Format::Summary, Format::Table] {
            let mut out = Vec::new();
            render(&report, format, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(!text.contains(['\u{1b}', '\u{1}']), "{format:?}: {text}");
        }
    }

    #[test]
    fn every_format_says_the_grade_is_provisional_and_why() {
        let report = sample::sample();
        for format in Format::ALL {
            let mut out = Vec::new();
            render(&report, format, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(text.contains("session lifecycle not tested"), "{format:?}:\n{text}");
            if !matches!(format, Format::Table | Format::Junit) {
                assert!(text.contains("Session lifecycle: not tested"), "{format:?}:\n{text}");
            }
        }
        let mut out = Vec::new();
        render(&report, Format::Summary, &mut out).unwrap();
        let summary = String::from_utf8(out).unwrap();
        let opening: Vec<&str> = summary.lines().skip(2).take(1).collect();
        assert_eq!(
            opening,
            ["  Session lifecycle: not tested — give --login USER or --flow FILE (18 session rules did not run)"],
            "the summary opens with what did not run"
        );
    }
}
