//! Tool results: text an assistant reads, plus the same facts as structured JSON.

use super::error::ToolError;
use rampart_model::Report;
use rampart_report::Format;
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::Value;

/// A successful result: `text` for the reader, `structured` for programs.
pub fn ok(text: String, structured: Value) -> CallToolResult {
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(structured);
    result
}

/// A tool error (`isError`) carrying the one-line cause.
pub fn fail(cause: &ToolError) -> CallToolResult {
    let line = cause.to_string().replace('\n', " ");
    CallToolResult::error(vec![ContentBlock::text(line)])
}

/// The answer a tool gives, success or failure.
pub fn answer(result: Result<CallToolResult, ToolError>) -> CallToolResult {
    result.unwrap_or_else(|e| fail(&e))
}

/// The report rendered in `format` as text.
pub fn render(report: &Report, format: Format) -> Result<String, ToolError> {
    let mut out = Vec::new();
    rampart_report::render(report, format, &mut out).map_err(|e| ToolError::Render(e.to_string()))?;
    String::from_utf8(out).map_err(|e| ToolError::Render(e.to_string()))
}

/// The human summary of a scan with its history id, as `scan_api` and `get_scan` show it.
pub fn summary(report: &Report, id: &str) -> Result<String, ToolError> {
    let mut text = render(report, Format::Summary)?;
    text.push_str(&format!(
        "\nScan id: {id} (get_scan shows the full report, explain_finding explains a finding)\n"
    ));
    Ok(text)
}
