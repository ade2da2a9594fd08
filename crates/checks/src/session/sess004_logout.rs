//! SESS-004: the session is still valid after logout.
//!
//! Proof: a token that is logged in just before logout (positive control) is
//! sent, after the logout step ran with it, from a fresh client; if it is
//! still logged in it is re-tested after a short delay, so a store whose
//! invalidation lags is reported as such rather than missed or overstated.

use super::{OWASP, PROBE, STEP, driver, endpoint, finding, inconclusive, random_control, step_evidence};
use crate::examples::{account, account_refused, login, login_page};
use async_trait::async_trait;
use rampart_engine::token::preview;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct LogoutKeepsSession;

static RULE: Rule = Rule {
    id: "SESS-004",
    title: "Session still valid after logout",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[613],
    owasp: OWASP,
    summary: "Logging out does not end the session on the server. Anyone who captured the token (a shared computer, a proxy log, malware) keeps the user's access after the user believes they signed out.",
    remediation: "Invalidate the session on the server at logout, not only the cookie in the browser.",
    references: &[
        "https://cwe.mitre.org/data/definitions/613.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html",
    ],
    needs: &[Need::Flow],
    variants: &["lagging"],
    examples: &[Example {
        endpoint: "POST /logout",
        variant: Some("lagging"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "Invalidation lags: right after the logout step the token a2e95c… was still logged in from a fresh client; 1.5 s later it no longer was. The store invalidates sessions eventually, leaving a window in which a stolen token keeps working.",
        evidence: &[
            login_page("user logs in"),
            login("user logs in"),
            account("before logout: the token is logged in"),
            Proof {
                request: "POST /logout",
                headers: &["Cookie: sid=a2e95c[redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<p>You are signed out.</p>",
                note: "logout with the token",
            },
            account("attack: right after logout, the token alone is still logged in"),
            Proof {
                request: "GET /account",
                headers: &["Cookie: sid=a2e95c[redacted]"],
                body: None,
                status: 401,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<h1>Please sign in</h1>",
                note: "re-test after 1.5 s",
            },
            account_refused("negative control: a never-issued token of the same shape is not logged in"),
        ],
    }],
};

#[async_trait]
impl Check for LogoutKeepsSession {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        3 * STEP + 3 * PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let d = driver(ctx)?;
        if d.flow().logout.is_none() {
            return Ok(Outcome::NotApplicable("the flow has no [logout] step".into()));
        }
        let (mut agent, trail) = d.fresh_session().await?;
        let token = agent
            .token()
            .ok_or_else(|| inconclusive(&RULE, "the fresh login left no session token"))?;
        let before = d.probe(&token).await?;
        if !before.logged_in {
            return Err(inconclusive(&RULE, "the fresh session was not logged in before logout"));
        }
        let logout = super::log_out(d, &mut agent).await?;
        let status = logout.trip.first().response.status;
        let after = d.probe(&token).await?;
        if !after.logged_in {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let delay = ctx.config.logout_recheck;
        tokio::time::sleep(delay).await;
        let later = d.probe(&token).await?;
        let mut evidence: Vec<_> = trail.iter().map(|e| e.clone().noted("user logs in")).collect();
        evidence.push(before.evidence("before logout: the token is logged in"));
        evidence.extend(step_evidence(&logout, "logout with the token"));
        evidence.push(after.evidence("attack: right after logout, the token alone is still logged in"));
        evidence.push(later.evidence(&format!("re-test after {:.1} s", delay.as_secs_f64())));
        evidence.push(random_control(d));
        let secs = delay.as_secs_f64();
        let f = if later.logged_in {
            let description = format!(
                "After the logout step succeeded (status {status}), the token {} was still logged in from a fresh client, and still was {secs:.1} s later. A forged token of the same shape is not logged in (control).",
                preview(&token)
            );
            finding(
                ctx,
                &RULE,
                Confidence::Confirmed,
                endpoint(d, d.flow().logout.as_ref().unwrap()),
                description,
            )
        } else {
            let description = format!(
                "Invalidation lags: right after the logout step the token {} was still logged in from a fresh client; {secs:.1} s later it no longer was. The store invalidates sessions eventually, leaving a window in which a stolen token keeps working.",
                preview(&token)
            );
            finding(
                ctx,
                &RULE,
                Confidence::Confirmed,
                endpoint(d, d.flow().logout.as_ref().unwrap()),
                description,
            )
            .with_variant("lagging")
            .with_severity(Severity::Low)
        };
        let row = super::store::stale_row(
            ctx,
            &token,
            "after logout the store still holds the session, bound to the user",
        )
        .await;
        Ok(Outcome::Findings(vec![
            f.with_evidence(evidence).with_store_evidence(row),
        ]))
    }
}
