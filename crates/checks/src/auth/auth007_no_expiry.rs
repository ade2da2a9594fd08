//! AUTH-007: the credential's JWT carries no `exp` claim (passive).

use super::OWASP;
use super::exchanges::{credential_endpoint, credential_evidence};
use super::forge;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};

pub struct NoExpiry;

static RULE: Rule = Rule {
    id: "AUTH-007",
    title: "JWT without an expiry",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[613],
    owasp: OWASP,
    summary: "The API issues JSON Web Tokens without an exp claim. Such a token stays valid until the signing key changes, so a leaked token is a permanent credential.",
    remediation: "Give every access token a short exp (minutes), issue refresh tokens for longer sessions, and reject tokens without exp.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4",
        "https://cwe.mitre.org/data/definitions/613.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "The JWT in the Authorization header has no exp claim (its claims: sub, name, role, iat), so nothing but a key change ends its validity.",
        evidence: &[Proof {
            request: "POST /login",
            headers: &["Content-Type: application/json"],
            body: Some(r#"{"username":"alice","password":"[redacted]"}"#),
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"access_token":"eyJhbG[redacted]","token_type":"bearer"}"#,
            note: "login: the server issues the token",
        }],
    }],
};

#[async_trait]
impl Check for NoExpiry {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let cred = match forge::credential(ctx).await? {
            Ok(cred) => cred,
            Err(outcome) => return Ok(outcome),
        };
        if cred.jwt.claims.contains_key("exp") {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let claims: Vec<&str> = cred.jwt.claims.keys().map(String::as_str).collect();
        let description = format!(
            "The JWT in {} has no exp claim (its claims: {}), so nothing but a key change ends its validity.",
            cred.place(),
            claims.join(", ")
        );
        Ok(Outcome::Findings(vec![finding(ctx, description)]))
    }
}

/// A finding about the scan's credential: at the login step when a flow issued it, else at the target.
fn finding(ctx: &Context<'_>, description: String) -> Finding {
    Finding::new(&RULE, Confidence::Firm, credential_endpoint(ctx), description).with_evidence(credential_evidence(ctx))
}
