//! BOLA-004: a second user reads the scan's user's objects.
//!
//! Proof, with two identities (`--identity`): A (the scan's own) reads one of
//! its objects, whose id comes from A's own answers (its identity for
//! user-addressed paths, its listing of the collection, the spec example),
//! whatever the id's shape (integer, UUID, slug). B asks for the same id and
//! gets the same object. The object is A's and not B's: it carries A's
//! identity fields and not B's, or A's listing holds it and B's does not. An
//! anonymous request gets no such object (control), so the object is not
//! public.

use super::OWASP;
use super::identity::{Me, Record, me, record_as, records};
use super::ids::{IdSlot, id_slot};
use crate::examples::{bearer_me, order};
use crate::web;
use async_trait::async_trait;
use rampart_engine::check::needs_reason;
use rampart_engine::http::{Request, Response};
use rampart_engine::identity::Other;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Exchange, Finding, Need, Proof, Rule, Severity};

pub struct SecondIdentity;

static RULE: Rule = Rule {
    id: "BOLA-004",
    title: "Another user can read your objects",
    category: Category::Bola,
    severity: Severity::High,
    cwe: &[639],
    owasp: OWASP,
    summary: "Logged in as a second user, rampart read an object that belongs to the first user by asking for its id: the endpoint does not check that the object belongs to the caller.",
    remediation: "Authorize every object access: load the object scoped to the caller (WHERE owner_id = current_user) or check ownership/permission after loading it, and answer 404 otherwise. Ids that are hard to guess (UUIDs) do not replace the check.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",
        "https://cwe.mitre.org/data/definitions/639.html",
    ],
    needs: &[Need::Credentials, Need::Identity],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/orders/1002",
        variant: None,
        instance: Some("id"),
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/orders/{id}: logged in as bob, rampart read object 1002 of the scan's user, the same object the scan's user reads. The object is not bob's: it carries the scan's user's owner 1, which bob does not have. An anonymous request gets no object (control), so it is not public: the endpoint serves any user's object to any logged-in user.",
        evidence: &[
            bearer_me("the scan's user's identity"),
            order("the scan's user reads its object"),
            order("attack: bob reads the same object"),
            Proof {
                request: "GET /api/v1/orders/1002",
                headers: &[],
                body: None,
                status: 401,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"authentication required"}"#,
                note: "control: an anonymous request gets no object",
            },
        ],
    }],
};

/// Operations tried.
const MAX_OPS: usize = 10;

