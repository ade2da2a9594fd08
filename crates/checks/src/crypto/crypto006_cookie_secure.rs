//! CRYPTO-006: a cookie other than the session cookie is set without Secure.

use super::OWASP;
use crate::web::observed;
use async_trait::async_trait;
use rampart_engine::cookies::{SetCookie, is_session_name};
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};

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
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /",
        variant: None,
        instance: Some("prefs"),
        confidence: Confidence::Firm,
        description: "GET https://api.example.com/ sets the cookie prefs without Secure (Set-Cookie: prefs=theme-…; Path=/; SameSite=Lax).",
        evidence: &[Proof {
            request: "GET /",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &[
                "Content-Type: application/json",
                "Set-Cookie: prefs=theme-[redacted]; Path=/; SameSite=Lax",
            ],
            response_body: r#"{"name":"example-api","version":"1.4.2"}"#,
            note: "Set-Cookie prefs without Secure",
        }],
    }],
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
        let session: &[String] = ctx.driver.map_or(&[], |d| d.carrier().cookie_names());
        let mut findings: Vec<Finding> = Vec::new();
        let mut named: Vec<String> = Vec::new();
        for o in observed(ctx) {
            for header in o.exchange.set_cookies() {
                let Some(cookie) = SetCookie::parse(header) else {
                    continue;
                };
                let is_session = session.contains(&cookie.name) || is_session_name(&cookie.name);
                let ours = supplied_by_request(o.exchange, &cookie);
                if cookie.secure || is_session || cookie.is_removal() || named.contains(&cookie.name) || ours {
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
                        .with_instance(&cookie.name)
                        .with_evidence(vec![evidence]),
                );
            }
        }
        Ok(Outcome::Findings(findings))
    }
}

/// Did the response set this cookie because the request asked for it (a
/// probe's parameter named it or carried its value)? Then it is the
/// scanner's cookie, not the application's.
fn supplied_by_request(exchange: &rampart_model::Exchange, cookie: &SetCookie) -> bool {
    let req = &exchange.request;
    let query = url::Url::parse(&req.url)
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        })
        .unwrap_or_default();
    let body = req.body.as_deref().unwrap_or_default();
    let form: String = url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| format!("{k}={v}&"))
        .collect();
    let sent = format!("{query}&{body}&{form}");
    let value_sent = cookie.value.len() >= 3 && sent.contains(cookie.value.as_str());
    value_sent || sent.contains(&format!("={}", cookie.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_the_request_asked_for_are_not_the_apps() {
        let mut ex = rampart_model::Exchange::default();
        ex.request.url = "http://api.test/set?name=rampart_probe&value=x%20y%20z".into();
        let set = |header: &str| SetCookie::parse(header).unwrap();
        assert!(supplied_by_request(&ex, &set("rampart_probe=1")));
        assert!(supplied_by_request(&ex, &set("other=x y z")));
        assert!(!supplied_by_request(&ex, &set("prefs=theme-light; SameSite=Lax")));
        ex.request.url = "http://api.test/".into();
        ex.request.body = Some("lang=fr-CA".into());
        assert!(supplied_by_request(&ex, &set("lang=fr-CA")));
    }
}
