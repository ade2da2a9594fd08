//! CONSUME-001: a webhook or callback URL is registered without validation.
//!
//! Proof (`--active`): the registration accepts `http://127.0.0.1:1/` (or a
//! plain-http URL) and echoes it back, while the control value `not a url` is
//! refused, so validation exists but lets unsafe URLs through. Without
//! `--active`, the registration operations are listed (info).

use super::OWASP;
use crate::ssrf::{Input, MAX_INPUTS, Place, renewal, try_send, url_inputs};
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};

pub struct WebhookUnvalidated;

static RULE: Rule = Rule {
    id: "CONSUME-001",
    title: "Webhook or callback URL accepted without validation",
    category: Category::UnsafeConsumption,
    severity: Severity::Medium,
    cwe: &[20],
    owasp: OWASP,
    summary: "The API stores a webhook or callback URL without checking where it points. The server later calls it, so an attacker registers internal addresses (loopback, private networks, metadata) or plain-http endpoints that expose the payloads.",
    remediation: "Validate webhook URLs when they are registered and again when they are called: https only, a public host that does not resolve to loopback, private or link-local addresses, and optionally a verification handshake before the first delivery.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xaa-unsafe-consumption-of-apis/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/20.html",
    ],
    needs: &[],
    variants: &["surface", "loopback", "plain-http"],
    examples: &[Example {
        endpoint: "POST /api/v1/webhooks",
        variant: Some("loopback"),
        instance: Some("url"),
        confidence: Confidence::Confirmed,
        description: "POST /api/v1/webhooks (body field `url`) accepted `http://127.0.0.1:1/` (201) and echoed it back; `not a url` is refused (422), so validation exists.",
        evidence: &[
            Proof {
                request: "POST /api/v1/webhooks",
                headers: &["Authorization: Bearer [redacted]", "Content-Type: application/json"],
                body: Some(r#"{"url":"http://127.0.0.1:1/","events":["order.created"]}"#),
                status: 201,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":17,"url":"http://127.0.0.1:1/","events":["order.created"],"active":true}"#,
                note: "probe: `http://127.0.0.1:1/` accepted",
            },
            Proof {
                request: "POST /api/v1/webhooks",
                headers: &["Authorization: Bearer [redacted]", "Content-Type: application/json"],
                body: Some(r#"{"url":"not a url","events":["order.created"]}"#),
                status: 422,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"url: invalid URL"}"#,
                note: "control: `not a url` is refused (422), so validation exists",
            },
        ],
    }],
};

/// Words that mark a registration of a URL the server will call.
const HOOK_WORDS: &[&str] = &["webhook", "hook", "callback", "notify", "notification", "subscription"];
/// Requests per registration: two probes and one control.
const PER_INPUT: u64 = 3;
/// The control value: no URL validator accepts it.
const INVALID: &str = "not a url";

/// Writing operations that register a URL the server will call later.
fn registrations(ctx: &Context<'_>) -> Vec<Input> {
    url_inputs(ctx)
        .into_iter()
        .filter(|i| i.place == Place::Body && i.writes())
        .filter(|i| {
            let text = format!("{} {}", i.path, i.name).to_ascii_lowercase();
            HOOK_WORDS.iter().any(|w| text.contains(w))
        })
        .take(MAX_INPUTS)
        .collect()
}

/// The unsafe values tried, each with the text an echo of it contains and its variant.
fn unsafe_values() -> [(String, String, &'static str); 2] {
    let host = format!("rampart-{:08x}.example", rand::random::<u32>());
    [
        ("http://127.0.0.1:1/".into(), "127.0.0.1:1/".into(), "loopback"),
        (format!("http://{host}/hook"), host, "plain-http"),
    ]
}

#[async_trait]
impl Check for WebhookUnvalidated {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, config: &ScanConfig) -> u64 {
        if config.active {
            PER_INPUT * MAX_INPUTS as u64 + renewal(config)
        } else {
            0
        }
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let hooks = registrations(ctx);
        if hooks.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no operation registers a webhook or callback URL".into(),
            ));
        }
        if !ctx.config.active {
            return Ok(Outcome::Findings(hooks.iter().map(surface).collect()));
        }
        let auth = ctx.auth_headers().await?;
        let mut findings = Vec::new();
        for hook in &hooks {
            for (value, echo, variant) in unsafe_values() {
                let Some(probe) = try_send(ctx, &hook.request(&value, auth.as_deref())).await? else {
                    continue;
                };
                if !accepted(&probe) {
                    continue;
                }
                let Some(control) = try_send(ctx, &hook.request(INVALID, auth.as_deref())).await? else {
                    break;
                };
                findings.push(finding(hook, &value, &echo, variant, probe, control));
                break;
            }
        }
        Ok(Outcome::Findings(findings))
    }
}

fn accepted(resp: &Response) -> bool {
    (200..300).contains(&resp.status)
}

fn surface(hook: &Input) -> Finding {
    let description = format!(
        "{} registers a URL the server will call; rerun with --active to test whether unsafe URLs are refused.",
        hook.label()
    );
    Finding::new(&RULE, Confidence::Tentative, hook.endpoint(), description)
        .with_severity(Severity::Info)
        .with_variant("surface")
}

fn finding(hook: &Input, value: &str, echo: &str, variant: &str, probe: Response, control: Response) -> Finding {
    let echoed = probe.text().contains(echo);
    let validated = !accepted(&control);
    let confidence = match (validated, echoed) {
        (true, true) => Confidence::Confirmed,
        (true, false) => Confidence::Firm,
        (false, _) => Confidence::Tentative,
    };
    let shown = if echoed { " and echoed it back" } else { "" };
    let control_note = if validated {
        format!(
            "control: `{INVALID}` is refused ({}), so validation exists",
            control.status
        )
    } else {
        format!(
            "control: even `{INVALID}` is accepted ({}): no validation at all",
            control.status
        )
    };
    let description = format!(
        "{} accepted `{value}` ({}){shown}; {}.",
        hook.label(),
        probe.status,
        control_note.trim_start_matches("control: ")
    );
    let evidence = vec![
        probe.exchange.noted(format!("probe: `{value}` accepted")),
        control.exchange.noted(control_note),
    ];
    Finding::new(&RULE, confidence, hook.endpoint(), description)
        .with_variant(variant)
        .with_instance(&hook.name)
        .with_evidence(evidence)
}
