//! RATE-002: a list endpoint returns everything and ignores a page size.

use super::{OWASP, items, page_param};
use crate::web::{self, json};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, Request, Response, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct UnboundedList;

static RULE: Rule = Rule {
    id: "RATE-002",
    title: "Unbounded list response",
    category: Category::RateLimiting,
    severity: Severity::Medium,
    cwe: &[770],
    owasp: OWASP,
    summary: "A list endpoint returns more than a hundred items at once and ignores a page-size parameter. Every call costs the server the whole collection, and the cost grows with the data.",
    remediation: "Paginate every list: a default page size, a maximum the server enforces, and a cursor or page parameter for the rest.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://cwe.mitre.org/data/definitions/770.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/orders",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/orders returns 2500 items in one answer, and still 2500 with limit=5.",
        evidence: &[
            Proof {
                request: "GET /api/v1/orders",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":1,"user_id":1,"total":49.9},{"id":2,"user_id":1,"total":12.5},…]"#,
                note: "2500 items without a page size",
            },
            Proof {
                request: "GET /api/v1/orders?limit=5",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":1,"user_id":1,"total":49.9},{"id":2,"user_id":1,"total":12.5},…]"#,
                note: "control: limit=5 is ignored (2500 items)",
            },
        ],
    }],
};

/// Items above which a list counts as unbounded.
const LARGE: usize = 100;
/// The page size asked for.
const ASKED: usize = 5;
/// Most list endpoints re-asked with a page size.
const MAX_PROBES: usize = 5;

#[async_trait]
impl Check for UnboundedList {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        MAX_PROBES as u64
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut findings = Vec::new();
        let mut auth = None;
        for (op, first, authed, count) in large_lists(ctx).into_iter().take(MAX_PROBES) {
            let param = page_param(op).unwrap_or("limit");
            let url = web::with_query(&op.url, param, &ASKED.to_string());
            let req = if authed {
                if auth.is_none() {
                    auth = Some(ctx.auth_headers().await?.unwrap_or_default());
                }
                web::authed_get(url, auth.as_deref().unwrap_or_default())
            } else {
                Request::get(url).anonymous()
            };
            let Some(resp) = web::send_or_skip(ctx, &req).await? else {
                continue;
            };
            let Some(again) = json(&resp).as_ref().and_then(items) else {
                continue;
            };
            if again <= LARGE {
                continue;
            }
            let description = format!(
                "{} returns {count} items in one answer, and still {again} with {param}={ASKED}.",
                op.label()
            );
            let evidence = vec![
                first
                    .exchange
                    .clone()
                    .noted(format!("{count} items without a page size")),
                resp.exchange
                    .noted(format!("control: {param}={ASKED} is ignored ({again} items)")),
            ];
            findings.push(web::finding(&RULE, Confidence::Confirmed, op, description).with_evidence(evidence));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// Surveyed GET endpoints whose 2xx JSON answer lists more than [`LARGE`] items:
/// the operation, that answer, whether it was authenticated, and the count.
fn large_lists<'a>(ctx: &Context<'a>) -> Vec<(&'a rampart_engine::Endpoint, &'a Response, bool, usize)> {
    let survey: &'a [rampart_engine::Surveyed] = ctx.survey;
    let inventory: &'a rampart_engine::Inventory = ctx.inventory;
    let mut out = Vec::new();
    for s in survey {
        let Some(op) = inventory.endpoints.get(s.endpoint) else {
            continue;
        };
        let answers = [(s.anon.as_ref(), false), (s.authed.as_ref(), true)];
        let large = answers.into_iter().find_map(|(r, authed)| {
            let r = r.filter(|r| (200..300).contains(&r.status))?;
            let n = json(r).as_ref().and_then(items)?;
            (n > LARGE).then_some((r, authed, n))
        });
        if let Some((r, authed, n)) = large {
            out.push((op, r, authed, n));
        }
    }
    out
}
