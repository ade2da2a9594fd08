//! The command line (DESIGN.md "Command-line contract").

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "rampart",
    version,
    about = "Black-box API security scanner that proves session-lifecycle flaws"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan an API.
    Scan(Box<ScanArgs>),
    /// List every rule: id, title, category, severity, CWE, OWASP.
    Checks(ChecksArgs),
    /// Start the built-in vulnerable API on loopback and scan it end to end.
    Demo(DemoArgs),
    /// Compare two JSON reports: new, fixed and unchanged findings, and the score drift.
    Diff(DiffArgs),
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Base URL of the API (http or https).
    pub url: String,
    /// Session flow file (TOML); enables the session-lifecycle suite.
    #[arg(long)]
    pub flow: Option<PathBuf>,
    /// Extra request header 'Name: value' (repeatable).
    #[arg(long = "header", value_name = "'K: V'")]
    pub headers: Vec<String>,
    /// Send 'Authorization: Bearer TOKEN'.
    #[arg(long)]
    pub bearer: Option<String>,
    /// Send HTTP basic credentials user:pass.
    #[arg(long, value_name = "USER:PASS")]
    pub basic: Option<String>,
    /// Send this Cookie header ('a=b; c=d').
    #[arg(long)]
    pub cookie: Option<String>,
    /// Categories or rule ids, comma-separated (e.g. session,SESS-001).
    #[arg(long, value_delimiter = ',')]
    pub checks: Vec<String>,
    /// Session store to watch read-only: postgres://, postgresql:// or cockroachdb:// URL.
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub gate: GateArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Args, Debug, Default)]
pub struct OutputArgs {
    /// summary | table | json | sarif | junit | html (default: summary on a terminal, json otherwise).
    #[arg(long)]
    pub format: Option<String>,
    /// Write the report to FILE (format from the extension if --format is absent).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Also write every exchange of the scan (redacted) to FILE as HAR 1.2.
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
}

#[derive(Args, Debug, Default)]
pub struct GateArgs {
    /// Exit 1 if the overall score is below N.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub threshold: Option<u8>,
    /// Exit 1 if any finding has severity >= SEV (info, low, medium, high, critical).
    #[arg(long, value_name = "SEV")]
    pub fail_on: Option<String>,
    /// An earlier JSON report: mark each finding "new" or "unchanged" against it.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,
    /// Exit 1 if any finding NEW since --baseline has severity >= SEV.
    #[arg(long, value_name = "SEV", requires = "baseline")]
    pub fail_on_new: Option<String>,
}

#[derive(Args, Debug)]
pub struct LimitArgs {
    /// Parallel requests.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
    /// Requests per second ceiling (0 = unlimited).
    #[arg(long, default_value_t = 50)]
    pub rate: u32,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// Hard request budget for the whole scan.
    #[arg(long)]
    pub max_requests: Option<u64>,
    /// Hard wall-clock budget for the whole scan, in seconds.
    #[arg(long)]
    pub max_duration: Option<f64>,
    /// Pin HOST:PORT to ADDR (like curl --resolve host:port:addr); repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// Fresh tokens SESS-006 collects for its randomness tests.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub entropy_samples: u32,
}

#[derive(Args, Debug)]
pub struct ChecksArgs {
    /// table (default) | json
    #[arg(long, default_value = "table")]
    pub format: String,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Scan the corrected twin of the demo API instead.
    #[arg(long)]
    pub fixed: bool,
    /// Only serve the demo API (print its URL and flow file path, then wait); scan it with `rampart scan`.
    #[arg(long)]
    pub serve: bool,
    /// Port for --serve (default: any free port).
    #[arg(long, requires = "serve")]
    pub port: Option<u16>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The earlier JSON report.
    pub old: PathBuf,
    /// The later JSON report.
    pub new: PathBuf,
    /// text (default) | json
    #[arg(long, default_value = "text")]
    pub format: String,
}
