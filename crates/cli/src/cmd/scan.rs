//! `rampart scan URL`: build the configuration, run the engine, mark findings
//! against a baseline, render, gate.

use crate::args::ScanArgs;
use crate::cmd::diff;
use crate::stream::Lines;
use crate::{config, output, progress};
use anyhow::{Context, Result, bail};
use rampart_report::Format;
use std::process::ExitCode;

pub async fn run(args: &ScanArgs) -> Result<ExitCode> {
    let args = &crate::project::apply(args)?;
    match &args.targets {
        Some(file) => super::targets::run(args, file).await,
        None => Ok(one(args).await?.1),
    }
}

/// Scan `args.url`: the report, written and recorded, and the gate's verdict.
pub async fn one(args: &ScanArgs) -> Result<(rampart_model::Report, ExitCode)> {
    let config = config::scan_config(args)?;
    let ignores = ignores(args)?;
    let lines = args
        .jsonl
        .as_deref()
        .map(|path| Lines::open(path, config.target.as_str(), ignores.clone()))
        .transpose()?;
    let plan = report_plan(args, lines.as_ref())?;
    output::validate(&args.output)?;
    let baseline = args.gate.baseline.as_deref().map(diff::load).transpose()?;
    let bar = progress::Bar::new().streaming(lines);
    let watcher = tokio::spawn(on_ctrl_c(config.limits.interrupt.clone()));
    let result = rampart_engine::run_scan(&config, rampart_checks::CHECKS, &bar).await;
    watcher.abort();
    bar.finish();
    let interrupted = config.limits.interrupt.is_set();
    if interrupted && result.is_err() {
        eprintln!("rampart: interrupted before the scan had anything to report");
        std::process::exit(INTERRUPTED.into());
    }
    let mut report = result?;
    let (project, _) = &args.project_ignores;
    if !project.is_empty() {
        report
            .stats
            .events
            .push(format!("options and suppressions from {project}"));
    }
    crate::ignore::apply(&mut report, &ignores, time::OffsetDateTime::now_utc().date());
    if let Some(baseline) = &baseline {
        rampart_report::diff::mark(&mut report, baseline);
    }
    bar.done(&report);
    save_flow(&report, args)?;
    output::write(&report, &plan, output::color(&args.output))?;
    output::write_har(&report, &args.output)?;
    crate::say::details(&report);
    crate::history::record(&report, &args.history).await;
    let verdict = if interrupted {
        ExitCode::from(INTERRUPTED)
    } else {
        output::gate(&report, &args.gate)
    };
    Ok((report, verdict))
}

/// Where the report goes: as `--output` and `--format` say, but only to
/// files when the `--jsonl` stream takes stdout.
fn report_plan(args: &ScanArgs, lines: Option<&Lines>) -> Result<output::Plan> {
    if !lines.is_some_and(Lines::on_stdout) || !args.output.output.is_empty() {
        return output::plan(&args.output, Format::Summary);
    }
    if args.output.format.is_some() {
        bail!("--jsonl streams to stdout: write the report with -o FILE, or give --jsonl a FILE");
    }
    Ok(output::Plan::Files(Vec::new()))
}

/// The exit code of a scan Ctrl-C cut short (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// The first Ctrl-C stops the scan, which then reports what it has; a second quits at once.
async fn on_ctrl_c(interrupt: rampart_engine::http::Interrupt) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    interrupt.interrupt();
    crate::say::info("interrupted: writing a partial report (Ctrl-C again quits at once)");
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(INTERRUPTED.into());
    }
}

/// The suppressions of the project file, then of `--ignore FILE`, else of
/// `.rampart-ignore.toml` when present.
fn ignores(args: &ScanArgs) -> Result<Vec<crate::ignore::Entry>> {
    let known: Vec<&str> = rampart_checks::CHECKS.iter().map(|c| c.rule().id).collect();
    let (label, project) = &args.project_ignores;
    let mut entries = crate::ignore::check(label, project.clone(), &known)?;
    let default = std::path::Path::new(crate::ignore::DEFAULT_FILE);
    let path = match &args.ignore {
        Some(path) => path.as_path(),
        None if default.is_file() => default,
        None => return Ok(entries),
    };
    entries.extend(crate::ignore::load(path, &known)?);
    Ok(entries)
}

/// `--save-flow FILE`: the flow `--login` discovered, as a flow file.
fn save_flow(report: &rampart_model::Report, args: &ScanArgs) -> Result<()> {
    let (Some(path), Some(file)) = (&args.save_flow, report.flow.as_ref().and_then(|f| f.file.as_ref())) else {
        return Ok(());
    };
    std::fs::write(path, file).with_context(|| format!("cannot write the discovered flow to {}", path.display()))?;
    crate::say::info(&format!(
        "discovered flow written to {} (scan with --flow {} and RAMPART_PASSWORD set)",
        path.display(),
        path.display()
    ));
    Ok(())
}
