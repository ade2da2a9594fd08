//! The MCP service: the tool router and the server's self-description.

use super::args::{ExplainFinding, GetScan, ListRules, ListScans, ReviewSessionCode, ScanApi};
use super::{ScanLimits, explain, history, reply, review, rules, scan};
use rampart_store::History;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, tool, tool_handler, tool_router};
use std::sync::Arc;

const INSTRUCTIONS: &str = "rampart is a black-box API security scanner that proves session-lifecycle \
flaws (fixation, adoption, logout that keeps the session …) by replaying attacks with negative controls. \
Call scan_api with a base URL (and a flow file for the session rules); it returns a score, a grade, \
the findings and a scan id. get_scan and list_scans read the saved history; explain_finding gives a \
finding's proof, fix and curl reproduction; list_rules lists every rule. review_session_code reads \
session-handling source code (a snippet being written, or a project file or folder) and flags logins that keep \
the session id, ids taken from the request, sessions updated in place, logouts that only clear the cookie, weak \
tokens and cookie flags, with the line, the framework's fix and the scan that would prove it.";

/// rampart's MCP server: every tool shares one scan history.
#[derive(Clone)]
pub struct Rampart {
    history: History,
    limits: Arc<ScanLimits>,
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl Rampart {
    pub fn new(history: History, limits: ScanLimits) -> Self {
        Rampart {
            history,
            limits: Arc::new(limits),
            tool_router: Self::tool_router(),
        }
    }

    /// Scan an API: score, grade and findings; the report is saved to the history.
    #[tool(
        description = "Scan an HTTP API for security flaws (session lifecycle and more). Returns the summary \
(score 0-100, grade A-F, findings with fixes) and a scan id; structured content has id, overall, \
letterGrade and findings [{id, ruleId, severity, confidence, title, endpoint}].",
        annotations(read_only_hint = false, open_world_hint = true)
    )]
    async fn scan_api(&self, Parameters(args): Parameters<ScanApi>) -> CallToolResult {
        reply::answer(scan::run(&self.history, &self.limits, args).await)
    }

    /// One saved scan: its summary and the full JSON report.
    #[tool(
        description = "Fetch a saved scan by id (or unique id prefix): the summary as text and the full \
rampart.report/v1 JSON report (findings with evidence and curl reproductions) as structured content.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn get_scan(&self, Parameters(args): Parameters<GetScan>) -> CallToolResult {
        reply::answer(history::get(&self.history, &args.id).await)
    }

    /// The most recent saved scans.
    #[tool(
        description = "List saved scans, most recent first: id, target, time, score, grade and finding \
counts by severity. Optional limit (default 20) and target filter.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn list_scans(&self, Parameters(args): Parameters<ListScans>) -> CallToolResult {
        reply::answer(history::list(&self.history, &args).await)
    }

    /// Every rule rampart checks.
    #[tool(
        description = "List the rules rampart checks: id, title, category, severity, CWE, OWASP API Top 10 id \
and summary. Optional category filter (e.g. \"session\", \"auth\").",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn list_rules(&self, Parameters(args): Parameters<ListRules>) -> CallToolResult {
        reply::answer(rules::list(args.category.as_deref()))
    }

    /// A rule or a finding explained: why it matters, how to fix it, the proof.
    #[tool(
        description = "Explain a rule (rule_id) or a finding of a saved scan (scan_id with finding_id, or \
scan_id with rule_id): what the flaw is, CWE and OWASP ids, the remediation (specific to the finding's \
stack when from a scan), the evidence exchanges and curl lines that reproduce them.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn explain_finding(&self, Parameters(args): Parameters<ExplainFinding>) -> CallToolResult {
        reply::answer(explain::run(&self.history, &args).await)
    }

    /// Static review of session-handling code: a snippet, or a file or folder of the project.
    #[tool(
        description = "Review session-handling source code for session-lifecycle flaws while it is written: \
logins that keep the pre-login session id, session ids taken from the request, session rows updated in place, \
lookups without expiry, logout that only clears the cookie, weak token generators, cookie flags switched off, \
Firestore rules open to all. Give code (with language or filename, optional framework) or path (inside the \
project). Returns findings with rule id, line numbers, the matched lines, confidence (a heuristic), the \
framework's fix and the rampart scan that would prove it; structured content is the rampart.review/v1 report.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn review_session_code(&self, Parameters(args): Parameters<ReviewSessionCode>) -> CallToolResult {
        reply::answer(review::run(&args))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Rampart {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("rampart", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}
