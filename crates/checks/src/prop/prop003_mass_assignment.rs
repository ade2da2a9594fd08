//! PROP-003: a write accepts a property the client may not set (mass assignment).
//!
//! Without `--active`: an info "surface" finding listing the write operations
//! whose request schema includes readOnly properties. With `--active`, two
//! probes, each writing only what the scan's user owns or created:
//! - on the caller's own account (`/users/me`-like paths): the object is read
//!   (control), a PATCH/PUT changes one readOnly property, a second read shows
//!   the new value, and the old value is written back;
//! - on objects the scan creates: a control object from the spec's body, then
//!   one that also sets the properties the server's object has and the request
//!   schema does not declare (`status`, `role`, `is_admin`…) to other values;
//!   reading both back shows which values stuck. Both are deleted.

use super::OWASP;
use crate::objects::{self, Collection};
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Confidence, Example, Exchange, Finding, Proof, Rule, Severity};
use serde_json::{Map, Value};

pub struct MassAssignment;

static RULE: Rule = Rule {
    id: "PROP-003",
    title: "readOnly property accepted on write (mass assignment)",
    category: Category::PropertyAuthorization,
    severity: Severity::High,
    cwe: &[915],
    owasp: OWASP,
    summary: "A write operation copies client-supplied properties onto the object without an allow-list, so a caller can set fields the API documents as read-only (role, is_admin, owner…) and escalate privileges.",
    remediation: "Bind request bodies to input models that list exactly the writable fields (reject or ignore the rest); never update records from the raw body.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
        "https://cwe.mitre.org/data/definitions/915.html",
    ],
    needs: &[],
    variants: &["surface", "update", "create"],
    examples: &[Example {
        endpoint: "PATCH /api/v1/me",
        variant: Some("update"),
        instance: Some("role"),
        confidence: Confidence::Confirmed,
        description: "PATCH /api/v1/me accepted the readOnly property role: it was \"user\" (read before, control), the PATCH set it to \"admin\", and the next read showed \"admin\". rampart wrote \"user\" back (status 200).",
        evidence: &[
            Proof {
                request: "GET /api/v1/me",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1,"username":"alice","email":"alice@example.com","role":"user"}"#,
                note: "control: role before the write",
            },
            Proof {
                request: "PATCH /api/v1/me",
                headers: &["Authorization: Bearer [redacted]", "Content-Type: application/json"],
                body: Some(r#"{"role":"admin"}"#),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1,"username":"alice","email":"alice@example.com","role":"admin"}"#,
                note: "attack: the PATCH sets readOnly role",
            },
            Proof {
                request: "GET /api/v1/me",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1,"username":"alice","email":"alice@example.com","role":"admin"}"#,
                note: "the read after the write shows the new role",
            },
        ],
    }],
};

/// Writes to the caller's own account tried with `--active`.
const MAX_OPS: usize = 5;
/// Requests per operation: read, write, read again, write back.
const PER_OP: u64 = 4;
/// Collections where objects are created.
const MAX_COLLECTIONS: usize = 3;
/// Undeclared properties tried one by one when the server refuses them together.
const MAX_FIELDS: usize = 3;
/// Requests per collection: two creates with their reads and deletes, then
/// each property alone (create, read, delete).
const PER_COLLECTION: u64 = 6 + MAX_FIELDS as u64 * 3;
/// Properties that grant privileges: a finding on them is high, on others medium.
const PRIVILEGED: &[&str] = &[
    "role",
    "roles",
    "is_admin",
    "isAdmin",
    "admin",
    "is_superuser",
    "is_staff",
    "permissions",
    "status",
    "verified",
    "approved",
    "balance",
    "credit",
    "price",
    "paid",
];

