//! Why a tool call or the server itself failed.

use thiserror::Error;

/// A tool call that could not produce its answer. The assistant sees the
/// message as the tool result's one line (with `isError` set); the server
/// keeps serving.
#[derive(Debug, Error)]
pub enum ToolError {
    /// A tool argument was refused.
    #[error("{arg}: {cause}")]
    Argument { arg: &'static str, cause: String },
    /// The flow file could not be read or is invalid.
    #[error("{0}")]
    Flow(rampart_engine::Error),
    /// The scan stopped: target unreachable, TLS failure, flow validation …
    #[error("scan failed: {0}")]
    Scan(rampart_engine::Error),
    /// The scan's task died (a check panicked).
    #[error("scan aborted: {0}")]
    Aborted(String),
    #[error(
        "{0} scans are already running, the most this server runs at once (rampart mcp --max-scans); try again when one has finished"
    )]
    Busy(usize),
    #[error("scan did not finish within {0} s")]
    Timeout(u64),
    #[error("scan history: {0}")]
    Store(#[from] rampart_store::StoreError),
    #[error("no scan '{0}' in the history (list_scans shows the ids)")]
    NoScan(String),
    #[error("scan {scan} has no finding '{finding}' (its findings: {known})")]
    NoFinding {
        scan: String,
        finding: String,
        known: String,
    },
    #[error("unknown rule '{0}' (list_rules shows every rule)")]
    NoRule(String),
    #[error("unknown category '{0}' (one of: {1})")]
    NoCategory(String, String),
    #[error("give rule_id, or scan_id with finding_id (or scan_id with rule_id)")]
    NothingToExplain,
    #[error("rendering the report: {0}")]
    Render(String),
}

impl ToolError {
    /// A refused argument, for `map_err`.
    pub fn argument<E: std::fmt::Display>(arg: &'static str) -> impl FnOnce(E) -> ToolError {
        move |e| ToolError::Argument {
            arg,
            cause: e.to_string(),
        }
    }
}

/// The MCP server could not start or stopped abnormally.
#[derive(Debug, Error)]
pub enum ServeError {
    #[error("MCP session did not start: {0}")]
    Start(String),
    #[error("MCP session ended with an error: {0}")]
    Stopped(String),
    #[error("{0} is not a loopback address (the MCP server has no authentication; use 127.0.0.1 or [::1])")]
    NotLoopback(std::net::SocketAddr),
    #[error("cannot listen on {0}: {1}")]
    Bind(std::net::SocketAddr, String),
}
