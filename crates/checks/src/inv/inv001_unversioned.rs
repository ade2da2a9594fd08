//! INV-001: the API carries no version (path segment, server URL, parameter or header).

use super::OWASP;
use super::version::is_version_segment;
use crate::web::{documentation, observed};
use async_trait::async_trait;
use rampart_engine::inventory::Location;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Finding, Proof, Rule, Severity};

pub struct Unversioned;

static RULE: Rule = Rule {
    id: "INV-001",
    title: "API without versioning",
    category: Category::Inventory,
    severity: Severity::Low,
    cwe: &[1059],
    owasp: OWASP,
    summary: "No API path carries a version: no /v1/ path segment, no version in the server URL, no version parameter or header. Without versions, old and new behaviour cannot be told apart, retired, or inventoried.",
    remediation: "Version the API (a /v1/ path prefix, or a version header or media type), document each version, and retire old ones on a schedule.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://cwe.mitre.org/data/definitions/1059.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "None of the 12 known API paths has a version in it, in the server URL, a parameter or a header (e.g. /orders).",
        evidence: &[Proof {
            request: "GET /",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"name":"example-api","docs":"/docs"}"#,
            note: "no version in the URL or the answer's headers",
        }],
    }],
};

/// The API's paths: the spec's operations (not its documentation's own
/// address, which says nothing of the API's: `/api/v1/openapi.json` in front
/// of unversioned `/login` and `/profile`), else the session flow's steps.
fn api_paths(ctx: &Context<'_>) -> Vec<String> {
    if ctx.inventory.from_spec() {
        let docs = documentation(ctx);
        let ops = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|op| !docs.iter().any(|d| d == op.url.as_str()));
        return ops.map(|op| op.path.clone()).collect();
    }
    let Some(d) = ctx.driver else {
        return Vec::new();
    };
    let flow = d.flow();
    let steps = [
        Some(&flow.preauth),
        Some(&flow.login),
        Some(&flow.protected),
        flow.logout.as_ref(),
    ];
    steps
        .into_iter()
        .flatten()
        .map(|s| d.url(&s.path).path().to_string())
        .collect()
}

/// Parameter and header names that carry an API version.
const VERSION_NAMES: &[&str] = &[
    "api-version",
    "api_version",
    "apiversion",
    "version",
    "x-api-version",
    "accept-version",
];

#[async_trait]
impl Check for Unversioned {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let paths = api_paths(ctx);
        if paths.is_empty() {
            return Ok(Outcome::NotApplicable(
                "needs an API description (--spec) or a session flow to know the API's paths".into(),
            ));
        }
        let ops = &ctx.inventory.endpoints;
        let in_path = |p: &str| p.split('/').any(is_version_segment);
        let versioned_name = |n: &str| VERSION_NAMES.iter().any(|v| n.eq_ignore_ascii_case(v));
        let by_path = in_path(ctx.config.target.path()) || paths.iter().any(|p| in_path(p));
        let by_param = ops
            .iter()
            .flat_map(|op| &op.params)
            .any(|p| matches!(p.location, Location::Query | Location::Header) && versioned_name(&p.name));
        let answers = observed(ctx);
        let by_header = answers
            .iter()
            .flat_map(|o| &o.exchange.response.headers)
            .any(|h| versioned_name(&h.name));
        if by_path || by_param || by_header {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let description = format!(
            "None of the {} known API paths has a version in it, in the server URL, a parameter or a header (e.g. {}).",
            paths.len(),
            paths[0]
        );
        let endpoint = Endpoint {
            method: "GET".into(),
            url: ctx.config.target.to_string(),
        };
        let evidence = ctx
            .seen
            .first()
            .map(|ex| ex.clone().noted("no version in the URL or the answer's headers"));
        let f =
            Finding::new(&RULE, Confidence::Firm, endpoint, description).with_evidence(evidence.into_iter().collect());
        Ok(Outcome::Findings(vec![f]))
    }
}
