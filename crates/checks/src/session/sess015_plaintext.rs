//! SESS-015: the store holds live session tokens verbatim.
//!
//! Gray-box proof: the token of a fresh login is found as-is in the store
//! (a SHA-256 hash of it would be fine and is recognised).

use super::store::{failed, live_location, observed, store};
use super::{OWASP, STEP, driver, endpoint, finding};
use async_trait::async_trait;
use rampart_engine::token::preview;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct StorePlaintextTokens;

static RULE: Rule = Rule {
    id: "SESS-015",
    title: "Store: session tokens stored in plain text",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[312, 522],
    owasp: OWASP,
    summary: "The session store holds live tokens verbatim. Anyone who can read the table — a backup, a replica, a SQL injection elsewhere, a support tool — can take over every live session.",
    remediation: "Store a hash of the token (e.g. SHA-256) and look sessions up by the hash of the presented token.",
    references: &[
        "https://cwe.mitre.org/data/definitions/312.html",
        "https://cwe.mitre.org/data/definitions/522.html",
    ],
    needs: &[Need::Flow, Need::Store],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /login",
        variant: None,
        instance: None,
        confidence: Confidence::Confirmed,
        description: "The live session token a2e95c… is stored verbatim in public.sessions.token.",
        evidence: &[Proof {
            request: "POST /login",
            headers: &[
                "Cookie: sid=4d81b7[redacted]",
                "Content-Type: application/x-www-form-urlencoded",
            ],
            body: Some("username=alice&password=[redacted]"),
            status: 200,
            response_headers: &[
                "Content-Type: text/html; charset=utf-8",
                "Set-Cookie: sid=a2e95c[redacted]; Path=/; HttpOnly; Secure; SameSite=Lax",
            ],
            response_body: "<p>Welcome back, alice</p>",
            note: "login: the live token, afterwards found verbatim in the store",
        }],
    }],
};

#[async_trait]
impl Check for StorePlaintextTokens {
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
        let (token, at) = match live_location(d, inspector, &RULE).await? {
            Ok(found) => found,
            Err(outcome) => return Ok(outcome),
        };
        if at.hashed {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let record = inspector.record(&at, &token).await.map_err(failed)?;
        let description = format!(
            "The live session token {} is stored verbatim in {}.{}.",
            preview(&token),
            at.container,
            at.token_field
        );
        let evidence = vec![observed(
            inspector,
            &at,
            "the live token, verbatim in the store",
            record.as_ref(),
        )];
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
