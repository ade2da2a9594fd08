//! One line per finding, aligned columns, for terminals and logs.

use rampart_model::Report;
use std::io::{self, Write};

/// The table, with control characters from the target defused.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut plain = Vec::new();
    write_plain(report, &mut plain)?;
    out.write_all(crate::terminal_safe(&String::from_utf8_lossy(&plain)).as_bytes())
}

fn write_plain(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{:<9} {:<10} {:<9} {:<44} ENDPOINT",
        "SEVERITY", "CONFIDENCE", "RULE", "TITLE"
    )?;
    for f in &report.findings {
        let title: String = f.title.chars().take(44).collect();
        writeln!(
            out,
            "{:<9} {:<10} {:<9} {:<44} {} {}",
            f.severity.as_str(),
            f.confidence.as_str(),
            f.rule_id,
            title,
            f.endpoint.method,
            f.endpoint.url
        )?;
    }
    writeln!(
        out,
        "grade {} score {} findings {} suppressed {} requests {}{}",
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
