//! `rampart mcp`: open the scan history and serve the MCP tools on stdio (or
//! streamable HTTP on loopback). stdout carries MCP messages only; anything
//! for a person goes to stderr.

use crate::args::McpArgs;
use anyhow::{Context, Result};
use rampart_server::mcp;
use rampart_store::History;
use std::process::ExitCode;

pub async fn run(args: &McpArgs) -> Result<ExitCode> {
    let path = args.db.clone().unwrap_or_else(History::default_path);
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
            mcp::http::serve(history, listener).await?;
        }
        None => {
            eprintln!("rampart mcp: serving on stdio; scan history {}", path.display());
            mcp::serve_stdio(history).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
