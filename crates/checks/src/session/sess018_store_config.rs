//! SESS-018: store configuration that weakens sessions (information):
//! row-level security off on the session table, no idle-in-transaction timeout.
//! Anonymous reads of a Firestore session collection are SESS-017's.

use super::store::{container_facts, fact_finding, store};
use super::{OWASP, driver};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

pub struct StoreConfiguration;

static RULE: Rule = Rule {
    id: "SESS-018",
    title: "Store: session-relevant configuration",
    category: Category::Authentication,
    severity: Severity::Info,
    cwe: &[284],
    owasp: OWASP,
    summary: "Settings of the session store that matter for sessions: without row-level security every service account that reads the table sees every user's session; without an idle-in-transaction timeout, stale connections can hold session state.",
    remediation: "Enable row-level security on a session table shared by services (a policy per owning user), and set idle_in_transaction_session_timeout.",
    references: &["https://www.postgresql.org/docs/current/ddl-rowsecurity.html"],
    needs: &[Need::Flow, Need::Store],
    variants: &["rls-disabled", "idle-timeout-unset"],
    examples: &[Example {
        endpoint: "POST /login",
        variant: Some("rls-disabled"),
        instance: None,
        confidence: Confidence::Firm,
        description: "In the session store: row-level security is disabled on public.sessions.",
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
            note: "login: the session whose table was inspected",
        }],
    }],
};

#[async_trait]
impl Check for StoreConfiguration {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let inspector = match store(ctx) {
            Ok(s) => s,
            Err(outcome) => return Ok(outcome),
        };
        let d = driver(ctx)?;
        let (at, facts) = match container_facts(d, inspector).await? {
            Ok(found) => found,
            Err(outcome) => return Ok(outcome),
        };
        let findings = facts
            .into_iter()
            .filter(|fact| fact.id != super::sess017_store_readable::FACT)
            .map(|fact| {
                let note = fact.detail.clone();
                fact_finding(ctx, &RULE, Confidence::Firm, (inspector, &at), fact, note)
            })
            .collect();
        Ok(Outcome::Findings(findings))
    }
}
