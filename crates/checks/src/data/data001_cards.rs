//! DATA-001: payment card numbers in responses.

use super::{Leak, MAX_MATCHES, OWASP, cards, count, passive, prefix};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct CardNumbers;

static RULE: Rule = Rule {
    id: "DATA-001",
    title: "Payment card numbers in responses",
    category: Category::DataExposure,
    severity: Severity::High,
    cwe: &[359],
    owasp: OWASP,
    summary: "A response carries full payment card numbers (Luhn-valid, with a card brand's issuer prefix). Anyone who can call the endpoint can collect them, and storing or showing full numbers breaks PCI DSS.",
    remediation: "Never return full card numbers: keep them with the payment processor, store a token, and show at most the last four digits.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
        "https://cwe.mitre.org/data/definitions/359.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/payments",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "GET https://api.example.com/api/v1/payments, asked with the scan's credentials, returned 2 payment card numbers (first: Visa 411111…).",
        evidence: &[Proof {
            request: "GET /api/v1/payments",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"[{"id":71,"card_number":"411111[redacted]","amount":49.9},{"id":72,"card_number":"555555[redacted]","amount":12.5}]"#,
            note: "the answer carrying 2 payment card numbers (first: Visa 411111…)",
        }],
    }],
};

#[async_trait]
impl Check for CardNumbers {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let findings = passive(ctx, &RULE, |o| {
            let found = cards(&o.text(), MAX_MATCHES);
            let first = found.first()?;
            let what = format!(
                "{} (first: {} {}…)",
                count(found.len(), "payment card number"),
                first.brand,
                &first.digits[..6]
            );
            let masks = found.iter().map(|c| (c.raw.clone(), prefix(&c.raw, 6))).collect();
            Some(Leak { what, masks })
        });
        Ok(Outcome::Findings(findings))
    }
}
