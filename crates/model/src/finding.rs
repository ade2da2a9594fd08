//! A finding: one rule that fired on one endpoint, with its proof.

use crate::{Category, Confidence, Exchange, Rule, Severity};
use serde::{Deserialize, Serialize};

/// Where a finding applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub method: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Report-local id (`f-1`, `f-2` …), assigned when the report is built.
    pub id: String,
    pub rule_id: String,
    /// Which form of the attack worked, when a rule has several (e.g. `cookie`, `login-body`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    pub severity: Severity,
    pub confidence: Confidence,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub remediation: String,
    pub cwe: Vec<u32>,
    pub owasp: String,
    pub endpoint: Endpoint,
    pub evidence: Vec<Exchange>,
}

impl Finding {
    /// A finding for `rule` with its default severity, title and remediation.
    pub fn new(rule: &Rule, confidence: Confidence, endpoint: Endpoint, description: impl Into<String>) -> Self {
        Finding {
            id: String::new(),
            rule_id: rule.id.to_string(),
            variant: None,
            severity: rule.severity,
            confidence,
            category: rule.category,
            title: rule.title.to_string(),
            description: description.into(),
            remediation: rule.remediation.to_string(),
            cwe: rule.cwe.to_vec(),
            owasp: rule.owasp.to_string(),
            endpoint,
            evidence: Vec::new(),
        }
    }

    pub fn with_variant(mut self, variant: &str) -> Self {
        self.variant = Some(variant.to_string());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_remediation(mut self, remediation: String) -> Self {
        self.remediation = remediation;
        self
    }

    pub fn with_evidence(mut self, evidence: Vec<Exchange>) -> Self {
        self.evidence = evidence;
        self
    }

    /// Confirmed or firm: what the score caps count.
    pub fn is_proven(&self) -> bool {
        self.confidence >= Confidence::Firm
    }
}
