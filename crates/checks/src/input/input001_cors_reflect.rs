//! INPUT-001: CORS reflects an arbitrary origin.

use super::OWASP;
use super::cors::{MAX_TARGETS, allows_credentials, foreign_origin, reflected};
use crate::examples::bearer_me;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Finding, Proof, Rule, Severity};

pub struct CorsReflectsOrigin;

static RULE: Rule = Rule {
    id: "INPUT-001",
    title: "CORS reflects an arbitrary origin",
    category: Category::InputValidation,
    severity: Severity::Medium,
    cwe: &[942],
    owasp: OWASP,
    summary: "The API copies any Origin it is sent into Access-Control-Allow-Origin, so every web site may read its answers from a visitor's browser; with Access-Control-Allow-Credentials: true that includes the visitor's authenticated data.",
    remediation: "Allow-list the exact origins of your own front ends and compare the Origin header against that list; never echo it back unchecked, least of all together with Access-Control-Allow-Credentials.",
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
        description: "GET https://api.example.com/api/v1/me answers the foreign origin https://rampart-9d2c41e7.example with Access-Control-Allow-Origin: https://rampart-9d2c41e7.example together with Access-Control-Allow-Credentials: true; without an Origin header it does not.",
        evidence: &[
            Proof {
                request: "GET /api/v1/me",
                headers: &[
                    "Authorization: Bearer [redacted]",
                    "Origin: https://rampart-9d2c41e7.example",
                ],
                body: None,
                status: 200,
                response_headers: &[
                    "Content-Type: application/json",
                    "Access-Control-Allow-Origin: https://rampart-9d2c41e7.example",
                    "Access-Control-Allow-Credentials: true",
                ],
                response_body: r#"{"id":1,"username":"alice","email":"alice@example.com"}"#,
                note: "the origin https://rampart-9d2c41e7.example is echoed",
            },
            bearer_me("control: without an Origin header the origin is not echoed"),
        ],
    }],
};

#[async_trait]
impl Check for CorsReflectsOrigin {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        MAX_TARGETS as u64 + 1
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let origin = foreign_origin();
        let Some((resp, control)) = reflected(ctx, &origin).await? else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let credentials = allows_credentials(&resp.exchange);
        let (severity, with) = super::cors::impact(credentials);
        let ex = &resp.exchange;
        let description = format!(
            "{} {} answers the foreign origin {origin} with Access-Control-Allow-Origin: {origin}{with}; without an Origin header it does not.",
            ex.request.method, ex.request.url
        );
        let endpoint = Endpoint {
            method: ex.request.method.clone(),
            url: ex.request.url.clone(),
        };
        let evidence = vec![
            resp.exchange.clone().noted(format!("the origin {origin} is echoed")),
            control
                .exchange
                .noted("control: without an Origin header the origin is not echoed"),
        ];
        let finding = Finding::new(&RULE, Confidence::Confirmed, endpoint, description)
            .with_severity(severity)
            .with_evidence(evidence);
        Ok(Outcome::Findings(vec![finding]))
    }
}
