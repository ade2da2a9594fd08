//! `rampart scan URL`: build the configuration, run the engine, render, gate.

use crate::args::ScanArgs;
use crate::{config, output, progress};
use anyhow::Result;
use rampart_report::Format;
use std::process::ExitCode;

pub async fn run(args: &ScanArgs) -> Result<ExitCode> {
    let config = config::scan_config(args)?;
    let format = output::format(&args.output, Format::Summary)?;
    output::fail_on(&args.gate)?;
    output::validate(&args.output)?;
    let bar = progress::Bar::new();
    let result = rampart_engine::run_scan(&config, rampart_checks::CHECKS, &bar).await;
    bar.finish();
    let report = result?;
    output::write(&report, &args.output, format)?;
    output::gate(&report, &args.gate)
}
