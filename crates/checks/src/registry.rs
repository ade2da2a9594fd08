//! The one ordered list of every check. `rampart checks`, the report's rule
//! metadata and the docs are generated from it.

use crate::session;
use rampart_engine::Check;

pub const CHECKS: &[&dyn Check] = &[
    &session::Fixation,
    &session::Adoption,
    &session::UrlSession,
    &session::LogoutKeepsSession,
    &session::NoRotationOnPrivilegeChange,
    &session::WeakIds,
    &session::CookieNoHttpOnly,
    &session::CookieNoSecure,
    &session::CookieNoSameSite,
    &session::TokenExposed,
    &session::LongLifetime,
    &session::ParentDomainCookie,
    &session::OldSessionSurvivesLogin,
    &session::StoreUpdatedInPlace,
    &session::StorePlaintextTokens,
    &session::StoreExpiry,
    &session::StoreReadableAnonymously,
    &session::StoreConfiguration,
];

/// The check for `rule_id`, if there is one.
pub fn find(rule_id: &str) -> Option<&'static dyn Check> {
    CHECKS
        .iter()
        .copied()
        .find(|c| c.rule().id.eq_ignore_ascii_case(rule_id))
}
