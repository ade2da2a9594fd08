//! CONSUME-003: upstream content is relayed to the caller unsanitised.
//!
//! Proof: a URL-taking input gets the callback listener's URL; the listener
//! answers with `<script>rampart-<token></script>` and the API's answer
//! carries that markup verbatim. Control: a non-URL value does not.

use super::OWASP;
use crate::ssrf::{Input, MAX_INPUTS, listener, not_a_url, renewal, sendable, try_send};
use async_trait::async_trait;
use rampart_engine::callback::Listener;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Need, Proof, Rule, Severity};

pub struct UpstreamRelayed;

static RULE: Rule = Rule {
    id: "CONSUME-003",
    title: "Upstream content relayed unsanitised",
    category: Category::UnsafeConsumption,
    severity: Severity::Medium,
    cwe: &[20, 79],
    owasp: OWASP,
    summary: "The API fetches a third-party resource and passes its body to the caller as it came, markup included. Whoever controls the upstream content injects script into clients that render it, and the API vouches for data it never validated.",
    remediation: "Treat fetched content as untrusted input: parse it into the fields you need, validate their types and lengths, and encode or strip markup before returning it; serve it with a non-HTML content type and X-Content-Type-Options: nosniff.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xaa-unsafe-consumption-of-apis/",
        "https://cwe.mitre.org/data/definitions/79.html",
    ],
    needs: &[Need::Callback],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/preview?url=https://example.org/",
        variant: None,
        instance: Some("url"),
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/preview (query parameter `url`) returned the body of the URL it fetched verbatim (text/html; charset=utf-8): the markup `<script>rampart-3c9e1f0a7b2d4e65</script>` served by rampart's callback listener came back unescaped.",
        evidence: &[
            Proof {
                request: "GET /api/v1/preview?url=http%3A%2F%2Fscanner.example%3A9000%2Frampart-cb%2F3c9e1f0a7b2d4e65",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<html><body><script>rampart-3c9e1f0a7b2d4e65</script></body></html>",
                note: "probe: the listener's `<script>rampart-3c9e1f0a7b2d4e65</script>` relayed verbatim",
            },
            Proof {
                request: "GET /api/v1/preview?url=rampart-5d02e7aa",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 400,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"url must be an absolute http(s) URL"}"#,
                note: "control: a value that is not a URL returns no relayed markup",
            },
        ],
    }],
};

#[async_trait]
impl Check for UpstreamRelayed {
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
        let mut findings = Vec::new();
        for input in &inputs {
            let token = listener.token();
            let marker = Listener::marker(&token);
            let url = listener.url_for(&token);
            let Some(probe) = try_send(ctx, &input.request(url.as_str(), auth.as_deref())).await? else {
                continue;
            };
            if !probe.text().contains(&marker) {
                continue;
            }
            let Some(control) = try_send(ctx, &input.request(&not_a_url(), auth.as_deref())).await? else {
                continue;
            };
            if control.text().contains("rampart-") && control.text().contains("<script>") {
                continue;
            }
            findings.push(finding(input, &marker, probe, control));
        }
        Ok(Outcome::Findings(findings))
    }
}

fn finding(input: &Input, marker: &str, probe: Response, control: Response) -> Finding {
    let kind = probe.header("content-type").unwrap_or("no content type").to_string();
    let description = format!(
        "{} returned the body of the URL it fetched verbatim ({kind}): the markup `{marker}` served by rampart's callback listener came back unescaped.",
        input.label()
    );
    let evidence = vec![
        probe
            .exchange
            .noted(format!("probe: the listener's `{marker}` relayed verbatim")),
        control
            .exchange
            .noted("control: a value that is not a URL returns no relayed markup"),
    ];
    Finding::new(&RULE, Confidence::Confirmed, input.endpoint(), description)
        .with_instance(&input.name)
        .with_evidence(evidence)
}
