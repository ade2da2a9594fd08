//! PROP-003: a write accepts a property the spec marks readOnly (mass assignment).
//!
//! Without `--active`: an info "surface" finding listing the write operations
//! whose request schema includes readOnly properties. With `--active`: the
//! object is read (control), a PATCH/PUT changes one readOnly property, and a
//! second read shows the new value; the old value is then written back.

use super::OWASP;
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Confidence, Finding, Rule, Severity};
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
};

/// Write operations tried with `--active`.
const MAX_OPS: usize = 5;
/// Requests per operation: read, write, read again, write back.
const PER_OP: u64 = 4;
/// readOnly properties tried first: the ones that grant privileges.
const PRIVILEGED: &[&str] = &[
    "role",
    "roles",
    "is_admin",
    "isAdmin",
    "admin",
    "is_superuser",
    "is_staff",
    "permissions",
];

#[async_trait]
impl Check for MassAssignment {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, cfg: &ScanConfig) -> u64 {
        if cfg.active { MAX_OPS as u64 * PER_OP } else { 0 }
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let writes: Vec<&Operation> = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|op| matches!(op.method.as_str(), "PATCH" | "PUT"))
            .filter(|op| op.body.as_ref().is_some_and(|b| !b.read_only.is_empty()))
            .collect();
        if writes.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no PATCH/PUT operation declares readOnly properties (needs a spec)".into(),
            ));
        }
        if !ctx.config.active {
            return Ok(Outcome::Findings(vec![surface(&writes)]));
        }
        let Some(auth) = ctx.auth_headers().await? else {
            return Ok(Outcome::NotApplicable("needs credentials to write an object".into()));
        };
        let mut findings = Vec::new();
        for op in writes.into_iter().take(MAX_OPS) {
            if let Some(f) = attempt(ctx, op, &auth).await? {
                findings.push(f);
            }
        }
        Ok(Outcome::Findings(findings))
    }
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
    let f = web::finding(&RULE, Confidence::Confirmed, op, description).with_variant(&prop);
    Ok(Some(f.with_evidence(evidence)))
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
    props.into_iter().find_map(|p| {
        let old = object.get(p.as_str())?.clone();
        let new = changed(p, &old)?;
        Some((p.clone(), old, new))
    })
}

/// A different value of the same type: `admin` for a role, the negation of a flag, a marked string, n + 1.
fn changed(prop: &str, old: &Value) -> Option<Value> {
    match old {
        Value::Bool(b) => Some(Value::Bool(!b)),
        Value::String(s) if prop.to_ascii_lowercase().contains("role") && s != "admin" => Some(Value::from("admin")),
        Value::String(s) => Some(Value::from(format!("{s}-rampart"))),
        Value::Number(n) => n.as_i64().map(|n| Value::from(n + 1)),
        _ => None,
    }
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
}
