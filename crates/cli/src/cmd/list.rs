//! `rampart list`: the newest saved scans, as a table or as JSON.

use crate::args::ListArgs;
use crate::choice::ListFormat;
use crate::history;
use anyhow::{Context, Result};
use rampart_store::ScanSummary;
use std::io::{self, Write};
use std::process::ExitCode;

pub async fn run(args: &ListArgs) -> Result<ExitCode> {
    let render = match args.format {
        ListFormat::Table => table,
        ListFormat::Json => json,
    };
    let path = history::path(args.history.db.as_deref());
    let target = args.target.as_deref().map(target_key);
    let scans = match history::open_existing(&path).await? {
        Some(store) => {
            let scans = store.list(args.limit, target.as_deref()).await;
            store.close().await;
            scans.with_context(|| format!("cannot read the scan history {}", path.display()))?
        }
        None => Vec::new(),
    };
    if scans.is_empty() && args.format == ListFormat::Table {
        eprintln!("rampart: no saved scans in {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = io::stdout().lock();
    match render(&scans, &mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Reports store the target as the parsed URL prints it (`http://h:1/`), so
/// `--target http://h:1` must be spelled the same way to match.
fn target_key(raw: &str) -> String {
    url::Url::parse(raw).map_or_else(|_| raw.to_string(), |u| u.to_string())
}

fn json(scans: &[ScanSummary], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, scans)?;
    writeln!(out)
}

fn table(scans: &[ScanSummary], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{:<12}  {:<19}  {:>5}  {:<5}  {:>4}  {:>4}  {:>4}  {:>4}  {:>4}  TARGET",
        "ID", "STARTED (UTC)", "SCORE", "GRADE", "CRIT", "HIGH", "MED", "LOW", "INFO"
    )?;
    for scan in scans {
        let count = |sev: &str| scan.by_severity.get(sev).copied().unwrap_or(0);
        writeln!(
            out,
            "{:<12}  {:<19}  {:>5}  {:<5}  {:>4}  {:>4}  {:>4}  {:>4}  {:>4}  {}",
            scan.id,
            started(&scan.started_at),
            scan.overall,
            scan.letter_grade,
            count("critical"),
            count("high"),
            count("medium"),
            count("low"),
            count("info"),
            scan.target
        )?;
    }
    Ok(())
}

/// `2026-01-02T03:04:05.123Z` → `2026-01-02 03:04:05`.
fn started(rfc3339: &str) -> String {
    rfc3339
        .chars()
        .take(19)
        .map(|c| if c == 'T' { ' ' } else { c })
        .collect()
}
