//! SESS-005: no rotation when privileges change.
//!
//! Proof (needs the flow's optional `[password_change]` step): a token logged
//! in before the password change is still logged in after it, from a fresh
//! client.

use super::{OWASP, PROBE, STEP, driver, endpoint, finding, inconclusive, random_control, step_evidence};
use crate::examples::{account, account_refused, login, login_page};
use async_trait::async_trait;
use rampart_engine::token::preview;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct NoRotationOnPrivilegeChange;

static RULE: Rule = Rule {
    id: "SESS-005",
    title: "Session not rotated when privileges change",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[384],
    owasp: OWASP,
    summary: "After a password change the old session id keeps working. A user who changes their password because they suspect compromise does not lock the intruder out.",
    remediation: "On a password change (and any privilege change) issue a new session id and invalidate the user's other sessions.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#renew-the-session-id-after-any-privilege-level-change",
    ],
    needs: &[Need::Flow],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /account/password",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "After the password change succeeded (status 200), the token a2e95c… from before it was still logged in from a fresh client: no new id was issued. A forged token of the same shape is not logged in (control).",
        evidence: &[
            login_page("user logs in"),
            login("user logs in"),
            Proof {
                request: "POST /account/password",
                headers: &[
                    "Cookie: sid=a2e95c[redacted]",
                    "Content-Type: application/x-www-form-urlencoded",
                ],
                body: Some("current_password=[redacted]&new_password=[redacted]"),
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<p>Your password was changed.</p>",
                note: "password change with the token",
            },
            account("attack: the pre-change token is still logged in"),
            account_refused("negative control: a never-issued token of the same shape is not logged in"),
        ],
    }],
};

#[async_trait]
impl Check for NoRotationOnPrivilegeChange {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        3 * STEP + PROBE
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let d = driver(ctx)?;
        let Some(step) = d.flow().password_change.as_ref() else {
            return Ok(Outcome::NotApplicable("the flow has no [password_change] step".into()));
        };
        let (mut agent, trail) = d.fresh_session().await?;
        let token = agent
            .token()
            .ok_or_else(|| inconclusive(&RULE, "the fresh login left no session token"))?;
        let change = d.password_change(&mut agent).await?.expect("flow has the step");
        let status = change.trip.first().response.status;
        if status >= 400 {
            return Err(inconclusive(
                &RULE,
                format!("the password_change step answered {status}"),
            ));
        }
        let after = d.probe(&token).await?;
        if !after.logged_in {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let how = if change.rotated() {
            "a new id was issued but the old one was not invalidated"
        } else {
            "no new id was issued"
        };
        let description = format!(
            "After the password change succeeded (status {status}), the token {} from before it was still logged in from a fresh client: {how}. A forged token of the same shape is not logged in (control).",
            preview(&token)
        );
        let mut evidence: Vec<_> = trail.iter().map(|e| e.clone().noted("user logs in")).collect();
        evidence.extend(step_evidence(&change, "password change with the token"));
        evidence.push(after.evidence("attack: the pre-change token is still logged in"));
        evidence.push(random_control(d));
        let f = finding(ctx, &RULE, Confidence::Confirmed, endpoint(d, step), description);
        Ok(Outcome::Findings(vec![f.with_evidence(evidence)]))
    }
}
