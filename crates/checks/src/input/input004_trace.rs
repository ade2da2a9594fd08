//! INPUT-004: the TRACE method is enabled and echoes the request.

use super::OWASP;
use crate::web::send_or_skip;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Finding, Proof, Rule, Severity};
use url::Url;

pub struct TraceEnabled;

static RULE: Rule = Rule {
    id: "INPUT-004",
    title: "TRACE enabled",
    category: Category::InputValidation,
    severity: Severity::Medium,
    cwe: &[693],
    owasp: OWASP,
    summary: "The server answers TRACE by echoing the request, headers included. Together with another flaw (a proxy that adds credentials, an XSS) this exposes headers the client cannot otherwise read (cross-site tracing).",
    remediation: "Disable TRACE (and TRACK) in the server, proxy or framework; answer it with 405.",
    references: &[
        "https://owasp.org/www-community/attacks/Cross_Site_Tracing",
        "https://cwe.mitre.org/data/definitions/693.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "TRACE /",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "TRACE https://api.example.com/ answers 200 with the request echoed, including the X-Rampart-Trace header rampart sent; GET does not echo it.",
        evidence: &[
            Proof {
                request: "TRACE /",
                headers: &["X-Rampart-Trace: rampart-5a1f0c3e9b7d2246"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: message/http"],
                response_body: "TRACE / HTTP/1.1\r\nHost: api.example.com\r\nX-Rampart-Trace: rampart-5a1f0c3e9b7d2246\r\n",
                note: "TRACE echoes the marker header",
            },
            Proof {
                request: "GET /",
                headers: &["X-Rampart-Trace: rampart-5a1f0c3e9b7d2246"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"name":"example-api","version":"1.4.2"}"#,
                note: "control: GET with the same header does not echo it",
            },
        ],
    }],
};

/// The header whose value TRACE must echo.
const MARKER_HEADER: &str = "X-Rampart-Trace";

#[async_trait]
impl Check for TraceEnabled {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        4
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let marker = format!("rampart-{:016x}", rand::random::<u64>());
        for url in places(&ctx.config.target) {
            let trace = Request::new("TRACE", url.clone())
                .anonymous()
                .header(MARKER_HEADER, &marker);
            let Some(resp) = send_or_skip(ctx, &trace).await? else {
                continue;
            };
            if !(200..300).contains(&resp.status) || !resp.text().contains(&marker) {
                continue;
            }
            let get = Request::get(url.clone()).anonymous().header(MARKER_HEADER, &marker);
            let Some(control) = send_or_skip(ctx, &get).await?.filter(|c| !c.text().contains(&marker)) else {
                continue;
            };
            let description = format!(
                "TRACE {url} answers {} with the request echoed, including the {MARKER_HEADER} header rampart sent; GET does not echo it.",
                resp.status
            );
            let endpoint = Endpoint {
                method: "TRACE".into(),
                url: url.to_string(),
            };
            let evidence = vec![
                resp.exchange.noted("TRACE echoes the marker header"),
                control
                    .exchange
                    .noted("control: GET with the same header does not echo it"),
            ];
            let f = Finding::new(&RULE, Confidence::Confirmed, endpoint, description).with_evidence(evidence);
            return Ok(Outcome::Findings(vec![f]));
        }
        Ok(Outcome::Findings(Vec::new()))
    }
}

/// The target URL, then the host's root when the target is below it.
fn places(target: &Url) -> Vec<Url> {
    let mut root = target.clone();
    root.set_path("/");
    root.set_query(None);
    let mut out = vec![target.clone()];
    if root != *target {
        out.push(root);
    }
    out
}
