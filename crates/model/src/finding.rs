//! A finding: one rule that fired on one endpoint, with its proof.

use crate::{Category, Confidence, Exchange, Rule, Severity};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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
    /// What this occurrence concerns on the target, when the rule can fire
    /// several times on one endpoint: the parameter, cookie or header name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
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
    /// What the session store showed (gray-box rules), redacted like the exchanges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub store_evidence: Vec<StoreEvidence>,
    /// Set when the scan was compared with a baseline report (`--baseline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineStatus>,
}

/// A session-store observation: the query rampart ran and the record it read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreEvidence {
    /// `postgresql`, `cockroachdb` or `firestore`.
    pub store: String,
    /// Table (`schema.table`) or collection.
    pub container: String,
    /// The SQL statement or REST call used.
    pub query: String,
    /// The record as read (field → text, `null` for NULL); absent when none was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<std::collections::BTreeMap<String, Option<String>>>,
    /// What this observation shows.
    pub note: String,
}

/// Whether a finding was already in the baseline report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineStatus {
    /// Not in the baseline: introduced since.
    New,
    /// In the baseline too (same fingerprint).
    Unchanged,
}

impl BaselineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineStatus::New => "new",
            BaselineStatus::Unchanged => "unchanged",
        }
    }
}

impl Finding {
    /// A finding for `rule` with its default severity, title and remediation.
    pub fn new(rule: &Rule, confidence: Confidence, endpoint: Endpoint, description: impl Into<String>) -> Self {
        Finding {
            id: String::new(),
            rule_id: rule.id.to_string(),
            variant: None,
            instance: None,
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
            store_evidence: Vec::new(),
            baseline: None,
        }
    }

    pub fn with_store_evidence(mut self, evidence: Vec<StoreEvidence>) -> Self {
        self.store_evidence = evidence;
        self
    }

    pub fn with_variant(mut self, variant: &str) -> Self {
        self.variant = Some(variant.to_string());
        self
    }

    pub fn with_instance(mut self, instance: &str) -> Self {
        self.instance = Some(instance.to_string());
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

    /// The variant and the instance in one label, for display: `cookie`,
    /// `q`, `update: role`; `None` when the finding has neither.
    pub fn qualifier(&self) -> Option<String> {
        match (&self.variant, &self.instance) {
            (Some(v), Some(i)) => Some(format!("{v}: {i}")),
            (v, i) => v.clone().or_else(|| i.clone()),
        }
    }

    /// Confirmed or firm: what the score caps count.
    pub fn is_proven(&self) -> bool {
        self.confidence >= Confidence::Firm
    }

    /// A stable identity of this finding across scans, for baselines and diffs:
    /// the SHA-256 (lowercase hex) of `rule id`, `METHOD`, the endpoint's URL
    /// path and the variant (empty when none), joined by newlines, then the
    /// instance on its own line when there is one. Scheme,
    /// host, port, query and fragment are left out, so a baseline taken on
    /// staging matches production and a random loopback port does not matter.
    pub fn fingerprint(&self) -> String {
        let method = self.endpoint.method.to_ascii_uppercase();
        let variant = self.variant.as_deref().unwrap_or("");
        let mut key = [self.rule_id.as_str(), &method, url_path(&self.endpoint.url), variant].join("\n");
        if let Some(instance) = &self.instance {
            key = format!("{key}\n{instance}");
        }
        Sha256::digest(key.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The path of an absolute or relative URL, without query and fragment (`/` when empty).
fn url_path(url: &str) -> &str {
    let (absolute, rest) = match url.split_once("://") {
        Some((_, rest)) => (true, rest),
        None => (false, url),
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let path = if absolute {
        rest.find('/').map_or("", |slash| &rest[slash..])
    } else {
        rest
    };
    if path.is_empty() { "/" } else { path }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Category;

    const RULE: Rule = Rule {
        id: "SESS-002",
        title: "t",
        category: Category::Authentication,
        severity: Severity::High,
        cwe: &[384],
        owasp: "API2:2023",
        summary: "",
        remediation: "",
        references: &[],
        needs: &[],
        variants: &[],
        examples: &[],
    };

    fn at(method: &str, url: &str) -> Finding {
        let endpoint = Endpoint {
            method: method.into(),
            url: url.into(),
        };
        Finding::new(&RULE, Confidence::Confirmed, endpoint, "")
    }

    #[test]
    fn fingerprint_ignores_scheme_host_port_and_query() {
        let a = at("POST", "http://127.0.0.1:35277/login").with_variant("cookie");
        let b = at("post", "https://app.example.com/login?next=/x#top").with_variant("cookie");
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 64);
        assert!(
            a.fingerprint()
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }

    #[test]
    fn fingerprint_is_pinned() {
        // SHA-256 of "SESS-002\nPOST\n/login\ncookie": changing it breaks every stored baseline.
        let f = at("POST", "http://h:1/login").with_variant("cookie");
        assert_eq!(
            f.fingerprint(),
            "708e1d7a72927f0e9719f9cf11540444c295d9523e04178785f92f788587dc30"
        );
    }

    #[test]
    fn fingerprint_differs_by_variant_rule_method_and_path() {
        let base = at("POST", "http://h/login").with_variant("cookie");
        let others = [
            at("POST", "http://h/login").with_variant("login-body"),
            at("POST", "http://h/login"),
            at("GET", "http://h/login").with_variant("cookie"),
            at("POST", "http://h/signin").with_variant("cookie"),
            at("POST", "http://h/login").with_variant("cookie").with_instance("sid"),
        ];
        for other in others {
            assert_ne!(base.fingerprint(), other.fingerprint(), "{other:?}");
        }
        let mut renamed = base.clone();
        renamed.rule_id = "SESS-001".into();
        assert_ne!(base.fingerprint(), renamed.fingerprint());
    }

    #[test]
    fn url_path_of_odd_urls() {
        assert_eq!(url_path("http://h"), "/");
        assert_eq!(url_path("http://h?x=1"), "/");
        assert_eq!(url_path("http://h/a/b?x"), "/a/b");
        assert_eq!(url_path("/a;sid=1"), "/a;sid=1");
        assert_eq!(url_path(""), "/");
    }
}
