//! Static metadata every check declares about the rule it implements.

use crate::{Category, Severity};
use serde::Serialize;

/// A rule: the stable, self-describing part of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Stable id such as `SESS-001`; never reused.
    pub id: &'static str,
    pub title: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub cwe: &'static [u32],
    pub owasp: &'static str,
    /// One paragraph: what the flaw is and why it matters.
    pub summary: &'static str,
    /// The generic fix; checks may specialise it for the detected stack.
    pub remediation: &'static str,
    pub references: &'static [&'static str],
}
