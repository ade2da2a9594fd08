//! BOLA-003: the API trusts an owner id given in the query string.
//!
//! Proof: with the scan's credentials, `?user_id=<own id>` returns the caller's
//! objects (control); `?user_id=<another id>` returns objects whose owner field
//! is that other id.

use super::OWASP;
use super::identity::{Me, Record, me, records};
use crate::examples::bearer_me;
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::inventory::Location;
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Need, Proof, Rule, Severity};
use url::Url;

pub struct OwnerQuery;

static RULE: Rule = Rule {
    id: "BOLA-003",
    title: "Owner id in the query is trusted",
    category: Category::Bola,
    severity: Severity::High,
    cwe: &[639],
    owasp: OWASP,
    summary: "The endpoint takes the owner of the objects it returns from a query parameter (user_id, account_id…) instead of from the authenticated session, so any user can list another user's objects.",
    remediation: "Derive the owner from the authenticated principal on the server; ignore or reject owner parameters that differ from it unless the caller is authorized for that account.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",
        "https://cwe.mitre.org/data/definitions/639.html",
    ],
    needs: &[Need::Credentials],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/orders?user_id=1",
        variant: None,
        instance: Some("user_id"),
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/orders with the scan's credentials: user_id=1 (the caller) returns the caller's objects, and user_id=2 returns objects owned by 2. The owner comes from the query, not from the session.",
        evidence: &[
            bearer_me("the caller's identity"),
            Proof {
                request: "GET /api/v1/orders?user_id=1",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"items":[{"id":1002,"user_id":1,"total":49.9}]}"#,
                note: "control: user_id=1 returns the caller's own objects",
            },
            Proof {
                request: "GET /api/v1/orders?user_id=2",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"items":[{"id":1003,"user_id":2,"total":12.5}]}"#,
                note: "attack: user_id=2 returns objects owned by 2",
            },
        ],
    }],
};

/// Query parameters that name an owner.
const OWNER_PARAMS: &[&str] = &[
    "user_id",
    "userId",
    "owner_id",
    "ownerId",
    "account_id",
    "accountId",
    "customer_id",
    "customerId",
];
/// Operations tried.
const MAX_OPS: usize = 10;
/// Offsets from the caller's id tried as other owners.
const OTHERS: [i64; 3] = [1, -1, 2];

#[async_trait]
impl Check for OwnerQuery {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        MAX_OPS as u64 * (1 + OTHERS.len() as u64)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let ops: Vec<(&Operation, &str)> = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|op| op.method == "GET")
            .filter_map(|op| owner_param(op).map(|p| (op, p)))
            .take(MAX_OPS)
            .collect();
        if ops.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no GET operation takes an owner id in its query".into(),
            ));
        }
        let (Some(auth), Some(me)) = (ctx.auth_headers().await?, me(ctx)) else {
            return Ok(Outcome::NotApplicable(
                "needs credentials and the caller's identity (an id)".into(),
            ));
        };
        let Some(own) = me.record.id.as_deref().and_then(|id| id.parse::<i64>().ok()) else {
            return Ok(Outcome::NotApplicable(
                "the caller's id is not an integer: no other owner ids to try".into(),
            ));
        };
        let mut findings = Vec::new();
        for (op, param) in ops {
            let get = |value: i64| {
                let req = web::authed_get(with_param(&op.url, param, &value.to_string()), &auth);
                async move { ctx.layer.send(&req).await }
            };
            let control = get(own).await?;
            if owned(&control, param).is_some_and(|owners| owners.iter().any(|o| o != &own.to_string())) {
                continue;
            }
            for other in OTHERS.iter().map(|o| own + o).filter(|&v| v > 0) {
                let attack = get(other).await?;
                if owned(&attack, param).is_some_and(|owners| owners.iter().all(|o| o == &other.to_string())) {
                    findings.push(finding(op, param, &me, own, other, control, attack));
                    break;
                }
            }
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The operation's owner query parameter (declared, or present in its URL).
fn owner_param(op: &Operation) -> Option<&'static str> {
    let declared = |name: &&str| {
        op.params
            .iter()
            .any(|p| p.location == Location::Query && p.name == *name)
    };
    let in_url = |name: &&str| op.url.query_pairs().any(|(k, _)| k == *name);
    OWNER_PARAMS.iter().copied().find(|n| declared(n) || in_url(n))
}

fn with_param(url: &Url, name: &str, value: &str) -> Url {
    let mut url = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair(name, value);
    url
}

/// The owner values of every object in a 2xx answer (`None` when there is no object with an owner).
fn owned(resp: &Response, param: &str) -> Option<Vec<String>> {
    if !web::has_content(resp) {
        return None;
    }
    let value = web::json(resp)?;
    let objects = records(&value);
    let owners: Vec<String> = objects.iter().filter_map(|r: &Record| r.owner.clone()).collect();
    let direct: Vec<String> = match value.get(param) {
        Some(v) => vec![v.as_str().map_or_else(|| v.to_string(), str::to_string)],
        None => Vec::new(),
    };
    let owners = if owners.is_empty() { direct } else { owners };
    (!owners.is_empty()).then_some(owners)
}

fn finding(op: &Operation, param: &str, me: &Me, own: i64, other: i64, control: Response, attack: Response) -> Finding {
    let description = format!(
        "{} with the scan's credentials: {param}={own} (the caller) returns the caller's objects, and {param}={other} returns objects owned by {other}. The owner comes from the query, not from the session.",
        op.label()
    );
    let evidence = vec![
        me.source.clone().noted("the caller's identity"),
        control
            .exchange
            .noted(format!("control: {param}={own} returns the caller's own objects")),
        attack
            .exchange
            .noted(format!("attack: {param}={other} returns objects owned by {other}")),
    ];
    web::finding(&RULE, Confidence::Confirmed, op, description)
        .with_instance(param)
        .with_evidence(evidence)
}
