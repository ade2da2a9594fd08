//! INV-003: an operation the spec marks deprecated still answers with content.

use super::OWASP;
use crate::web::{self, has_content};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct DeprecatedLive;

static RULE: Rule = Rule {
    id: "INV-003",
    title: "Deprecated operation still answers",
    category: Category::Inventory,
    severity: Severity::Low,
    cwe: &[1059],
    owasp: OWASP,
    summary: "An operation the API description marks deprecated still serves content. Deprecated code paths tend to miss later fixes and monitoring.",
    remediation: "Remove deprecated operations once their sunset date passes (answer 410 Gone), and announce it with Deprecation and Sunset headers until then.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://cwe.mitre.org/data/definitions/1059.html",
        "https://www.rfc-editor.org/rfc/rfc9745",
    ],
    needs: &[Need::Spec],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/orders/export",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "GET /api/v1/orders/export is marked deprecated in the spec but still answers 200 with content.",
        evidence: &[Proof {
            request: "GET /api/v1/orders/export",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: text/csv"],
            response_body: "id,user_id,total\n1002,1,49.90\n",
            note: "the deprecated operation still serves content",
        }],
    }],
};

/// Most deprecated operations reported.
const MAX_FINDINGS: usize = 10;

#[async_trait]
impl Check for DeprecatedLive {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut findings = Vec::new();
        for (i, op) in ctx.inventory.endpoints.iter().enumerate() {
            if !op.deprecated || op.method != "GET" || findings.len() >= MAX_FINDINGS {
                continue;
            }
            let Some(s) = ctx.surveyed(i) else {
                continue;
            };
            let Some(resp) = s.responses().find(|r| has_content(r)) else {
                continue;
            };
            let description = format!(
                "{} is marked deprecated in the spec but still answers {} with content.",
                op.label(),
                resp.status
            );
            let evidence = resp
                .exchange
                .clone()
                .noted("the deprecated operation still serves content");
            findings.push(web::finding(&RULE, Confidence::Firm, op, description).with_evidence(vec![evidence]));
        }
        Ok(Outcome::Findings(findings))
    }
}
