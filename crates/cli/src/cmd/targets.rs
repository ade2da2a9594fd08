//! `rampart scan --targets FILE`: one scan per URL of the file, one report
//! per target, a combined summary, and one gate over them all. A target that
//! cannot be scanned is said in the summary and the others still run.

use crate::args::ScanArgs;
use crate::output::{self, Plan};
use anyhow::{Result, bail};
use rampart_engine::input;
use rampart_model::{Report, Severity};
use rampart_report::Format;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Most targets one file may list.
pub const MAX_TARGETS: usize = 100;
/// Largest targets file read.
const FILE_CAP: u64 = 1024 * 1024;

/// What one target's scan came to.
struct Row {
    url: String,
    outcome: Result<(Report, ExitCode)>,
}

pub async fn run(args: &ScanArgs, file: &Path) -> Result<ExitCode> {
    let urls = read(file)?;
    if let Plan::Stdout(format) = output::plan(&args.output, Format::Summary)? {
        if !matches!(format, Format::Summary | Format::Table) {
            bail!(
                "--targets writes one report per target: give -o FILE (one file per target), or --format summary or table"
            );
        }
    }
    let scan_of = |i: usize, url: &String| {
        let mut one = args.clone();
        one.url = Some(url.clone());
        one.targets = None;
        one.output.output = args.output.output.iter().map(|p| per_target(p, i + 1, url)).collect();
        one.output.har = args.output.har.as_ref().map(|p| per_target(p, i + 1, url));
        one
    };
    // Options wrong for one target are wrong for all: said once, before any scan.
    crate::config::scan_config(&scan_of(0, &urls[0]))?;
    output::validate(&args.output)?;
    let mut rows = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        crate::say::info(&format!("target {} of {}: {url}", i + 1, urls.len()));
        let outcome = super::scan::one(&scan_of(i, url)).await;
        if let Err(e) = &outcome {
            eprintln!("rampart: {url}: {}", e.to_string().replace('\n', " "));
        }
        let interrupted = matches!(&outcome, Ok((_, code)) if *code == ExitCode::from(super::scan::INTERRUPTED));
        rows.push(Row {
            url: url.clone(),
            outcome,
        });
        if interrupted {
            println!("{}", combined(&rows));
            return Ok(ExitCode::from(super::scan::INTERRUPTED));
        }
    }
    println!("{}", combined(&rows));
    Ok(verdict(&rows))
}

/// The URLs of `file`, each checked before any scan starts.
fn read(file: &Path) -> Result<Vec<String>> {
    let text = input::read_text(file, FILE_CAP).map_err(|e| anyhow::anyhow!("--targets {e}"))?;
    let mut urls = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let url = crate::config::target(line).map_err(|e| anyhow::anyhow!("{}:{}: {e}", file.display(), n + 1))?;
        urls.push(url.to_string());
    }
    if urls.is_empty() {
        bail!("--targets {}: no URL in the file", file.display());
    }
    if urls.len() > MAX_TARGETS {
        bail!(
            "--targets {}: {} URLs, at most {MAX_TARGETS}",
            file.display(),
            urls.len()
        );
    }
    Ok(urls)
}

/// `report.json` for target 2 at `https://api.example.com:8443/` is
/// `report-2-api.example.com-8443.json`, next to it.
fn per_target(path: &Path, index: usize, url: &str) -> PathBuf {
    let host = url::Url::parse(url)
        .ok()
        .map(|u| {
            let port = u.port().map(|p| format!("-{p}")).unwrap_or_default();
            format!("{}{port}", u.host_str().unwrap_or("target"))
        })
        .unwrap_or_else(|| "target".into());
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{index}-{host}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{index}-{host}"),
    };
    path.with_file_name(name)
}

/// One line per target: grade, score, findings by severity, or why it was not scanned.
fn combined(rows: &[Row]) -> String {
    let mut out = format!("Targets: {} scanned", rows.iter().filter(|r| r.outcome.is_ok()).count());
    let failed = rows.iter().filter(|r| r.outcome.is_err()).count();
    if failed > 0 {
        out.push_str(&format!(", {failed} could not be scanned"));
    }
    for (i, row) in rows.iter().enumerate() {
        let line = match &row.outcome {
            Ok((report, code)) => {
                let provisional = if report.coverage.grade_provisional {
                    " (provisional)"
                } else {
                    ""
                };
                let gate = match code {
                    c if *c == ExitCode::SUCCESS => "",
                    c if *c == ExitCode::from(super::scan::INTERRUPTED) => "  interrupted",
                    _ => "  gate failed",
                };
                format!(
                    "{} {:>3}{provisional}  {}{gate}",
                    report.letter_grade,
                    report.overall,
                    counts(report)
                )
            }
            Err(e) => format!("not scanned: {}", e.to_string().lines().next().unwrap_or_default()),
        };
        out.push_str(&format!("\n  {:>3}. {}  {line}", i + 1, input::quote(&row.url)));
    }
    out
}

fn counts(report: &Report) -> String {
    let count = |sev: Severity| report.findings.iter().filter(|f| f.severity == sev).count();
    [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ]
    .map(|sev| format!("{} {sev}", count(sev)))
    .join(", ")
}

/// 2 when a target could not be scanned, else 1 when any gate failed, else 0.
fn verdict(rows: &[Row]) -> ExitCode {
    if rows.iter().any(|r| r.outcome.is_err()) {
        return ExitCode::from(2);
    }
    let failed = rows
        .iter()
        .any(|r| matches!(&r.outcome, Ok((_, code)) if *code != ExitCode::SUCCESS));
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_target_gets_its_own_file() {
        let at = |p: &str, url: &str| per_target(Path::new(p), 2, url).display().to_string();
        assert_eq!(
            at("out/report.json", "https://api.example.com:8443/v1"),
            "out/report-2-api.example.com-8443.json"
        );
        assert_eq!(at("r.sarif", "http://[::1]:9/"), "r-2-___1_-9.sarif");
        assert_eq!(at("scan", "http://h/"), "scan-2-h");
    }
}
