//! CRYPTO-006: a cookie other than the session cookie is set without Secure.

use super::OWASP;
use crate::web::observed;
use async_trait::async_trait;
use rampart_engine::cookies::{SetCookie, is_session_name};
use rampart_engine::{Carrier, Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Finding, Rule, Severity};

pub struct CookieWithoutSecure;

static RULE: Rule = Rule {
    id: "CRYPTO-006",
    title: "Cookie without Secure",
    category: Category::Encryption,
    severity: Severity::Low,
    cwe: &[614],
    owasp: OWASP,
    summary: "A cookie is set without the Secure attribute, so browsers also send it over plain HTTP where it can be read and changed. (Session cookies are judged by SESS-008.)",
    remediation: "Set Secure on every cookie of an HTTPS site.",
    references: &[
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies",
        "https://cwe.mitre.org/data/definitions/614.html",
    ],
};

/// Most cookies reported.
const MAX_FINDINGS: usize = 5;

#[async_trait]
impl Check for CookieWithoutSecure {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let session = ctx.driver.and_then(|d| match d.carrier() {
            Carrier::Cookie(name) => Some(name.clone()),
            _ => None,
        });
        let mut findings: Vec<Finding> = Vec::new();
        let mut named: Vec<String> = Vec::new();
        for o in observed(ctx) {
            for header in o.exchange.set_cookies() {
                let Some(cookie) = SetCookie::parse(header) else {
                    continue;
                };
                let is_session = session.as_deref() == Some(cookie.name.as_str()) || is_session_name(&cookie.name);
                if cookie.secure || is_session || cookie.is_removal() || named.contains(&cookie.name) {
                    continue;
                }
                if findings.len() >= MAX_FINDINGS {
                    break;
                }
                named.push(cookie.name.clone());
                let value = rampart_engine::token::preview(&cookie.value);
                let attributes = header.split_once(';').map_or("", |(_, a)| a.trim());
                let description = format!(
                    "{} {} sets the cookie {} without Secure (Set-Cookie: {}={value}; {attributes}).",
                    o.exchange.request.method, o.exchange.request.url, cookie.name, cookie.name
                );
                let evidence = o
                    .exchange
                    .clone()
                    .noted(format!("Set-Cookie {} without Secure", cookie.name));
                findings.push(
                    Finding::new(&RULE, Confidence::Firm, o.endpoint(), description)
                        .with_variant(&cookie.name)
                        .with_evidence(vec![evidence]),
                );
            }
        }
        Ok(Outcome::Findings(findings))
    }
}
