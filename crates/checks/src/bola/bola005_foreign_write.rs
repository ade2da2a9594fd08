//! BOLA-005: a second user changes or deletes the scan's user's objects (`--active`).
//!
//! The scan's user (A) creates an object where it can also delete it, and
//! reads it back (control: the value before). The second identity (B)
//! changes one of its writable fields through the object's PATCH or PUT, and
//! A's next read shows B's value. Then B deletes it, and A's read answers 404
//! while A's listing still answers (A's session is fine). A and B must be
//! different users: their identity records differ, or B's listing of the
//! collection lacks the object A's holds. rampart writes only to the object
//! it created, and A deletes what is left of it.

use super::OWASP;
use super::identity::{me, record_as};
use crate::objects::{self, Collection, Created, json_body};
use crate::web;
use async_trait::async_trait;
use rampart_engine::check::needs_reason;
use rampart_engine::http::Request;
use rampart_engine::identity::Other;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Exchange, Finding, Need, Proof, Rule, Severity};
use serde_json::{Map, Value};

pub struct ForeignWrite;

static RULE: Rule = Rule {
    id: "BOLA-005",
    title: "Another user can change or delete your objects",
    category: Category::Bola,
    severity: Severity::High,
    cwe: &[639],
    owasp: OWASP,
    summary: "Logged in as a second user, rampart changed or deleted an object the first user created, by its id: the endpoint's write path does not check that the object belongs to the caller.",
    remediation: "Authorize every write like every read: update and delete only rows scoped to the caller (UPDATE … WHERE id = $1 AND owner_id = $2), or load the object and check ownership or permission first, and answer 404 otherwise.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",
        "https://cwe.mitre.org/data/definitions/639.html",
    ],
    needs: &[Need::Active, Need::Identity, Need::Credentials],
    variants: &["change", "delete"],
    examples: &[Example {
        endpoint: "PATCH /api/v1/orders/1002",
        variant: Some("change"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "PATCH /api/v1/orders/{id} let bob change an object the scan's user created: quantity was 1 (the creator's read, control), bob's PATCH set it to 2 (status 200), and the creator's next read shows 2. The object was rampart's own and is deleted.",
        evidence: &[
            Proof {
                request: "POST /api/v1/orders",
                headers: &["Authorization: Bearer [redacted]", "Content-Type: application/json"],
                body: Some(r#"{"sku":"A-100","quantity":1,"note":"gift"}"#),
                status: 201,
                response_headers: &["Content-Type: application/json", "Location: /api/v1/orders/1042"],
                response_body: r#"{"id":1042,"user_id":1,"sku":"A-100","quantity":1,"note":"gift"}"#,
                note: "the scan's user creates an object",
            },
            Proof {
                request: "GET /api/v1/orders/1042",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1042,"user_id":1,"sku":"A-100","quantity":1,"note":"gift"}"#,
                note: "control: the creator reads its new object",
            },
            Proof {
                request: "PATCH /api/v1/orders/1042",
                headers: &["Authorization: Bearer [redacted]", "Content-Type: application/json"],
                body: Some(r#"{"quantity":2}"#),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1042,"user_id":1,"sku":"A-100","quantity":2,"note":"gift"}"#,
                note: "attack: bob changes quantity",
            },
            Proof {
                request: "GET /api/v1/orders/1042",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1042,"user_id":1,"sku":"A-100","quantity":2,"note":"gift"}"#,
                note: "the creator reads quantity = 2",
            },
        ],
    }],
};

/// Collections tried.
const MAX_COLLECTIONS: usize = 3;
/// Requests per collection: create, read, two listings, change, read, delete, read, listing, cleanup.
const PER_COLLECTION: u64 = 10;

