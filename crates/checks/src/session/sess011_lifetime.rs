//! SESS-011: excessive session lifetime — a cookie that lives beyond a day,
//! or a JWT session token without an expiry.

use super::cookie_attrs::{Flaw, SetRule, judge_session_cookies};
use super::{OWASP, endpoint, finding};
use async_trait::async_trait;
use base64::Engine;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};
use std::time::Duration;

pub struct LongLifetime;

static RULE: Rule = Rule {
    id: "SESS-011",
    title: "Excessive session lifetime",
    category: Category::Authentication,
    severity: Severity::Low,
    cwe: &[613],
    owasp: OWASP,
    summary: "The session is meant to live for more than a day (or forever). Every stolen or fixated session stays useful for that long.",
    remediation: "Keep session lifetimes to hours, with an idle timeout, and give tokens an expiry.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#session-expiration",
    ],
    needs: &[],
    variants: &["jwt-no-exp"],
    examples: &[Example {
        endpoint: "POST /login",
        variant: Some("jwt-no-exp"),
        instance: None,
        confidence: Confidence::Firm,
        description: "The session token is a JWT without an `exp` claim: it never expires unless the server keeps its own record.",
        evidence: &[Proof {
            request: "POST /login",
            headers: &["Content-Type: application/json"],
            body: Some(r#"{"username":"alice","password":"[redacted]"}"#),
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"access_token":"eyJhbG[redacted]","token_type":"bearer"}"#,
            note: "the login that issued the JWT",
        }],
    }],
};

const ONE_DAY: Duration = Duration::from_secs(24 * 3600);

#[async_trait]
impl Check for LongLifetime {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        if let Some(d) = ctx.driver {
            let claims = jwt_claims(&d.baseline().token);
            if claims.is_some_and(|c| c.get("exp").is_none()) {
                let description = "The session token is a JWT without an `exp` claim: it never expires unless the server keeps its own record.".to_string();
                let evidence = d.baseline().login.trip.exchanges.clone();
                let f = finding(ctx, &RULE, Confidence::Firm, endpoint(d, &d.flow().login), description)
                    .with_variant("jwt-no-exp");
                return Ok(Outcome::Findings(vec![f.with_evidence(evidence)]));
            }
        }
        judge_session_cookies(ctx, &RULE, SetRule::FirstCookie, |c, _| {
            let lifetime = c.lifetime()?;
            (lifetime > ONE_DAY).then(|| Flaw {
                description: format!(
                    "The session cookie {} lives {:.1} days.",
                    c.name,
                    lifetime.as_secs_f64() / 86400.0
                ),
                severity: RULE.severity,
            })
        })
    }
}

/// The claims of a JWT, if `token` is one.
pub fn jwt_claims(token: &str) -> Option<serde_json::Value> {
    let mut parts = token.split('.');
    let (header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    let decode = |p: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p.trim_end_matches('='))
            .ok()
    };
    let header: serde_json::Value = serde_json::from_slice(&decode(header)?).ok()?;
    header.get("alg")?;
    serde_json::from_slice(&decode(payload)?).ok()
}

#[cfg(test)]
mod tests {
    use super::jwt_claims;

    #[test]
    fn decodes_jwt_claims() {
        // {"alg":"HS256"} . {"sub":"alice"} . sig
        let claims = jwt_claims("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln").unwrap();
        assert_eq!(claims["sub"], "alice");
        assert!(jwt_claims("not.a.jwt").is_none());
        assert!(jwt_claims("opaque").is_none());
    }
}
