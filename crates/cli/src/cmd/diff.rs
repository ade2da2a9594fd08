//! `rampart diff OLD.json NEW.json`: what changed between two reports.

use crate::args::DiffArgs;
use crate::choice::DiffFormat;
use anyhow::{Context, Result};
use rampart_report::diff::{self, Snapshot};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &DiffArgs) -> Result<ExitCode> {
    let render = match args.format {
        DiffFormat::Text => diff::render_text,
        DiffFormat::Json => diff::render_json,
    };
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let mut out = std::io::stdout().lock();
    let written = render(&diff::diff(&old, &new), &mut out).and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Read a JSON report (for `diff` and `--baseline`); errors name the file.
pub fn load(path: &Path) -> Result<Snapshot> {
    let text = rampart_engine::input::read_text(path, rampart_engine::input::REPORT_CAP)?;
    Snapshot::parse(&text).with_context(|| path.display().to_string())
}
