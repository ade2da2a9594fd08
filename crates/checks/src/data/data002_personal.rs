//! DATA-002: personal data in responses (SSNs in context; many e-mail
//! addresses in one anonymous answer).

use super::{Leak, MAX_MATCHES, OWASP, count, emails, passive, prefix, ssns};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct PersonalData;

static RULE: Rule = Rule {
    id: "DATA-002",
    title: "Personal data in responses",
    category: Category::DataExposure,
    severity: Severity::Medium,
    cwe: &[359],
    owasp: OWASP,
    summary: "A response exposes personal data: Social Security numbers, or the e-mail addresses of several people to a caller without credentials. Harvested lists feed phishing and identity theft.",
    remediation: "Return personal data only to callers entitled to it, and only the fields the client needs; mask identifiers such as SSNs.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
        "https://cwe.mitre.org/data/definitions/359.html",
    ],
    needs: &[],
    variants: &["ssn", "emails"],
    examples: &[Example {
        endpoint: "GET /api/v1/users/2",
        variant: Some("ssn"),
        instance: None,
        confidence: Confidence::Firm,
        description: "GET https://api.example.com/api/v1/users/2, asked with the scan's credentials, returned 1 Social Security number (first: 219[redacted]).",
        evidence: &[Proof {
            request: "GET /api/v1/users/2",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"id":2,"username":"bob","email":"bob@example.com","ssn":"219[redacted]"}"#,
            note: "the answer carrying 1 Social Security number (first: 219[redacted])",
        }],
    }],
};

/// Distinct addresses in one anonymous answer that make it a list of people.
const MIN_EMAILS: usize = 3;

#[async_trait]
impl Check for PersonalData {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let ssn = passive(ctx, &RULE, |o| {
            let found = ssns(&o.text(), MAX_MATCHES);
            let first = found.first()?;
            let what = format!(
                "{} (first: {})",
                count(found.len(), "Social Security number"),
                prefix(first, 3)
            );
            let masks = found.iter().map(|s| (s.clone(), prefix(s, 3))).collect();
            Some(Leak { what, masks })
        });
        let mail = passive(ctx, &RULE, |o| {
            if !o.anonymous {
                return None;
            }
            let found = emails(&o.text(), 100);
            let domains: std::collections::BTreeSet<_> =
                found.iter().filter_map(|e| e.split_once('@')).map(|(_, d)| d).collect();
            let domains: Vec<_> = domains.into_iter().collect();
            (found.len() >= MIN_EMAILS).then(|| Leak {
                what: format!("{} distinct e-mail addresses (at {})", found.len(), domains.join(", ")),
                masks: Vec::new(),
            })
        });
        let findings = ssn
            .into_iter()
            .map(|f| f.with_variant("ssn"))
            .chain(mail.into_iter().map(|f| f.with_variant("emails")))
            .collect();
        Ok(Outcome::Findings(findings))
    }
}
