//! DATA-003: credentials or private keys in responses.

use super::keys::{mask, shown};
use super::{Leak, MAX_MATCHES, OWASP, passive, secrets};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct Credentials;

static RULE: Rule = Rule {
    id: "DATA-003",
    title: "Credentials or keys in responses",
    category: Category::DataExposure,
    severity: Severity::Critical,
    cwe: &[798],
    owasp: OWASP,
    summary: "A response carries a live credential in a recognisable format (AWS access key id, Stripe live key, GitHub or Slack token, Google API key) or a private key. Whoever reads it can act as the service.",
    remediation: "Revoke and rotate the exposed credential now, then keep secrets out of API responses: read them from a secret store on the server and never serialise configuration objects.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
        "https://cwe.mitre.org/data/definitions/798.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/config",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "GET https://api.example.com/api/v1/config, asked without credentials, returned credentials: AWS access key id AKIAIOSF…, Stripe live secret key sk_live_….",
        evidence: &[Proof {
            request: "GET /api/v1/config",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"region":"eu-west-1","aws_access_key_id":"AKIAIOSF[redacted]","stripe_key":"sk_live_[redacted]"}"#,
            note: "the answer carrying credentials: AWS access key id AKIAIOSF…, Stripe live secret key sk_live_…",
        }],
    }],
};

#[async_trait]
impl Check for Credentials {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let findings = passive(ctx, &RULE, |o| {
            let found = secrets(&o.text(), MAX_MATCHES);
            if found.is_empty() {
                return None;
            }
            let listed: Vec<String> = found.iter().map(|s| format!("{} {}", s.kind, shown(s))).collect();
            let what = format!("credentials: {}", listed.join(", "));
            let masks = found.iter().map(|s| (s.value.clone(), mask(s))).collect();
            Some(Leak { what, masks })
        });
        Ok(Outcome::Findings(findings))
    }
}
