//! SESS-018: store configuration that weakens sessions (information):
//! row-level security off on the session table, no idle-in-transaction timeout.
//! Anonymous reads of a Firestore session collection are SESS-017's.

use super::store::{failed, store};
use super::{OWASP, driver, endpoint, finding};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Rule, Severity, StoreEvidence};

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
};

#[async_trait]
impl Check for StoreConfiguration {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    fn uses_flow(&self) -> bool {
        true
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let inspector = match store(ctx) {
            Ok(s) => s,
            Err(outcome) => return Ok(outcome),
        };
        let d = driver(ctx)?;
        let Some(at) = inspector.locate(&d.baseline().token).await.map_err(failed)? else {
            return Ok(Outcome::NotApplicable(
                "the session table was not found in the store".into(),
            ));
        };
        let facts = inspector.facts(&at).await.map_err(failed)?;
        let findings = facts
            .into_iter()
            .filter(|fact| fact.id != super::sess017_store_readable::FACT)
            .map(|fact| {
                let evidence = StoreEvidence {
                    store: inspector.kind().to_string(),
                    container: at.container.clone(),
                    query: fact.query.clone(),
                    record: None,
                    note: fact.detail.clone(),
                };
                let description = format!("In the session store: {}.", fact.detail);
                finding(ctx, &RULE, Confidence::Firm, endpoint(d, &d.flow().login), description)
                    .with_variant(fact.id)
                    .with_store_evidence(vec![evidence])
            })
            .collect();
        Ok(Outcome::Findings(findings))
    }
}
