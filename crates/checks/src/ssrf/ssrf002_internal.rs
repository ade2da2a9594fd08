//! SSRF-002: content of an internal address comes back in the answer.
//!
//! Proof: a URL-taking input gets `http://127.0.0.1:<target port>/<a page the
//! target serves>` (and the cloud metadata URL); the answer contains that
//! page's body (or the metadata listing). Control: a TEST-NET address
//! (`http://192.0.2.1/`, nothing answers there) does not produce it.

use super::{Input, OWASP, not_a_url, renewal, sendable, try_send};
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};
use serde_json::Value;

pub struct InternalReflected;

static RULE: Rule = Rule {
    id: "SSRF-002",
    title: "Internal address content reflected",
    category: Category::Ssrf,
    severity: Severity::High,
    cwe: &[918],
    owasp: OWASP,
    summary: "Given a loopback or cloud-metadata URL, the API fetches it and returns what it read. An attacker reads internal services and instance credentials through the API.",
    remediation: "Resolve the host of every URL before fetching and refuse loopback, private, link-local (169.254.0.0/16) and metadata addresses; do not return fetched bodies to the caller, or only after validating their type.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa7-server-side-request-forgery/",
        "https://cwe.mitre.org/data/definitions/918.html",
    ],
    needs: &[],
    variants: &["loopback", "cloud-metadata"],
    examples: &[Example {
        endpoint: "GET /api/v1/preview?url=https://example.org/",
        variant: Some("cloud-metadata"),
        instance: Some("url"),
        confidence: Confidence::Firm,
        description: "GET /api/v1/preview (query parameter `url`) fetched `http://169.254.169.254/latest/meta-data/` and returned the cloud metadata listing; the TEST-NET control value did not produce it.",
        evidence: &[
            Proof {
                request: "GET /api/v1/preview?url=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"url":"http://169.254.169.254/latest/meta-data/","content":"ami-id\nami-launch-index\nhostname\ninstance-id\nlocal-ipv4\niam/"}"#,
                note: "probe: `http://169.254.169.254/latest/meta-data/` returns the cloud metadata listing",
            },
            Proof {
                request: "GET /api/v1/preview?url=http%3A%2F%2F192.0.2.1%2F",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 502,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"fetch failed: connection timed out"}"#,
                note: "control: an address where nothing answers returns no such content",
            },
        ],
    }],
};

/// The cloud metadata listing URL (AWS IMDSv1 and compatibles).
const METADATA: &str = "http://169.254.169.254/latest/meta-data/";
/// A TEST-NET-1 address (RFC 5737): nothing answers there.
const TEST_NET: &str = "http://192.0.2.1/";
/// Shortest and longest reference body recognised in an answer.
const REFERENCE_LEN: std::ops::RangeInclusive<usize> = 20..=16 * 1024;
/// Requests per input: two probes and up to two controls.
const PER_INPUT: u64 = 4;

/// A page the target serves, as an internal URL and its body.
struct Reference {
    internal: String,
    body: String,
}

