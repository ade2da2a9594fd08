//! The command line (DESIGN.md "Command-line contract").

use crate::choice::{self, ColorWhen, DiffFormat, ListFormat};
use clap::{Args, Parser, Subcommand};
use rampart_engine::LlmTier;
use rampart_model::Severity;
use rampart_report::Format;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "rampart",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("RAMPART_COMMIT"), ")"),
    about = "Black-box API security scanner that proves session-lifecycle flaws"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only results and errors: no progress bar, no "report written" or "saved as" lines.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print, after the scan, its events (back-offs, requests left out or refused, budgets) and check errors.
    #[arg(short, long, global = true)]
    pub verbose: bool,
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
    /// Serve scans to AI coding assistants over MCP (stdio; --http for loopback HTTP).
    Mcp(McpArgs),
    /// Serve the monitoring API (middleBrick-compatible endpoints) over the job queue, with workers in-process.
    Serve(ServeArgs),
    /// Create an API token for `rampart serve` (shown once).
    Token(TokenArgs),
    /// Run scan jobs from the monitoring queue (SQLite history file, or PostgreSQL/CockroachDB shared by many workers).
    Worker(WorkerArgs),
    /// List saved scans, newest first.
    List(ListArgs),
    /// Render a saved scan again, in any report format.
    Results(ResultsArgs),
    /// Run again the check that proved a saved finding, with fresh credentials: fixed or still present.
    Replay(Box<ReplayArgs>),
    /// Review session-handling source code (no network): logins that keep the session id, ids taken from the
    /// request, sessions updated in place, logout that only clears the cookie, weak tokens, cookie flags.
    Review(ReviewArgs),
    /// Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell) on stdout.
    Completions(CompletionsArgs),
    /// Print rampart's man page (roff) on stdout: rampart man > rampart.1
    Man,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ScanArgs {
    /// Base URL of the API (http or https).
    #[arg(required_unless_present = "targets")]
    pub url: Option<String>,
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Scan every URL in FILE instead (one per line; blank lines and # comments skipped): one report per
    /// target (-o report.json writes report-1-HOST.json …), a combined summary, one gate over all.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["url", "save_flow", "baseline"])]
    pub targets: Option<PathBuf>,
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Write the flow --login discovered to FILE (the password as ${RAMPART_PASSWORD}), for review and --flow.
    #[arg(long, value_name = "FILE", requires = "login")]
    pub save_flow: Option<PathBuf>,
    /// Categories or rule ids, comma-separated (e.g. session,SESS-001).
    #[arg(long, value_delimiter = ',')]
    pub checks: Vec<String>,
    /// Stream each finding as one JSON line as soon as it is proven, then a `done` line with the score,
    /// to FILE or, without one, stdout (the report then goes only to --output files).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-", conflicts_with = "targets")]
    pub jsonl: Option<PathBuf>,
    /// Ignore file of suppressions (default: .rampart-ignore.toml in the working directory, when present).
    #[arg(long, value_name = "FILE")]
    pub ignore: Option<PathBuf>,
    /// Session store to watch read-only: postgres://, postgresql://, cockroachdb:// or firestore://PROJECT URL.
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    /// The table (schema.table) or Firestore collection that holds sessions; default: found by the live token.
    #[arg(long, value_name = "TABLE", requires = "store")]
    pub store_table: Option<String>,
    /// OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML): a file or an http(s) URL.
    #[arg(long, value_name = "FILE|URL")]
    pub spec: Option<String>,
    /// Allow probes that write (POST/PUT/PATCH/DELETE to the API's own operations).
    #[arg(long)]
    pub active: bool,
    /// Send active LLM probes (default: passive LLM checks only).
    #[arg(long, value_name = "TIER", value_parser = choice::llm_tier(), ignore_case = true)]
    pub llm_tier: Option<LlmTier>,
    /// Address the scan's callback listener binds for SSRF probes (default 127.0.0.1:0).
    #[arg(long, value_name = "ADDR:PORT")]
    pub callback_listen: Option<String>,
    /// Base URL the target uses to reach the callback listener, when it is not the bound address.
    #[arg(long, value_name = "URL")]
    pub callback_url: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub gate: GateArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub history: HistoryArgs,
    /// The project file's `[[ignore]]` entries and the file's name (set by `project::apply`).
    #[arg(skip)]
    pub project_ignores: (String, Vec<crate::ignore::Entry>),
}

/// The scan's own credentials and the other users': `scan` and `replay`.
#[derive(Args, Debug, Clone, Default)]
pub struct AuthArgs {
    /// Session flow file (TOML); enables the session-lifecycle suite.
    #[arg(long)]
    pub flow: Option<PathBuf>,
    /// Discover the session flow by logging in as USER (password after ':', or from RAMPART_PASSWORD / --password-env).
    #[arg(long, value_name = "USER[:PASSWORD]", conflicts_with = "flow")]
    pub login: Option<String>,
    /// Read the --login password from this environment variable (default RAMPART_PASSWORD).
    #[arg(long, value_name = "VAR", requires = "login")]
    pub password_env: Option<String>,
    /// Another user, for two-user authorization tests (repeatable): NAME=bearer:TOKEN, NAME=header:K: V,
    /// NAME=cookie:K=V or NAME=login:USER[:PASSWORD] (password from RAMPART_PASSWORD_<NAME>); without other
    /// credentials, the first is the scan's own.
    #[arg(long = "identity", value_name = "NAME=CREDENTIAL")]
    pub identities: Vec<String>,
    /// Extra request header 'Name: value' (repeatable).
    #[arg(short = 'H', long = "header", value_name = "'K: V'")]
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
}

/// The project file: `scan` and `replay`.
#[derive(Args, Debug, Clone, Default)]
pub struct ProjectArgs {
    /// Project file of default options, flow and suppressions (default: ./rampart.toml when present);
    /// the command line wins over it.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read ./rampart.toml.
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Args, Debug, Clone, Default)]
pub struct HistoryDb {
    /// Scan history database (default: $RAMPART_DB, else <data dir>/rampart/history.db).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub file: HistoryDb,
    /// Do not save this scan to the history.
    #[arg(long)]
    pub no_save: bool,
}

