//! SESS-019: every login of the same user gets the same session token.
//!
//! Proof: two fresh clients, with nothing in common, log in as the user
//! [`APART`] apart (so a token built from the login time differs) and get
//! the identical token, which reaches the protected page. Control: a
//! never-issued token of the same shape does not.

use super::{OWASP, PROBE, STEP, driver, endpoint, finding, inconclusive, random_control};
use crate::examples::root;
use async_trait::async_trait;
use rampart_engine::token::preview;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};
use std::time::Duration;

pub struct SameTokenEveryLogin;

static RULE: Rule = Rule {
    id: "SESS-019",
    title: "Same session token on every login",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[613, 384],
    owasp: OWASP,
    summary: "Each login of a user hands out the same token, so the token is a standing credential rather than a session: it outlives logins, logouts and devices, a copy captured once keeps working, and no session can be ended on its own.",
    remediation: "Issue a new random token (at least 128 bits from a cryptographically secure generator) for every login, with its own expiry, and revoke it at logout; keep long-lived API keys separate from login sessions.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/613.html",
    ],
    needs: &[Need::Flow],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "Two fresh clients, sharing no cookies or tokens, logged in as the user 1.5 s apart and both got the token 7f3c9a…; it reaches the protected page as the user. A never-issued token of the same shape does not (control).",
        evidence: &[
            root("first login"),
            Proof {
                request: "POST /login",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"username":"alice","password":"[redacted]"}"#),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"access_token":"7f3c9a[redacted]","token_type":"bearer"}"#,
                note: "first login",
            },
            root("second login: the same token"),
            Proof {
                request: "POST /login",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"username":"alice","password":"[redacted]"}"#),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"access_token":"7f3c9a[redacted]","token_type":"bearer"}"#,
                note: "second login: the same token",
            },
            Proof {
                request: "GET /account",
                headers: &["Authorization: Bearer 7f3c9a[redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1,"username":"alice"}"#,
                note: "the token is a live session",
            },
            Proof {
                request: "GET /account",
                headers: &["Authorization: Bearer 0b9d5e[redacted]"],
                body: None,
                status: 401,
                response_headers: &["Content-Type: application/json", "WWW-Authenticate: Bearer"],
                response_body: r#"{"error":"invalid token"}"#,
                note: "negative control: a never-issued token of the same shape is not logged in",
            },
        ],
    }],
};

/// Time between the two logins: longer than the one-second resolution of
/// timestamps that signed tokens carry (JWT `iat`, signed-cookie times).
const APART: Duration = Duration::from_millis(1500);

#[async_trait]
impl Check for SameTokenEveryLogin {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        4 * STEP + PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let d = driver(ctx)?;
        let (first, first_trail) = d.fresh_session().await?;
        tokio::time::sleep(APART).await;
        let (second, second_trail) = d.fresh_session().await?;
        let (Some(a), Some(b)) = (first.token(), second.token()) else {
            return Err(inconclusive(&RULE, "a fresh login left no session token"));
        };
        if a != b {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let live = d.probe(&a).await?;
        if !live.logged_in {
            return Err(inconclusive(
                &RULE,
                "the repeated token does not reach the protected page",
            ));
        }
        let description = format!(
            "Two fresh clients, sharing no cookies or tokens, logged in as the user {:.1} s apart and both got the token {}; it reaches the protected page as the user. A never-issued token of the same shape does not (control).",
            APART.as_secs_f32(),
            preview(&a)
        );
        let mut evidence: Vec<_> = first_trail.into_iter().map(|e| e.noted("first login")).collect();
        evidence.extend(
            second_trail
                .into_iter()
                .map(|e| e.noted("second login: the same token")),
        );
        evidence.push(live.evidence("the token is a live session"));
        evidence.push(random_control(d));
        let f = finding(
            ctx,
            &RULE,
            Confidence::Confirmed,
            endpoint(d, &d.flow().login),
            description,
        );
        Ok(Outcome::Findings(vec![f.with_evidence(evidence)]))
    }
}
