//! The session-lifecycle suite (SESS-001 … SESS-013, SESS-019 … SESS-021): each rule drives the
//! login flow through [`rampart_engine::Driver`] and proves what it reports
//! with a replayed attack and a negative control.

mod cookie_attrs;
pub mod entropy;
mod refresh;
pub mod remedy;
mod sess001_fixation;
mod sess002_adoption;
mod sess003_url_session;
mod sess004_logout;
mod sess005_privilege_change;
mod sess006_weak_ids;
mod sess007_http_only;
mod sess008_secure;
mod sess009_same_site;
mod sess010_token_exposed;
mod sess011_lifetime;
mod sess012_parent_domain;
mod sess013_old_session;
mod sess014_store_in_place;
mod sess015_plaintext;
mod sess016_store_expiry;
mod sess017_store_readable;
mod sess018_store_config;
mod sess019_same_token;
mod sess020_refresh_reuse;
mod sess021_refresh_after_logout;
mod store;

pub use sess001_fixation::Fixation;
pub use sess002_adoption::Adoption;
pub use sess003_url_session::UrlSession;
pub use sess004_logout::LogoutKeepsSession;
pub use sess005_privilege_change::NoRotationOnPrivilegeChange;
pub use sess006_weak_ids::WeakIds;
pub use sess007_http_only::CookieNoHttpOnly;
pub use sess008_secure::CookieNoSecure;
pub use sess009_same_site::CookieNoSameSite;
pub use sess010_token_exposed::TokenExposed;
pub use sess011_lifetime::LongLifetime;
pub use sess012_parent_domain::ParentDomainCookie;
pub use sess013_old_session::OldSessionSurvivesLogin;
pub use sess014_store_in_place::StoreUpdatedInPlace;
pub use sess015_plaintext::StorePlaintextTokens;
pub use sess016_store_expiry::StoreExpiry;
pub use sess017_store_readable::StoreReadableAnonymously;
pub use sess018_store_config::StoreConfiguration;
pub use sess019_same_token::SameTokenEveryLogin;
pub use sess020_refresh_reuse::RefreshReuse;
pub use sess021_refresh_after_logout::RefreshAfterLogout;

use rampart_engine::flow::{Step, StepOutcome};
use rampart_engine::{Context, Driver, Error};
use rampart_model::{Confidence, Endpoint, Finding, Rule};

/// Requests one flow step may cost: the request, a CSRF page, one redirect.
pub(crate) const STEP: u64 = 3;
/// Requests one probe of the protected page may cost (it may redirect once).
pub(crate) const PROBE: u64 = 2;

pub(crate) const OWASP: &str = "API2:2023";

/// The driver; session checks only run when a flow was validated.
pub(crate) fn driver<'a>(ctx: &'a Context<'_>) -> Result<&'a Driver, Error> {
    ctx.driver
        .ok_or_else(|| Error::flow("session", "no session flow configured"))
}

pub(crate) fn endpoint(d: &Driver, step: &Step) -> Endpoint {
    Endpoint {
        method: step.method.clone(),
        url: d.url(&step.path).to_string(),
    }
}

/// A finding whose remediation names the fix for the detected stack.
pub(crate) fn finding(
    ctx: &Context<'_>,
    rule: &Rule,
    confidence: Confidence,
    endpoint: Endpoint,
    description: String,
) -> Finding {
    Finding::new(rule, confidence, endpoint, description).with_remediation(remedy::for_stack(rule, ctx.fingerprint))
}

/// The exchanges of a step, the first one annotated.
pub(crate) fn step_evidence(outcome: &StepOutcome, note: &str) -> Vec<rampart_model::Exchange> {
    let mut exchanges = outcome.trip.exchanges.clone();
    if let Some(first) = exchanges.first_mut() {
        first.note = Some(note.to_string());
    }
    exchanges
}

/// The scan-wide negative control: a forged token of the same shape is not logged in.
pub(crate) fn random_control(d: &Driver) -> rampart_model::Exchange {
    d.baseline()
        .random
        .evidence("negative control: a never-issued token of the same shape is not logged in")
}

/// Why a rule about a session id does not judge this session: several
/// cookies carry it (a value and its signature, or chunks), so their values
/// are signed or split data, not an id.
pub(crate) fn cookie_set(d: &Driver) -> Option<String> {
    let rampart_engine::Carrier::Cookies(names) = d.carrier() else {
        return None;
    };
    Some(format!(
        "the session is carried by several cookies ({}): signed or chunked data, not an id",
        names.join(" + ")
    ))
}

/// Run the flow's logout step with `agent`; a refused logout (4xx/5xx) makes
/// the check inconclusive rather than a finding about what it did not end.
pub(crate) async fn log_out(d: &Driver, agent: &mut rampart_engine::Agent) -> Result<StepOutcome, Error> {
    let Some(logout) = d.logout(agent).await? else {
        return Err(Error::Inconclusive("the flow has no [logout] step".into()));
    };
    let status = logout.trip.first().response.status;
    if status >= 400 {
        return Err(Error::Inconclusive(format!("the logout step answered {status}")));
    }
    Ok(logout)
}

/// End a check whose precondition did not hold as inconclusive, rather than guess a verdict.
pub(crate) fn inconclusive(_rule: &Rule, why: impl std::fmt::Display) -> Error {
    Error::Inconclusive(why.to_string())
}
