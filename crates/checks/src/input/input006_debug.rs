//! INPUT-006: a debug endpoint is exposed.

use super::OWASP;
use super::debug::{PATHS, debug_content};
use crate::web::{anon_get, random_path, send_or_skip, surveyed_anon};
use async_trait::async_trait;
use rampart_engine::inventory::DocumentKind;
use rampart_engine::{Check, Context, Error, Outcome, Response, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Finding, Proof, Rule, Severity};
use url::Url;

pub struct DebugEndpoint;

static RULE: Rule = Rule {
    id: "INPUT-006",
    title: "Debug endpoint exposed",
    category: Category::InputValidation,
    severity: Severity::High,
    cwe: &[489],
    owasp: OWASP,
    summary: "A debugging endpoint (Go expvar or pprof, Spring Boot actuator, phpinfo, the Werkzeug console, the Django debug toolbar, an environment dump) answers anonymously. They reveal configuration and secrets, and some execute code.",
    remediation: "Disable debug endpoints in production builds, or bind them to a separate port reachable only from the operators' network.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/",
        "https://cwe.mitre.org/data/definitions/489.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /actuator/env",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET https://api.example.com/actuator/env answers without credentials with a Spring Boot actuator environment.",
        evidence: &[
            Proof {
                request: "GET /actuator/env",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/vnd.spring-boot.actuator.v3+json"],
                response_body: r#"{"activeProfiles":["prod"],"propertySources":[{"name":"systemEnvironment","properties":{"DATABASE_URL":{"value":"******"}}}]}"#,
                note: "Spring Boot actuator environment served anonymously",
            },
            Proof {
                request: "GET /rampart-6e20b9d4",
                headers: &[],
                body: None,
                status: 404,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"status":404,"error":"Not Found","path":"/rampart-6e20b9d4"}"#,
                note: "control: a random path shows no debug content",
            },
        ],
    }],
};

/// Most debug URLs asked.
const MAX_CANDIDATES: usize = 12;

#[async_trait]
impl Check for DebugEndpoint {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        MAX_CANDIDATES as u64 + 1
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut hits: Vec<(Response, &'static str)> = Vec::new();
        for url in candidates(ctx) {
            let resp = match surveyed_anon(ctx, &url) {
                Some(resp) => resp.clone(),
                None => match send_or_skip(ctx, &anon_get(url)).await? {
                    Some(resp) => resp,
                    None => continue,
                },
            };
            if !(200..300).contains(&resp.status) {
                continue;
            }
            if let Some(kind) = debug_content(&resp.text()) {
                hits.push((resp, kind));
            }
        }
        let Some((first, _)) = hits.first() else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let first_url = Url::parse(&first.exchange.request.url).unwrap_or_else(|_| ctx.config.target.clone());
        let control = send_or_skip(ctx, &anon_get(random_path(&first_url, "/"))).await?;
        let Some(control) = control.filter(|c| debug_content(&c.text()).is_none()) else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let findings = hits
            .into_iter()
            .map(|(resp, kind)| {
                let url = resp.exchange.request.url.clone();
                let description = format!("GET {url} answers without credentials with a {kind}.");
                let evidence = vec![
                    resp.exchange.noted(format!("{kind} served anonymously")),
                    control
                        .exchange
                        .clone()
                        .noted("control: a random path shows no debug content"),
                ];
                let endpoint = Endpoint {
                    method: "GET".into(),
                    url,
                };
                Finding::new(&RULE, Confidence::Confirmed, endpoint, description).with_evidence(evidence)
            })
            .collect();
        Ok(Outcome::Findings(findings))
    }
}

/// The well-known debug paths on the target's host, then debug documents discovery found.
fn candidates(ctx: &Context<'_>) -> Vec<Url> {
    let mut out: Vec<Url> = PATHS.iter().filter_map(|p| ctx.config.target.join(p).ok()).collect();
    let found = ctx.inventory.documents.iter().filter(|d| d.kind == DocumentKind::Debug);
    for doc in found {
        if !out.contains(&doc.url) {
            out.push(doc.url.clone());
        }
    }
    out.truncate(MAX_CANDIDATES);
    out
}