#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// The report format (default: summary on a terminal, json otherwise).
    #[arg(short = 'f', long, value_parser = choice::format(), ignore_case = true)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of stdout; repeatable, each file in the format of its extension
    /// (.json .sarif .xml .html .md .txt); --format overrides it only with a single --output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Colour the terminal summary.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t)]
    pub color: ColorWhen,
    /// Also write every exchange of the scan (redacted) to FILE as HAR 1.2.
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct GateArgs {
    /// Exit 1 if the overall score is below N.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub threshold: Option<u8>,
    /// Exit 1 if any finding has severity >= SEV.
    #[arg(long, value_name = "SEV", value_parser = choice::severity(), ignore_case = true)]
    pub fail_on: Option<Severity>,
    /// An earlier JSON report: mark each finding "new" or "unchanged" against it.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,
    /// Exit 1 if any finding NEW since --baseline has severity >= SEV.
    #[arg(long, value_name = "SEV", requires = "baseline", value_parser = choice::severity(), ignore_case = true)]
    pub fail_on_new: Option<Severity>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct LimitArgs {
    /// Parallel requests [default: 16].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::config::MAX_CONCURRENCY)))]
    pub concurrency: Option<u32>,
    /// Requests per second ceiling (0 = unlimited) [default: 50].
    #[arg(long)]
    pub rate: Option<u32>,
    /// Per-request timeout in seconds [default: 10].
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Hard request budget for the whole scan.
    #[arg(long)]
    pub max_requests: Option<u64>,
    /// Hard wall-clock budget for the whole scan, in seconds (default 900; 0 for none).
    #[arg(long)]
    pub max_duration: Option<f64>,
    /// Pin HOST:PORT to ADDR (like curl --resolve host:port:addr); repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// Also never send a GET whose path names this action (repeatable; added to the default list).
    #[arg(long, value_name = "WORD")]
    pub unsafe_word: Vec<String>,
    /// Take this word off the list of state-changing path words (repeatable).
    #[arg(long, value_name = "WORD")]
    pub safe_word: Vec<String>,
    /// Only send requests whose path matches this glob (`/api/**`; `*` within a segment, `**` across; repeatable).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Never send a request whose path matches this glob (`/admin/**`; repeatable; wins over --include).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Do not verify TLS certificates (the report says so).
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Also trust the CA certificates in this PEM file (a private CA).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<std::path::PathBuf>,
    /// Send every request through this proxy: http://, https://, socks5:// or socks5h:// (Burp, ZAP).
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Fresh tokens SESS-006 collects for its randomness tests [default: 100].
    #[arg(long, value_parser = clap::value_parser!(u32).range(i64::from(crate::config::ENTROPY_SAMPLES.0)..=i64::from(crate::config::ENTROPY_SAMPLES.1)))]
    pub entropy_samples: Option<u32>,
}

#[derive(Args, Debug)]
pub struct ChecksArgs {
    #[arg(long, value_enum, default_value_t)]
    pub format: ListFormat,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Scan the corrected twin of the demo API instead.
    #[arg(long)]
    pub fixed: bool,
    /// The bearer-token API instead: JWTs and refresh tokens, two users' orders, an admin area, URL-taking inputs and an assistant chat, scanned as a second user too, with --active and --llm-tier deep.
    #[arg(long)]
    pub api: bool,
    /// Only serve the demo API (print its URL and flow file path, then wait); scan it with `rampart scan`.
    #[arg(long)]
    pub serve: bool,
    /// Port for --serve (default: any free port).
    #[arg(long, requires = "serve")]
    pub port: Option<u16>,
    /// Save the demo scan to this history database (the demo is not saved otherwise).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub history: HistoryDb,
    /// Show at most N scans.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Only scans of this target URL.
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: ListFormat,
}

#[derive(Args, Debug)]
pub struct ResultsArgs {
    /// The scan's id, or a unique prefix of it (see `rampart list`).
    pub id: String,
    #[command(flatten)]
    pub history: HistoryDb,
    /// The report format, as for `scan` (default: summary on a terminal, json otherwise).
    #[arg(short = 'f', long, value_parser = choice::format(), ignore_case = true)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of stdout (repeatable, as for `scan`).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct McpArgs {
    #[command(flatten)]
    pub history: HistoryDb,
    /// Serve streamable HTTP at http://ADDR/mcp instead of stdio (loopback addresses only).
    #[arg(long, value_name = "127.0.0.1:PORT")]
    pub http: Option<std::net::SocketAddr>,
    #[command(flatten)]
    pub targets: TargetPolicy,
    /// Scans run at once; a scan_api call beyond it is refused.
    #[arg(long, default_value_t = rampart_server::mcp::DEFAULT_MAX_SCANS, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub max_scans: u16,
}

/// Where scans started by the service or an assistant may go.
#[derive(Args, Debug)]
pub struct TargetPolicy {
    /// Targets scans may reach besides loopback and private networks:
    /// CIDRs, addresses or host names, comma-separated; `*` for any.
    /// Cloud metadata addresses are always refused.
    #[arg(long, value_name = "CIDR|HOST,…")]
    pub allow_targets: Option<String>,
}

/// Where webhook deliveries may go.
#[derive(Args, Debug)]
pub struct WebhookPolicy {
    /// Private or loopback webhook destinations to allow (CIDRs, addresses or
    /// host names, comma-separated); public addresses are always allowed,
    /// cloud metadata addresses never.
    #[arg(long, value_name = "CIDR|HOST,…")]
    pub allow_webhooks: Option<String>,
}

#[derive(Args, Debug)]
pub struct QueueDb {
    /// The queue: postgres://, postgresql:// or cockroachdb:// URL shared by every worker, or the path
    /// of a history file (default: $RAMPART_DB, else the user data directory).
    #[arg(long, value_name = "URL|PATH")]
    pub db: Option<String>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    #[command(flatten)]
    pub queue: QueueDb,
    #[command(flatten)]
    pub targets: TargetPolicy,
    #[command(flatten)]
    pub webhooks: WebhookPolicy,
    /// Workers run inside this process (0 when `rampart worker` processes do the scanning).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(0..=16))]
    pub workers: u16,
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub action: TokenAction,
}

#[derive(Subcommand, Debug)]
pub enum TokenAction {
    /// Make a new token and print it on stdout, once.
    Create {
        /// What the token is for (e.g. ci).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        queue: QueueDb,
    },
}

#[derive(Args, Debug)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub queue: QueueDb,
    #[command(flatten)]
    pub targets: TargetPolicy,
    #[command(flatten)]
    pub webhooks: WebhookPolicy,
    /// Seconds a claimed job stays this worker's without a heartbeat (heartbeats every third of it);
    /// a killed worker's job is claimable again after this long.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub lease_secs: u64,
    /// Exit once no job is ready instead of waiting for more.
    #[arg(long)]
    pub once: bool,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The earlier JSON report.
    pub old: PathBuf,
    /// The later JSON report.
    pub new: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: DiffFormat,
}

