//! DATA-004: stack traces or framework debug pages in responses, seen in the
//! answers the scan holds or provoked by a malformed parameter value.

use super::{Leak, OWASP, passive, stack_trace};
use crate::examples::order;
use crate::web;
use async_trait::async_trait;
use rampart_engine::inventory::{Location, Param};
use rampart_engine::{Check, Context, Endpoint as Operation, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};
use url::Url;

pub struct StackTrace;

static RULE: Rule = Rule {
    id: "DATA-004",
    title: "Stack trace or framework error page",
    category: Category::DataExposure,
    severity: Severity::Medium,
    cwe: &[209],
    owasp: OWASP,
    summary: "An error answer shows a stack trace or the framework's debug page: source paths, code, library versions and sometimes settings, which map the application for an attacker.",
    remediation: "Turn debug mode off in production and return a generic error body; log the details on the server instead.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/",
        "https://cwe.mitre.org/data/definitions/209.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/orders/1002",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/orders/{id} answered a malformed parameter value ('\") with a Python traceback.",
        evidence: &[
            Proof {
                request: "GET /api/v1/orders/%27%22",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 500,
                response_headers: &["Content-Type: text/plain; charset=utf-8"],
                response_body: "Traceback (most recent call last):\n  File \"/app/api/orders.py\", line 42, in get_order\n    order_id = int(order_id)\nValueError: invalid literal for int() with base 10: '\\'\"'",
                note: "Python traceback provoked by '\"",
            },
            order("control: the example value gives no stack trace"),
        ],
    }],
};

/// The malformed value sent in one parameter: quotes break naive parsers and queries.
const MALFORMED: &str = "'\"";
/// Most operations probed with a malformed value.
const MAX_PROBES: usize = 10;
/// Operations considered for probing.
const MAX_OPERATIONS: usize = 50;

#[async_trait]
impl Check for StackTrace {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        MAX_PROBES as u64
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut findings = passive(ctx, &RULE, |o| {
            let framework = stack_trace(&o.text())?;
            Some(Leak {
                what: format!("a {framework}"),
                masks: Vec::new(),
            })
        });
        let probes: Vec<_> = ctx
            .inventory
            .endpoints
            .iter()
            .enumerate()
            .take(MAX_OPERATIONS)
            .filter(|(_, op)| op.method == "GET")
            .filter_map(|(i, op)| Some((i, op, malformed_url(op)?)))
            .filter(|(_, op, _)| !findings.iter().any(|f| f.endpoint.url == op.url.as_str()))
            .take(MAX_PROBES)
            .collect();
        if probes.is_empty() {
            return Ok(Outcome::Findings(findings));
        }
        let auth = ctx.auth_headers().await?.unwrap_or_default();
        let mut provoked = Vec::new();
        for (index, op, url) in probes {
            let Some(resp) = web::send_or_skip(ctx, &web::authed_get(url, &auth)).await? else {
                continue;
            };
            let Some(framework) = stack_trace(&resp.text()) else {
                continue;
            };
            let control = ctx.surveyed(index).and_then(|s| s.responses().last().cloned());
            let clean = control.as_ref().is_some_and(|c| stack_trace(&c.text()).is_none());
            let description = format!(
                "{} answered a malformed parameter value ({MALFORMED}) with a {framework}.",
                op.label()
            );
            let mut evidence = vec![resp.exchange.noted(format!("{framework} provoked by {MALFORMED}"))];
            if let Some(c) = control.filter(|_| clean) {
                evidence.push(c.exchange.noted("control: the example value gives no stack trace"));
            }
            let confidence = if clean { Confidence::Confirmed } else { Confidence::Firm };
            provoked.push(web::finding(&RULE, confidence, op, description).with_evidence(evidence));
        }
        findings.extend(provoked);
        Ok(Outcome::Findings(findings))
    }
}

/// The operation's URL with [`MALFORMED`] in its first query parameter, else its first path parameter.
fn malformed_url(op: &Operation) -> Option<Url> {
    let query = op.params.iter().find(|p| p.location == Location::Query);
    let path = op.params.iter().find(|p| p.location == Location::Path);
    match (query, path) {
        (Some(p), _) => Some(web::with_query(&op.url, &p.name, MALFORMED)),
        (None, Some(p)) => with_path_param(op, p, MALFORMED),
        (None, None) => None,
    }
}

/// The operation's URL with path parameter `param` replaced by `value`.
fn with_path_param(op: &Operation, param: &Param, value: &str) -> Option<Url> {
    let template: Vec<&str> = op.path.split('/').collect();
    let segments: Vec<&str> = op.url.path().split('/').collect();
    if template.len() != segments.len() {
        return None;
    }
    let slot = format!("{{{}}}", param.name);
    let at = template.iter().position(|s| *s == slot)?;
    let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let path: Vec<&str> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| if i == at { encoded.as_str() } else { s })
        .collect();
    let mut url = op.url.clone();
    url.set_path(&path.join("/"));
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(path: &str, url: &str, params: &[(&str, Location)]) -> Operation {
        let mut op = Operation::get(Url::parse(url).unwrap());
        op.path = path.into();
        op.params = params
            .iter()
            .map(|(name, location)| Param {
                name: name.to_string(),
                location: *location,
                required: true,
                kind: None,
                format: None,
                example: "1".into(),
            })
            .collect();
        op
    }

    #[test]
    fn malformed_values_go_in_query_then_path() {
        let search = op(
            "/api/search",
            "http://h/api/search?q=x&page=2",
            &[("q", Location::Query)],
        );
        assert_eq!(
            malformed_url(&search).unwrap().as_str(),
            "http://h/api/search?page=2&q=%27%22"
        );
        let user = op("/api/users/{id}", "http://h/api/users/1", &[("id", Location::Path)]);
        assert_eq!(malformed_url(&user).unwrap().as_str(), "http://h/api/users/%27%22");
        assert!(malformed_url(&op("/api/x", "http://h/api/x", &[])).is_none());
    }
}