#[async_trait]
impl Check for ForeignWrite {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, cfg: &ScanConfig) -> u64 {
        if cfg.active {
            1 + MAX_COLLECTIONS as u64 * PER_COLLECTION
        } else {
            0
        }
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let Some(other) = ctx.identities.first() else {
            return Ok(Outcome::NotApplicable(needs_reason(Need::Identity).into()));
        };
        let Some(auth) = ctx.auth_headers().await? else {
            return Ok(Outcome::NotApplicable(needs_reason(Need::Credentials).into()));
        };
        let collections: Vec<Collection<'_>> = objects::collections(ctx)
            .into_iter()
            .filter(|c| c.item("PATCH").or(c.item("PUT")).is_some())
            .take(MAX_COLLECTIONS)
            .collect();
        if collections.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no collection where the scan can create, change and delete an object (POST, PATCH or PUT, DELETE)"
                    .into(),
            ));
        }
        let users = Users {
            ctx,
            auth: &auth,
            other,
            known_apart: known_apart(ctx, other).await?,
        };
        if users.known_apart == Some(false) {
            return Ok(Outcome::Inconclusive(format!(
                "identity {} is the same user as the scan's own",
                other.name
            )));
        }
        let mut findings = Vec::new();
        let mut untold = Vec::new();
        for collection in &collections {
            let Some(created) = collection.create(ctx, RULE.id, &auth, &Map::new()).await? else {
                continue;
            };
            let probed = users.probe(collection, &created).await;
            collection.remove(ctx, &created, &auth).await?;
            match probed? {
                Probed::Found(found) => findings.extend(found),
                Probed::Untold => untold.push(collection.create.label()),
            }
        }
        if findings.is_empty() && !untold.is_empty() {
            return Ok(Outcome::Inconclusive(format!(
                "could not tell the scan's user and {} apart on {}",
                other.name,
                untold.join(", ")
            )));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// Whether the two identities are different users, by their identity records;
/// `None` when they cannot be read.
async fn known_apart(ctx: &Context<'_>, other: &Other) -> Result<Option<bool>, Error> {
    let Some(me) = me(ctx) else {
        return Ok(None);
    };
    let them = record_as(ctx, other, &me).await?;
    Ok(them.map(|them| them.id != me.record.id))
}

/// The two users and what is known of them.
struct Users<'a, 'c> {
    ctx: &'a Context<'c>,
    auth: &'a [(String, String)],
    other: &'a Other,
    known_apart: Option<bool>,
}

enum Probed {
    Found(Vec<Finding>),
    /// The users could not be told apart, so nothing is claimed.
    Untold,
}

impl Users<'_, '_> {
    async fn probe(&self, collection: &Collection<'_>, created: &Created) -> Result<Probed, Error> {
        if self.known_apart.is_none() && !self.listings_differ(collection, created).await? {
            return Ok(Probed::Untold);
        }
        let mut found = Vec::new();
        found.extend(self.change(collection, created).await?);
        found.extend(self.delete(collection, created).await?);
        Ok(Probed::Found(found))
    }

    /// A's listing of the collection holds the new object and B's does not.
    async fn listings_differ(&self, collection: &Collection<'_>, created: &Created) -> Result<bool, Error> {
        let url = collection.create.url.clone();
        let mine = web::send_or_skip(self.ctx, &web::authed_get(url.clone(), self.auth)).await?;
        let theirs = web::send_or_skip(self.ctx, &self.other.request(Request::get(url)).await?).await?;
        let holds = |resp: Option<&rampart_engine::Response>| {
            resp.filter(|r| (200..300).contains(&r.status))
                .map(|r| r.text().contains(&created.id))
        };
        Ok(holds(mine.as_ref()) == Some(true) && holds(theirs.as_ref()) == Some(false))
    }

    /// B changes one writable field; A reads B's value.
    async fn change(&self, collection: &Collection<'_>, created: &Created) -> Result<Option<Finding>, Error> {
        let Some(slot) = collection.item("PATCH").or(collection.item("PUT")) else {
            return Ok(None);
        };
        let Some((field, before, after)) = changeable(json_body(slot.op), &created.object) else {
            return Ok(None);
        };
        let mut body = match slot.op.method.as_str() {
            "PUT" => put_body(slot.op, &created.object),
            _ => Map::new(),
        };
        body.insert(field.clone(), after.clone());
        let req = Request::new(&slot.op.method, created.url.clone()).json(&Value::Object(body));
        let req = self.other.request(req).await?;
        let Some(write) = objects::write(self.ctx, RULE.id, &self.other.name, &req).await? else {
            return Ok(None);
        };
        let read = web::send_or_skip(self.ctx, &web::authed_get(created.url.clone(), self.auth)).await?;
        let Some(read) = read else { return Ok(None) };
        let now = objects::object(&read, &created.id).and_then(|o| o.get(&field).cloned());
        if now.as_ref() != Some(&after) {
            return Ok(None);
        }
        let description = format!(
            "{} let {} change an object the scan's user created: {field} was {before} (the creator's read, control), {}'s {} set it to {after} (status {}), and the creator's next read shows {after}. The object was rampart's own and is deleted.",
            slot.op.label(),
            self.other.name,
            self.other.name,
            slot.op.method,
            write.status
        );
        let evidence = self.evidence(
            created,
            write
                .exchange
                .noted(format!("attack: {} changes {field}", self.other.name)),
            read.exchange.noted(format!("the creator reads {field} = {after}")),
        );
        let finding = web::finding(&RULE, Confidence::Confirmed, slot.op, description);
        Ok(Some(finding.with_variant("change").with_evidence(evidence)))
    }

    /// B deletes the object; A's read no longer finds it while A's listing still answers.
    async fn delete(&self, collection: &Collection<'_>, created: &Created) -> Result<Option<Finding>, Error> {
        let Some(slot) = collection.item("DELETE") else {
            return Ok(None);
        };
        let req = self.other.request(Request::new("DELETE", created.url.clone())).await?;
        let Some(write) = objects::write(self.ctx, RULE.id, &self.other.name, &req).await? else {
            return Ok(None);
        };
        let read = web::send_or_skip(self.ctx, &web::authed_get(created.url.clone(), self.auth)).await?;
        let Some(read) = read.filter(|r| matches!(r.status, 404 | 410)) else {
            return Ok(None);
        };
        let listing = web::send_or_skip(self.ctx, &web::authed_get(collection.create.url.clone(), self.auth)).await?;
        let Some(listing) = listing.filter(|r| (200..300).contains(&r.status)) else {
            return Ok(None);
        };
        let description = format!(
            "{} let {} delete an object the scan's user created: the creator read it (control), {}'s DELETE answered {}, and the creator's next read answers {} while its listing of the collection still answers {} (its session is fine).",
            slot.op.label(),
            self.other.name,
            self.other.name,
            write.status,
            read.status,
            listing.status
        );
        let evidence = self.evidence(
            created,
            write
                .exchange
                .noted(format!("attack: {} deletes the object", self.other.name)),
            read.exchange.noted("the creator's read: gone"),
        );
        let finding = web::finding(&RULE, Confidence::Confirmed, slot.op, description);
        Ok(Some(finding.with_variant("delete").with_evidence(evidence)))
    }

    fn evidence(&self, created: &Created, attack: Exchange, after: Exchange) -> Vec<Exchange> {
        let mut evidence: Vec<Exchange> = created.evidence.clone();
        if let Some(read) = evidence.last_mut() {
            *read = read.clone().noted("control: the creator reads its new object");
        }
        evidence.extend([attack, after]);
        evidence
    }
}

/// A field of the write's body that the object has, its value now and a new
/// one: numbers and booleans first (strings may be validated), never an id.
fn changeable(body: Option<&Map<String, Value>>, object: &Map<String, Value>) -> Option<(String, Value, Value)> {
    let fields = body?.keys().filter(|k| !super::ids::is_id_name(k));
    objects::changes(fields, object).min_by_key(|(_, now, _)| now.is_string())
}

/// A PUT's full body: the spec's example with the object's current values.
fn put_body(op: &rampart_engine::Endpoint, object: &Map<String, Value>) -> Map<String, Value> {
    let mut body = json_body(op).cloned().unwrap_or_default();
    for (k, v) in body.iter_mut() {
        if let Some(current) = object.get(k) {
            *v = current.clone();
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_number_is_changed_before_a_string_and_ids_never() {
        let body = map(json!({"note": "x", "quantity": 1, "sku_id": 4}));
        let object = map(json!({"id": "a", "note": "gift", "quantity": 3, "sku_id": 4}));
        let (field, before, after) = changeable(Some(&body), &object).unwrap();
        assert_eq!((field.as_str(), before, after), ("quantity", json!(3), json!(4)));
        let body = map(json!({"note": "x"}));
        assert_eq!(changeable(Some(&body), &object).unwrap().2, json!("gift-rampart"));
        assert!(changeable(Some(&map(json!({"sku_id": 1}))), &object).is_none());
    }
}
