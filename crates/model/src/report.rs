//! The report: everything a scan produced, as the JSON contract describes it.

use crate::{Category, Exchange, Finding, Rule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "rampart.report/v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// What rampart recognised about the target's stack.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fingerprint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_library: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// The observations the guess rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<String>,
}

/// A check that failed to run; the scan went on without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckError {
    pub rule_id: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub requests: u64,
    /// Requests sent per rule, and per phase outside the checks (`setup`, `survey`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests_by_rule: BTreeMap<String, u64>,
    pub checks_run: usize,
    pub errors: Vec<CheckError>,
    /// Times the session flow logged in again after losing its session.
    pub relogins: u64,
    /// Rules that did not apply to this target, with the reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub not_applicable: BTreeMap<String, String>,
    /// Rules that ran but could not tell either way, with the reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inconclusive: BTreeMap<String, String>,
    /// Events worth knowing about: 429 back-off, truncated bodies, budget reached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// What the stateful probes (`--active`) wrote: each object they created,
    /// changed or deleted, and whether cleanup removed what they created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writes: Vec<Write>,
}

/// One write a stateful probe sent. rampart writes only to objects it created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Write {
    pub rule_id: String,
    pub method: String,
    pub url: String,
    pub status: u16,
    /// Who sent it: `scan` (the scan's own credentials) or an identity's name.
    pub identity: String,
    /// The object this write created, which cleanup deletes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    pub cleanup: Cleanup,
}

/// What became of a write's effect once the probe was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "state", content = "detail")]
pub enum Cleanup {
    /// It created nothing: refused, or a change to an object the scan created (and deletes).
    NotNeeded,
    /// The object it created is gone again (how).
    Done(String),
    /// The object it created may still exist (why).
    Failed(String),
    /// Not settled yet (only while the scan runs).
    Pending,
}

/// What a scan tested. A grade is provisional when something that bears on it
/// was not tested: the session suite on a target with sessions, a subset of
/// the rules, checks that failed, a scan the deadline cut.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    #[serde(default)]
    pub grade_provisional: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provisional_reasons: Vec<String>,
    /// What did not run and why, one line each, as summaries open with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_tested: Vec<String>,
    /// Per category, what each of its rules did.
    #[serde(default, rename = "coverage", skip_serializing_if = "BTreeMap::is_empty")]
    pub categories: BTreeMap<Category, RuleCoverage>,
}

impl Stats {
    /// What the stateful probes wrote, one line: `6 writes, 3 objects created, all deleted`,
    /// naming the objects that may remain; `None` when they wrote nothing.
    pub fn writes_line(&self) -> Option<String> {
        if self.writes.is_empty() {
            return None;
        }
        let created = self.writes.iter().filter(|w| w.created.is_some()).count();
        let left: Vec<String> = self
            .writes
            .iter()
            .filter_map(|w| {
                let what = w.created.as_deref().unwrap_or(&w.url);
                match &w.cleanup {
                    Cleanup::Failed(why) => Some(format!("{what} ({why})")),
                    Cleanup::Pending => Some(format!("{what} (not cleaned up)")),
                    Cleanup::Done(_) | Cleanup::NotNeeded => None,
                }
            })
            .collect();
        let fate = match left.len() {
            0 if created > 0 => ", all deleted".to_string(),
            0 => String::new(),
            n => format!(", {n} may remain: {}", left.join(", ")),
        };
        let objects = if created == 1 { "object" } else { "objects" };
        Some(format!(
            "{} writes, {created} {objects} created{fate}",
            self.writes.len()
        ))
    }
}

impl Coverage {
    /// `provisional: reason; reason` when the grade is provisional.
    pub fn provisional_note(&self) -> Option<String> {
        self.grade_provisional
            .then(|| format!("provisional: {}", self.provisional_reasons.join("; ")))
    }
}

/// A finding an ignore file suppressed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suppressed {
    #[serde(flatten)]
    pub finding: Finding,
    pub suppression: Suppression,
}

impl Suppressed {
    /// "SESS-008 Session cookie without Secure — http://…/login: reason (until 2027-03-31; .rampart-ignore.toml #1)".
    pub fn line(&self) -> String {
        let f = &self.finding;
        let s = &self.suppression;
        let until = s.expires.as_deref().map(|d| format!("until {d}; ")).unwrap_or_default();
        format!(
            "{} {} — {}: {} ({until}{})",
            f.rule_id, f.title, f.endpoint.url, s.reason, s.source
        )
    }
}

/// One entry of an ignore file, as it applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suppression {
    /// The required justification.
    pub reason: String,
    /// `YYYY-MM-DD`: after it the finding counts again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The ignore file and entry (`.rampart-ignore.toml #2`).
    pub source: String,
}

