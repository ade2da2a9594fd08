//! INPUT-005: OPTIONS advertises writing methods the spec does not declare.

use super::OWASP;
use crate::web::{endpoint, send_or_skip};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Need, Proof, Rule, Severity};
use std::collections::BTreeMap;

pub struct UndeclaredMethods;

static RULE: Rule = Rule {
    id: "INPUT-005",
    title: "Undeclared methods advertised",
    category: Category::InputValidation,
    severity: Severity::Low,
    cwe: &[650],
    owasp: OWASP,
    summary: "OPTIONS on a path lists writing methods (PUT, DELETE, PATCH) that the API description does not declare for it: undocumented handlers that escape review and often authorisation.",
    remediation: "Remove the handlers nobody documented, or document them and give them the same authorisation as the rest of the API.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://cwe.mitre.org/data/definitions/650.html",
    ],
    needs: &[Need::Spec],
    variants: &[],
    examples: &[Example {
        endpoint: "OPTIONS /api/v1/orders/1002",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "OPTIONS https://api.example.com/api/v1/orders/1002 advertises Allow: GET, PATCH, DELETE, HEAD, OPTIONS although the spec declares only GET, PATCH for /api/v1/orders/{id}.",
        evidence: &[Proof {
            request: "OPTIONS /api/v1/orders/1002",
            headers: &[],
            body: None,
            status: 204,
            response_headers: &["Allow: GET, PATCH, DELETE, HEAD, OPTIONS"],
            response_body: "",
            note: "Allow lists DELETE",
        }],
    }],
};

/// Most paths asked with OPTIONS.
const MAX_PATHS: usize = 20;
/// Methods whose undeclared presence matters.
const WRITING: &[&str] = &["PUT", "DELETE", "PATCH"];

#[async_trait]
impl Check for UndeclaredMethods {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        MAX_PATHS as u64
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut findings = Vec::new();
        for (op, declared) in paths(&ctx.inventory.endpoints).into_iter().take(MAX_PATHS) {
            let options = Request::new("OPTIONS", op.url.clone()).anonymous();
            let Some(resp) = send_or_skip(ctx, &options).await? else {
                continue;
            };
            let extra = undeclared(resp.header("allow").unwrap_or_default(), &declared);
            if extra.is_empty() {
                continue;
            }
            let description = format!(
                "OPTIONS {} advertises Allow: {} although the spec declares only {} for {}.",
                op.url,
                resp.header("allow").unwrap_or_default(),
                declared.join(", "),
                op.path
            );
            let evidence = resp.exchange.noted(format!("Allow lists {}", extra.join(", ")));
            let mut at = endpoint(op);
            at.method = "OPTIONS".into();
            findings.push(Finding::new(&RULE, Confidence::Firm, at, description).with_evidence(vec![evidence]));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// Each path template once, with a representative operation and every method the spec declares for it.
fn paths(ops: &[Operation]) -> Vec<(&Operation, Vec<String>)> {
    let mut by_path: BTreeMap<&str, (usize, &Operation, Vec<String>)> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        let entry = by_path.entry(op.path.as_str()).or_insert((i, op, Vec::new()));
        entry.2.push(op.method.to_ascii_uppercase());
    }
    let mut out: Vec<_> = by_path.into_values().collect();
    out.sort_by_key(|(i, _, _)| *i);
    out.into_iter().map(|(_, op, methods)| (op, methods)).collect()
}

/// Writing methods in an `Allow` header value that `declared` does not contain.
fn undeclared(allow: &str, declared: &[String]) -> Vec<String> {
    let mut out: Vec<String> = allow
        .split(',')
        .map(|m| m.trim().to_ascii_uppercase())
        .filter(|m| WRITING.contains(&m.as_str()) && !declared.contains(m))
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    #[test]
    fn only_undeclared_writing_methods_count() {
        let declared = vec!["GET".to_string(), "PATCH".to_string()];
        assert_eq!(undeclared("GET, PATCH, DELETE, HEAD, OPTIONS", &declared), ["DELETE"]);
        assert_eq!(undeclared("get,put", &declared), ["PUT"]);
        assert!(undeclared("GET, HEAD, PATCH", &declared).is_empty());
        assert!(undeclared("", &declared).is_empty());
    }

    #[test]
    fn paths_group_methods_in_spec_order() {
        let op = |m: &str, p: &str| {
            let mut o = Operation::get(Url::parse(&format!("http://h{p}")).unwrap());
            o.method = m.into();
            o
        };
        let ops = [op("GET", "/b"), op("GET", "/a"), op("PATCH", "/b")];
        let grouped: Vec<_> = paths(&ops).into_iter().map(|(o, m)| (o.path.clone(), m)).collect();
        assert_eq!(
            grouped,
            [
                ("/b".to_string(), vec!["GET".to_string(), "PATCH".to_string()]),
                ("/a".to_string(), vec!["GET".to_string()])
            ]
        );
    }
}
