//! `rampart review PATH…`: the static review of session-handling code.

use crate::args::ReviewArgs;
use anyhow::{Context, Result};
use rampart_report::Format;
use rampart_review::{Limits, Options};
use std::io::Write;
use std::process::ExitCode;

pub fn run(args: &ReviewArgs) -> Result<ExitCode> {
    let options = Options {
        limits: Limits {
            max_file_bytes: args.max_file_bytes,
            max_files: usize::try_from(args.max_files).unwrap_or(usize::MAX),
        },
        framework: args.framework.clone(),
        diff_base: args.diff.clone(),
    };
    let review = rampart_review::review_paths(&args.paths, &options)?;
    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            rampart_report::render_review(&review, args.format, &mut buf)?;
            std::fs::write(path, buf).with_context(|| format!("cannot write {}", path.display()))?;
            crate::say::info(&format!(
                "review written to {} ({} finding(s) in {} file(s))",
                path.display(),
                review.findings.len(),
                review.files
            ));
        }
        None => {
            let mut out = std::io::stdout().lock();
            let written = match args.format {
                Format::Summary => rampart_report::review_summary(&review, &mut out, crate::output::terminal_width()),
                format => rampart_report::render_review(&review, format, &mut out),
            }
            .and_then(|()| out.flush());
            match written {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    let failed = args
        .fail_on
        .is_some_and(|sev| rampart_report::review_fails(&review, sev));
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