#[async_trait]
impl Check for SecondIdentity {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        1 + MAX_OPS as u64 * 4
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let Some(other) = ctx.identities.first() else {
            return Ok(Outcome::NotApplicable(needs_reason(Need::Identity).into()));
        };
        let Some(auth) = ctx.auth_headers().await? else {
            return Ok(Outcome::NotApplicable(needs_reason(Need::Credentials).into()));
        };
        let me = me(ctx);
        let them = match &me {
            Some(me) => record_as(ctx, other, me).await?,
            None => None,
        };
        if let (Some(me), Some(them)) = (&me, &them) {
            if them.id == me.record.id {
                return Ok(Outcome::Inconclusive(format!(
                    "identity {} is the same user as the scan's own (id {})",
                    other.name,
                    them.id.as_deref().unwrap_or_default()
                )));
            }
        }
        let slots: Vec<(IdSlot<'_>, String)> = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|op| op.method == "GET")
            .filter_map(id_slot)
            .filter_map(|slot| own_id(ctx, &slot, me.as_ref()).map(|id| (slot, id)))
            .take(MAX_OPS)
            .collect();
        if slots.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no GET operation takes an object id in its path that the scan's user owns".into(),
            ));
        }
        let users = Users {
            ctx,
            auth: &auth,
            other,
            me: me.as_ref(),
            them: them.as_ref(),
        };
        let mut findings = Vec::new();
        for (slot, id) in &slots {
            if let Some(f) = users.probe(slot, id).await? {
                findings.push(f);
            }
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The two users and what is known of them.
struct Users<'a, 'c> {
    ctx: &'a Context<'c>,
    auth: &'a [(String, String)],
    other: &'a Other,
    me: Option<&'a Me>,
    them: Option<&'a Record>,
}

/// Why the object is A's and not B's.
struct Owned {
    why: String,
    confidence: Confidence,
    evidence: Vec<Exchange>,
}

impl Users<'_, '_> {
    async fn probe(&self, slot: &IdSlot<'_>, id: &str) -> Result<Option<Finding>, Error> {
        let url = slot.url(id);
        let layer = &self.ctx.layer;
        let mine = layer.send(&web::authed_get(url.clone(), self.auth)).await?;
        let Some(record) = object(&mine, id) else {
            return Ok(None);
        };
        if self.me.is_some_and(|me| record.foreign_to(&me.record).is_some()) {
            return Ok(None);
        }
        let theirs = layer
            .send(&self.other.request(Request::get(url.clone())).await?)
            .await?;
        if object(&theirs, id).is_none_or(|r| r != record) {
            return Ok(None);
        }
        let Some(owned) = self.owned(slot, id, &record).await? else {
            return Ok(None);
        };
        let control = layer.send(&web::anon_get(url)).await?;
        if object(&control, id).is_some() {
            return Ok(None);
        }
        Ok(Some(self.finding(slot, id, owned, [mine, theirs, control])))
    }

    /// Proof that the object is A's and not B's: identity fields, else the two listings.
    async fn owned(&self, slot: &IdSlot<'_>, id: &str, record: &Record) -> Result<Option<Owned>, Error> {
        if let (Some(me), Some(them)) = (self.me, self.them) {
            let carries_mine = carries(record, &me.record, slot);
            if let (Some(mine), Some(_)) = (carries_mine, record.foreign_to(them)) {
                return Ok(Some(Owned {
                    why: format!(
                        "it carries the scan's user's {mine}, which {} does not have",
                        self.other.name
                    ),
                    confidence: Confidence::Confirmed,
                    evidence: vec![me.source.clone().noted("the scan's user's identity")],
                }));
            }
        }
        let Some((list, a_list)) = listing(self.ctx, slot) else {
            return Ok(None);
        };
        if !listed(&a_list, id) {
            return Ok(None);
        }
        let theirs = self
            .ctx
            .layer
            .send(&self.other.request(Request::get(list)).await?)
            .await?;
        let b_list = web::json(&theirs).filter(|_| web::has_content(&theirs));
        if b_list.is_none_or(|b| listed(&b, id)) {
            return Ok(None);
        }
        Ok(Some(Owned {
            why: format!(
                "the collection lists it for the scan's user and not for {}",
                self.other.name
            ),
            confidence: Confidence::Firm,
            evidence: vec![
                theirs
                    .exchange
                    .noted(format!("{}'s listing does not hold id {id}", self.other.name)),
            ],
        }))
    }

    fn finding(&self, slot: &IdSlot<'_>, id: &str, owned: Owned, [mine, theirs, control]: [Response; 3]) -> Finding {
        let name = &self.other.name;
        let description = format!(
            "{}: logged in as {name}, rampart read object {id} of the scan's user, the same object the scan's user reads. The object is not {name}'s: {}. An anonymous request gets no object (control), so it is not public: the endpoint serves any user's object to any logged-in user.",
            slot.op.label(),
            owned.why
        );
        let mut evidence = owned.evidence;
        evidence.push(mine.exchange.noted("the scan's user reads its object"));
        evidence.push(theirs.exchange.noted(format!("attack: {name} reads the same object")));
        evidence.push(control.exchange.noted("control: an anonymous request gets no object"));
        Finding::new(&RULE, owned.confidence, web::endpoint(slot.op), description)
            .with_instance(&slot.name)
            .with_evidence(evidence)
    }
}

/// Which of `mine`'s identity fields `record` carries (its owner, email or
/// user name; its own id on user-addressed paths).
fn carries(record: &Record, mine: &Record, slot: &IdSlot<'_>) -> Option<String> {
    let same = |field: &str, theirs: &Option<String>, ours: &Option<String>| match (theirs, ours) {
        (Some(t), Some(o)) if t == o => Some(format!("{field} {t}")),
        _ => None,
    };
    same("owner", &record.owner, &mine.id)
        .or_else(|| same("email", &record.email, &mine.email))
        .or_else(|| same("username", &record.username, &mine.username))
        .or_else(|| slot.user_scoped().then(|| same("id", &record.id, &mine.id)).flatten())
}

/// An id of an object of the scan's user: its own id on user-addressed paths,
/// else one of its objects in the collection's listing, else the example.
fn own_id(ctx: &Context<'_>, slot: &IdSlot<'_>, me: Option<&Me>) -> Option<String> {
    if let (Some(id), true) = (me.and_then(|m| m.record.id.clone()), slot.user_scoped()) {
        return Some(id);
    }
    let listed = listing(ctx, slot).and_then(|(_, list)| {
        records(&list)
            .into_iter()
            .filter(|r| me.is_none_or(|m| r.foreign_to(&m.record).is_none()))
            .find_map(|r| r.id)
    });
    listed.or_else(|| (!slot.example.is_empty() && !slot.example.starts_with('{')).then(|| slot.example.clone()))
}

/// The collection above `slot` (`GET /orders` for `/orders/{id}`): its URL and
/// the scan's user's surveyed listing.
fn listing(ctx: &Context<'_>, slot: &IdSlot<'_>) -> Option<(url::Url, serde_json::Value)> {
    let parent = slot.parent.trim_end_matches('/');
    let (i, op) = ctx
        .inventory
        .endpoints
        .iter()
        .enumerate()
        .find(|(_, op)| op.method == "GET" && op.path.trim_end_matches('/') == parent)?;
    let answer = ctx.surveyed(i)?.authed.as_ref().filter(|r| web::has_content(r))?;
    Some((op.url.clone(), web::json(answer)?))
}

fn listed(list: &serde_json::Value, id: &str) -> bool {
    records(list).iter().any(|r| r.id.as_deref() == Some(id))
}

/// The object a 2xx answer carries, when its id is the requested one.
fn object(resp: &Response, id: &str) -> Option<Record> {
    if !web::has_content(resp) {
        return None;
    }
    Record::of(&web::json(resp)?).filter(|r| r.id.as_deref() == Some(id))
}
