//! BFLA-001: an administrative or internal endpoint answers anonymously.
//!
//! Proof: the anonymous GET of an admin path (or an operation tagged or scoped
//! admin) answers with content that is not an error or login page, while a
//! random sibling path is refused (control: no catch-all route).

use super::{OWASP, is_admin_op, is_admin_path};
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::inventory::DocumentKind;
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct AdminAnonymous;

static RULE: Rule = Rule {
    id: "BFLA-001",
    title: "Admin or internal endpoint reachable anonymously",
    category: Category::Bfla,
    severity: Severity::High,
    cwe: &[285],
    owasp: OWASP,
    summary: "An administrative or internal endpoint answers requests without any credentials, exposing functions meant for operators to everyone.",
    remediation: "Require authentication and an administrator role on every admin/internal route (deny by default at the router or gateway), or keep such endpoints off the public listener.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/",
        "https://cwe.mitre.org/data/definitions/285.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/admin/users",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/admin/users is an administrative endpoint, yet an anonymous GET answered 200 with content; a random sibling path answered 404 (control), so this is the endpoint itself, not a catch-all.",
        evidence: &[
            Proof {
                request: "GET /api/v1/admin/users",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":1,"username":"alice","role":"user"},{"id":2,"username":"bob","role":"user"}]"#,
                note: "attack: anonymous GET of the admin endpoint has content",
            },
            Proof {
                request: "GET /api/v1/admin/rampart-3fa81c2e",
                headers: &[],
                body: None,
                status: 404,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"not found"}"#,
                note: "control: a random sibling path is refused",
            },
        ],
    }],
};

/// Admin endpoints tested.
const MAX_OPS: usize = 20;

#[async_trait]
impl Check for AdminAnonymous {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        2 * MAX_OPS as u64
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let candidates = candidates(ctx);
        if candidates.is_empty() {
            return Ok(Outcome::NotApplicable("no admin or internal endpoint is known".into()));
        }
        let mut findings = Vec::new();
        for (op, surveyed) in candidates.into_iter().take(MAX_OPS) {
            let anon = match surveyed {
                Some(resp) => resp.clone(),
                None => ctx.layer.send(&web::anon_get(op.url.clone())).await?,
            };
            if !web::has_content(&anon) {
                continue;
            }
            let control = ctx
                .layer
                .send(&web::anon_get(web::random_path(&op.url, op.url.path())))
                .await?;
            if web::has_content(&control) {
                continue;
            }
            let description = format!(
                "{} is an administrative endpoint, yet an anonymous GET answered {} with content; a random sibling path answered {} (control), so this is the endpoint itself, not a catch-all.",
                op.label(),
                anon.status,
                control.status
            );
            let evidence = vec![
                anon.exchange
                    .noted("attack: anonymous GET of the admin endpoint has content"),
                control.exchange.noted("control: a random sibling path is refused"),
            ];
            findings.push(web::finding(&RULE, Confidence::Confirmed, &op, description).with_evidence(evidence));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// Admin GET operations with their surveyed anonymous answer, then admin documents discovery found.
fn candidates<'a>(ctx: &'a Context<'a>) -> Vec<(Operation, Option<&'a Response>)> {
    let mut out: Vec<(Operation, Option<&Response>)> = ctx
        .inventory
        .endpoints
        .iter()
        .enumerate()
        .filter(|(_, op)| op.method == "GET" && is_admin_op(op))
        .map(|(i, op)| (op.clone(), ctx.surveyed(i).and_then(|s| s.anon.as_ref())))
        .collect();
    let documents =
        ctx.inventory.documents.iter().filter(|d| {
            (d.kind == DocumentKind::Admin || is_admin_path(d.url.path())) && (200..300).contains(&d.status)
        });
    for doc in documents {
        if !out.iter().any(|(op, _)| op.url == doc.url) {
            out.push((Operation::get(doc.url.clone()), None));
        }
    }
    out
}
