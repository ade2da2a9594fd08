//! SESS-007: the session cookie is readable by scripts (no HttpOnly).

use super::OWASP;
use super::cookie_attrs::{Flaw, SetRule, judge_session_cookies};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct CookieNoHttpOnly;

static RULE: Rule = Rule {
    id: "SESS-007",
    title: "Session cookie without HttpOnly",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[1004],
    owasp: OWASP,
    summary: "The session cookie lacks the HttpOnly attribute, so any script on the page — including one injected through XSS — can read and exfiltrate the session.",
    remediation: "Set HttpOnly on the session cookie.",
    references: &[
        "https://owasp.org/www-community/HttpOnly",
        "https://cwe.mitre.org/data/definitions/1004.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "The session cookie sid is set without HttpOnly. Set-Cookie: sid=a2e95c…; Path=/; Secure; SameSite=Lax",
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
                "Set-Cookie: sid=a2e95c[redacted]; Path=/; Secure; SameSite=Lax",
            ],
            response_body: "<p>Welcome back, alice</p>",
            note: "the session cookie sid as the server set it",
        }],
    }],
};

#[async_trait]
impl Check for CookieNoHttpOnly {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        judge_session_cookies(ctx, &RULE, SetRule::EveryCookie, |c, _| {
            (!c.http_only).then(|| Flaw {
                description: format!("The session cookie {} is set without HttpOnly.", c.name),
                severity: RULE.severity,
            })
        })
    }
}
