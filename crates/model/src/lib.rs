//! Types shared by every rampart crate: rules, findings, recorded exchanges,
//! reports and the scoring formula. No I/O lives here.

mod category;
mod exchange;
mod finding;
pub mod review;

pub mod report;
mod rule;
pub mod score;
mod severity;

pub use category::Category;
pub use exchange::{Exchange, Header, REDACTED, RecordedRequest, RecordedResponse};
pub use finding::{BaselineStatus, Endpoint, Finding, StoreEvidence};
pub use report::{
    CheckError, Cleanup, Coverage, Fingerprint, FlowUsed, Report, RuleCoverage, Stats, Suppressed, Suppression, Write,
};
pub use review::{CodeFinding, Review, Skipped};
pub use rule::{EXAMPLE_ORIGIN, Example, Need, Proof, Rule};
pub use severity::{Confidence, Severity};
