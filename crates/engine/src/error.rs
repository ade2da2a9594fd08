//! The engine's error type: every cause a scan can stop or skip a check for.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot connect to {host}: {cause}")]
    Connect { host: String, cause: String },
    #[error("TLS handshake with {host} failed: {cause}")]
    Tls { host: String, cause: String },
    #[error("{url} did not answer within {secs:.1} s")]
    Timeout { url: String, secs: f64 },
    #[error("{url}: {cause}")]
    Transfer { url: String, cause: String },
    #[error("more than {hops} redirects starting at {url} (redirect loop?)")]
    RedirectLoop { url: String, hops: usize },
    #[error("host {0} stopped answering: circuit breaker open after repeated connection failures")]
    CircuitOpen(String),
    #[error("request budget of {0} requests used up")]
    Budget(u64),
    #[error("scan deadline of {0} s reached")]
    Deadline(u64),
    /// The user interrupted the scan (Ctrl-C); what is done is reported.
    #[error("the scan was interrupted")]
    Interrupted,
    #[error("{rule} used the {allowance} requests it declares and was stopped there (a defect in rampart)")]
    CheckBudget { rule: String, allowance: u64 },
    #[error("refused to send to {url}: {cause}")]
    Refused { url: String, cause: String },
    #[error(
        "{method} {from} was redirected ({status}) to {to}, another origin: rampart does not send the request body or credentials there"
    )]
    CrossOriginRedirect {
        method: String,
        from: String,
        to: String,
        status: u16,
    },
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("flow file {path}: {cause}")]
    FlowFile { path: String, cause: String },
    #[error("spec {location}: {cause}")]
    Spec { location: String, cause: String },
    #[error("callback listener: {0}")]
    Callback(String),
    #[error("session store: {0}")]
    Store(String),
    #[error("flow step [{step}]: {cause}")]
    Flow { step: &'static str, cause: String },
    /// The check could not tell either way; the runner reports it as
    /// [`crate::Outcome::Inconclusive`], not as a failure.
    #[error("inconclusive: {0}")]
    Inconclusive(String),
    /// `--login` found no working flow: what was found, what is missing, a skeleton.
    #[error("{0}")]
    Discovery(String),
    /// Another identity (`--identity`) could not log in.
    #[error("--identity {name}: {cause}")]
    Identity { name: String, cause: String },
}

impl Error {
    /// True when the cause is the scan's (or the check's) own budget, not the target.
    pub fn is_budget(&self) -> bool {
        matches!(
            self,
            Error::Budget(_) | Error::Deadline(_) | Error::Interrupted | Error::CheckBudget { .. }
        )
    }

    pub fn flow(step: &'static str, cause: impl Into<String>) -> Self {
        Error::Flow {
            step,
            cause: cause.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
