//! SESS-010: the session id is exposed in a URL, a redirect or a response body.
//!
//! The known token values are searched for in every URL, `Location` header
//! and response body of the baseline login, except the body a token API
//! deliberately returns its token in (the flow's `token_json` source).

use super::{OWASP, driver, finding};
use async_trait::async_trait;
use rampart_engine::token::preview;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Exchange, Need, Proof, Rule, Severity};

pub struct TokenExposed;

static RULE: Rule = Rule {
    id: "SESS-010",
    title: "Session id exposed in a URL, redirect or response body",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[598, 200],
    owasp: OWASP,
    summary: "The session id appears where it should not: in a URL or redirect (logs, Referer, history) or in a response body that scripts, caches or intermediaries can read, defeating HttpOnly.",
    remediation: "Keep the session id in its cookie (or the one token response of a token API); never echo it in URLs, redirects or other bodies.",
    references: &["https://cwe.mitre.org/data/definitions/598.html"],
    needs: &[Need::Flow],
    variants: &["request-url", "redirect-location", "response-body"],
    examples: &[Example {
        endpoint: "POST /login",
        variant: Some("redirect-location"),
        instance: None,
        confidence: Confidence::Firm,
        description: "The session token a2e95c… appears in the redirect Location of POST https://api.example.com/login.",
        evidence: &[Proof {
            request: "POST /login",
            headers: &[
                "Cookie: sid=4d81b7[redacted]",
                "Content-Type: application/x-www-form-urlencoded",
            ],
            body: Some("username=alice&password=[redacted]"),
            status: 302,
            response_headers: &[
                "Location: /account?sid=a2e95c[redacted]",
                "Set-Cookie: sid=a2e95c[redacted]; Path=/; HttpOnly; Secure; SameSite=Lax",
            ],
            response_body: "",
            note: "the token in the redirect Location",
        }],
    }],
};

#[async_trait]
impl Check for TokenExposed {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let d = driver(ctx)?;
        let base = d.baseline();
        let tokens: Vec<&str> = [base.preauth.token_after.as_deref(), Some(base.token.as_str())]
            .into_iter()
            .flatten()
            .collect();
        let token_api = !d.carrier().is_cookie();
        let sanctioned = |e: &Exchange, i: usize, of: &[Exchange], declared: bool| {
            token_api && declared && i + 1 == of.len() && !e.response.body.is_empty()
        };
        let steps = [
            (&base.preauth, d.flow().preauth.token_json.is_some()),
            (&base.login, d.flow().login.token_json.is_some()),
        ];
        for (outcome, declared) in steps {
            let exchanges = &outcome.trip.exchanges;
            for (i, e) in exchanges.iter().enumerate() {
                let allowed_body = sanctioned(e, i, exchanges, declared);
                if let Some((token, place)) = tokens.iter().find_map(|t| exposed(e, t, allowed_body).map(|p| (*t, p))) {
                    let description = format!(
                        "The session token {} appears in the {place} of {} {}.",
                        preview(token),
                        e.request.method,
                        e.request.url
                    );
                    let endpoint = Endpoint {
                        method: e.request.method.clone(),
                        url: e.request.url.clone(),
                    };
                    let evidence = e.clone().noted(format!("the token in the {place}"));
                    let f = finding(ctx, &RULE, Confidence::Firm, endpoint, description)
                        .with_variant(&place.to_ascii_lowercase().replace(' ', "-"));
                    return Ok(Outcome::Findings(vec![f.with_evidence(vec![evidence])]));
                }
            }
        }
        Ok(Outcome::Findings(Vec::new()))
    }
}

/// Where in `e` the token shows, if anywhere it should not.
fn exposed(e: &Exchange, token: &str, body_allowed: bool) -> Option<&'static str> {
    if e.request.url.contains(token) {
        return Some("request URL");
    }
    if e.response.header("location").is_some_and(|l| l.contains(token)) {
        return Some("redirect Location");
    }
    (!body_allowed && e.response.body.contains(token)).then_some("response body")
}
