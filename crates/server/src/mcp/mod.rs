//! The MCP server: six tools (`scan_api`, `get_scan`, `list_scans`,
//! `list_rules`, `explain_finding` over one scan history, and
//! `review_session_code`, which reads code, not an API), served on stdio
//! or, with [`http`], streamable HTTP on loopback.
//! Only MCP messages go to stdout; nothing in a scan prints.

mod args;
mod error;
mod explain;
mod history;
pub mod http;
mod limits;
mod reply;
mod review;
mod rules;
pub(crate) mod scan;
mod server;

pub use args::ScanApi;
pub use error::{ServeError, ToolError};
pub use limits::{DEFAULT_MAX_SCANS, ScanLimits};
pub use server::Rampart;

use rampart_store::History;
use rmcp::ServiceExt;

/// Serve the tools on stdin/stdout until the client closes the connection.
pub async fn serve_stdio(history: History, limits: ScanLimits) -> Result<(), ServeError> {
    let running = Rampart::new(history, limits)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| ServeError::Start(e.to_string()))?;
    running
        .waiting()
        .await
        .map_err(|e| ServeError::Stopped(e.to_string()))?;
    Ok(())
}
