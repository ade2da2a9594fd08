//! AUTH-002: a wrong credential is accepted.
//!
//! Proof: an endpoint refuses the anonymous request (control) and gives its
//! content to the scan's credentials; a credential of the same shape that the
//! server never issued (the JWT with a broken signature, or random values) gets
//! content shaped like the authenticated answer.

use super::credential::{self, Headers, JwtCredential};
use super::oracle::protected;
use super::{MAX_ENDPOINTS, OWASP, same_shape};
use crate::examples::jwt_me;
use crate::web;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct InvalidCredentials;

static RULE: Rule = Rule {
    id: "AUTH-002",
    title: "Invalid credentials accepted",
    category: Category::Authentication,
    severity: Severity::High,
    cwe: &[287],
    owasp: OWASP,
    summary: "The endpoint refuses requests without credentials but accepts credentials the server never issued (a token with a broken signature, or a random one of the right shape): it checks that a credential is present, not that it is valid.",
    remediation: "Validate every credential on every request: verify the token's signature (and expiry) with the server's key, or look the session/API key up in the store, and refuse on any failure.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
        "https://cwe.mitre.org/data/definitions/287.html",
    ],
    needs: &[],
    variants: &["broken-signature", "random-token"],
    examples: &[Example {
        endpoint: "GET /api/v1/me",
        variant: Some("broken-signature"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/me refuses anonymous requests (status 401) but answered the JWT with a broken signature with the content it gives the scan's credentials (status 200).",
        evidence: &[
            Proof {
                request: "GET /api/v1/me",
                headers: &[],
                body: None,
                status: 401,
                response_headers: &["Content-Type: application/json", "WWW-Authenticate: Bearer"],
                response_body: r#"{"error":"authentication required"}"#,
                note: "control: without credentials the request is refused",
            },
            jwt_me("the genuine credentials get the content"),
            jwt_me("attack: the JWT with a broken signature gets the same content"),
        ],
    }],
};

/// Forged credentials tried per endpoint.
const FORMS: u64 = 2;

#[async_trait]
impl Check for InvalidCredentials {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        MAX_ENDPOINTS as u64 * FORMS
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let Some(headers) = ctx.auth_headers().await? else {
            return Ok(Outcome::NotApplicable(
                "the scan has no credentials to tamper with".into(),
            ));
        };
        let forms = forms(&headers);
        // A tampered credential looks like a live one wherever it is shown,
        // so the report shows it as it shows live tokens: a prefix, redacted.
        for (_, fake, _) in &forms {
            credential::token_values(fake).for_each(|token| ctx.redactor.token(token));
        }
        let mut findings = Vec::new();
        // Only where anonymous requests are refused outright (a 4xx), not merely answered emptily.
        let refused_outright = protected(ctx).filter(|(_, anon, _)| (400..500).contains(&anon.status));
        for (op, anon, authed) in refused_outright.take(MAX_ENDPOINTS) {
            for (variant, fake, what) in &forms {
                let mut req = Request::get(op.url.clone()).anonymous();
                req.headers.extend(fake.iter().cloned());
                let resp = ctx.layer.send(&req).await?;
                // Accepted means the credentials' content, and not what an anonymous request gets.
                if !(web::has_content(&resp) && same_shape(authed, &resp)) || same_shape(anon, &resp) {
                    continue;
                }
                let description = format!(
                    "{} refuses anonymous requests (status {}) but answered {what} with the content it gives the scan's credentials (status {}).",
                    op.label(),
                    anon.status,
                    resp.status
                );
                let mut evidence = vec![
                    anon.exchange
                        .clone()
                        .noted("control: without credentials the request is refused"),
                ];
                evidence.push(authed.exchange.clone().noted("the genuine credentials get the content"));
                evidence.push(resp.exchange.noted(format!("attack: {what} gets the same content")));
                let f = web::finding(&RULE, Confidence::Confirmed, op, description).with_variant(variant);
                findings.push(f.with_evidence(evidence));
                break;
            }
        }
        Ok(Outcome::Findings(findings))
    }
}

/// (variant, forged headers, description): the JWT with a broken signature if there is one, and random values.
fn forms(headers: &Headers) -> Vec<(&'static str, Headers, &'static str)> {
    let mut forms = Vec::new();
    if let Some(cred) = JwtCredential::in_headers(headers.clone()) {
        let broken = cred.with_token(&cred.jwt.garbled());
        forms.push(("broken-signature", broken, "the JWT with a broken signature"));
    }
    forms.push((
        "random-token",
        credential::forged(headers),
        "a random credential of the same shape",
    ));
    forms
}