/// The flow a scan logged in with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowUsed {
    /// Found by `--login` rather than given with `--flow`.
    pub discovered: bool,
    /// "Logged in as alice via POST /login (form, CSRF field csrf_token), session cookie sid, checked on GET /account".
    pub summary: String,
    /// The discovered flow file (the password as `${RAMPART_PASSWORD}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// The rules of one category by what they did in a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleCoverage {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ran: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_applicable: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inconclusive: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_selected: Vec<String>,
    /// False when a rule of the category failed or could not tell: its score
    /// stands on the rules that ran, not on a pass of every rule.
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub schema: String,
    pub tool: Tool,
    pub target: String,
    pub started_at: String,
    pub completed_at: String,
    pub duration_ms: u64,
    pub overall: u8,
    pub letter_grade: String,
    pub categories: BTreeMap<Category, u8>,
    pub findings: Vec<Finding>,
    /// Findings an ignore file suppressed: kept apart, neither scored nor gated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<Suppressed>,
    pub fingerprint: Fingerprint,
    pub stats: Stats,
    /// The session flow the scan logged in with, when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<FlowUsed>,
    /// The identities other than the scan's own (`--identity`), as "name (how it authenticates)".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<String>,
    /// What was and was not tested, and whether the grade stands on it.
    #[serde(flatten)]
    pub coverage: Coverage,
    /// Every exchange of the scan (redacted); not part of the JSON report.
    #[serde(skip)]
    pub exchanges: Vec<Exchange>,
    /// Metadata of every check that ran, in registry order; renderers list
    /// them as SARIF rules and JUnit test cases. Not part of the JSON report.
    #[serde(skip)]
    pub rules: Vec<Rule>,
}

impl Report {
    /// Refuse a loaded report whose scores or grade no scan produces, so
    /// renderers can trust them.
    pub fn validate(&self) -> Result<(), String> {
        if self.overall > 100 {
            return Err(format!("overall score {} is above 100", self.overall));
        }
        if let Some((category, score)) = self.categories.iter().find(|(_, s)| **s > 100) {
            return Err(format!("{} score {score} is above 100", category.name()));
        }
        if !["A", "B", "C", "D", "F"].contains(&self.letter_grade.as_str()) {
            return Err(format!(
                "letter grade '{}' is not A-F",
                self.letter_grade.chars().take(20).collect::<String>()
            ));
        }
        Ok(())
    }

    pub fn tool() -> Tool {
        Tool {
            name: "rampart".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[cfg(test)]
mod validation {
    use super::*;

    fn report() -> Report {
        Report {
            schema: SCHEMA.into(),
            tool: Report::tool(),
            target: "http://x/".into(),
            started_at: String::new(),
            completed_at: String::new(),
            duration_ms: 0,
            overall: 90,
            letter_grade: "A".into(),
            categories: BTreeMap::from([(Category::Authentication, 90)]),
            findings: Vec::new(),
            suppressed: Vec::new(),
            fingerprint: Fingerprint::default(),
            stats: Stats::default(),
            flow: None,
            identities: Vec::new(),
            coverage: Coverage::default(),
            exchanges: Vec::new(),
            rules: Vec::new(),
        }
    }

    #[test]
    fn out_of_range_scores_and_grades_are_refused() {
        assert!(report().validate().is_ok());
        let mut r = report();
        r.categories.insert(Category::Authentication, 250);
        assert!(r.validate().unwrap_err().contains("250 is above 100"));
        let mut r = report();
        r.overall = 101;
        assert!(r.validate().is_err());
        let mut r = report();
        r.letter_grade = "Z".into();
        assert!(r.validate().is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(created: Option<&str>, cleanup: Cleanup) -> Write {
        Write {
            rule_id: "BOLA-005".into(),
            method: if created.is_some() { "POST" } else { "PATCH" }.into(),
            url: "http://api.test/orders".into(),
            status: 201,
            identity: "scan".into(),
            created: created.map(str::to_string),
            cleanup,
        }
    }

    #[test]
    fn the_writes_line_names_what_may_remain() {
        let mut stats = Stats::default();
        assert_eq!(stats.writes_line(), None);
        stats.writes = vec![
            write(Some("http://api.test/orders/1"), Cleanup::Done("deleted".into())),
            write(None, Cleanup::NotNeeded),
        ];
        assert_eq!(stats.writes_line().unwrap(), "2 writes, 1 object created, all deleted");
        stats.writes.push(write(
            Some("http://api.test/orders/2"),
            Cleanup::Failed("DELETE answered 500".into()),
        ));
        assert_eq!(
            stats.writes_line().unwrap(),
            "3 writes, 2 objects created, 1 may remain: http://api.test/orders/2 (DELETE answered 500)"
        );
    }

    #[test]
    fn cleanup_states_serialize_with_their_detail() {
        let json = serde_json::to_value(write(None, Cleanup::Failed("why".into()))).unwrap();
        assert_eq!(json["cleanup"], serde_json::json!({"state": "failed", "detail": "why"}));
        let json = serde_json::to_value(write(None, Cleanup::NotNeeded)).unwrap();
        assert_eq!(json["cleanup"], serde_json::json!({"state": "notNeeded"}));
    }
}
