//! RATE-004: an answer is larger than 1 MiB (or was cut at rampart's body cap).

use super::OWASP;
use crate::web::observed;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};

pub struct OversizedResponse;

static RULE: Rule = Rule {
    id: "RATE-004",
    title: "Oversized response",
    category: Category::RateLimiting,
    severity: Severity::Low,
    cwe: &[400],
    owasp: OWASP,
    summary: "One ordinary request returned more than 1 MiB. Large answers multiply the cost of every call and make the endpoint an easy lever for exhausting bandwidth and memory.",
    remediation: "Paginate or stream large collections, trim fields the client does not need, and compress responses.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://cwe.mitre.org/data/definitions/400.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/reports/sales",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "GET https://api.example.com/api/v1/reports/sales answered with 3481225 bytes.",
        evidence: &[Proof {
            request: "GET /api/v1/reports/sales",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json", "Content-Length: 3481225"],
            response_body: r#"{"rows":[{"day":"2024-01-01","sku":"A-100","units":12,"revenue":298.8},…]}"#,
            note: "a 3481225 bytes answer",
        }],
    }],
};

/// Bytes above which an answer is oversized.
const LIMIT: usize = 1024 * 1024;
/// Most endpoints reported.
const MAX_FINDINGS: usize = 5;

#[async_trait]
impl Check for OversizedResponse {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let cap = ctx.config.limits.max_body;
        let mut findings: Vec<Finding> = Vec::new();
        for o in observed(ctx) {
            let bytes = o.exchange.response.body_bytes;
            let endpoint = o.endpoint();
            let known = findings.iter().any(|f| f.endpoint == endpoint);
            if known || (bytes <= LIMIT && bytes < cap) || findings.len() >= MAX_FINDINGS {
                continue;
            }
            let size = if bytes >= cap {
                format!("more than rampart's body cap of {cap} bytes (cut there)")
            } else {
                format!("{bytes} bytes")
            };
            let description = format!("{} {} answered with {size}.", endpoint.method, endpoint.url);
            let evidence = o.exchange.clone().noted(format!("a {size} answer"));
            findings.push(Finding::new(&RULE, Confidence::Firm, endpoint, description).with_evidence(vec![evidence]));
        }
        Ok(Outcome::Findings(findings))
    }
}
