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
    /// What the scan must give the rule for it to run at all; without it the
    /// rule is not applicable (and the report says which part was not tested).
    #[serde(skip_serializing_if = "<[Need]>::is_empty")]
    pub needs: &'static [Need],
}

/// Something a rule cannot run without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    /// A session flow (`--flow` or `--login`): the rule logs in and out as the
    /// flow's user, so such rules run one at a time.
    Flow,
    /// Read access to the session store (`--store`).
    Store,
    /// The scan's callback listener, whose URL the rule hands the target.
    Callback,
}
