//! `rampart scan URL`: build the configuration, run the engine, mark findings
//! against a baseline, render, gate.

use crate::args::ScanArgs;
use crate::cmd::diff;
use crate::{config, output, progress};
use anyhow::{Context, Result};
use rampart_report::Format;
use std::process::ExitCode;

pub async fn run(args: &ScanArgs) -> Result<ExitCode> {
    let config = config::scan_config(args)?;
    let plan = output::plan(&args.output, Format::Summary)?;
    output::validate_gate(&args.gate)?;
    output::validate(&args.output)?;
    let baseline = args.gate.baseline.as_deref().map(diff::load).transpose()?;
    let bar = progress::Bar::new();
    let result = rampart_engine::run_scan(&config, rampart_checks::CHECKS, &bar).await;
    bar.finish();
    let mut report = result?;
    if let Some(baseline) = &baseline {
        rampart_report::diff::mark(&mut report, baseline);
    }
    save_flow(&report, args)?;
    output::write(&report, &plan)?;
    output::write_har(&report, &args.output)?;
    crate::history::record(&report, &args.history).await;
    output::gate(&report, &args.gate)
}

/// `--save-flow FILE`: the flow `--login` discovered, as a flow file.
fn save_flow(report: &rampart_model::Report, args: &ScanArgs) -> Result<()> {
    let (Some(path), Some(file)) = (&args.save_flow, report.flow.as_ref().and_then(|f| f.file.as_ref())) else {
        return Ok(());
    };
    std::fs::write(path, file).with_context(|| format!("cannot write the discovered flow to {}", path.display()))?;
    eprintln!(
        "rampart: discovered flow written to {} (scan with --flow {} and RAMPART_PASSWORD set)",
        path.display(),
        path.display()
    );
    Ok(())
}
