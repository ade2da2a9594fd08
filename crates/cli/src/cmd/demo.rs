//! `rampart demo`: serve the built-in vulnerable API (or, with `--fixed`, its
//! corrected twin) on loopback and scan it with its own flow.

use crate::args::DemoArgs;
use crate::{output, progress};
use anyhow::{Context, Result};
use rampart_demo::Flaws;
use rampart_engine::{Flow, ScanConfig};
use rampart_report::Format;
use std::io::Write;
use std::process::ExitCode;

pub async fn run(args: &DemoArgs) -> Result<ExitCode> {
    let plan = if args.output.format.is_none() && args.output.output.is_empty() {
        output::Plan::Stdout(Format::Summary)
    } else {
        output::plan(&args.output, Format::Summary)?
    };
    output::validate(&args.output)?;
    let flaws = if args.fixed {
        Flaws::fixed()
    } else {
        Flaws::vulnerable()
    };
    let server = rampart_demo::serve_on(flaws, args.port.unwrap_or(0))
        .await
        .context("cannot start the demo API on loopback")?;
    if args.serve {
        return serve_only(&server).await;
    }
    let config = demo_config(&server.url())?;
    let variant = if args.fixed { "fixed" } else { "vulnerable" };
    crate::say::info(&format!(
        "demo API ({variant}) listening on {}; scanning it with its built-in flow",
        server.url()
    ));
    let bar = progress::Bar::new();
    let result = rampart_engine::run_scan(&config, rampart_checks::CHECKS, &bar).await;
    bar.finish();
    let report = result?;
    output::write(&report, &plan, output::color(&args.output))?;
    output::write_har(&report, &args.output)?;
    crate::say::details(&report);
    if let Some(db) = &args.db {
        crate::history::save(&report, db, true).await;
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo scans its own loopback server, so it runs without a rate limit.
pub fn demo_config(url: &str) -> Result<ScanConfig> {
    let mut config = ScanConfig::new(crate::config::target(url)?);
    config.flow = Some(Flow::parse(rampart_demo::FLOW, "built-in demo flow", &|_| None)?);
    config.limits.rate = 0;
    Ok(config)
}

/// Keep the demo API up for scans from outside; the flow file is written next to the temp dir.
async fn serve_only(server: &rampart_demo::DemoServer) -> Result<ExitCode> {
    let flow = std::env::temp_dir().join(format!("rampart-demo-flow-{}.toml", std::process::id()));
    std::fs::write(&flow, rampart_demo::FLOW).with_context(|| format!("cannot write {}", flow.display()))?;
    // A reader that stops early (`| head -1`) is no reason to stop serving.
    let _ = writeln!(std::io::stdout(), "{}\n{}", server.url(), flow.display());
    eprintln!(
        "rampart: serving the demo API; scan it with: rampart scan {} --flow {}",
        server.url(),
        flow.display()
    );
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    let _ = std::fs::remove_file(&flow);
    Ok(ExitCode::SUCCESS)
}
