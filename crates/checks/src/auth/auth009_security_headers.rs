//! AUTH-009: responses lack the headers that stop MIME sniffing and framing
//! (passive, one finding per missing header for the whole scan).

use super::OWASP;
use super::exchanges::{list, observed};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Exchange, Finding, Proof, Rule, Severity};

pub struct SecurityHeaders;

static RULE: Rule = Rule {
    id: "AUTH-009",
    title: "Missing security headers",
    category: Category::Authentication,
    severity: Severity::Low,
    cwe: &[693],
    owasp: OWASP,
    summary: "Responses come without X-Content-Type-Options: nosniff (browsers may run a JSON or text answer as script) or, for HTML pages, without X-Frame-Options or a CSP frame-ancestors directive (the page can be framed for clickjacking).",
    remediation: "Send X-Content-Type-Options: nosniff on every response, and X-Frame-Options: DENY or Content-Security-Policy: frame-ancestors 'none' on HTML pages (a middleware or the reverse proxy can add both).",
    references: &[
        "https://owasp.org/www-project-secure-headers/",
        "https://cwe.mitre.org/data/definitions/693.html",
    ],
    needs: &[],
    variants: &["x-content-type-options", "x-frame-options"],
    examples: &[Example {
        endpoint: "GET /api/v1/me",
        variant: Some("x-content-type-options"),
        instance: None,
        confidence: Confidence::Firm,
        description: "3 of 5 successful responses lack X-Content-Type-Options: nosniff: https://api.example.com/api/v1/me, https://api.example.com/api/v1/orders, https://api.example.com/api/v1/orders/1002.",
        evidence: &[Proof {
            request: "GET /api/v1/me",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"id":1,"username":"alice","email":"alice@example.com"}"#,
            note: "the response lacks X-Content-Type-Options: nosniff",
        }],
    }],
};

/// The header checks: (variant, which responses it applies to, whether a response passes, what is missing).
type Test = (&'static str, fn(&Exchange) -> bool, fn(&Exchange) -> bool, &'static str);

const TESTS: [Test; 2] = [
    (
        "x-content-type-options",
        has_body,
        nosniff,
        "X-Content-Type-Options: nosniff",
    ),
    (
        "x-frame-options",
        is_html,
        frame_guard,
        "X-Frame-Options or CSP frame-ancestors",
    ),
];

#[async_trait]
impl Check for SecurityHeaders {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let seen = observed(ctx);
        let mut findings = Vec::new();
        for (variant, applies, passes, missing) in TESTS {
            let lacking: Vec<&Exchange> = seen.iter().copied().filter(|e| applies(e) && !passes(e)).collect();
            let Some(first) = lacking.first() else { continue };
            let urls: Vec<String> = lacking.iter().map(|e| e.request.url.clone()).collect();
            let description = format!(
                "{} of {} successful responses lack {missing}: {}.",
                lacking.len(),
                seen.iter().filter(|e| applies(e)).count(),
                list(&urls, 5)
            );
            let endpoint = Endpoint {
                method: first.request.method.clone(),
                url: first.request.url.clone(),
            };
            let evidence = (*first).clone().noted(format!("the response lacks {missing}"));
            let f = Finding::new(&RULE, Confidence::Firm, endpoint, description);
            findings.push(f.with_variant(variant).with_evidence(vec![evidence]));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// A successful answer with a body.
fn has_body(e: &Exchange) -> bool {
    (200..300).contains(&e.response.status) && e.response.body_bytes > 0
}

fn is_html(e: &Exchange) -> bool {
    has_body(e)
        && e.response
            .header("content-type")
            .is_some_and(|t| t.to_ascii_lowercase().contains("text/html"))
}

fn nosniff(e: &Exchange) -> bool {
    e.response
        .headers_named("x-content-type-options")
        .any(|v| v.trim().eq_ignore_ascii_case("nosniff"))
}

fn frame_guard(e: &Exchange) -> bool {
    let xfo = e
        .response
        .header("x-frame-options")
        .is_some_and(|v| !v.trim().is_empty());
    let csp = e
        .response
        .headers_named("content-security-policy")
        .any(|v| v.to_ascii_lowercase().contains("frame-ancestors"));
    xfo || csp
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::Header;

    fn ex(status: u16, headers: &[(&str, &str)]) -> Exchange {
        let mut e = Exchange::default();
        e.response.status = status;
        e.response.body_bytes = 10;
        e.response.headers = headers
            .iter()
            .map(|(n, v)| Header {
                name: n.to_string(),
                value: v.to_string(),
            })
            .collect();
        e
    }

    #[test]
    fn json_needs_nosniff_only_and_html_needs_a_frame_guard() {
        let json = ex(
            200,
            &[
                ("Content-Type", "application/json"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        );
        assert!(has_body(&json) && nosniff(&json) && !is_html(&json));
        let page = ex(
            200,
            &[
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
            ],
        );
        assert!(is_html(&page) && frame_guard(&page) && !nosniff(&page));
        let bare = ex(200, &[("Content-Type", "text/html")]);
        assert!(!frame_guard(&bare) && !nosniff(&bare));
        assert!(!has_body(&ex(404, &[])) && !has_body(&ex(302, &[])));
    }
}
