//! `get_scan` and `list_scans`: reading the saved scan history.

use super::args::ListScans;
use super::error::ToolError;
use super::reply;
use rampart_engine::input;
use rampart_model::Severity;
use rampart_report::Format;
use rampart_store::{History, ScanRecord, ScanSummary};
use rmcp::model::CallToolResult;

/// Scans `list_scans` shows when the caller names no limit, and the most it shows.
const DEFAULT_LIMIT: u32 = 20;
const MAX_LIMIT: u32 = 200;

/// The saved scan `id` (or unique prefix), or [`ToolError::NoScan`].
pub async fn record(history: &History, id: &str) -> Result<ScanRecord, ToolError> {
    history
        .get(id.trim())
        .await?
        .ok_or_else(|| ToolError::NoScan(id.to_string()))
}

/// The summary of one scan as text, its full JSON report as structured content.
pub async fn get(history: &History, id: &str) -> Result<CallToolResult, ToolError> {
    let record = record(history, id).await?;
    let json = reply::render(&record.report, Format::Json)?;
    let report: serde_json::Value = serde_json::from_str(&json).map_err(|e| ToolError::Render(e.to_string()))?;
    Ok(reply::ok(reply::summary(&record.report, &record.summary.id)?, report))
}

/// The newest scans, one line each, and the same as a structured list.
pub async fn list(history: &History, args: &ListScans) -> Result<CallToolResult, ToolError> {
    let limit = args.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let target = args.target.as_deref().map(canonical_target);
    let scans = history.list(limit as usize, target.as_deref()).await?;
    let mut text = match scans.len() {
        0 => "No saved scans. scan_api runs one.\n".to_string(),
        n => format!("{n} saved scan(s), newest first\n"),
    };
    for scan in &scans {
        text.push_str(&format!("{}\n", line(scan)));
    }
    Ok(reply::ok(text, serde_json::json!({ "scans": scans })))
}

/// A target as reports record it (`http://h:1` → `http://h:1/`), or as given when it is no URL.
fn canonical_target(raw: &str) -> String {
    input::target(raw.trim()).map_or_else(|_| raw.trim().to_string(), |url| url.to_string())
}

/// `id  started  grade C score  72  3 findings: 1 high, 2 low  target`.
fn line(scan: &ScanSummary) -> String {
    format!(
        "{}  {}  grade {} score {:>3}  {}  {}",
        scan.id,
        scan.started_at,
        scan.letter_grade,
        scan.overall,
        findings(scan),
        scan.target
    )
}

/// `3 findings: 1 high, 2 low`, or `no findings`.
fn findings(scan: &ScanSummary) -> String {
    let per_severity: Vec<String> = Severity::DESCENDING
        .iter()
        .map(|sev| (scan.by_severity.get(sev.as_str()).copied().unwrap_or(0), sev))
        .filter(|(n, _)| *n > 0)
        .map(|(n, sev)| format!("{n} {sev}"))
        .collect();
    match scan.findings {
        0 => "no findings".into(),
        n => format!("{n} finding(s): {}", per_severity.join(", ")),
    }
}
