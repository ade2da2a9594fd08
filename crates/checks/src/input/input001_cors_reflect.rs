//! INPUT-001: CORS reflects an arbitrary origin.

use super::OWASP;
use super::cors::{MAX_TARGETS, allows_credentials, foreign_origin, reflected};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Finding, Rule, Severity};

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
