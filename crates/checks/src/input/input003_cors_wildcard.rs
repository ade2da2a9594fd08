//! INPUT-003: CORS allows every origin (`Access-Control-Allow-Origin: *`).

use super::OWASP;
use super::cors::{allow_origin, allows_credentials, foreign_origin, targets};
use crate::web::{anon_get, observed, send_or_skip};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Exchange, Finding, Proof, Rule, Severity};

pub struct CorsWildcard;

static RULE: Rule = Rule {
    id: "INPUT-003",
    title: "CORS wildcard origin",
    category: Category::InputValidation,
    severity: Severity::Low,
    cwe: &[942],
    owasp: OWASP,
    summary: "The API answers with Access-Control-Allow-Origin: *, so any web site may read its anonymous answers from a visitor's browser. Harmless for truly public data, a leak for anything reachable only from the visitor's network.",
    remediation: "Send Access-Control-Allow-Origin only to the origins of your own front ends, unless the API is deliberately public; never combine * with Access-Control-Allow-Credentials.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/",
        "https://cwe.mitre.org/data/definitions/942.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/products",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "GET https://api.example.com/api/v1/products answers with Access-Control-Allow-Origin: *.",
        evidence: &[Proof {
            request: "GET /api/v1/products",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json", "Access-Control-Allow-Origin: *"],
            response_body: r#"[{"id":"A-100","name":"Desk lamp","price":24.9}]"#,
            note: "Access-Control-Allow-Origin: *",
        }],
    }],
};

#[async_trait]
impl Check for CorsWildcard {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        1
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        if let Some(o) = observed(ctx).into_iter().find(|o| is_wildcard(o.exchange)) {
            return Ok(Outcome::Findings(vec![wildcard(o.exchange, "")]));
        }
        // Many servers only send CORS headers when the request carries an Origin.
        let Some(url) = targets(ctx).into_iter().next() else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let origin = foreign_origin();
        let resp = send_or_skip(ctx, &anon_get(url).header("Origin", &origin)).await?;
        let found = resp
            .filter(|r| is_wildcard(&r.exchange))
            .map(|r| wildcard(&r.exchange, &format!(" to the origin {origin}")));
        Ok(Outcome::Findings(found.into_iter().collect()))
    }
}

fn is_wildcard(ex: &Exchange) -> bool {
    allow_origin(ex) == Some("*")
}

fn wildcard(ex: &Exchange, to: &str) -> Finding {
    let credentials = allows_credentials(ex);
    let (severity, with) = if credentials {
        (
            Severity::Medium,
            " together with Access-Control-Allow-Credentials: true (browsers refuse the pair, but it shows credentialed cross-origin access was meant to work)",
        )
    } else {
        (Severity::Low, "")
    };
    let description = format!(
        "{} {} answers{to} with Access-Control-Allow-Origin: *{with}.",
        ex.request.method, ex.request.url
    );
    let endpoint = Endpoint {
        method: ex.request.method.clone(),
        url: ex.request.url.clone(),
    };
    let evidence = ex.clone().noted("Access-Control-Allow-Origin: *");
    Finding::new(&RULE, Confidence::Firm, endpoint, description)
        .with_severity(severity)
        .with_evidence(vec![evidence])
}
