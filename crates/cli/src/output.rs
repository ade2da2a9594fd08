//! Writing the report where the user asked, and the CI gate.

use crate::args::{GateArgs, OutputArgs};
use crate::choice::ColorWhen;
use anyhow::{Context, Result, bail};
use rampart_model::{BaselineStatus, Report};
use rampart_report::Format;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where the report goes, decided before the scan so a bad `--output` fails fast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// One rendering on stdout (no `--output`).
    Stdout(Format),
    /// One rendering per `--output` file, nothing on stdout.
    Files(Vec<(PathBuf, Format)>),
}

/// The plan for `args`: with no `--output`, stdout in `--format` (else
/// `fallback_terminal` on a terminal, JSON when piped); with one, that file in
/// `--format` or the format its extension implies; with several, each file in
/// the format of its extension, and `--format` is refused as ambiguous.
pub fn plan(args: &OutputArgs, fallback_terminal: Format) -> Result<Plan> {
    match (args.output.as_slice(), args.format) {
        ([], Some(format)) => Ok(Plan::Stdout(format)),
        ([], None) if std::io::stdout().is_terminal() => Ok(Plan::Stdout(fallback_terminal)),
        ([], None) => Ok(Plan::Stdout(Format::Json)),
        ([path], Some(format)) => Ok(Plan::Files(vec![(path.clone(), format)])),
        ([path], None) => Ok(Plan::Files(vec![(
            path.clone(),
            from_extension(path, "; add --format")?,
        )])),
        (_, Some(_)) => {
            bail!("--format applies to a single --output; with several, each file takes the format of its extension")
        }
        (paths, None) => {
            let files = paths
                .iter()
                .map(|p| Ok((p.clone(), from_extension(p, "")?)))
                .collect::<Result<Vec<_>>>()?;
            Ok(Plan::Files(files))
        }
    }
}

fn from_extension(path: &Path, hint: &str) -> Result<Format> {
    let name = path.to_string_lossy();
    Format::from_extension(&name).with_context(|| {
        format!("cannot tell the format of '{name}' from its extension (.json .sarif .xml .html .md .txt){hint}")
    })
}

/// Whether the terminal summary is coloured: `--color`, then `NO_COLOR`, then whether stdout is a terminal.
pub fn color(args: &OutputArgs) -> bool {
    match args.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal(),
    }
}

/// Render the report as `plan` says: to stdout (the summary coloured when
/// `color`), or to each file in turn.
pub fn write(report: &Report, plan: &Plan, color: bool) -> Result<()> {
    let files = match plan {
        Plan::Stdout(format) => return write_stdout(report, *format, color),
        Plan::Files(files) => files,
    };
    for (path, format) in files {
        let mut buf = Vec::new();
        rampart_report::render(report, *format, &mut buf)?;
        std::fs::write(path, buf).with_context(|| format!("cannot write {}", path.display()))?;
        crate::say::info(&format!(
            "report written to {} (grade {}, score {}{})",
            path.display(),
            report.letter_grade,
            report.overall,
            report
                .coverage
                .provisional_note()
                .map(|n| format!("; {n}"))
                .unwrap_or_default()
        ));
    }
    Ok(())
}

fn write_stdout(report: &Report, format: Format, color: bool) -> Result<()> {
    let terminal = rampart_report::Terminal {
        color,
        width: terminal_width(),
    };
    let mut lock = std::io::stdout().lock();
    let rendered = match format {
        Format::Summary => rampart_report::summary_styled(report, &mut lock, terminal),
        Format::Table => rampart_report::table_for(report, &mut lock, terminal),
        _ => rampart_report::render(report, format, &mut lock),
    };
    let written = rendered.and_then(|()| lock.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The columns of the terminal stdout is, or `COLUMNS` when it is set
/// (wrapping to a width when piped); none otherwise.
pub fn terminal_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse::<usize>().ok());
    let terminal = || {
        let term = console::Term::stdout();
        term.is_term().then(|| term.size_checked()).flatten()
    };
    columns.or_else(|| terminal().map(|(_rows, cols)| usize::from(cols)))
}

/// Every exchange of the scan as HAR 1.2, when `--har` asks for it.
pub fn write_har(report: &Report, args: &OutputArgs) -> Result<()> {
    let Some(path) = &args.har else {
        return Ok(());
    };
    let mut buf = Vec::new();
    rampart_report::har::render(report, &mut buf)?;
    std::fs::write(path, buf).with_context(|| format!("cannot write {}", path.display()))?;
    crate::say::info(&format!(
        "HAR written to {} ({} exchanges)",
        path.display(),
        report.exchanges.len()
    ));
    Ok(())
}

/// Exit 1 (with the reason on stderr) when the report fails the gate.
pub fn gate(report: &Report, args: &GateArgs) -> ExitCode {
    let mut reasons = Vec::new();
    if let Some(min) = args.threshold {
        if report.overall < min {
            reasons.push(format!("score {} is below the threshold {min}", report.overall));
        }
    }
    if let Some(sev) = args.fail_on {
        let hits = report.findings.iter().filter(|f| f.severity >= sev).count();
        if hits > 0 {
            reasons.push(format!("{hits} finding(s) of severity {sev} or above"));
        }
    }
    if let Some(sev) = args.fail_on_new {
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
        return ExitCode::SUCCESS;
    }
    eprintln!("rampart: gate failed: {}", reasons.join("; "));
    ExitCode::from(1)
}

/// Reject impossible combinations before any request is sent.
pub fn validate(args: &OutputArgs) -> Result<()> {
    let outputs = args.output.iter().map(|p| ("output", p));
    for (flag, path) in outputs.chain(args.har.iter().map(|p| ("har", p))) {
        if path.is_dir() {
            bail!("--{flag} {} is a directory", path.display());
        }
    }
    for (i, path) in args.output.iter().enumerate() {
        if args.output[..i].contains(path) {
            bail!("--output {} is given twice", path.display());
        }
    }
    if args.har.as_ref().is_some_and(|har| args.output.contains(har)) {
        bail!("--har and --output name the same file");
    }
    Ok(())
}