#[async_trait]
impl Check for InternalReflected {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, config: &ScanConfig) -> u64 {
        PER_INPUT * super::MAX_INPUTS as u64 + renewal(config)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let inputs = match sendable(ctx) {
            Ok(inputs) => inputs,
            Err(why) => return Ok(Outcome::NotApplicable(why)),
        };
        let reference = reference(ctx);
        let auth = ctx.auth_headers().await?;
        let mut findings = Vec::new();
        for input in &inputs {
            let mut control = None;
            let probes = reference
                .iter()
                .map(|r| (r.internal.clone(), "loopback"))
                .chain([(METADATA.to_string(), "cloud-metadata")]);
            for (value, variant) in probes {
                let Some(probe) = try_send(ctx, &input.request(&value, auth.as_deref())).await? else {
                    continue;
                };
                let shows = |r: &Response| match variant {
                    "loopback" => reference.as_ref().is_some_and(|re| reflects(&r.text(), &re.body)),
                    _ => looks_like_metadata(&r.text()),
                };
                if !shows(&probe) {
                    continue;
                }
                if control.is_none() {
                    control = send_control(ctx, input, auth.as_deref()).await?;
                }
                if let Some(c) = control.as_ref().filter(|c| !shows(c)) {
                    findings.push(finding(input, variant, &value, probe, c));
                }
            }
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The first page of the target with content: its root, else a surveyed GET.
fn reference(ctx: &Context<'_>) -> Option<Reference> {
    let target = &ctx.config.target;
    let port = target.port_or_known_default().unwrap_or(80);
    let first = ctx
        .seen
        .iter()
        .filter(|ex| ex.request.url == target.as_str() && (200..300).contains(&ex.response.status))
        .map(|ex| (ex.request.url.clone(), ex.response.body.clone(), ex.response.truncated));
    let surveyed = ctx
        .survey
        .iter()
        .filter_map(|s| s.anon.as_ref())
        .filter(|r| web::has_content(r))
        .map(|r| (r.exchange.request.url.clone(), r.text(), r.truncated));
    first
        .chain(surveyed)
        .filter(|(_, body, truncated)| !truncated && REFERENCE_LEN.contains(&body.trim().len()))
        .find_map(|(url, body, _)| {
            let url = url::Url::parse(&url).ok()?;
            let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
            Some(Reference {
                internal: format!("http://127.0.0.1:{port}{}{query}", url.path()),
                body: body.trim().to_string(),
            })
        })
}

/// The TEST-NET control, or a non-URL value when the target gives up on TEST-NET.
async fn send_control(
    ctx: &Context<'_>,
    input: &Input,
    auth: Option<&[(String, String)]>,
) -> Result<Option<Response>, Error> {
    if let Some(resp) = try_send(ctx, &input.request(TEST_NET, auth)).await? {
        return Ok(Some(resp));
    }
    try_send(ctx, &input.request(&not_a_url(), auth)).await
}

/// Does `body` contain `reference`: verbatim, inside a JSON string, or as a parsed JSON value?
pub fn reflects(body: &str, reference: &str) -> bool {
    let reference = reference.trim();
    if reference.is_empty() {
        return false;
    }
    if body.contains(reference) {
        return true;
    }
    let Ok(answer) = serde_json::from_str::<Value>(body) else {
        return false;
    };
    let parsed = serde_json::from_str::<Value>(reference).ok();
    holds(&answer, reference, parsed.as_ref(), 0)
}

fn holds(value: &Value, reference: &str, parsed: Option<&Value>, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    if parsed.is_some_and(|p| p.is_object() || p.is_array()) && parsed == Some(value) {
        return true;
    }
    match value {
        Value::String(s) => {
            s.contains(reference) || parsed.is_some() && serde_json::from_str::<Value>(s).ok().as_ref() == parsed
        }
        Value::Array(items) => items.iter().any(|v| holds(v, reference, parsed, depth + 1)),
        Value::Object(map) => map.values().any(|v| holds(v, reference, parsed, depth + 1)),
        _ => false,
    }
}

/// The EC2-style metadata listing (`ami-id`, `instance-id` …).
pub fn looks_like_metadata(text: &str) -> bool {
    text.contains("ami-id") && (text.contains("instance-id") || text.contains("local-ipv4"))
}

fn finding(input: &Input, variant: &str, value: &str, probe: Response, control: &Response) -> Finding {
    let what = match variant {
        "loopback" => "the body of the target's own page at that address",
        _ => "the cloud metadata listing",
    };
    let description = format!(
        "{} fetched `{value}` and returned {what}; the TEST-NET control value did not produce it.",
        input.label()
    );
    let evidence = vec![
        probe.exchange.noted(format!("probe: `{value}` returns {what}")),
        control
            .exchange
            .clone()
            .noted("control: an address where nothing answers returns no such content"),
    ];
    Finding::new(&RULE, Confidence::Firm, input.endpoint(), description)
        .with_variant(variant)
        .with_instance(&input.name)
        .with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = r#"{"name": "api-zoo", "docs": "/docs"}"#;

    #[test]
    fn reflection_verbatim_escaped_or_parsed() {
        assert!(reflects(&format!("<pre>{ROOT}</pre>"), ROOT));
        let wrapped = serde_json::json!({"url": "http://127.0.0.1/", "content": ROOT}).to_string();
        assert!(reflects(&wrapped, ROOT));
        let parsed = serde_json::json!({"data": {"name": "api-zoo", "docs": "/docs"}}).to_string();
        assert!(reflects(&parsed, ROOT));
    }

    #[test]
    fn no_reflection_in_errors_or_other_content() {
        assert!(!reflects(r#"{"detail": "fetch failed: timed out"}"#, ROOT));
        assert!(!reflects(r#"{"name": "api-zoo"}"#, ROOT));
        assert!(!reflects("anything", "  "));
    }

    #[test]
    fn metadata_listing() {
        assert!(looks_like_metadata("ami-id\nami-launch-index\nhostname\ninstance-id\n"));
        assert!(!looks_like_metadata("{\"error\": \"cannot reach 169.254.169.254\"}"));
    }
}
