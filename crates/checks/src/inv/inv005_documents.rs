//! INV-005: API descriptions, documentation UIs or GraphQL playgrounds are public.

use super::OWASP;
use crate::web::{anon_get, send_or_skip, surveyed_anon};
use async_trait::async_trait;
use rampart_engine::inventory::{DocumentKind, Source};
use rampart_engine::{Check, Context, Error, Outcome, Response, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Exchange, Finding, Proof, Rule, Severity};
use url::Url;

pub struct DocumentsExposed;

static RULE: Rule = Rule {
    id: "INV-005",
    title: "API description or debug documents exposed",
    category: Category::Inventory,
    severity: Severity::Info,
    cwe: &[200],
    owasp: OWASP,
    summary: "The API's description (OpenAPI/Swagger), its documentation UI or a GraphQL playground is reachable without credentials. Often intended; otherwise it hands an attacker the full map of operations, parameters and schemas.",
    remediation: "If the API is not public, serve its description and documentation only to authenticated developers or on an internal host.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://cwe.mitre.org/data/definitions/200.html",
    ],
    needs: &[],
    variants: &["api-description", "documentation-ui", "graphql-playground"],
    examples: &[Example {
        endpoint: "GET /openapi.json",
        variant: Some("api-description"),
        instance: None,
        confidence: Confidence::Firm,
        description: "The API description at https://api.example.com/openapi.json answers without credentials.",
        evidence: &[Proof {
            request: "GET /openapi.json",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"openapi":"3.1.0","info":{"title":"Example API","version":"1.4.2"},"paths":{"/api/v1/orders":{"get":{}}}}"#,
            note: "API description served anonymously",
        }],
    }],
};

/// Most documents reported.
const MAX_FINDINGS: usize = 6;

#[async_trait]
impl Check for DocumentsExposed {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        1
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut found: Vec<(&'static str, Exchange)> = Vec::new();
        for doc in &ctx.inventory.documents {
            let Some(resp) = surveyed_anon(ctx, &doc.url) else {
                continue;
            };
            let kind = match doc.kind {
                DocumentKind::Spec => Some("API description"),
                DocumentKind::DocsUi if is_docs(resp) => Some("documentation UI"),
                DocumentKind::Other if is_playground(resp) => Some("GraphQL playground"),
                _ => None,
            };
            if let Some(kind) = kind.filter(|_| (200..300).contains(&resp.status)) {
                found.push((kind, resp.exchange.clone()));
            }
        }
        if let Some(url) = remote_spec(ctx).filter(|u| !found.iter().any(|(_, ex)| ex.request.url == u.as_str())) {
            let resp = send_or_skip(ctx, &anon_get(url)).await?;
            if let Some(resp) = resp.filter(|r| (200..300).contains(&r.status) && is_spec(r)) {
                found.push(("API description", resp.exchange));
            }
        }
        let findings = found
            .into_iter()
            .take(MAX_FINDINGS)
            .map(|(kind, ex)| {
                let url = ex.request.url.clone();
                let description = format!("The {kind} at {url} answers without credentials.");
                let evidence = ex.noted(format!("{kind} served anonymously"));
                let variant = kind.to_ascii_lowercase().replace(' ', "-");
                Finding::new(
                    &RULE,
                    Confidence::Firm,
                    Endpoint {
                        method: "GET".into(),
                        url,
                    },
                    description,
                )
                .with_variant(&variant)
                .with_evidence(vec![evidence])
            })
            .collect();
        Ok(Outcome::Findings(findings))
    }
}

/// The `--spec` location when it is a URL on the target's host.
fn remote_spec(ctx: &Context<'_>) -> Option<Url> {
    let Source::Spec { location, .. } = &ctx.inventory.source else {
        return None;
    };
    let url = Url::parse(location)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))?;
    (url.host_str() == ctx.config.target.host_str()).then_some(url)
}

fn lower(resp: &Response) -> String {
    resp.text().to_ascii_lowercase()
}

fn is_spec(resp: &Response) -> bool {
    let text = lower(resp);
    text.contains("openapi") || text.contains("swagger")
}

fn is_docs(resp: &Response) -> bool {
    let text = lower(resp);
    ["swagger-ui", "redoc", "rapidoc", "openapi", "api-reference"]
        .iter()
        .any(|m| text.contains(m))
}

fn is_playground(resp: &Response) -> bool {
    let text = lower(resp);
    ["graphiql", "graphql playground", "graphql-playground", "apollo sandbox"]
        .iter()
        .any(|m| text.contains(m))
}
