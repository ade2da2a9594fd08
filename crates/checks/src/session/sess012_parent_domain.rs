//! SESS-012: the session cookie is scoped to a parent domain.

use super::OWASP;
use super::cookie_attrs::{Flaw, SetRule, judge_session_cookies};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct ParentDomainCookie;

static RULE: Rule = Rule {
    id: "SESS-012",
    title: "Session cookie scoped to a parent domain",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[565],
    owasp: OWASP,
    summary: "The session cookie's Domain attribute names a parent of the host, so every sibling subdomain receives the session and can set (fixate) it.",
    remediation: "Omit the Domain attribute so the cookie stays host-only.",
    references: &["https://cwe.mitre.org/data/definitions/565.html"],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "The session cookie sid is scoped to .example.com, a parent of api.example.com. Set-Cookie: sid=a2e95c…; Domain=.example.com; Path=/; HttpOnly; Secure; SameSite=Lax",
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
                "Set-Cookie: sid=a2e95c[redacted]; Domain=.example.com; Path=/; HttpOnly; Secure; SameSite=Lax",
            ],
            response_body: "<p>Welcome back, alice</p>",
            note: "the session cookie sid as the server set it",
        }],
    }],
};

/// Is `domain` a strict parent of `host` (`example.com` for `api.example.com`)?
pub fn is_parent(domain: &str, host: &str) -> bool {
    let domain = domain.trim_start_matches('.').to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    !domain.is_empty() && host != domain && host.ends_with(&format!(".{domain}"))
}

#[async_trait]
impl Check for ParentDomainCookie {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        judge_session_cookies(ctx, &RULE, SetRule::FirstCookie, |c, target| {
            let domain = c.domain.as_deref()?;
            let host = target.host_str()?;
            is_parent(domain, host).then(|| Flaw {
                description: format!(
                    "The session cookie {} is scoped to {domain}, a parent of {host}.",
                    c.name
                ),
                severity: RULE.severity,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_parent;

    #[test]
    fn parent_domains() {
        assert!(is_parent(".example.com", "api.example.com"));
        assert!(!is_parent("api.example.com", "api.example.com"));
        assert!(!is_parent("ample.com", "api.example.com"));
        assert!(!is_parent("", "api.example.com"));
    }
}
