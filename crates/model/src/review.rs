//! What `rampart review` reports: findings located in source code, and the
//! review as a whole (files read, files skipped).

use crate::{Confidence, Rule, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// The JSON schema id of a review report.
pub const SCHEMA: &str = "rampart.review/v1";

/// One flagged place in the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeFinding {
    /// The black-box rule the flaw is an instance of (`SESS-001` …).
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    /// Always a heuristic: `tentative`, or `firm` for an explicit setting; only
    /// `rampart scan` against the running API confirms.
    pub confidence: Confidence,
    /// The file as given (or found under a given folder), `/`-separated.
    pub file: String,
    pub start_line: usize,
    pub end_line: usize,
    /// The matched source lines.
    pub lines: String,
    /// The function the lines are in, when they are in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// The framework the file uses, as rampart names it (`flask`, `express` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// What in these lines makes the flaw.
    pub message: String,
    /// The fix, for the framework when it is known.
    pub fix: String,
    /// The `rampart scan` that would prove the flaw on the running API.
    pub prove: String,
    pub cwe: Vec<u32>,
    /// Stable across runs and line moves: rule, file, function and matched text.
    pub fingerprint: String,
}

/// A file rampart did not review, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// A whole review: what was read and what was found.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub schema: &'static str,
    pub tool: String,
    pub paths: Vec<String>,
    /// With `--diff BASE`: only lines changed since BASE were reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff_base: Option<String>,
    pub files: usize,
    pub lines: usize,
    /// Files reviewed per language.
    pub languages: BTreeMap<String, usize>,
    pub findings: Vec<CodeFinding>,
    pub skipped: Vec<Skipped>,
    pub elapsed_ms: u128,
    /// The rules of the findings, for renderers that describe them (SARIF).
    #[serde(skip)]
    pub rules: Vec<Rule>,
}

impl Review {
    pub fn new(paths: Vec<String>) -> Review {
        Review {
            schema: SCHEMA,
            tool: format!("rampart {}", env!("CARGO_PKG_VERSION")),
            paths,
            ..Review::default()
        }
    }

    /// The most severe finding's severity.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Findings per severity, most severe first, zero counts left out.
    pub fn counts(&self) -> Vec<(Severity, usize)> {
        Severity::DESCENDING
            .iter()
            .map(|s| (*s, self.findings.iter().filter(|f| f.severity == *s).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}
