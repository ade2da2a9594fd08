//! SESS-001: the session id issued before login is still valid after it.
//!
//! Proof: a victim obtains token T0 anonymously (control: T0 alone is not
//! logged in), logs in presenting T0, then a fresh client presenting only T0
//! reaches the protected page as the user.

use super::{OWASP, PROBE, STEP, driver, endpoint, finding, inconclusive, step_evidence};
use async_trait::async_trait;
use rampart_engine::token::preview;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct Fixation;

static RULE: Rule = Rule {
    id: "SESS-001",
    title: "Session fixation: the pre-login session stays valid after login",
    category: Category::Authentication,
    severity: Severity::High,
    cwe: &[384],
    owasp: OWASP,
    summary: "The session id a visitor holds before logging in keeps working after login. An attacker who plants a known id in a victim's browser (a link, a subdomain cookie, a shared device) is logged in as the victim once the victim signs in.",
    remediation: "Issue a new session id when the user authenticates and invalidate the pre-login one.",
    references: &[
        "https://owasp.org/www-community/attacks/Session_fixation",
        "https://cwe.mitre.org/data/definitions/384.html",
    ],
    needs: &[Need::Flow],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "The token 3f9a2c… that [preauth] issued before login was still valid after the user logged in with it: a fresh client presenting only that token (cookie sid) was logged in. Before login the same token was anonymous (control). Login did not issue a new token at all.",
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
                note: "preauth: anonymous token T0 issued",
            },
            Proof {
                request: "GET /account",
                headers: &["Cookie: sid=3f9a2c[redacted]"],
                body: None,
                status: 401,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<h1>Please sign in</h1>",
                note: "control: T0 before login is anonymous",
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
                note: "victim logs in presenting T0",
            },
            Proof {
                request: "GET /account",
                headers: &["Cookie: sid=3f9a2c[redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<p>Signed in as alice</p>",
                note: "attack: T0 alone, from a fresh client, is logged in",
            },
        ],
    }],
};

#[async_trait]
impl Check for Fixation {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        2 * STEP + 2 * PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let d = driver(ctx)?;
        let mut victim = d.agent();
        let pre = d.preauth(&mut victim).await?;
        let Some(t0) = pre.token_after.clone() else {
            return Ok(Outcome::NotApplicable(
                "the preauth step issues no session token, so there is none to fixate".into(),
            ));
        };
        let control = d.probe(&t0).await?;
        if control.logged_in {
            return Err(inconclusive(
                &RULE,
                "the anonymous token already shows the logged-in marker",
            ));
        }
        let login = d.login(&mut victim).await?;
        let attack = d.probe(&t0).await?;
        if !attack.logged_in {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let how = if login.rotated() {
            "Login set a new token but did not invalidate the old one."
        } else {
            "Login did not issue a new token at all."
        };
        let description = format!(
            "The token {} that [preauth] issued before login was still valid after the user logged in with it: a fresh client presenting only that token ({}) was logged in. Before login the same token was anonymous (control). {how}",
            preview(&t0),
            d.carrier().describe()
        );
        let mut evidence = step_evidence(&pre, "preauth: anonymous token T0 issued");
        evidence.push(control.evidence("control: T0 before login is anonymous"));
        evidence.extend(step_evidence(&login, "victim logs in presenting T0"));
        evidence.push(attack.evidence("attack: T0 alone, from a fresh client, is logged in"));
        let f = finding(
            ctx,
            &RULE,
            Confidence::Confirmed,
            endpoint(d, &d.flow().login),
            description,
        );
        let row = super::store::stale_row(
            ctx,
            &t0,
            "the pre-login token's record is bound to the user after login",
        )
        .await;
        Ok(Outcome::Findings(vec![
            f.with_evidence(evidence).with_store_evidence(row),
        ]))
    }
}
