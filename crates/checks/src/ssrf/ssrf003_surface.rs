//! SSRF-003: the attack surface, every parameter that takes a URL (passive).

use super::{Input, OWASP, Place, url_inputs};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};
use std::collections::BTreeMap;

pub struct UrlParameters;

static RULE: Rule = Rule {
    id: "SSRF-003",
    title: "URL-accepting parameters",
    category: Category::Ssrf,
    severity: Severity::Info,
    cwe: &[918],
    owasp: OWASP,
    summary: "These operations take a URL from the caller. Each is a place where server-side request forgery is possible if the server fetches or follows the URL; review how each one is validated.",
    remediation: "Prefer identifiers over URLs; where a URL is needed, validate it against an allow-list of schemes, hosts and ports before the server uses it.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa7-server-side-request-forgery/",
        "https://cwe.mitre.org/data/definitions/918.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/preview?url=https://example.org/",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "GET /api/v1/preview takes a URL in query `url` (declared in the API description).",
        evidence: &[Proof {
            request: "GET /api/v1/preview?url=https%3A%2F%2Fexample.org%2F",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"url":"https://example.org/","title":"Example Domain","status":200}"#,
            note: "survey answer of the operation",
        }],
    }],
};

/// Most operations listed.
const MAX_LISTED: usize = 50;

#[async_trait]
impl Check for UrlParameters {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut by_op: BTreeMap<(String, String), Vec<Input>> = BTreeMap::new();
        for input in url_inputs(ctx) {
            by_op
                .entry((input.path.clone(), input.method.clone()))
                .or_default()
                .push(input);
        }
        if by_op.is_empty() {
            return Ok(Outcome::NotApplicable("no parameter takes a URL".into()));
        }
        let findings = by_op
            .into_values()
            .take(MAX_LISTED)
            .map(|op| finding(ctx, &op))
            .collect();
        Ok(Outcome::Findings(findings))
    }
}

fn finding(ctx: &Context<'_>, inputs: &[Input]) -> Finding {
    let first = &inputs[0];
    let names: Vec<String> = inputs
        .iter()
        .map(|i| match i.place {
            Place::Path => format!("path `{}`", i.name),
            Place::Query => format!("query `{}`", i.name),
            Place::Body => format!("body `{}`", i.name),
        })
        .collect();
    let source = if first.declared {
        "declared in the API description"
    } else {
        "seen in a URL the API returned"
    };
    let description = format!(
        "{} {} takes a URL in {} ({source}).",
        first.method,
        first.path,
        names.join(", ")
    );
    let confidence = if first.declared {
        Confidence::Firm
    } else {
        Confidence::Tentative
    };
    let evidence = first
        .endpoint
        .and_then(|i| ctx.surveyed(i))
        .and_then(|s| s.anon.as_ref().or(s.authed.as_ref()))
        .map(|r| vec![r.exchange.clone().noted("survey answer of the operation")])
        .unwrap_or_default();
    Finding::new(&RULE, confidence, first.endpoint(), description).with_evidence(evidence)
}
