//! CONSUME-002: open redirect.
//!
//! Proof (GET only): a redirect parameter set to `https://rampart-<rand>.example/`
//! answers 3xx with a Location on that host (read from the layer, which does
//! not follow redirects). Control: a same-host path in the same parameter
//! stays on the target's host.

use super::OWASP;
use crate::ssrf::{Input, MAX_INPUTS, inputs, renewal, try_send};
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};
use url::Url;

pub struct OpenRedirect;

static RULE: Rule = Rule {
    id: "CONSUME-002",
    title: "Open redirect",
    category: Category::UnsafeConsumption,
    severity: Severity::Medium,
    cwe: &[601],
    owasp: OWASP,
    summary: "A redirect parameter sends the browser to any host it names. Phishing links start on the trusted domain, and OAuth-style flows that redirect with tokens leak them to the attacker's host.",
    remediation: "Redirect only to relative paths on the same host (reject `//host` and backslash tricks) or to an allow-list of absolute URLs; fall back to a fixed page otherwise.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/601.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /login?next=/account",
        variant: None,
        instance: Some("next"),
        confidence: Confidence::Confirmed,
        description: "GET /login (query parameter `next`) answered 302 with `Location: https://rampart-4b1d9e20.example/` when given `https://rampart-4b1d9e20.example/`; a same-host path in the same parameter stays on the host.",
        evidence: &[
            Proof {
                request: "GET /login?next=https%3A%2F%2Frampart-4b1d9e20.example%2F",
                headers: &[],
                body: None,
                status: 302,
                response_headers: &["Location: https://rampart-4b1d9e20.example/"],
                response_body: "",
                note: "probe: redirected to the attacker's host https://rampart-4b1d9e20.example/",
            },
            Proof {
                request: "GET /login?next=%2Frampart-0c7e51d3",
                headers: &[],
                body: None,
                status: 302,
                response_headers: &["Location: /rampart-0c7e51d3"],
                response_body: "",
                note: "control: a same-host path stays on the target's host",
            },
        ],
    }],
};

/// Parameter names that name where to go next.
const REDIRECT_NAMES: &[&str] = &[
    "next",
    "redirect",
    "redirect_uri",
    "redirect_url",
    "return",
    "return_to",
    "returnto",
    "returnurl",
    "return_url",
    "continue",
    "url",
    "dest",
    "destination",
];

/// Is `name` a redirect parameter (case-insensitive)?
pub fn is_redirect_param(name: &str, _format: Option<&str>, _seen: Option<&str>) -> bool {
    REDIRECT_NAMES.contains(&name.to_ascii_lowercase().as_str())
}

/// Where a redirect answer sends the client, resolved against the request URL.
pub fn destination(resp: &Response, request: &Url) -> Option<Url> {
    if !resp.is_redirect() {
        return None;
    }
    let location = resp.header("location")?.trim().replace('\\', "/");
    request.join(&location).ok()
}

#[async_trait]
impl Check for OpenRedirect {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, config: &ScanConfig) -> u64 {
        2 * MAX_INPUTS as u64 + renewal(config)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let params: Vec<Input> = inputs(ctx, is_redirect_param)
            .into_iter()
            .filter(|i| i.method == "GET" && i.can_hold_text())
            .take(MAX_INPUTS)
            .collect();
        if params.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no GET operation takes a redirect parameter (next, redirect, return_to, url …)".into(),
            ));
        }
        let auth = ctx.auth_headers().await?;
        let target_host = ctx.config.target.host_str().unwrap_or_default().to_ascii_lowercase();
        let mut findings = Vec::new();
        for param in &params {
            let host = format!("rampart-{:08x}.example", rand::random::<u32>());
            let evil = format!("https://{host}/");
            let req = param.request(&evil, auth.as_deref());
            let Some(probe) = try_send(ctx, &req).await? else {
                continue;
            };
            let lands = destination(&probe, &req.url).and_then(|u| u.host_str().map(str::to_ascii_lowercase));
            if lands.as_deref() != Some(host.as_str()) {
                continue;
            }
            let path = format!("/rampart-{:08x}", rand::random::<u32>());
            let req = param.request(&path, auth.as_deref());
            let Some(control) = try_send(ctx, &req).await? else {
                continue;
            };
            let stays = destination(&control, &req.url)
                .map(|u| u.host_str().unwrap_or_default().eq_ignore_ascii_case(&target_host))
                .unwrap_or(true);
            findings.push(finding(param, &evil, probe, control, stays));
        }
        Ok(Outcome::Findings(findings))
    }
}

fn finding(param: &Input, evil: &str, probe: Response, control: Response, stays: bool) -> Finding {
    let location = probe.header("location").unwrap_or_default().to_string();
    let description = format!(
        "{} answered {} with `Location: {location}` when given `{evil}`; a same-host path in the same parameter {}.",
        param.label(),
        probe.status,
        if stays {
            "stays on the host"
        } else {
            "also leaves the host"
        }
    );
    let confidence = if stays { Confidence::Confirmed } else { Confidence::Firm };
    let control_note = if stays {
        "control: a same-host path stays on the target's host"
    } else {
        "control: a same-host path is redirected off the host too"
    };
    let evidence = vec![
        probe
            .exchange
            .noted(format!("probe: redirected to the attacker's host {evil}")),
        control.exchange.noted(control_note),
    ];
    Finding::new(&RULE, confidence, param.endpoint(), description)
        .with_instance(&param.name)
        .with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_parameter_names() {
        assert!(is_redirect_param("next", None, None));
        assert!(is_redirect_param("returnUrl", None, None));
        assert!(is_redirect_param("redirect_uri", None, None));
        assert!(!is_redirect_param("nextPage", None, None));
        assert!(!is_redirect_param("q", None, Some("https://x.example/")));
    }
}
