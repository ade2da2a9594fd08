//! BOLA-002: another user's object is reachable by changing the id in the URL.
//!
//! Proof: with the scan's credentials, the caller's own object answers (its id
//! from the caller's identity or the spec example); a neighbouring id answers an
//! object whose id is the requested one and whose identity fields (owner,
//! email, username) differ from the caller's; an id far out of range gets no
//! such object (control). Identity fields decide, never sizes.

use super::OWASP;
use super::identity::{Me, Record, me, records};
use super::ids::{IdSlot, id_slot};
use crate::examples::{bearer_me, order};
use crate::web;
use async_trait::async_trait;
use rampart_engine::check::needs_reason;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Need, Proof, Rule, Severity};

pub struct ForeignObject;

static RULE: Rule = Rule {
    id: "BOLA-002",
    title: "Another user's object reachable by changing its id",
    category: Category::Bola,
    severity: Severity::High,
    cwe: &[639],
    owasp: OWASP,
    summary: "The endpoint returns whichever object the id in the URL names, without checking that it belongs to the caller: any user can read every other user's objects by changing the id.",
    remediation: "Authorize every object access: load the object scoped to the caller (WHERE owner_id = current_user) or check ownership/permission after loading it, and answer 404 otherwise.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",
        "https://cwe.mitre.org/data/definitions/639.html",
    ],
    needs: &[Need::Credentials],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/orders/1002",
        variant: None,
        instance: Some("id"),
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/orders/{id} with the scan's credentials: id 1002 returns the caller's own object, and id 1003 returns another user's object (owner is 2 (yours: 1)). An id far out of range gets no object (control), so the endpoint serves whatever id is asked for without checking ownership.",
        evidence: &[
            bearer_me("the caller's identity"),
            order("the caller's own object"),
            Proof {
                request: "GET /api/v1/orders/1003",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1003,"user_id":2,"total":12.5,"status":"paid"}"#,
                note: "attack: id 1003 returns another user's object",
            },
            Proof {
                request: "GET /api/v1/orders/987655323",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 404,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"order not found"}"#,
                note: "control: an id far out of range returns no object",
            },
        ],
    }],
};

/// Operations tried.
const MAX_OPS: usize = 10;
/// Offsets from the caller's id tried, in order.
const NEIGHBOURS: [i64; 4] = [1, -1, 2, -2];
/// An id no small table reaches.
const FAR: i64 = 987_654_321;

#[async_trait]
impl Check for ForeignObject {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        MAX_OPS as u64 * (2 + NEIGHBOURS.len() as u64)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let Some(auth) = ctx.auth_headers().await? else {
            return Ok(Outcome::NotApplicable(needs_reason(Need::Credentials).into()));
        };
        let Some(me) = me(ctx) else {
            return Ok(Outcome::NotApplicable(
                "the caller's identity is unknown (no JSON with an id on the flow's protected page or a /me-like endpoint)".into(),
            ));
        };
        let slots: Vec<(IdSlot<'_>, i64)> = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|op| op.method == "GET")
            .filter_map(id_slot)
            .filter_map(|slot| base(ctx, &slot, &me).map(|b| (slot, b)))
            .take(MAX_OPS)
            .collect();
        if slots.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no GET operation takes an integer object id in its path".into(),
            ));
        }
        let mut findings = Vec::new();
        for (slot, base) in slots {
            let get = |id: i64| {
                let auth = auth.clone();
                let url = slot.url(&id.to_string());
                async move { ctx.layer.send(&web::authed_get(url, &auth)).await }
            };
            let own = get(base).await?;
            if object(&own, base).is_none_or(|r| r.foreign_to(&me.record).is_some()) {
                continue;
            }
            for offset in NEIGHBOURS.iter().map(|o| base + o).filter(|&id| id > 0) {
                let other = get(offset).await?;
                let Some(why) = object(&other, offset).and_then(|r| r.foreign_to(&me.record)) else {
                    continue;
                };
                let control = get(base + FAR).await?;
                if object(&control, base + FAR).is_some() {
                    break;
                }
                findings.push(finding(&slot, &me, base, offset, &why, [own, other, control]));
                break;
            }
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The id of an object of the caller's: its own id for user-addressed paths, else the id of an
/// object of its own in the collection's authenticated answer, else the inventory's example.
fn base(ctx: &Context<'_>, slot: &IdSlot<'_>, me: &Me) -> Option<i64> {
    let own = me.record.id.as_deref().and_then(|id| id.parse().ok());
    if let (Some(id), true) = (own, slot.user_scoped()) {
        return Some(id);
    }
    owned_in_collection(ctx, slot, me).or_else(|| slot.integer_example())
}

/// An integer id of one of the caller's objects listed by the surveyed collection (`GET /orders`).
fn owned_in_collection(ctx: &Context<'_>, slot: &IdSlot<'_>, me: &Me) -> Option<i64> {
    let (i, _) = ctx
        .inventory
        .endpoints
        .iter()
        .enumerate()
        .find(|(_, op)| op.method == "GET" && op.path == slot.parent)?;
    let listed = web::json(ctx.surveyed(i)?.authed.as_ref()?)?;
    records(&listed)
        .into_iter()
        .filter(|r| r.owner.is_some() && r.foreign_to(&me.record).is_none())
        .find_map(|r| r.id?.parse().ok())
}

/// The object a 2xx answer carries, when its id is the requested one.
fn object(resp: &Response, id: i64) -> Option<Record> {
    if !web::has_content(resp) {
        return None;
    }
    Record::of(&web::json(resp)?).filter(|r| r.id.as_deref() == Some(id.to_string().as_str()))
}

fn finding(
    slot: &IdSlot<'_>,
    me: &Me,
    base: i64,
    other: i64,
    why: &str,
    [own, hit, control]: [Response; 3],
) -> Finding {
    let description = format!(
        "{} with the scan's credentials: id {base} returns the caller's own object, and id {other} returns another user's object ({why}). An id far out of range gets no object (control), so the endpoint serves whatever id is asked for without checking ownership.",
        slot.op.label()
    );
    let evidence = vec![
        me.source.clone().noted("the caller's identity"),
        own.exchange.noted("the caller's own object"),
        hit.exchange
            .noted(format!("attack: id {other} returns another user's object")),
        control
            .exchange
            .noted("control: an id far out of range returns no object"),
    ];
    let f = Finding::new(&RULE, Confidence::Confirmed, web::endpoint(slot.op), description).with_instance(&slot.name);
    f.with_evidence(evidence)
}
