//! Writing the report where the user asked, and the CI gate.

use crate::args::{GateArgs, OutputArgs};
use anyhow::{Context, Result, bail};
use rampart_model::{BaselineStatus, Report, Severity};
use rampart_report::Format;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// The format to use: `--format`, else the output file's extension, else by terminal.
pub fn format(args: &OutputArgs, fallback_terminal: Format) -> Result<Format> {
    if let Some(f) = &args.format {
        return f.parse().map_err(anyhow::Error::msg);
    }
    if let Some(path) = &args.output {
        let name = path.to_string_lossy();
        return Format::from_extension(&name)
            .with_context(|| format!("cannot tell the format of '{name}' from its extension; add --format"));
    }
    Ok(if std::io::stdout().is_terminal() {
        fallback_terminal
    } else {
        Format::Json
    })
}

pub fn write(report: &Report, args: &OutputArgs, format: Format) -> Result<()> {
    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            rampart_report::render(report, format, &mut buf)?;
            std::fs::write(path, buf).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "rampart: report written to {} (grade {}, score {})",
                path.display(),
                report.letter_grade,
                report.overall
            );
        }
        None => {
            let mut lock = std::io::stdout().lock();
            let written = rampart_report::render(report, format, &mut lock).and_then(|()| lock.flush());
            match written {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(())
}

/// Every exchange of the scan as HAR 1.2, when `--har` asks for it.
pub fn write_har(report: &Report, args: &OutputArgs) -> Result<()> {
    let Some(path) = &args.har else {
        return Ok(());
    };
    let mut buf = Vec::new();
    rampart_report::har::render(report, &mut buf)?;
    std::fs::write(path, buf).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "rampart: HAR written to {} ({} exchanges)",
        path.display(),
        report.exchanges.len()
    );
    Ok(())
}

/// Parse `--fail-on` and `--fail-on-new` before the scan so a typo fails fast.
pub fn validate_gate(args: &GateArgs) -> Result<()> {
    fail_on(args)?;
    fail_on_new(args)?;
    Ok(())
}

fn fail_on(args: &GateArgs) -> Result<Option<Severity>> {
    severity(args.fail_on.as_deref())
}

fn fail_on_new(args: &GateArgs) -> Result<Option<Severity>> {
    severity(args.fail_on_new.as_deref())
}

fn severity(raw: Option<&str>) -> Result<Option<Severity>> {
    raw.map(|s| s.parse::<Severity>().map_err(anyhow::Error::msg))
        .transpose()
}

/// Exit 1 (with the reason on stderr) when the report fails the gate.
pub fn gate(report: &Report, args: &GateArgs) -> Result<ExitCode> {
    let mut reasons = Vec::new();
    if let Some(min) = args.threshold {
        if report.overall < min {
            reasons.push(format!("score {} is below the threshold {min}", report.overall));
        }
    }
    if let Some(sev) = fail_on(args)? {
        let hits = report.findings.iter().filter(|f| f.severity >= sev).count();
        if hits > 0 {
            reasons.push(format!("{hits} finding(s) of severity {sev} or above"));
        }
    }
    if let Some(sev) = fail_on_new(args)? {
        let new = Some(BaselineStatus::New);
        let hits = report
            .findings
            .iter()
            .filter(|f| f.severity >= sev && f.baseline == new)
            .count();
        if hits > 0 {
            reasons.push(format!("{hits} new finding(s) of severity {sev} or above"));
        }
    }
    if reasons.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("rampart: gate failed: {}", reasons.join("; "));
    Ok(ExitCode::from(1))
}

/// Reject impossible combinations before any request is sent.
pub fn validate(args: &OutputArgs) -> Result<()> {
    for (flag, path) in [("output", &args.output), ("har", &args.har)] {
        if let Some(path) = path {
            if path.is_dir() {
                bail!("--{flag} {} is a directory", path.display());
            }
        }
    }
    if args.har.is_some() && args.har == args.output {
        bail!("--har and --output name the same file");
    }
    Ok(())
}
