//! INV-002: an older API version still answers next to the current one.

use super::OWASP;
use super::version::{major_version, with_version};
use crate::web::{self, has_content};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};
use url::Url;

pub struct OldVersionLive;

static RULE: Rule = Rule {
    id: "INV-002",
    title: "Older API version still live",
    category: Category::Inventory,
    severity: Severity::Medium,
    cwe: &[1059],
    owasp: OWASP,
    summary: "The previous version of an endpoint (/v1/ next to /v2/) still answers with content. Old versions keep flaws the new one fixed, and are rarely monitored or documented.",
    remediation: "Retire old API versions: answer 410 Gone (after a published deprecation period) and remove their routes, or give them the same controls as the current version.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://cwe.mitre.org/data/definitions/1059.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v2/orders",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET /api/v2/orders (v2) is also served as v1: GET https://api.example.com/api/v1/orders answers 200 with content, while v99 answers 404.",
        evidence: &[
            Proof {
                request: "GET /api/v1/orders",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":1002,"user_id":1,"total":49.9,"card_last4":"1111"}]"#,
                note: "v1 still answers",
            },
            Proof {
                request: "GET /api/v99/orders",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 404,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"not found"}"#,
                note: "control: v99 does not exist",
            },
        ],
    }],
};

/// Most current-version endpoints tried one version down.
const MAX_CANDIDATES: usize = 10;
/// A version no API has, for the control.
const CONTROL_VERSION: u32 = 99;

#[async_trait]
impl Check for OldVersionLive {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        2 * MAX_CANDIDATES as u64
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let candidates = candidates(ctx);
        if candidates.is_empty() {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let auth = ctx.auth_headers().await?.unwrap_or_default();
        let mut findings = Vec::new();
        let mut reported: Vec<u32> = Vec::new();
        for (op, authed, index, current) in candidates {
            let older = current - 1;
            if reported.contains(&older) {
                continue;
            }
            let ask = |v: u32| {
                let mut url: Url = op.url.clone();
                url.set_path(&with_version(op.url.path(), index, v));
                if authed {
                    web::authed_get(url, &auth)
                } else {
                    Request::get(url).anonymous()
                }
            };
            let Some(old) = web::send_or_skip(ctx, &ask(older)).await?.filter(has_content) else {
                continue;
            };
            let control = web::send_or_skip(ctx, &ask(CONTROL_VERSION)).await?;
            let Some(control) = control.filter(|c| !has_content(c)) else {
                continue;
            };
            reported.push(older);
            let description = format!(
                "{} (v{current}) is also served as v{older}: GET {} answers {} with content, while v{CONTROL_VERSION} answers {}.",
                op.label(),
                old.exchange.request.url,
                old.status,
                control.status
            );
            let evidence = vec![
                old.exchange.noted(format!("v{older} still answers")),
                control
                    .exchange
                    .noted(format!("control: v{CONTROL_VERSION} does not exist")),
            ];
            findings.push(web::finding(&RULE, Confidence::Confirmed, op, description).with_evidence(evidence));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// Surveyed GET endpoints with content whose URL has a `/vN/` segment, N ≥ 2: the
/// operation, whether the content needed credentials, the segment index and N.
/// The flow's protected page, the API's most central resource, comes first.
fn candidates<'a>(ctx: &Context<'a>) -> Vec<(&'a Operation, bool, usize, u32)> {
    let inventory: &'a rampart_engine::Inventory = ctx.inventory;
    let protected = ctx.driver.map(|d| d.url(&d.flow().protected.path));
    let mut survey: Vec<_> = ctx.survey.iter().collect();
    survey.sort_by_key(|s| {
        inventory
            .endpoints
            .get(s.endpoint)
            .map(|op| Some(&op.url) != protected.as_ref())
    });
    let mut out = Vec::new();
    for s in survey {
        let Some(op) = inventory.endpoints.get(s.endpoint) else {
            continue;
        };
        let Some((index, current)) = major_version(op.url.path()).filter(|(_, n)| *n >= 2) else {
            continue;
        };
        let anon = s.anon.as_ref().is_some_and(has_content);
        let authed = s.authed.as_ref().is_some_and(has_content);
        if anon || authed {
            out.push((op, !anon, index, current));
        }
        if out.len() >= MAX_CANDIDATES {
            break;
        }
    }
    out
}
