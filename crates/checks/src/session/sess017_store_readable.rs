//! SESS-017: session documents readable without credentials.
//!
//! Gray-box proof: with the store located through the baseline session's
//! token, an unauthenticated REST read of the sessions collection (a listing
//! or one document) returns a session document.

use super::store::{failed, store};
use super::{OWASP, driver, endpoint, finding};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Rule, Severity, StoreEvidence};

pub struct StoreReadableAnonymously;

/// The store fact this rule reports (SESS-018 leaves it out).
pub(crate) const FACT: &str = "firestore-anonymous-read";

static RULE: Rule = Rule {
    id: "SESS-017",
    title: "Store: session documents readable without credentials",
    category: Category::Authentication,
    severity: Severity::Critical,
    cwe: &[284, 200],
    owasp: OWASP,
    summary: "The session store answers unauthenticated reads: anyone on the internet can list or fetch session documents (and the tokens or user ids in them) and take over live sessions.",
    remediation: "Deny reads of the sessions collection in Firestore security rules (allow read: if false for clients; only the server's service account reads sessions).",
    references: &[
        "https://firebase.google.com/docs/firestore/security/get-started",
        "https://cwe.mitre.org/data/definitions/284.html",
    ],
};

#[async_trait]
impl Check for StoreReadableAnonymously {
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
                "the session collection was not found in the store".into(),
            ));
        };
        let facts = inspector.facts(&at).await.map_err(failed)?;
        let findings = facts
            .into_iter()
            .filter(|fact| fact.id == FACT)
            .map(|fact| {
                let evidence = StoreEvidence {
                    store: inspector.kind().to_string(),
                    container: at.container.clone(),
                    query: fact.query.clone(),
                    record: None,
                    note: "requested without any Authorization header: the store returned a session document".into(),
                };
                let description = format!("In the session store: {}.", fact.detail);
                finding(
                    ctx,
                    &RULE,
                    Confidence::Confirmed,
                    endpoint(d, &d.flow().login),
                    description,
                )
                .with_store_evidence(vec![evidence])
            })
            .collect();
        Ok(Outcome::Findings(findings))
    }
}
