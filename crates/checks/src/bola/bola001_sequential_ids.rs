//! BOLA-001: protected objects are addressed by small sequential integers
//! (passive, tentative): integer id path parameters, or `id` fields that are
//! small integers in answers that need credentials.

use super::OWASP;
use super::identity::records;
use super::ids::id_slot;
use crate::auth::refused;
use crate::web;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Exchange, Proof, Rule, Severity};

pub struct SequentialIds;

static RULE: Rule = Rule {
    id: "BOLA-001",
    title: "Sequential or guessable object ids",
    category: Category::Bola,
    severity: Severity::Low,
    cwe: &[639],
    owasp: OWASP,
    summary: "Objects that need credentials are addressed by small integers. Ids are not an access control, but guessable ones make every missing ownership check (BOLA) trivially exploitable by counting.",
    remediation: "Check ownership of the object on every request; additionally use random identifiers (UUIDv4 or similar) for objects exposed in URLs.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",
        "https://cwe.mitre.org/data/definitions/639.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/orders/1002",
        variant: None,
        instance: None,
        confidence: Confidence::Tentative,
        description: "Objects that need credentials are addressed by guessable integers: GET /api/v1/orders/{id}: path parameter {id} is an integer (e.g. 1002); GET /api/v1/invoices: answers objects with small integer ids (e.g. id 311).",
        evidence: &[Proof {
            request: "GET /api/v1/orders/1002",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"id":1002,"user_id":1,"total":49.9,"status":"shipped"}"#,
            note: "an answer showing integer ids",
        }],
    }],
};

/// Ids at or above this do not count as small.
const SMALL: i64 = 10_000_000;
/// Operations listed in the description.
const SHOWN: usize = 5;

#[async_trait]
impl Check for SequentialIds {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut hits: Vec<(String, &Operation, Option<Exchange>)> = Vec::new();
        let mut examined = 0;
        for (i, op) in ctx.inventory.endpoints.iter().enumerate() {
            let survey = ctx.surveyed(i);
            let anon_refused = survey.and_then(|s| s.anon.as_ref()).is_some_and(refused);
            if !(op.security.is_required() || anon_refused) {
                continue;
            }
            let answer = survey
                .and_then(|s| s.authed.as_ref().or(s.anon.as_ref()))
                .filter(|r| web::has_content(r));
            let integer_refused = survey.is_some_and(|s| s.responses().all(|r| matches!(r.status, 400 | 422)));
            let records_in_answer = answer
                .and_then(web::json)
                .is_some_and(|v| records(&v).iter().any(|r| r.id.is_some()));
            examined += usize::from(id_slot(op).is_some() || records_in_answer);
            let slot = id_slot(op).filter(|s| s.integer || s.integer_example().is_some_and(small));
            if let Some(slot) = slot.filter(|_| !integer_refused) {
                let what = format!(
                    "{}: path parameter {{{}}} is an integer (e.g. {})",
                    op.label(),
                    slot.name,
                    slot.example
                );
                hits.push((what, op, answer.map(|r| r.exchange.clone())));
                continue;
            }
            let Some(resp) = answer else { continue };
            let ids: Vec<i64> = web::json(resp)
                .map(|v| {
                    records(&v)
                        .into_iter()
                        .filter_map(|r| r.id?.parse().ok())
                        .filter(|&n| small(n))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(id) = ids.first() {
                let what = format!("{}: answers objects with small integer ids (e.g. id {id})", op.label());
                hits.push((what, op, Some(resp.exchange.clone())));
            }
        }
        if examined == 0 {
            return Ok(Outcome::NotApplicable(
                "no endpoint that needs credentials takes or returns object ids".into(),
            ));
        }
        let Some((_, op, _)) = hits.first() else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let listed: Vec<&str> = hits.iter().take(SHOWN).map(|(w, ..)| w.as_str()).collect();
        let more = hits.len().saturating_sub(SHOWN);
        let description = format!(
            "Objects that need credentials are addressed by guessable integers: {}{}.",
            listed.join("; "),
            if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            }
        );
        let evidence: Vec<Exchange> = hits
            .iter()
            .find_map(|(.., ex)| ex.clone())
            .map(|ex| ex.noted("an answer showing integer ids"))
            .into_iter()
            .collect();
        let f = web::finding(&RULE, Confidence::Tentative, op, description);
        Ok(Outcome::Findings(vec![f.with_evidence(evidence)]))
    }
}

fn small(n: i64) -> bool {
    (0..SMALL).contains(&n)
}
