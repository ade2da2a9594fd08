//! SESS-009: the session cookie is sent on cross-site requests (no SameSite, or None).

use super::OWASP;
use super::cookie_attrs::{Flaw, SetRule, judge_session_cookies};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct CookieNoSameSite;

static RULE: Rule = Rule {
    id: "SESS-009",
    title: "Session cookie without SameSite, or SameSite=None",
    category: Category::Authentication,
    severity: Severity::Low,
    cwe: &[1275],
    owasp: OWASP,
    summary: "The session cookie has no SameSite attribute (or SameSite=None), so browsers may attach it to requests other sites trigger, which enables cross-site request forgery.",
    remediation: "Set SameSite=Lax (or Strict) on the session cookie.",
    references: &["https://cwe.mitre.org/data/definitions/1275.html"],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "The session cookie sid is set without SameSite. Set-Cookie: sid=a2e95c…; Path=/; HttpOnly; Secure",
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
                "Set-Cookie: sid=a2e95c[redacted]; Path=/; HttpOnly; Secure",
            ],
            response_body: "<p>Welcome back, alice</p>",
            note: "the session cookie sid as the server set it",
        }],
    }],
};

#[async_trait]
impl Check for CookieNoSameSite {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        judge_session_cookies(ctx, &RULE, SetRule::EveryCookie, |c, _| {
            let description = match c.same_site.as_deref() {
                None => format!("The session cookie {} is set without SameSite.", c.name),
                Some(v) if v.eq_ignore_ascii_case("none") => {
                    format!("The session cookie {} is set with SameSite=None.", c.name)
                }
                Some(_) => return None,
            };
            Some(Flaw {
                description,
                severity: RULE.severity,
            })
        })
    }
}
