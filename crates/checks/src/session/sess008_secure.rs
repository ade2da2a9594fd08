//! SESS-008: the session cookie may travel over plain HTTP (no Secure).

use super::OWASP;
use super::cookie_attrs::{Flaw, SetRule, judge_session_cookies};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct CookieNoSecure;

static RULE: Rule = Rule {
    id: "SESS-008",
    title: "Session cookie without Secure",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[614],
    owasp: OWASP,
    summary: "The session cookie lacks the Secure attribute, so the browser also sends it over plain HTTP, where anyone on the network path can read it.",
    remediation: "Set Secure on the session cookie and serve the application only over HTTPS.",
    references: &["https://cwe.mitre.org/data/definitions/614.html"],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "The session cookie sid is set without Secure on an HTTPS site; one plain-HTTP request leaks it. Set-Cookie: sid=a2e95c…; Path=/; HttpOnly; SameSite=Lax",
        evidence: &[Proof {
            request: "POST /login",
            headers: &[
                "Cookie: sid=4d81b7[redacted]",
                "Content-Type: application/x-www-form-urlencoded",
            ],
            body: Some("username=alice&password=[redacted]"),
            status: 200,
            response_headers: &[
                "Content-Type: text/html; charset=utf-8",
                "Set-Cookie: sid=a2e95c[redacted]; Path=/; HttpOnly; SameSite=Lax",
            ],
            response_body: "<p>Welcome back, alice</p>",
            note: "the session cookie sid as the server set it",
        }],
    }],
};

#[async_trait]
impl Check for CookieNoSecure {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        judge_session_cookies(ctx, &RULE, SetRule::EveryCookie, |c, target| {
            if c.secure {
                return None;
            }
            let https = target.scheme() == "https";
            let description = if https {
                format!(
                    "The session cookie {} is set without Secure on an HTTPS site; one plain-HTTP request leaks it.",
                    c.name
                )
            } else {
                format!(
                    "The session cookie {} is set without Secure (the target is plain HTTP, so the session already travels unencrypted).",
                    c.name
                )
            };
            Some(Flaw {
                description,
                severity: if https { Severity::Medium } else { Severity::Low },
            })
        })
    }
}