#[async_trait]
impl Check for MassAssignment {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, cfg: &ScanConfig) -> u64 {
        if cfg.active {
            MAX_OPS as u64 * PER_OP + MAX_COLLECTIONS as u64 * PER_COLLECTION
        } else {
            0
        }
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let writes: Vec<&Operation> = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|op| matches!(op.method.as_str(), "PATCH" | "PUT"))
            .filter(|op| op.body.as_ref().is_some_and(|b| !b.read_only.is_empty()))
            .collect();
        if !ctx.config.active {
            return Ok(match writes.is_empty() {
                true => Outcome::NotApplicable(
                    "no PATCH/PUT operation declares readOnly properties (needs a spec); objects the scan creates need --active".into(),
                ),
                false => Outcome::Findings(vec![surface(&writes)]),
            });
        }
        let Some(auth) = ctx.auth_headers().await? else {
            return Ok(Outcome::NotApplicable("needs credentials to write an object".into()));
        };
        let own: Vec<&Operation> = writes
            .into_iter()
            .filter(|op| is_own_account(op))
            .take(MAX_OPS)
            .collect();
        let collections: Vec<Collection<'_>> = objects::collections(ctx).into_iter().take(MAX_COLLECTIONS).collect();
        if own.is_empty() && collections.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no write to the caller's own account declares readOnly properties, and no collection where the scan can create and delete an object".into(),
            ));
        }
        let mut findings = Vec::new();
        for op in own {
            findings.extend(attempt(ctx, op, &auth).await?);
        }
        for collection in &collections {
            findings.extend(undeclared(ctx, collection, &auth).await?);
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The write changes the caller's own account (`/users/me`, `/profile`…), the
/// only existing object the probe may change (and it writes the old value back).
fn is_own_account(op: &Operation) -> bool {
    let last = op.path.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    crate::bola::identity::SELF_PATHS.contains(&last.to_ascii_lowercase().as_str())
}

/// The info finding that lists where mass assignment could be tried.
fn surface(writes: &[&Operation]) -> Finding {
    let listed: Vec<String> = writes
        .iter()
        .map(|op| {
            format!(
                "{} ({})",
                op.label(),
                op.body.as_ref().map(|b| b.read_only.join(", ")).unwrap_or_default()
            )
        })
        .collect();
    let description = format!(
        "Write operations whose request schema includes readOnly properties: {}. Run with --active to test whether the server accepts them.",
        listed.join("; ")
    );
    web::finding(&RULE, Confidence::Tentative, writes[0], description)
        .with_severity(Severity::Info)
        .with_variant("surface")
}

/// Read, change one readOnly property, read again; write the old value back when it changed.
async fn attempt(ctx: &Context<'_>, op: &Operation, auth: &[(String, String)]) -> Result<Option<Finding>, Error> {
    let Some(read) = ctx
        .inventory
        .endpoints
        .iter()
        .find(|e| e.method == "GET" && e.path == op.path)
    else {
        return Ok(None);
    };
    let send = |req: Request| {
        let mut req = req;
        req.headers.extend(auth.iter().cloned());
        async move { ctx.layer.send(&req).await }
    };
    let before = send(Request::get(read.url.clone())).await?;
    let Some(object) = json_object(&before) else {
        return Ok(None);
    };
    let read_only = op.body.as_ref().map(|b| b.read_only.as_slice()).unwrap_or_default();
    let Some((prop, old, new)) = pick(read_only, &object) else {
        return Ok(None);
    };
    let body = |value: &Value| write_body(op, &object, &prop, value);
    let write = send(Request::new(&op.method, op.url.clone()).json(&body(&new))).await?;
    let after = send(Request::get(read.url.clone())).await?;
    if json_object(&after).and_then(|o| o.get(&prop).cloned()) != Some(new.clone()) {
        return Ok(None);
    }
    let restore = send(Request::new(&op.method, op.url.clone()).json(&body(&old))).await?;
    let description = format!(
        "{} accepted the readOnly property {prop}: it was {old} (read before, control), the {} set it to {new}, and the next read showed {new}. rampart wrote {old} back (status {}).",
        op.label(),
        op.method,
        restore.status
    );
    let evidence = vec![
        before.exchange.noted(format!("control: {prop} before the write")),
        write
            .exchange
            .noted(format!("attack: the {} sets readOnly {prop}", op.method)),
        after
            .exchange
            .noted(format!("the read after the write shows the new {prop}")),
    ];
    let f = web::finding(&RULE, Confidence::Confirmed, op, description)
        .with_variant("update")
        .with_instance(&prop);
    Ok(Some(f.with_evidence(evidence)))
}

/// Create a control object, then one that also sets the undeclared properties
/// the control shows to other values (each alone when the server refuses them
/// together), and read which values stuck. Every object is deleted again.
async fn undeclared(
    ctx: &Context<'_>,
    collection: &Collection<'_>,
    auth: &[(String, String)],
) -> Result<Option<Finding>, Error> {
    let Some(control) = collection.create(ctx, RULE.id, auth, &Map::new()).await? else {
        return Ok(None);
    };
    let declared: Vec<&str> = collection
        .create
        .body
        .iter()
        .flat_map(|b| &b.properties)
        .filter_map(|p| p.split('.').next())
        .collect();
    let extra: Map<String, Value> = control
        .object
        .iter()
        .filter(|(k, v)| !declared.contains(&k.as_str()) && settable(k, v))
        .filter_map(|(k, v)| Some((k.clone(), objects::other_value(k, v)?)))
        .collect();
    if extra.is_empty() {
        collection.remove(ctx, &control, auth).await?;
        return Ok(None);
    }
    let mut tries = vec![extra];
    let mut found = None;
    while let Some(sent) = tries.pop() {
        let Some(attack) = collection.create(ctx, RULE.id, auth, &sent).await? else {
            if sent.len() > 1 {
                let alone = sent
                    .iter()
                    .take(MAX_FIELDS)
                    .map(|(k, v)| Map::from_iter([(k.clone(), v.clone())]));
                tries.extend(alone);
            }
            continue;
        };
        let stuck: Vec<&String> = sent
            .iter()
            .filter(|(k, v)| attack.object.get(*k) == Some(*v) && control.object.get(*k) != Some(*v))
            .map(|(k, _)| k)
            .collect();
        if !stuck.is_empty() && found.is_none() {
            found = Some(created_finding(collection, &control, &attack, &stuck));
        }
        collection.remove(ctx, &attack, auth).await?;
    }
    collection.remove(ctx, &control, auth).await?;
    Ok(found)
}

/// A property the probe may set: a scalar that is neither an id nor a timestamp.
fn settable(name: &str, value: &Value) -> bool {
    let lower = name.to_ascii_lowercase();
    let timestamp = lower.ends_with("_at") || name.ends_with("At") || lower.contains("date") || lower.contains("time");
    let dated = value
        .as_str()
        .is_some_and(|s| s.len() >= 10 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) && s.as_bytes()[4] == b'-');
    let link = matches!(lower.as_str(), "url" | "href" | "self" | "link");
    !crate::bola::ids::is_id_name(name)
        && !timestamp
        && !dated
        && !link
        && (value.is_boolean() || value.is_number() || value.is_string())
}

