//! AUTH-010: a 401 response without `WWW-Authenticate` (passive, one finding
//! for the whole scan).

use super::OWASP;
use super::exchanges::{list, observed};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Exchange, Finding, Proof, Rule, Severity};

pub struct NoWwwAuthenticate;

static RULE: Rule = Rule {
    id: "AUTH-010",
    title: "401 without WWW-Authenticate",
    category: Category::Authentication,
    severity: Severity::Low,
    cwe: &[287],
    owasp: OWASP,
    summary: "The API answers 401 Unauthorized without a WWW-Authenticate header, which RFC 9110 requires. Clients and gateways cannot tell which authentication scheme to use, and ad-hoc auth handling tends to hide other gaps.",
    remediation: "Send WWW-Authenticate with every 401 naming the scheme (e.g. Bearer realm=\"api\"), or answer 403 when credentials are present but insufficient.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        "https://cwe.mitre.org/data/definitions/287.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/orders",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "2 of 2 401 answers carry no WWW-Authenticate header: GET https://api.example.com/api/v1/orders, GET https://api.example.com/api/v1/me.",
        evidence: &[Proof {
            request: "GET /api/v1/orders",
            headers: &[],
            body: None,
            status: 401,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"error":"authentication required"}"#,
            note: "401 without WWW-Authenticate",
        }],
    }],
};

#[async_trait]
impl Check for NoWwwAuthenticate {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let seen = observed(ctx);
        let unauthorized = seen.iter().filter(|e| e.response.status == 401).count();
        let lacking: Vec<&Exchange> = seen.iter().copied().filter(|e| lacks_challenge(e)).collect();
        let Some(first) = lacking.first() else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let urls: Vec<String> = lacking
            .iter()
            .map(|e| format!("{} {}", e.request.method, e.request.url))
            .collect();
        let description = format!(
            "{} of {unauthorized} 401 answers carry no WWW-Authenticate header: {}.",
            lacking.len(),
            list(&urls, 5)
        );
        let endpoint = Endpoint {
            method: first.request.method.clone(),
            url: first.request.url.clone(),
        };
        let evidence = (*first).clone().noted("401 without WWW-Authenticate");
        let f = Finding::new(&RULE, Confidence::Firm, endpoint, description);
        Ok(Outcome::Findings(vec![f.with_evidence(vec![evidence])]))
    }
}

fn lacks_challenge(e: &Exchange) -> bool {
    e.response.status == 401
        && !e
            .response
            .headers_named("www-authenticate")
            .any(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::Header;

    #[test]
    fn only_401s_without_a_challenge() {
        let mut e = Exchange::default();
        e.response.status = 401;
        assert!(lacks_challenge(&e));
        e.response.headers.push(Header {
            name: "www-authenticate".into(),
            value: "Bearer realm=\"api\"".into(),
        });
        assert!(!lacks_challenge(&e));
        e.response.headers.clear();
        e.response.status = 403;
        assert!(!lacks_challenge(&e));
    }
}
