//! SESS-020: a refresh token the server rotated away is accepted again.
//!
//! Proof: a fresh login's refresh token R1 is exchanged once (the server
//! answers with a new access token and a different refresh token R2, so it
//! rotates), then R1 is sent again; the reuse is reported when it buys an
//! access token that reaches the protected page. Control: a never-issued
//! refresh token of R1's shape is refused.

use super::refresh::{FIND_COST, REFRESH_COST, find, noted};
use super::{OWASP, STEP, inconclusive};
use crate::examples::root;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct RefreshReuse;

static RULE: Rule = Rule {
    id: "SESS-020",
    title: "Rotated refresh token accepted again",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[613, 294],
    owasp: OWASP,
    summary: "The server hands out a new refresh token on every refresh but keeps accepting the old one. A refresh token stolen once (a log, a backup, a compromised device) keeps minting access tokens, and nothing notices that two parties use it.",
    remediation: "Invalidate a refresh token when it is used. When a used refresh token comes back, treat it as theft: revoke the whole token family and make the user log in again (OAuth 2.0 Security BCP, RFC 9700 §4.14).",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9700#section-4.14",
        "https://cwe.mitre.org/data/definitions/613.html",
    ],
    needs: &[Need::Flow],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /auth/refresh",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "After a login's refresh token was exchanged once at POST /auth/refresh (the reply carried a new access token and a different refresh token, so the server rotates), the same, already used refresh token was accepted again and its access token reached the protected page as the user. A never-issued refresh token of the same shape was refused (control). Refresh operation: POST /auth/refresh (found: the login reply's `refresh_token`).",
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
                request: "POST /auth/refresh",
                headers: &[
                    "Authorization: Bearer eyJhbG[redacted]",
                    "Content-Type: application/json",
                ],
                body: Some(r#"{"refresh_token":"rt_9f2[redacted]"}"#),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"access_token":"eyJhbG[redacted]","refresh_token":"rt_41c[redacted]"}"#,
                note: "first refresh: rotated",
            },
            Proof {
                request: "GET /account",
                headers: &["Authorization: Bearer eyJhbG[redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1,"username":"alice"}"#,
                note: "first refresh: rotated",
            },
            Proof {
                request: "POST /auth/refresh",
                headers: &[
                    "Authorization: Bearer eyJhbG[redacted]",
                    "Content-Type: application/json",
                ],
                body: Some(r#"{"refresh_token":"rt_9f2[redacted]"}"#),
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"access_token":"eyJhbG[redacted]","refresh_token":"rt_d07[redacted]"}"#,
                note: "attack: the used refresh token again",
            },
            Proof {
                request: "GET /account",
                headers: &["Authorization: Bearer eyJhbG[redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"{"id":1,"username":"alice"}"#,
                note: "attack: the used refresh token again",
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
impl Check for RefreshReuse {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        FIND_COST + 2 * STEP + 3 * REFRESH_COST
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let r = match find(ctx).await? {
            Ok(r) => r,
            Err(why) => return Ok(Outcome::NotApplicable(why)),
        };
        let login = r.login(ctx).await?;
        let first = r.refresh(ctx, Some(&login.agent), &login.refresh).await?;
        if !(first.accepted && first.logged_in) {
            return Err(inconclusive(&RULE, "the first refresh of a fresh refresh token failed"));
        }
        if first.next.as_ref().is_none_or(|next| *next == login.refresh) {
            return Ok(Outcome::NotApplicable(
                "the server does not rotate refresh tokens (a refresh returns no new one)".into(),
            ));
        }
        let reuse = r.refresh(ctx, Some(&login.agent), &login.refresh).await?;
        if !(reuse.accepted && reuse.logged_in) {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let what = format!(
            "After a login's refresh token was exchanged once at {} (the reply carried a new access token and a different refresh token, so the server rotates), the same, already used refresh token was accepted again and its access token reached the protected page as the user.",
            r.operation()
        );
        let mut evidence: Vec<_> = noted(login.exchanges, "a user logs in").collect();
        evidence.extend(noted(first.exchanges, "first refresh: rotated"));
        evidence.extend(noted(reuse.exchanges, "attack: the used refresh token again"));
        r.prove(ctx, &RULE, &login.refresh, &what, evidence).await
    }
}
