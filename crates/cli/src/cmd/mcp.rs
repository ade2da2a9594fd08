//! `rampart mcp`: open the scan history and serve the MCP tools on stdio (or
//! streamable HTTP on loopback). stdout carries MCP messages only; anything
//! for a person goes to stderr.

use crate::args::McpArgs;
use anyhow::{Context, Result, anyhow};
use rampart_engine::http::policy::{self, AddressPolicy};
use rampart_server::mcp;
use rampart_store::History;
use std::process::ExitCode;

pub async fn run(args: &McpArgs) -> Result<ExitCode> {
    let path = args.history.db.clone().unwrap_or_else(History::default_path);
    let limits = limits(args)?;
    let history = History::open(&path)
        .await
        .with_context(|| format!("cannot open the scan history {}", path.display()))?;
    match args.http {
        Some(addr) => {
            let listener = mcp::http::bind(addr).await?;
            let url = format!("http://{}{}", listener.local_addr()?, mcp::http::PATH);
            eprintln!(
                "rampart mcp: serving streamable HTTP at {url}; scan history {}",
                path.display()
            );
            mcp::http::serve(history, limits, listener).await?;
        }
        None => {
            eprintln!("rampart mcp: serving on stdio; scan history {}", path.display());
            mcp::serve_stdio(history, limits).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn limits(args: &McpArgs) -> Result<mcp::ScanLimits> {
    let policy = allowed(args.targets.allow_targets.as_deref())?;
    Ok(mcp::ScanLimits::new(policy, usize::from(args.max_scans)))
}

/// Public addresses, plus the private ones `--allow-webhooks` names.
pub fn webhook_destinations(allow_webhooks: Option<&str>) -> Result<AddressPolicy> {
    let mut policy = AddressPolicy::public_only();
    if let Some(raw) = allow_webhooks {
        let extra = policy::parse_allow_list(raw).map_err(|e| anyhow!("--allow-webhooks: {e}"))?;
        policy = policy.allow_also(extra);
    }
    Ok(policy)
}

/// Loopback and private networks, plus what `--allow-targets` names.
pub fn allowed(allow_targets: Option<&str>) -> Result<AddressPolicy> {
    let mut policy = AddressPolicy::local_only();
    if let Some(raw) = allow_targets {
        let extra = policy::parse_allow_list(raw).map_err(|e| anyhow!("--allow-targets: {e}"))?;
        policy = policy.allow_also(extra);
    }
    Ok(policy)
}
