//! CRYPTO-002: HTTPS answers without Strict-Transport-Security, or an HSTS
//! max-age shorter than six months.

use super::OWASP;
use super::hsts::{MIN_MAX_AGE, max_age};
use crate::web::observed;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Exchange, Finding, Proof, Rule, Severity};

pub struct WeakHsts;

static RULE: Rule = Rule {
    id: "CRYPTO-002",
    title: "HSTS missing or weak",
    category: Category::Encryption,
    severity: Severity::Low,
    cwe: &[523],
    owasp: OWASP,
    summary: "HTTPS answers lack Strict-Transport-Security, or give it a max-age under six months, so a browser may still be talked into plain HTTP (SSL stripping) on its next visit.",
    remediation: "Send Strict-Transport-Security: max-age=31536000; includeSubDomains on every HTTPS answer.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/523.html",
        "https://www.rfc-editor.org/rfc/rfc6797",
    ],
    needs: &[],
    variants: &["weak-max-age", "missing"],
    examples: &[Example {
        endpoint: "GET /",
        variant: Some("missing"),
        instance: None,
        confidence: Confidence::Firm,
        description: "GET https://api.example.com/ answers over HTTPS without Strict-Transport-Security.",
        evidence: &[Proof {
            request: "GET /",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"name":"example-api","version":"1.4.2"}"#,
            note: "HSTS missing",
        }],
    }],
};

#[async_trait]
impl Check for WeakHsts {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let answers = observed(ctx);
        let weak = answers.iter().find_map(|o| {
            let value = o.exchange.response.header("strict-transport-security")?;
            let age = max_age(value);
            age.is_none_or(|a| a < MIN_MAX_AGE).then_some((o.exchange, value, age))
        });
        let mut findings = Vec::new();
        if let Some((ex, value, age)) = weak {
            let why = match age {
                Some(a) => format!("max-age={a} is under {MIN_MAX_AGE} seconds (six months)"),
                None => "it has no readable max-age".to_string(),
            };
            let description = format!(
                "{} {} sends Strict-Transport-Security: {value}; {why}.",
                ex.request.method, ex.request.url
            );
            findings.push(finding(ex, description, "weak-max-age"));
        }
        let https = |ex: &Exchange| ex.request.url.starts_with("https://") && ex.response.status < 400;
        let missing = answers
            .iter()
            .map(|o| o.exchange)
            .find(|ex| https(ex) && ex.response.header("strict-transport-security").is_none());
        if let Some(ex) = missing {
            let description = format!(
                "{} {} answers over HTTPS without Strict-Transport-Security.",
                ex.request.method, ex.request.url
            );
            findings.push(finding(ex, description, "missing"));
        }
        Ok(Outcome::Findings(findings))
    }
}

fn finding(ex: &Exchange, description: String, variant: &str) -> Finding {
    let endpoint = rampart_model::Endpoint {
        method: ex.request.method.clone(),
        url: ex.request.url.clone(),
    };
    let evidence = ex.clone().noted(format!("HSTS {variant}"));
    Finding::new(&RULE, Confidence::Firm, endpoint, description)
        .with_variant(variant)
        .with_evidence(vec![evidence])
}