fn created_finding(
    collection: &Collection<'_>,
    control: &objects::Created,
    attack: &objects::Created,
    stuck: &[&String],
) -> Finding {
    let values: Vec<String> = stuck
        .iter()
        .map(|k| {
            let was = control.object.get(*k).map(Value::to_string).unwrap_or_default();
            let now = attack.object.get(*k).map(Value::to_string).unwrap_or_default();
            format!("{k} {now} (the control object has {was})")
        })
        .collect();
    let privileged = stuck.iter().any(|k| PRIVILEGED.contains(&k.as_str()));
    let description = format!(
        "{} stored properties its request schema does not declare: {}. rampart created two objects, a control from the documented body and one that also set these properties, and read both back. Both were rampart's own and are deleted.",
        collection.create.label(),
        values.join("; ")
    );
    let mut evidence: Vec<Exchange> = control
        .evidence
        .iter()
        .map(|e| e.clone().noted("control: created from the documented body, read back"))
        .collect();
    evidence.extend(attack.evidence.iter().map(|e| {
        e.clone()
            .noted("attack: created with the undeclared properties, read back")
    }));
    let f = web::finding(&RULE, Confidence::Confirmed, collection.create, description).with_variant("create");
    let f = if privileged {
        f
    } else {
        f.with_severity(Severity::Medium)
    };
    f.with_evidence(evidence)
}

fn json_object(resp: &Response) -> Option<Map<String, Value>> {
    if !web::has_content(resp) {
        return None;
    }
    web::json(resp)?.as_object().cloned()
}

/// The readOnly property to change (privileged ones first, never ids) with its old and new value.
fn pick(read_only: &[String], object: &Map<String, Value>) -> Option<(String, Value, Value)> {
    let mut props: Vec<&String> = read_only
        .iter()
        .filter(|p| !p.contains('.') && !crate::bola::ids::is_id_name(p))
        .collect();
    props.sort_by_key(|p| !PRIVILEGED.contains(&p.as_str()));
    objects::changes(props.into_iter(), object).next()
}

/// PATCH sends only the property; PUT sends the object as read with the property changed.
fn write_body(op: &Operation, object: &Map<String, Value>, prop: &str, value: &Value) -> Value {
    let mut body = if op.method == "PUT" { object.clone() } else { Map::new() };
    body.insert(prop.to_string(), value.clone());
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prefers_privileged_properties_and_never_ids() {
        let object = json!({"id": 1, "created_at": "2024-01-01", "role": "user", "is_admin": false});
        let object = object.as_object().unwrap();
        let props = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (prop, old, new) = pick(&props(&["id", "created_at", "role"]), object).unwrap();
        assert_eq!((prop.as_str(), old, new), ("role", json!("user"), json!("admin")));
        assert_eq!(pick(&props(&["is_admin"]), object).unwrap().2, json!(true));
        assert_eq!(
            pick(&props(&["created_at"]), object).unwrap().2,
            json!("2024-01-01-rampart")
        );
        assert!(pick(&props(&["id", "missing"]), object).is_none());
    }

    #[test]
    fn ids_timestamps_and_links_are_never_set() {
        assert!(settable("status", &json!("placed")));
        assert!(settable("is_admin", &json!(false)));
        assert!(settable("quantity", &json!(1)));
        for (name, value) in [
            ("id", json!("9f1c")),
            ("owner_id", json!(3)),
            ("placed_at", json!("x")),
            ("createdAt", json!("x")),
            ("when", json!("2025-03-02T10:15:00Z")),
            ("url", json!("https://x/orders/1")),
            ("items", json!([1])),
        ] {
            assert!(!settable(name, &value), "{name}");
        }
    }
}
