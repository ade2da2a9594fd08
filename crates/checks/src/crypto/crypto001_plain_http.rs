//! CRYPTO-001: the API is served over plain HTTP without a redirect to HTTPS.

use super::OWASP;
use super::net::is_internal_target;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Finding, Proof, Rule, Severity};

pub struct PlainHttp;

static RULE: Rule = Rule {
    id: "CRYPTO-001",
    title: "Plain HTTP without redirect to HTTPS",
    category: Category::Encryption,
    severity: Severity::Medium,
    cwe: &[319],
    owasp: OWASP,
    summary: "The API answers over plain HTTP instead of redirecting to HTTPS, so credentials, tokens and data cross the network readable and changeable by anyone on the path.",
    remediation: "Serve the API only over HTTPS: redirect (or refuse) plain HTTP at the edge and send Strict-Transport-Security.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/",
        "https://cwe.mitre.org/data/definitions/319.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "GET http://api.example.com/ answers 200 over plain HTTP instead of redirecting to https://.",
        evidence: &[Proof {
            request: "GET /",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"name":"example-api","version":"1.4.2"}"#,
            note: "answered over plain HTTP, no redirect to HTTPS",
        }],
    }],
};

#[async_trait]
impl Check for PlainHttp {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let target = &ctx.config.target;
        if target.scheme() != "http" {
            return Ok(Outcome::NotApplicable("the target is served over HTTPS".into()));
        }
        if is_internal_target(ctx.config, target).await {
            return Ok(Outcome::NotApplicable(
                "the target is a loopback or private address, where plain HTTP is usual".into(),
            ));
        }
        let redirects_to_https = ctx.seen.iter().any(|ex| {
            let location = ex.response.header("location").unwrap_or_default();
            (300..400).contains(&ex.response.status) && location.to_ascii_lowercase().starts_with("https://")
        });
        let Some(first) = ctx.seen.first().filter(|_| !redirects_to_https) else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let description = format!(
            "GET {target} answers {} over plain HTTP instead of redirecting to https://.",
            first.response.status
        );
        let endpoint = Endpoint {
            method: "GET".into(),
            url: target.to_string(),
        };
        let evidence = first.clone().noted("answered over plain HTTP, no redirect to HTTPS");
        let f = Finding::new(&RULE, Confidence::Firm, endpoint, description).with_evidence(vec![evidence]);
        Ok(Outcome::Findings(vec![f]))
    }
}
