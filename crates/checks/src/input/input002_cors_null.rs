//! INPUT-002: CORS allows the `null` origin.

use super::OWASP;
use super::cors::{MAX_TARGETS, allows_credentials, reflected};
use crate::examples::bearer_me;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Finding, Proof, Rule, Severity};

pub struct CorsNullOrigin;

static RULE: Rule = Rule {
    id: "INPUT-002",
    title: "CORS allows the null origin",
    category: Category::InputValidation,
    severity: Severity::Medium,
    cwe: &[942],
    owasp: OWASP,
    summary: "The API answers Origin: null with Access-Control-Allow-Origin: null. Sandboxed iframes, data: URLs and local files all send the null origin, so any attacker page can obtain it and read the API's answers.",
    remediation: "Remove null from the allowed origins; allow-list only the exact origins of your own front ends.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/",
        "https://cwe.mitre.org/data/definitions/942.html",
        "https://portswigger.net/web-security/cors",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/me",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET https://api.example.com/api/v1/me answers Origin: null with Access-Control-Allow-Origin: null together with Access-Control-Allow-Credentials: true.",
        evidence: &[
            Proof {
                request: "GET /api/v1/me",
                headers: &["Authorization: Bearer [redacted]", "Origin: null"],
                body: None,
                status: 200,
                response_headers: &[
                    "Content-Type: application/json",
                    "Access-Control-Allow-Origin: null",
                    "Access-Control-Allow-Credentials: true",
                ],
                response_body: r#"{"id":1,"username":"alice","email":"alice@example.com"}"#,
                note: "the null origin is allowed",
            },
            bearer_me("control: without an Origin header null is not allowed"),
        ],
    }],
};

#[async_trait]
impl Check for CorsNullOrigin {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        MAX_TARGETS as u64 + 1
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let Some((resp, control)) = reflected(ctx, "null").await? else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let credentials = allows_credentials(&resp.exchange);
        let (severity, with) = super::cors::impact(credentials);
        let ex = &resp.exchange;
        let description = format!(
            "{} {} answers Origin: null with Access-Control-Allow-Origin: null{with}.",
            ex.request.method, ex.request.url
        );
        let endpoint = Endpoint {
            method: ex.request.method.clone(),
            url: ex.request.url.clone(),
        };
        let evidence = vec![
            resp.exchange.clone().noted("the null origin is allowed"),
            control
                .exchange
                .noted("control: without an Origin header null is not allowed"),
        ];
        let finding = Finding::new(&RULE, Confidence::Confirmed, endpoint, description)
            .with_severity(severity)
            .with_evidence(evidence);
        Ok(Outcome::Findings(vec![finding]))
    }
}
