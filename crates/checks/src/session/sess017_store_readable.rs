//! SESS-017: session documents readable without credentials.
//!
//! Gray-box proof: with the store located through the baseline session's
//! token, an unauthenticated REST read of the sessions collection (a listing
//! or one document) returns a session document.

use super::store::{container_facts, fact_finding, store};
use super::{OWASP, driver};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Need, Proof, Rule, Severity};

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
    needs: &[Need::Flow, Need::Store],
    variants: &["firestore-anonymous-read"],
    examples: &[Example {
        endpoint: "POST /login",
        variant: Some("firestore-anonymous-read"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "In the session store: session documents in the `sessions` collection are listable without credentials (security rules allow unauthenticated reads).",
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
            note: "login: the session whose document the store serves without credentials",
        }],
    }],
};

#[async_trait]
impl Check for StoreReadableAnonymously {
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
        let note = "requested without any Authorization header: the store returned a session document";
        let findings = facts
            .into_iter()
            .filter(|fact| fact.id == FACT)
            .map(|fact| fact_finding(ctx, &RULE, Confidence::Confirmed, (inspector, &at), fact, note.into()))
            .collect();
        Ok(Outcome::Findings(findings))
    }
}
