//! INPUT-008: OS command injection, proven by time.
//!
//! Each text input gets its normal value followed by a shell command that
//! sleeps (`;sleep 2`, `|sleep 2`, `$(sleep 2)` …). An answer about two
//! seconds slower than the normal value's is only a lead; it is confirmed when
//! the same form with `sleep 0` answers at the normal pace (the control) and
//! with `sleep 5` about five seconds slower (the delay follows the number).
//! Writing operations only under `--active`.

use super::OWASP;
use super::delay::{Clock, Delays, PER_PAYLOAD, Timed};
use crate::inputs::{Input, inputs};
use crate::ssrf::{renewal, try_send};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};

pub struct CommandInjection;

static RULE: Rule = Rule {
    id: "INPUT-008",
    title: "OS command injection",
    category: Category::InputValidation,
    severity: Severity::Critical,
    cwe: &[78],
    owasp: OWASP,
    summary: "A parameter's value reaches a shell command line. An attacker appends commands of their own and runs them on the server with the API's privileges.",
    remediation: "Do not build shell command lines from input: call the program directly with an argument list (`execFile`, `subprocess.run([...])` without `shell=True`, `exec.Command(name, args...)`), validate the value against a strict pattern (a host name, an IP address), or use a library instead of a program.",
    references: &[
        "https://owasp.org/www-community/attacks/Command_Injection",
        "https://cheatsheetseries.owasp.org/cheatsheets/OS_Command_Injection_Defense_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/78.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/tools/ping?host=127.0.0.1",
        variant: None,
        instance: Some("host"),
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/tools/ping (query parameter `host`): with `;sleep N;` appended to its value the answer takes as long as the sleep asks: 38 ms with the normal value, 2041 ms with a 2-second sleep, 37 ms with a 0-second sleep (control), 5046 ms with a 5-second sleep. The value is run by a shell.",
        evidence: &[
            Proof {
                request: "GET /api/v1/tools/ping?host=127.0.0.1",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"host":"127.0.0.1","reachable":true}"#,
                note: "baseline: the normal value: 38 ms",
            },
            Proof {
                request: "GET /api/v1/tools/ping?host=127.0.0.1%3Bsleep+2%3B",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"host":"127.0.0.1;sleep 2;","reachable":true}"#,
                note: "sleep 2 appended: 2041 ms",
            },
            Proof {
                request: "GET /api/v1/tools/ping?host=127.0.0.1%3Bsleep+0%3B",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"host":"127.0.0.1;sleep 0;","reachable":true}"#,
                note: "control: sleep 0 appended: 37 ms",
            },
            Proof {
                request: "GET /api/v1/tools/ping?host=127.0.0.1%3Bsleep+5%3B",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"host":"127.0.0.1;sleep 5;","reachable":true}"#,
                note: "sleep 5 appended: 5046 ms",
            },
        ],
    }],
};

/// Most inputs probed.
const MAX_INPUTS: usize = 10;
/// How a command is appended: `{}` is where the sleep command goes.
const FORMS: &[&str] = &[";{};", "|{}", "$({})", "`{}`", "';{};'", "\n{}\n"];
/// Parameter names that usually end up on a command line, probed first.
const SHELL_NAMES: &[&str] = &[
    "host", "ip", "addr", "domain", "cmd", "command", "exec", "run", "ping", "file", "filename", "path", "dir",
    "target", "server", "name", "arg",
];

#[async_trait]
impl Check for CommandInjection {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, config: &ScanConfig) -> u64 {
        MAX_INPUTS as u64 * (2 + FORMS.len() as u64 - 1 + PER_PAYLOAD) + renewal(config)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut text: Vec<Input> = inputs(ctx, is_text)
            .into_iter()
            .filter(|i| {
                i.sendable(ctx.config.active) && !matches!(i.kind.as_deref(), Some("integer" | "number" | "boolean"))
            })
            .collect();
        if text.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no operation takes a text parameter a safe scan may send (writing operations need --active; only POSTs that address no existing object are probed)".into(),
            ));
        }
        text.sort_by_key(|i| !shell_like(&i.name));
        let auth = ctx.auth_headers().await?;
        let mut findings = Vec::new();
        for input in text.iter().take(MAX_INPUTS) {
            if let Some(found) = probe(ctx, input, auth.as_deref()).await? {
                findings.push(found);
            }
        }
        Ok(Outcome::Findings(findings))
    }
}

/// Text inputs: not declared as numbers, UUIDs, dates or binary data.
fn is_text(_: &str, format: Option<&str>, _: Option<&str>) -> bool {
    !matches!(
        format,
        Some("uuid" | "date" | "date-time" | "binary" | "byte" | "int32" | "int64" | "float" | "double")
    )
}

fn shell_like(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SHELL_NAMES
        .iter()
        .any(|n| lower == *n || lower.ends_with(&format!("_{n}")))
}

/// The input with its value, then a sleep of `secs` seconds in `form`.
fn with_sleep(value: &str, form: &str, secs: u64) -> String {
    format!("{value}{}", form.replace("{}", &format!("sleep {secs}")))
}

async fn probe(ctx: &Context<'_>, input: &Input, auth: Option<&[(String, String)]>) -> Result<Option<Finding>, Error> {
    let send = |value: String| async move { try_send(ctx, &input.request(&value, auth)).await };
    let (Some(first), Some(second)) = (send(input.value.clone()).await?, send(input.value.clone()).await?) else {
        return Ok(None);
    };
    let clock = Clock::new(ctx, input, auth, first, second);
    for form in FORMS {
        match clock.time(|secs| with_sleep(&input.value, form, secs)).await? {
            Timed::NoLead => continue,
            Timed::Refuted => return Ok(None),
            Timed::Proven(delays) => return Ok(Some(finding(input, form, delays))),
        }
    }
    Ok(None)
}

fn finding(input: &Input, form: &str, delays: Box<Delays>) -> Finding {
    let shown = form.replace("{}", "sleep N").replace('\n', "\\n");
    let description = format!(
        "{}: with `{shown}` appended to its value the answer takes as long as the sleep asks: {}. The value is run by a shell.",
        input.label(),
        delays.times(),
    );
    Finding::new(&RULE, Confidence::Confirmed, input.endpoint(), description)
        .with_instance(&input.name)
        .with_evidence(delays.evidence(|secs| format!("sleep {secs}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_are_placed_in_each_form() {
        assert_eq!(with_sleep("127.0.0.1", ";{};", 2), "127.0.0.1;sleep 2;");
        assert_eq!(with_sleep("x", "$({})", 0), "x$(sleep 0)");
        assert!(shell_like("host") && shell_like("target_host") && !shell_like("hostname_hint"));
    }
}
