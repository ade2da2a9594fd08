//! BFLA-003: responses carry role or permission fields (passive, one finding
//! for the whole scan). Clients that read them tend to enforce authorization
//! client-side, and writable copies invite mass assignment.

use super::OWASP;
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Exchange, Finding, Proof, Rule, Severity};
use serde_json::Value;

pub struct RoleFields;

static RULE: Rule = Rule {
    id: "BFLA-003",
    title: "Role or permission fields in responses",
    category: Category::Bfla,
    severity: Severity::Low,
    cwe: &[213],
    owasp: OWASP,
    summary: "API responses expose authorization data (role, is_admin, permissions, scopes). It tells attackers which accounts to target and which fields to try to overwrite, and suggests authorization decisions are made by clients.",
    remediation: "Leave role and permission fields out of responses that do not need them (use response schemas/serializers that list fields explicitly), and never trust such fields when sent back.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/",
        "https://cwe.mitre.org/data/definitions/213.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/me",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "2 responses carry role or permission fields: https://api.example.com/api/v1/me (is_admin, role); https://api.example.com/api/v1/users (permissions, role).",
        evidence: &[Proof {
            request: "GET /api/v1/me",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"id":1,"username":"alice","role":"user","is_admin":false}"#,
            note: "a response with role or permission fields",
        }],
    }],
};

/// Keys that carry authorization data.
const ROLE_KEYS: &[&str] = &[
    "role",
    "roles",
    "is_admin",
    "isAdmin",
    "permissions",
    "scopes",
    "is_superuser",
    "isSuperuser",
    "is_staff",
];
/// Keys that make an object a user or principal.
const IDENTITY_KEYS: &[&str] = &["id", "user_id", "userId", "username", "email", "sub", "login"];
/// Endpoints named in the description.
const SHOWN: usize = 5;
/// Bounds of the JSON walk.
const MAX_DEPTH: usize = 8;
const MAX_ITEMS: usize = 200;
const MAX_KEYS: usize = 100;

#[async_trait]
impl Check for RoleFields {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let answers = ctx.survey.iter().flat_map(|s| s.responses());
        let mut hits: Vec<(&Exchange, Vec<String>)> = Vec::new();
        for resp in answers {
            let keys = role_keys(resp);
            let seen = hits.iter().any(|(e, _)| e.request.url == resp.exchange.request.url);
            if !keys.is_empty() && !seen {
                hits.push((&resp.exchange, keys));
            }
        }
        let flow_page = ctx.driver.and_then(|d| d.baseline().logged_in.exchanges.last());
        if let Some(page) = flow_page.filter(|p| !hits.iter().any(|(e, _)| e.request.url == p.request.url)) {
            let keys = keys_in(&page.response.body);
            if !keys.is_empty() {
                hits.push((page, keys));
            }
        }
        let Some((first, _)) = hits.first() else {
            return Ok(no_hits(ctx));
        };
        let listed: Vec<String> = hits
            .iter()
            .take(SHOWN)
            .map(|(e, keys)| format!("{} ({})", e.request.url, keys.join(", ")))
            .collect();
        let description = format!(
            "{} responses carry role or permission fields: {}.",
            hits.len(),
            listed.join("; ")
        );
        let endpoint = Endpoint {
            method: first.request.method.clone(),
            url: first.request.url.clone(),
        };
        let evidence = (*first).clone().noted("a response with role or permission fields");
        let f = Finding::new(&RULE, Confidence::Firm, endpoint, description);
        Ok(Outcome::Findings(vec![f.with_evidence(vec![evidence])]))
    }
}

/// Nothing found: passed when some JSON was inspected, else not applicable.
fn no_hits(ctx: &Context<'_>) -> Outcome {
    let json = ctx
        .survey
        .iter()
        .flat_map(|s| s.responses())
        .any(|r| web::has_content(r) && web::json(r).is_some());
    if json {
        Outcome::Findings(Vec::new())
    } else {
        Outcome::NotApplicable("no JSON response to inspect".into())
    }
}

fn role_keys(resp: &Response) -> Vec<String> {
    if !web::has_content(resp) {
        return Vec::new();
    }
    keys_in(&resp.text())
}

/// The role keys (dotted paths) of a JSON body. `role`/`roles` count only beside an identity
/// field (id, username, email…): a chat message's `role` is no authorization data.
fn keys_in(body: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_str(body) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&value, "", 0, &mut out);
    out.sort();
    out.dedup();
    out
}

fn walk(value: &Value, prefix: &str, depth: usize, out: &mut Vec<String>) {
    if depth > MAX_DEPTH || out.len() >= MAX_KEYS {
        return;
    }
    match value {
        Value::Object(map) => {
            let principal = IDENTITY_KEYS.iter().any(|k| map.contains_key(*k));
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                let needs_principal = matches!(k.as_str(), "role" | "roles");
                if ROLE_KEYS.contains(&k.as_str()) && (principal || !needs_principal) {
                    out.push(path.clone());
                }
                walk(v, &path, depth + 1, out);
            }
        }
        Value::Array(items) => items
            .iter()
            .take(MAX_ITEMS)
            .for_each(|v| walk(v, prefix, depth + 1, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::keys_in;

    #[test]
    fn finds_role_keys_at_any_depth() {
        assert_eq!(
            keys_in(r#"{"id":1,"role":"user","team":{"permissions":[]}}"#),
            ["role", "team.permissions"]
        );
        assert_eq!(keys_in(r#"[{"id":1,"is_admin":false}]"#), ["is_admin"]);
        assert!(keys_in(r#"{"id":1,"name":"roles are fun","roleplay":true}"#).is_empty());
        assert!(keys_in("<html>role</html>").is_empty());
    }
}
