//! RATE-003: a page-size parameter is honoured without a cap.

use super::{OWASP, items, page_param};
use crate::web::{self, json};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, Request, Response, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};
use serde_json::Value;

pub struct UncappedPageSize;

static RULE: Rule = Rule {
    id: "RATE-003",
    title: "Page size not capped",
    category: Category::RateLimiting,
    severity: Severity::Medium,
    cwe: &[770],
    owasp: OWASP,
    summary: "A page-size parameter set to 100000 is honoured: one request can make the server load, serialise and send as much of the collection as the caller asks for.",
    remediation: "Clamp the page size to a server-side maximum (e.g. 100) whatever the client asks, or reject larger values with 400.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://cwe.mitre.org/data/definitions/770.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/products",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/products honours limit=100000: 4812 items instead of 100.",
        evidence: &[
            Proof {
                request: "GET /api/v1/products?limit=100000",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"items":[{"id":"A-100","name":"Desk lamp","price":24.9},…],"limit":100000,"total":4812}"#,
                note: "limit=100000: 4812 items instead of 100",
            },
            Proof {
                request: "GET /api/v1/products?limit=100",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"items":[{"id":"A-100","name":"Desk lamp","price":24.9},…],"limit":100,"total":4812}"#,
                note: "control: limit=100 gives 100 items",
            },
            Proof {
                request: "GET /api/v1/products?limit=2",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"items":[{"id":"A-100","name":"Desk lamp","price":24.9},{"id":"A-101","name":"Desk chair","price":89.0}],"limit":2,"total":4812}"#,
                note: "control: limit=2 gives fewer items: it sizes the page",
            },
        ],
    }],
};

/// A page size any API should allow.
const NORMAL: usize = 100;
/// A page size that proves the parameter is a page size: fewer items come back.
const SMALL: usize = 2;
/// A page size no API should honour.
const HUGE: usize = 100_000;
/// Most endpoints tried.
const MAX_ENDPOINTS: usize = 5;

#[async_trait]
impl Check for UncappedPageSize {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        3 * MAX_ENDPOINTS as u64
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let candidates = candidates(ctx);
        if candidates.is_empty() {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let auth = ctx.auth_headers().await?.unwrap_or_default();
        let mut findings = Vec::new();
        for (op, param, authed) in candidates {
            let ask = |size: usize| {
                let url = web::with_query(&op.url, param, &size.to_string());
                if authed {
                    web::authed_get(url, &auth)
                } else {
                    Request::get(url).anonymous()
                }
            };
            let Some(normal) = web::send_or_skip(ctx, &ask(NORMAL)).await? else {
                continue;
            };
            let Some(n) = json(&normal).as_ref().and_then(items) else {
                continue;
            };
            // The parameter must be a page size at all: a smaller value gives fewer items.
            let Some(small) = sizes_the_page(ctx, &ask(SMALL), n).await? else {
                continue;
            };
            let Some(huge) = web::send_or_skip(ctx, &ask(HUGE)).await? else {
                continue;
            };
            let Some(why) = honoured(n, &huge, param) else {
                continue;
            };
            let description = format!("{} honours {param}={HUGE}: {why}.", op.label());
            let evidence = vec![
                huge.exchange.noted(format!("{param}={HUGE}: {why}")),
                normal
                    .exchange
                    .noted(format!("control: {param}={NORMAL} gives {n} items")),
                small
                    .exchange
                    .noted(format!("control: {param}={SMALL} gives fewer items: it sizes the page")),
            ];
            findings.push(web::finding(&RULE, Confidence::Confirmed, op, description).with_evidence(evidence));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The answer to a page of `SMALL`, when it has fewer items than the normal
/// page's `n` (so the parameter sizes pages); `None` when it cannot show that.
async fn sizes_the_page(ctx: &Context<'_>, req: &Request, n: usize) -> Result<Option<Response>, Error> {
    if n <= SMALL {
        return Ok(None);
    }
    let Some(small) = web::send_or_skip(ctx, req).await? else {
        return Ok(None);
    };
    let fewer = json(&small).as_ref().and_then(items).is_some_and(|s| s <= SMALL);
    Ok(fewer.then_some(small))
}

/// Why the huge answer shows the size was honoured: more items than the normal
/// page, a body cut at the cap where the normal page was full, or the size echoed.
fn honoured(normal: usize, huge: &Response, param: &str) -> Option<String> {
    if huge.truncated && normal >= NORMAL {
        return Some(format!(
            "the answer exceeded rampart's body cap ({} bytes read)",
            huge.body.len()
        ));
    }
    let value = json(huge)?;
    if let Some(m) = items(&value).filter(|m| *m > normal) {
        return Some(format!("{m} items instead of {normal}"));
    }
    echoes(&value, param).then(|| format!("the answer echoes {param}: {HUGE}"))
}

/// Does the JSON carry `param` (or a usual page-size key) with the huge value?
fn echoes(value: &Value, param: &str) -> bool {
    web::fields(value).iter().any(|(k, v)| {
        let named = k == param || super::PAGE_PARAMS.iter().any(|p| k.eq_ignore_ascii_case(p));
        named && v == &HUGE.to_string()
    })
}

/// GET endpoints that declare a page-size parameter, else surveyed lists tried with `limit`,
/// with whether the scan's credentials are needed.
fn candidates<'a>(ctx: &Context<'a>) -> Vec<(&'a Operation, &'a str, bool)> {
    let inventory: &'a rampart_engine::Inventory = ctx.inventory;
    let mut out = Vec::new();
    for (i, op) in inventory
        .endpoints
        .iter()
        .enumerate()
        .filter(|(_, op)| op.method == "GET")
    {
        let Some(s) = ctx.surveyed(i) else {
            continue;
        };
        let ok = |r: Option<&Response>| r.is_some_and(|r| (200..300).contains(&r.status));
        let lists = |r: Option<&Response>| ok(r) && r.and_then(json).as_ref().and_then(items).is_some();
        let authed = !ok(s.anon.as_ref());
        let declared = page_param(op);
        let answered = if authed { s.authed.as_ref() } else { s.anon.as_ref() };
        match declared {
            Some(p) if ok(answered) => out.push((op, p, authed)),
            None if lists(answered) => out.push((op, "limit", authed)),
            _ => {}
        }
        if out.len() >= MAX_ENDPOINTS {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn echoed_page_sizes() {
        assert!(echoes(&json!({"items": [], "limit": 100000}), "limit"));
        assert!(echoes(&json!({"meta": {"per_page": "100000"}}), "limit"));
        assert!(!echoes(&json!({"items": [], "limit": 100}), "limit"));
        assert!(!echoes(&json!({"total": 100000}), "limit"));
    }
}
