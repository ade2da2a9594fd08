//! The immutable scan configuration, built once from the command line.

use crate::flow::Flow;
use std::time::Duration;
use url::Url;

/// Bounds on everything a scan sends and receives.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests per second; 0 means unlimited.
    pub rate: u32,
    pub timeout: Duration,
    /// Response bodies beyond this are truncated and marked.
    pub max_body: usize,
    pub max_redirects: usize,
    pub max_requests: Option<u64>,
    pub max_duration: Option<Duration>,
    /// Consecutive connection failures that open a host's circuit breaker.
    pub breaker_threshold: u32,
    /// Longest `Retry-After` rampart honours before giving up on a 429.
    pub max_backoff: Duration,
    /// Host names pinned to addresses, like curl's `--resolve`.
    pub resolve: Vec<(String, std::net::SocketAddr)>,
    /// Addresses the scan may not reach (metadata, and an allow-list when given).
    pub policy: crate::http::policy::AddressPolicy,
    /// Words that make a GET look state-changing (never sent unless declared).
    pub unsafe_words: Vec<String>,
    /// Path globs: when any is given, only matching paths are sent (`--include`).
    pub include_paths: Vec<String>,
    /// Path globs never sent (`--exclude`).
    pub exclude_paths: Vec<String>,
    /// Skip certificate verification (`--insecure`); the report says so.
    pub insecure: bool,
    /// Extra trusted CA certificates, PEM (`--ca-cert`).
    pub ca_certs: Vec<u8>,
    /// Send every request through this proxy (`--proxy`, http, https or socks5).
    pub proxy: Option<url::Url>,
    /// Set on Ctrl-C: the scan stops sending and reports what it has.
    pub interrupt: crate::http::Interrupt,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            concurrency: 16,
            rate: 50,
            timeout: Duration::from_secs(10),
            max_body: 2 * 1024 * 1024,
            max_redirects: 10,
            max_requests: None,
            max_duration: None,
            breaker_threshold: 5,
            max_backoff: Duration::from_secs(30),
            resolve: Vec::new(),
            policy: Default::default(),
            unsafe_words: crate::http::guard::default_words(),
            include_paths: Vec::new(),
            exclude_paths: Vec::new(),
            insecure: false,
            ca_certs: Vec::new(),
            proxy: None,
            interrupt: Default::default(),
        }
    }
}

/// Everything a scan needs to know, fixed before it starts.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub target: Url,
    pub limits: Limits,
    pub flow: Option<Flow>,
    /// Without a flow: discover one by logging in as this user (`--login`).
    pub login: Option<crate::flow::discover::Credentials>,
    /// Users other than the scan's own, for two-user authorization tests (`--identity`).
    pub identities: Vec<crate::identity::Identity>,
    /// Extra headers sent on every request (`--header`, `--bearer`, `--basic`, `--cookie`).
    pub headers: Vec<(String, String)>,
    /// Rule ids or category slugs; empty means every check.
    pub selection: Vec<String>,
    /// Session store to inspect read-only (`--store`).
    pub store: Option<String>,
    /// The table (`schema.table`) or collection holding sessions, instead of searching for the live token (`--store-table`).
    pub store_table: Option<String>,
    /// Fresh tokens SESS-006 collects.
    pub entropy_samples: usize,
    /// Pause before SESS-004 re-tests a token after logout.
    pub logout_recheck: Duration,
    /// How long the shared session is trusted before it is probed (and renewed if lost).
    pub session_recheck: Duration,
    /// OpenAPI 3.x or Swagger 2.0 document: a file path or an http(s) URL (`--spec`).
    pub spec: Option<String>,
    /// Allow checks that send writing methods (POST/PUT/PATCH/DELETE) to the API (`--active`).
    pub active: bool,
    /// Active LLM probes to send; `None` keeps the LLM rules passive (`--llm-tier`).
    pub llm_tier: Option<LlmTier>,
    /// Where the scan's callback listener binds (`--callback-listen`); SSRF and
    /// exfiltration probes point the target at it.
    pub callback_listen: std::net::SocketAddr,
    /// The base URL the target should use to reach the listener, when it differs
    /// from the bound address (`--callback-url`, e.g. behind NAT).
    pub callback_url: Option<Url>,
}

/// How many active LLM probes to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LlmTier {
    Quick,
    Standard,
    Deep,
}

impl std::str::FromStr for LlmTier {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "quick" => Ok(LlmTier::Quick),
            "standard" => Ok(LlmTier::Standard),
            "deep" => Ok(LlmTier::Deep),
            _ => Err(format!("unknown LLM tier '{s}' (quick, standard, deep)")),
        }
    }
}

impl ScanConfig {
    pub fn new(target: Url) -> Self {
        ScanConfig {
            target,
            limits: Limits::default(),
            flow: None,
            login: None,
            identities: Vec::new(),
            headers: Vec::new(),
            selection: Vec::new(),
            store: None,
            store_table: None,
            entropy_samples: 100,
            logout_recheck: Duration::from_millis(1500),
            session_recheck: Duration::from_secs(20),
            spec: None,
            active: false,
            llm_tier: None,
            callback_listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            callback_url: None,
        }
    }
}
