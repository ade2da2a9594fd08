//! SESS-021: a refresh token still works after logout.
//!
//! Proof: a fresh login's access token is logged out with the flow's
//! `[logout]` step; the refresh token from that login is then exchanged, and
//! the access token it buys reaching the protected page is the finding.
//! Control: a never-issued refresh token of the same shape is refused.

use super::refresh::{FIND_COST, REFRESH_COST, find, noted};
use super::{OWASP, STEP, driver, step_evidence};
use crate::examples::root;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct RefreshAfterLogout;

static RULE: Rule = Rule {
    id: "SESS-021",
    title: "Refresh token still works after logout",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[613],
    owasp: OWASP,
    summary: "Logging out ends the access token but not the refresh token issued with it. Whoever holds the refresh token keeps minting access tokens after the user signed out, so logout does not end the session.",
    remediation: "Revoke the session's refresh tokens (the whole token family) at logout, on the server.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9700#section-4.14",
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html",
    ],
    needs: &[Need::Flow],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /auth/refresh",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "After logging out, the refresh token the login had returned was exchanged at POST /auth/refresh and the new access token reached the protected page as the user. A never-issued refresh token of the same shape was refused (control). Refresh operation: POST /auth/refresh (found: the login reply's `refresh_token`).",
        evidence: &[
            root("a user logs in"),
            Proof {
                request: "POST /login",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"username":"alice","password":"[redacted]"}"#),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"access_token":"eyJhbG[redacted]","refresh_token":"rt_9f2[redacted]","token_type":"bearer"}"#,
                note: "a user logs in",
            },
            Proof {
                request: "POST /logout",
                headers: &["Authorization: Bearer eyJhbG[redacted]"],
                body: None,
                status: 204,
                response_headers: &[],
                response_body: "",
                note: "the user logs out",
            },
            Proof {
                request: "POST /auth/refresh",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"refresh_token":"rt_9f2[redacted]"}"#),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"access_token":"eyJhbG[redacted]","refresh_token":"rt_41c[redacted]"}"#,
                note: "attack: refresh after logout",
            },
            Proof {
                request: "GET /account",
                headers: &["Authorization: Bearer eyJhbG[redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1,"username":"alice"}"#,
                note: "attack: refresh after logout",
            },
            Proof {
                request: "POST /auth/refresh",
                headers: &["Content-Type: application/json"],
                body: Some(r#"{"refresh_token":"rt_e5a[redacted]"}"#),
                status: 401,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"error":"invalid refresh token"}"#,
                note: "control: a never-issued refresh token",
            },
        ],
    }],
};

#[async_trait]
impl Check for RefreshAfterLogout {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        FIND_COST + 3 * STEP + 2 * REFRESH_COST
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let d = driver(ctx)?;
        if d.flow().logout.is_none() {
            return Ok(Outcome::NotApplicable("the flow has no [logout] step".into()));
        }
        let r = match find(ctx).await? {
            Ok(r) => r,
            Err(why) => return Ok(Outcome::NotApplicable(why)),
        };
        let mut login = r.login(ctx).await?;
        let logout = super::log_out(d, &mut login.agent).await?;
        let after = r.refresh(ctx, None, &login.refresh).await?;
        if !(after.accepted && after.logged_in) {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let what = format!(
            "After logging out, the refresh token the login had returned was exchanged at {} and the new access token reached the protected page as the user.",
            r.operation()
        );
        let mut evidence: Vec<_> = noted(login.exchanges, "a user logs in").collect();
        evidence.extend(step_evidence(&logout, "the user logs out"));
        evidence.extend(noted(after.exchanges, "attack: refresh after logout"));
        r.prove(ctx, &RULE, &login.refresh, &what, evidence).await
    }
}
