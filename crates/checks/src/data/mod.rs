//! Data Exposure (DATA-001 … DATA-004): card numbers, personal data,
//! credentials and stack traces in the answers rampart receives. The
//! detectors are pure functions over text; the rules read the answers the scan
//! already holds (DATA-004 also sends malformed parameters), and every value
//! found is shown by its first characters only, in the description and in the
//! evidence.

mod card;
mod data001_cards;
mod data002_personal;
mod data003_credentials;
mod data004_stack_trace;
mod keys;
mod pii;
mod scan;
mod trace;

pub use card::{Card, brand, cards, luhn};
pub use data001_cards::CardNumbers;
pub use data002_personal::PersonalData;
pub use data003_credentials::Credentials;
pub use data004_stack_trace::StackTrace;
pub use keys::{Secret, secrets};
pub use pii::{emails, ssns};
pub use trace::stack_trace;

use crate::web::{self, Observed, observed};
use rampart_engine::Context;
use rampart_model::{Confidence, Exchange, Finding, Rule};
use std::collections::BTreeSet;

pub(crate) const OWASP: &str = "API3:2023";
/// Most findings one passive DATA rule reports.
const MAX_FINDINGS: usize = 5;
/// Most matches a detector keeps from one body.
pub(crate) const MAX_MATCHES: usize = 20;

/// What a detector found in one answer.
pub(crate) struct Leak {
    /// For the description, values shown by their first characters only.
    pub what: String,
    /// Each value found and what replaces it in the evidence.
    pub masks: Vec<(String, String)>,
}

/// One finding per endpoint whose answer `detect` flags, the values masked.
/// API descriptions and documentation pages are skipped: their examples are not data.
pub(crate) fn passive(ctx: &Context<'_>, rule: &Rule, detect: impl Fn(&Observed) -> Option<Leak>) -> Vec<Finding> {
    let mut reported = BTreeSet::new();
    let documentation = web::documentation(ctx);
    let mut out = Vec::new();
    for o in observed(ctx) {
        if out.len() >= MAX_FINDINGS {
            break;
        }
        let endpoint = o.endpoint();
        let key = (endpoint.method.clone(), endpoint.url.clone());
        if reported.contains(&key) || web::is_documentation(&documentation, &endpoint.url, o.body) {
            continue;
        }
        let Some(leak) = detect(&o) else {
            continue;
        };
        reported.insert(key);
        let who = if o.anonymous {
            "without credentials"
        } else {
            "with the scan's credentials"
        };
        let description = format!(
            "{} {}, asked {who}, returned {}.",
            endpoint.method, endpoint.url, leak.what
        );
        let evidence = masked(o.exchange, &leak.masks).noted(format!("the answer carrying {}", leak.what));
        out.push(Finding::new(rule, Confidence::Firm, endpoint, description).with_evidence(vec![evidence]));
    }
    out
}

/// The exchange with each found value replaced in the response body.
pub(crate) fn masked(exchange: &Exchange, masks: &[(String, String)]) -> Exchange {
    let mut ex = exchange.clone();
    for (value, replacement) in masks {
        ex.response.body = ex.response.body.replace(value.as_str(), replacement);
    }
    ex
}

/// The first `keep` characters of `value` and a redaction mark.
pub(crate) fn prefix(value: &str, keep: usize) -> String {
    let head: String = value.chars().take(keep).collect();
    format!("{head}[redacted]")
}

/// `n` things, in words (`1 card number`, `3 card numbers`).
pub(crate) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
