//! SSRF-001: the server fetches a URL an attacker hands it.
//!
//! Proof: each URL-taking input gets the callback listener's URL with a fresh
//! token; a request to the listener carrying that token proves the fetch.
//! Control: the same input with a value that is not a URL causes no fetch.

use super::{Input, MAX_INPUTS, OWASP, listener, not_a_url, renewal, sendable, try_send};
use async_trait::async_trait;
use rampart_engine::callback::{Hit, Listener};
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Need, Proof, Rule, Severity};
use std::time::Duration;

pub struct ServerFetch;

static RULE: Rule = Rule {
    id: "SSRF-001",
    title: "Server fetches attacker-supplied URLs",
    category: Category::Ssrf,
    severity: Severity::Critical,
    cwe: &[918],
    owasp: OWASP,
    summary: "An API parameter takes a URL and the server fetches it. An attacker points it at internal services, cloud metadata endpoints or other hosts the server can reach and the attacker cannot, and uses the server as a proxy.",
    remediation: "Fetch only URLs on an allow-list of schemes (https), hosts and ports; resolve the host and refuse loopback, private, link-local and metadata addresses (re-check after redirects, or do not follow them); prefer an identifier over a URL in the API.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa7-server-side-request-forgery/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/918.html",
    ],
    needs: &[Need::Callback],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/preview?url=https://example.org/",
        variant: None,
        instance: Some("url"),
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/preview (query parameter `url`) passes its value to a server-side fetch: after rampart sent the URL of its callback listener with a fresh token, the listener received `GET /rampart-cb/5b0e93d1c4a7f286` from 203.0.113.7:51234 (User-Agent: python-requests/2.31.0).",
        evidence: &[
            Proof {
                request: "GET /api/v1/preview?url=http%3A%2F%2Fscanner.example%3A9000%2Frampart-cb%2F5b0e93d1c4a7f286",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"url":"http://scanner.example:9000/rampart-cb/5b0e93d1c4a7f286","title":null,"status":200}"#,
                note: "probe: the callback URL in `url`; the listener then received GET /rampart-cb/5b0e93d1c4a7f286 from 203.0.113.7:51234 (User-Agent: python-requests/2.31.0)",
            },
            Proof {
                request: "GET /api/v1/preview?url=rampart-0d6a2f71e93b4c58-rampart-77c1e0a2",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 400,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"url must be an absolute http(s) URL"}"#,
                note: "control: a value that is not a URL caused no fetch",
            },
        ],
    }],
};

/// How long after the last probe a fetch of the listener may still arrive.
const GRACE: Duration = Duration::from_secs(3);
/// How long a control is watched for a fetch.
const CONTROL_GRACE: Duration = Duration::from_millis(500);

#[async_trait]
impl Check for ServerFetch {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, config: &ScanConfig) -> u64 {
        2 * MAX_INPUTS as u64 + renewal(config)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let inputs = match sendable(ctx) {
            Ok(inputs) => inputs,
            Err(why) => return Ok(Outcome::NotApplicable(why)),
        };
        let listener = match listener(ctx) {
            Ok(l) => l,
            Err(why) => return Ok(Outcome::NotApplicable(why)),
        };
        let auth = ctx.auth_headers().await?;
        let mut probes = Vec::new();
        for input in &inputs {
            let token = listener.token();
            let url = listener.url_for(&token);
            if let Some(resp) = try_send(ctx, &input.request(url.as_str(), auth.as_deref())).await? {
                probes.push((input, token, resp));
            }
        }
        let deadline = tokio::time::Instant::now() + GRACE;
        let mut findings = Vec::new();
        for (input, token, probe) in probes {
            let within = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Some(hit) = listener.wait_hit(&token, within).await else {
                continue;
            };
            let control = control(ctx, listener, input, auth.as_deref()).await?;
            findings.push(finding(input, &hit, probe, control));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The input with a non-URL value, and whether that caused a fetch anyway.
async fn control(
    ctx: &Context<'_>,
    listener: &Listener,
    input: &Input,
    auth: Option<&[(String, String)]>,
) -> Result<Option<(Response, bool)>, Error> {
    let token = listener.token();
    let value = format!("rampart-{token}-{}", not_a_url());
    let Some(resp) = try_send(ctx, &input.request(&value, auth)).await? else {
        return Ok(None);
    };
    let fetched = listener.wait_hit(&token, CONTROL_GRACE).await.is_some();
    Ok(Some((resp, fetched)))
}

fn finding(input: &Input, hit: &Hit, probe: Response, control: Option<(Response, bool)>) -> Finding {
    let agent = hit
        .head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("user-agent:"))
        .map(|l| format!(" (User-Agent: {})", l["user-agent:".len()..].trim()))
        .unwrap_or_default();
    let mut evidence = vec![probe.exchange.noted(format!(
        "probe: the callback URL in `{}`; the listener then received {} {} from {}{agent}",
        input.name, hit.method, hit.path, hit.peer
    ))];
    let confidence = match control {
        Some((resp, false)) => {
            evidence.push(
                resp.exchange
                    .noted("control: a value that is not a URL caused no fetch"),
            );
            Confidence::Confirmed
        }
        Some((resp, true)) => {
            evidence.push(resp.exchange.noted("control: a non-URL value was fetched too"));
            Confidence::Firm
        }
        None => Confidence::Firm,
    };
    let description = format!(
        "{} passes its value to a server-side fetch: after rampart sent the URL of its callback listener with a fresh token, the listener received `{} {}` from {}{agent}.",
        input.label(),
        hit.method,
        hit.path,
        hit.peer
    );
    Finding::new(&RULE, confidence, input.endpoint(), description)
        .with_instance(&input.name)
        .with_evidence(evidence)
}
