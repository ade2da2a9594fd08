//! SESS-014: the store updates the pre-login session row in place on login.
//!
//! Gray-box proof: the row keyed by the anonymous token T0 has no user before
//! login (control) and the user after it, under the same key.

use super::store::{failed, observed, store, value};
use super::{OWASP, STEP, driver, endpoint, finding};
use async_trait::async_trait;
use rampart_engine::token::preview;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct StoreUpdatedInPlace;

static RULE: Rule = Rule {
    id: "SESS-014",
    title: "Store: session row updated in place on login",
    category: Category::Authentication,
    severity: Severity::High,
    cwe: &[384],
    owasp: OWASP,
    summary: "The session store keeps the pre-login row and writes the user into it on login (UPDATE … WHERE token = $1, INSERT … ON CONFLICT upserts), so the key an attacker may know becomes an authenticated session.",
    remediation: "On login delete the pre-login row and insert a new row under a fresh server-generated token, in one transaction.",
    references: &["https://cwe.mitre.org/data/definitions/384.html"],
    needs: &[Need::Flow, Need::Store],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "The public.sessions row keyed by the pre-login token 3f9a2c… had no user before login and `user_id` = 1 after it, under the same key: login updated the anonymous row instead of replacing it.",
        evidence: &[
            Proof {
                request: "GET /login",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &[
                    "Content-Type: text/html; charset=utf-8",
                    "Set-Cookie: sid=3f9a2c[redacted]; Path=/; HttpOnly; Secure; SameSite=Lax",
                ],
                response_body: r#"<form method="post" action="/login"><input name="username"><input type="password" name="password"></form>"#,
                note: "preauth: the pre-login token T0, whose row has no user yet",
            },
            Proof {
                request: "POST /login",
                headers: &[
                    "Cookie: sid=3f9a2c[redacted]",
                    "Content-Type: application/x-www-form-urlencoded",
                ],
                body: Some("username=alice&password=[redacted]"),
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<p>Welcome back, alice</p>",
                note: "login presenting T0: afterwards the same row names the user",
            },
        ],
    }],
};

#[async_trait]
impl Check for StoreUpdatedInPlace {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        2 * STEP
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let inspector = match store(ctx) {
            Ok(s) => s,
            Err(outcome) => return Ok(outcome),
        };
        let d = driver(ctx)?;
        let mut victim = d.agent();
        let Some(t0) = d.preauth(&mut victim).await?.token_after else {
            return Ok(Outcome::NotApplicable(
                "the preauth step issues no session token".into(),
            ));
        };
        let Some(at) = inspector.locate(&t0).await.map_err(failed)? else {
            return Ok(Outcome::NotApplicable(
                "the pre-login token is not kept in the store".into(),
            ));
        };
        let before = inspector.record(&at, &t0).await.map_err(failed)?;
        let user = at.user_field.as_deref();
        if before.as_ref().is_some_and(|r| value(r, user).is_some()) {
            return Err(super::inconclusive(&RULE, "the pre-login row already names a user"));
        }
        d.login(&mut victim).await?;
        let after = inspector.record(&at, &t0).await.map_err(failed)?;
        let Some(elevated) = after.as_ref().and_then(|r| value(r, user)) else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let description = format!(
            "The {} row keyed by the pre-login token {} had no user before login and `{}` = {elevated} after it, under the same key: login updated the anonymous row instead of replacing it.",
            at.container,
            preview(&t0),
            user.unwrap_or_default()
        );
        let evidence = vec![
            observed(
                inspector,
                &at,
                "before login: the row keyed by T0 has no user (control)",
                before.as_ref(),
            ),
            observed(
                inspector,
                &at,
                "after login: the same row names the user",
                after.as_ref(),
            ),
        ];
        let f = finding(
            ctx,
            &RULE,
            Confidence::Confirmed,
            endpoint(d, &d.flow().login),
            description,
        );
        Ok(Outcome::Findings(vec![f.with_store_evidence(evidence)]))
    }
}
