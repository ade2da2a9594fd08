//! DATA-001: payment card numbers in responses.

use super::{Leak, MAX_MATCHES, OWASP, cards, count, passive, prefix};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Rule, Severity};

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
