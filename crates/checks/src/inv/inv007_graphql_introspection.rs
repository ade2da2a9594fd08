//! INV-007: a GraphQL endpoint answers introspection.
//!
//! Candidates: inventory operations whose path names GraphQL, and `/graphql`
//! and `/api/graphql` under the target. Each gets an introspection query (a
//! read: a `query`, never a `mutation`) as a JSON POST; the schema in the
//! answer is the finding, and a query for a field that does not exist must
//! come back as a GraphQL error (the control: a real GraphQL server, not a
//! page that answers everything alike).

use super::OWASP;
use crate::web::{self, send_or_skip};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Finding, Proof, Rule, Severity};
use serde_json::{Value, json};
use url::Url;

pub struct GraphqlIntrospection;

static RULE: Rule = Rule {
    id: "INV-007",
    title: "GraphQL introspection enabled",
    category: Category::Inventory,
    severity: Severity::Low,
    cwe: &[200],
    owasp: OWASP,
    summary: "The GraphQL endpoint answers introspection queries: anyone can read the whole schema, every type, field, argument and mutation, internal and deprecated ones included, and aim attacks at them.",
    remediation: "Disable introspection in production (Apollo Server `introspection: false`, graphene/strawberry and graphql-java validation rules that reject `__schema`), or allow it only to authenticated developers.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#introspection-graphiql",
        "https://cwe.mitre.org/data/definitions/200.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /graphql",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "POST /graphql answered an introspection query with the schema: 17 types (Query, Mutation, User, Order, OrderItem, String, Int, Boolean, ID, Float…). A query for a field that does not exist came back as a GraphQL error (control).",
        evidence: &[
            Proof {
                request: "POST /graphql",
                headers: &["Content-Type: application/json"],
                body: Some(
                    r#"{"query":"query RampartIntrospection { __schema { queryType { name } mutationType { name } types { name } } }"}"#,
                ),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"data":{"__schema":{"queryType":{"name":"Query"},"mutationType":{"name":"Mutation"},"types":[{"name":"Query"},{"name":"Mutation"},{"name":"User"},{"name":"Order"}]}}}"#,
                note: "introspection query: the schema in the answer",
            },
            Proof {
                request: "POST /graphql",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"query":"query RampartControl { rampartNoSuchField }"}"#),
                status: 400,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"errors":[{"message":"Cannot query field \"rampartNoSuchField\" on type \"Query\"."}]}"#,
                note: "control: an unknown field gives a GraphQL error",
            },
        ],
    }],
};

/// Most endpoints tried.
const MAX_CANDIDATES: usize = 4;
const INTROSPECTION: &str =
    "query RampartIntrospection { __schema { queryType { name } mutationType { name } types { name } } }";
const CONTROL: &str = "query RampartControl { rampartNoSuchField }";

#[async_trait]
impl Check for GraphqlIntrospection {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        2 * MAX_CANDIDATES as u64
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut findings = Vec::new();
        for url in candidates(ctx) {
            let Some(schema) = send_or_skip(ctx, &query(&url, INTROSPECTION)).await? else {
                continue;
            };
            let Some(types) = web::json(&schema).and_then(|v| type_names(&v)) else {
                continue;
            };
            let Some(control) = send_or_skip(ctx, &query(&url, CONTROL)).await? else {
                continue;
            };
            if !web::json(&control).is_some_and(|v| v.get("errors").is_some_and(Value::is_array)) {
                continue;
            }
            let shown: Vec<&str> = types
                .iter()
                .filter(|t| !t.starts_with("__"))
                .take(10)
                .map(String::as_str)
                .collect();
            let description = format!(
                "POST {} answered an introspection query with the schema: {} types ({}…). A query for a field that does not exist came back as a GraphQL error (control).",
                url.path(),
                types.len(),
                shown.join(", ")
            );
            let evidence = vec![
                schema.exchange.noted("introspection query: the schema in the answer"),
                control
                    .exchange
                    .noted("control: an unknown field gives a GraphQL error"),
            ];
            let endpoint = Endpoint {
                method: "POST".into(),
                url: url.to_string(),
            };
            findings.push(Finding::new(&RULE, Confidence::Confirmed, endpoint, description).with_evidence(evidence));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// Operations named like GraphQL, then `/graphql` and `/api/graphql` under the target.
fn candidates(ctx: &Context<'_>) -> Vec<Url> {
    let target = &ctx.config.target;
    let base = target.path().trim_end_matches('/');
    let mut out: Vec<Url> = ctx
        .inventory
        .endpoints
        .iter()
        .filter(|e| e.path.to_ascii_lowercase().contains("graphql"))
        .map(|e| e.url.clone())
        .collect();
    for path in ["/graphql", "/api/graphql"] {
        let mut url = target.clone();
        url.set_query(None);
        url.set_path(&format!("{base}{path}"));
        out.push(url);
    }
    let mut seen = Vec::new();
    out.retain(|u| {
        let key = u.path().trim_end_matches('/').to_string();
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    out.truncate(MAX_CANDIDATES);
    out
}

fn query(url: &Url, text: &str) -> Request {
    let mut url = url.clone();
    url.set_query(None);
    Request::new("POST", url).json(&json!({ "query": text }))
}

/// The type names of an introspection answer.
fn type_names(answer: &Value) -> Option<Vec<String>> {
    let types = answer.pointer("/data/__schema/types")?.as_array()?;
    let names: Vec<String> = types
        .iter()
        .filter_map(|t| t.get("name")?.as_str().map(str::to_string))
        .collect();
    (!names.is_empty()).then_some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_introspection_answer_gives_type_names() {
        let answer = json!({"data": {"__schema": {"queryType": {"name": "Query"}, "types": [{"name": "Query"}, {"name": "User"}, {"name": "__Type"}]}}});
        assert_eq!(type_names(&answer).unwrap(), ["Query", "User", "__Type"]);
        assert!(type_names(&json!({"errors": [{"message": "introspection is disabled"}]})).is_none());
        assert!(type_names(&json!({"data": null})).is_none());
    }
}
