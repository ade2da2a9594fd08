//! Comparing two JSON reports: which findings are new, fixed or unchanged
//! (matched by [`Finding::fingerprint`]), and how the score moved. The same
//! matching marks a scan's findings against a `--baseline`.

mod render;

pub use render::{render_json, render_text};

use rampart_model::{BaselineStatus, Category, Finding, Report, report::SCHEMA};
use serde_json::Value;
use std::collections::BTreeSet;

/// Why a file is not a report `rampart diff` can read.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("not a rampart JSON report")]
    Json(#[from] serde_json::Error),
    #[error("schema is {0}, not {SCHEMA}")]
    Schema(String),
    #[error("invalid report: {0}")]
    Invalid(String),
}

/// A report read back from JSON, with the fingerprint of each finding.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub report: Report,
    /// Parallel to `report.findings`: the stored `fingerprint`, or one
    /// computed from rule, endpoint and variant when the report predates it.
    pub fingerprints: Vec<String>,
}

impl Snapshot {
    /// Parse a `rampart.report/v1` JSON report.
    pub fn parse(text: &str) -> Result<Snapshot, ParseError> {
        let value: Value = serde_json::from_str(text)?;
        match value.get("schema").and_then(Value::as_str) {
            Some(SCHEMA) => {}
            Some(other) => return Err(ParseError::Schema(format!("'{other}'"))),
            None => return Err(ParseError::Schema("missing".into())),
        }
        let stored: Vec<Option<String>> = value["findings"]
            .as_array()
            .map(|all| {
                all.iter()
                    .map(|f| f["fingerprint"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let report: Report = serde_json::from_value(value)?;
        report.validate().map_err(ParseError::Invalid)?;
        let fingerprints = report
            .findings
            .iter()
            .zip(stored.into_iter().chain(std::iter::repeat(None)))
            .map(|(finding, stored)| stored.unwrap_or_else(|| finding.fingerprint()))
            .collect();
        Ok(Snapshot { report, fingerprints })
    }

    /// A report still in memory.
    pub fn of(report: Report) -> Snapshot {
        let fingerprints = report.findings.iter().map(Finding::fingerprint).collect();
        Snapshot { report, fingerprints }
    }
}

/// One side's finding, with its fingerprint.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub fingerprint: &'a str,
    pub finding: &'a Finding,
}

/// A category's score in the old and the new report (absent where not tested).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryDrift {
    pub category: Category,
    pub old: Option<u8>,
    pub new: Option<u8>,
}

/// Everything that changed between two reports.
#[derive(Debug)]
pub struct Diff<'a> {
    pub old: &'a Report,
    pub new: &'a Report,
    /// In the new report only.
    pub added: Vec<Entry<'a>>,
    /// In the old report only.
    pub fixed: Vec<Entry<'a>>,
    /// In both (the new report's copy).
    pub unchanged: Vec<Entry<'a>>,
    /// Every category either report scored, in report order.
    pub categories: Vec<CategoryDrift>,
}

pub fn diff<'a>(old: &'a Snapshot, new: &'a Snapshot) -> Diff<'a> {
    let matched = pair(&old.fingerprints, &new.fingerprints);
    let entry = |snap: &'a Snapshot, i: usize| Entry {
        fingerprint: &snap.fingerprints[i],
        finding: &snap.report.findings[i],
    };
    let (mut added, mut unchanged) = (Vec::new(), Vec::new());
    for (i, m) in matched.iter().enumerate() {
        match m {
            Some(_) => unchanged.push(entry(new, i)),
            None => added.push(entry(new, i)),
        }
    }
    let kept: BTreeSet<usize> = matched.iter().flatten().copied().collect();
    let fixed = (0..old.fingerprints.len())
        .filter(|i| !kept.contains(i))
        .map(|i| entry(old, i))
        .collect();
    Diff {
        old: &old.report,
        new: &new.report,
        added,
        fixed,
        unchanged,
        categories: categories(&old.report, &new.report),
    }
}

/// Mark each finding of `report` as new or unchanged relative to `baseline`.
pub fn mark(report: &mut Report, baseline: &Snapshot) {
    let current: Vec<String> = report.findings.iter().map(Finding::fingerprint).collect();
    for (finding, matched) in report.findings.iter_mut().zip(pair(&baseline.fingerprints, &current)) {
        finding.baseline = Some(match matched {
            Some(_) => BaselineStatus::Unchanged,
            None => BaselineStatus::New,
        });
    }
}

/// For each new fingerprint, the old one it matches. Each old finding is
/// matched at most once, so a rule that fires twice more than before counts
/// as new twice.
fn pair(old: &[String], new: &[String]) -> Vec<Option<usize>> {
    let mut used = vec![false; old.len()];
    new.iter()
        .map(|fp| {
            let i = (0..old.len()).find(|&i| !used[i] && old[i] == *fp)?;
            used[i] = true;
            Some(i)
        })
        .collect()
}

fn categories(old: &Report, new: &Report) -> Vec<CategoryDrift> {
    Category::ALL
        .into_iter()
        .map(|category| CategoryDrift {
            category,
            old: old.categories.get(&category).copied(),
            new: new.categories.get(&category).copied(),
        })
        .filter(|d| d.old.is_some() || d.new.is_some())
        .collect()
}

#[cfg(test)]
mod tests;
