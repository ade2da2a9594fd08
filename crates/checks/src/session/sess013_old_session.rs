//! SESS-013: an older session stays valid after the user logs in again.
//!
//! Proof: session A is logged in; the same user logs in as B from another
//! client; A alone is still logged in. Many applications allow concurrent
//! sessions on purpose, so this is information unless policy says otherwise.

use super::{OWASP, PROBE, STEP, driver, endpoint, finding, inconclusive, random_control};
use crate::examples::{account, account_refused};
use async_trait::async_trait;
use rampart_engine::token::preview;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct OldSessionSurvivesLogin;

static RULE: Rule = Rule {
    id: "SESS-013",
    title: "Older session still valid after a new login",
    category: Category::Authentication,
    severity: Severity::Info,
    cwe: &[613],
    owasp: OWASP,
    summary: "Logging in again does not end the user's previous sessions. Normal for apps that allow several devices; a risk where policy wants one session per user, since a stolen session survives the user's next login.",
    remediation: "If policy is one session per user, invalidate the user's other sessions on login; otherwise offer a 'sign out everywhere' control.",
    references: &["https://cwe.mitre.org/data/definitions/613.html"],
    needs: &[Need::Flow],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "The first session a2e95c… stayed logged in after the same user logged in again from another client. Concurrent sessions are allowed.",
        evidence: &[
            account("first session is logged in"),
            Proof {
                request: "GET /login",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &[
                    "Content-Type: text/html; charset=utf-8",
                    "Set-Cookie: sid=5b37e0[redacted]; Path=/; HttpOnly; Secure; SameSite=Lax",
                ],
                response_body: r#"<form method="post" action="/login"><input name="username"><input type="password" name="password"></form>"#,
                note: "the same user logs in again elsewhere",
            },
            Proof {
                request: "POST /login",
                headers: &[
                    "Cookie: sid=5b37e0[redacted]",
                    "Content-Type: application/x-www-form-urlencoded",
                ],
                body: Some("username=alice&password=[redacted]"),
                status: 200,
                response_headers: &[
                    "Content-Type: text/html; charset=utf-8",
                    "Set-Cookie: sid=c8d14f[redacted]; Path=/; HttpOnly; Secure; SameSite=Lax",
                ],
                response_body: "<p>Welcome back, alice</p>",
                note: "the same user logs in again elsewhere",
            },
            account("the first session is still logged in"),
            account_refused("negative control: a never-issued token of the same shape is not logged in"),
        ],
    }],
};

#[async_trait]
impl Check for OldSessionSurvivesLogin {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        4 * STEP + 2 * PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let d = driver(ctx)?;
        let (first, _) = d.fresh_session().await?;
        let t1 = first
            .token()
            .ok_or_else(|| inconclusive(&RULE, "the first login left no session token"))?;
        let before = d.probe(&t1).await?;
        if !before.logged_in {
            return Err(inconclusive(&RULE, "the first session was not logged in"));
        }
        let (_second, trail) = d.fresh_session().await?;
        let after = d.probe(&t1).await?;
        if !after.logged_in {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let description = format!(
            "The first session {} stayed logged in after the same user logged in again from another client. Concurrent sessions are allowed.",
            preview(&t1)
        );
        let mut evidence = vec![before.evidence("first session is logged in")];
        evidence.extend(
            trail
                .into_iter()
                .map(|e| e.noted("the same user logs in again elsewhere")),
        );
        evidence.push(after.evidence("the first session is still logged in"));
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