#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// Files and folders to review: Python, JavaScript/TypeScript, Go, Java, PHP, Rust, Firestore rules, SQL.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Report only findings on lines changed since BASE (a git branch, tag or commit): for pull requests.
    #[arg(long, value_name = "BASE")]
    pub diff: Option<String>,
    /// Output format.
    #[arg(long, value_name = "FORMAT", value_parser = choice::review_format(), default_value = "summary")]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 if any finding has severity >= SEV.
    #[arg(long, value_name = "SEV", value_parser = choice::severity(), ignore_case = true)]
    pub fail_on: Option<Severity>,
    /// The framework, where the imports do not tell (it chooses the fix a finding shows).
    #[arg(long, value_parser = choice::framework(), ignore_case = true)]
    pub framework: Option<String>,
    /// Leave out files larger than BYTES.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20, value_parser = clap::value_parser!(u64).range(1..=64 << 20))]
    pub max_file_bytes: u64,
    /// Review at most N files.
    #[arg(long, value_name = "N", default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_files: u64,
}

#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// The saved scan's id, or a unique prefix of it (see `rampart list`).
    pub scan: String,
    /// The finding: its id in that report (f-3), a prefix of its fingerprint, or its rule id when only one
    /// finding has it.
    pub finding: String,
    #[command(flatten)]
    pub history: HistoryDb,
    #[command(flatten)]
    pub auth: AuthArgs,
    /// OpenAPI document, as for `scan`, when the finding's endpoint came from it.
    #[arg(long, value_name = "FILE|URL")]
    pub spec: Option<String>,
    /// Allow probes that write, as for `scan`, when the finding needed them.
    #[arg(long)]
    pub active: bool,
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}
