//! The JSON report (DESIGN.md "Report contract"), with a curl reproduction per
//! evidence exchange and each finding's stable fingerprint.

use crate::curl::curl;
use rampart_model::Report;
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut value = serde_json::to_value(report).map_err(io::Error::other)?;
    if let Some(findings) = value.get_mut("findings").and_then(|f| f.as_array_mut()) {
        for (json, finding) in findings.iter_mut().zip(&report.findings) {
            let curls: Vec<String> = finding.evidence.iter().map(curl).collect();
            json["curl"] = serde_json::json!(curls);
            json["fingerprint"] = serde_json::json!(finding.fingerprint());
        }
    }
    serde_json::to_writer_pretty(&mut *out, &value).map_err(io::Error::from)?;
    writeln!(out)
}
