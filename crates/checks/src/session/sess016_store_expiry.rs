//! SESS-016: sessions without an expiry, or an expiry that is not enforced.
//!
//! Gray-box proof, strongest first: a row already past its expiry whose token
//! still reaches the protected page (replayed over HTTP; a forged token does
//! not); no expiry column at all; rows with no expiry value.

use super::store::{failed, live_location, observed, store};
use super::{OWASP, PROBE, STEP, driver, endpoint, finding, random_control};
use crate::examples::account_refused;
use async_trait::async_trait;
use rampart_engine::token::preview;
use rampart_engine::{Check, Context, Driver, Error, Outcome, ScanConfig};
use rampart_inspect::{Inspector, Location};
use rampart_model::{Category, Confidence, Example, Finding, Need, Proof, Rule, Severity};

pub struct StoreExpiry;

static RULE: Rule = Rule {
    id: "SESS-016",
    title: "Store: no session expiry, or expiry not enforced",
    category: Category::Authentication,
    severity: Severity::Medium,
    cwe: &[613],
    owasp: OWASP,
    summary: "Session rows carry no expiry, or the application ignores it: a session once created (or stolen, or fixated) stays valid indefinitely.",
    remediation: "Give every session row an expiry and check it on every lookup (… WHERE token = $1 AND expires_at > now()).",
    references: &["https://cwe.mitre.org/data/definitions/613.html"],
    needs: &[Need::Flow, Need::Store],
    variants: &["no-expiry-column", "rows-without-expiry", "expired-still-valid"],
    examples: &[Example {
        endpoint: "GET /account",
        variant: Some("expired-still-valid"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "The row of token 5d19e4… in public.sessions is past its expiry, yet that token alone still reached the protected page: the application does not check the expiry. A forged token is not logged in (control).",
        evidence: &[
            Proof {
                request: "GET /account",
                headers: &["Cookie: sid=5d19e4[redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: text/html; charset=utf-8"],
                response_body: "<p>Signed in as alice</p>",
                note: "attack: the expired session's token is still logged in",
            },
            account_refused("negative control: a never-issued token of the same shape is not logged in"),
        ],
    }],
};

/// Expired rows whose tokens are replayed over HTTP.
const REPLAYS: i64 = 3;

#[async_trait]
impl Check for StoreExpiry {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        2 * STEP + REPLAYS as u64 * PROBE
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
        let live = inspector.record(&at, &token).await.map_err(failed)?;
        let evidence = vec![observed(inspector, &at, "the live session's row", live.as_ref())];
        let Some(expiry) = at.expiry_field.clone() else {
            let columns: Vec<&str> = at.fields.iter().map(|(n, _)| n.as_str()).collect();
            let description = format!(
                "{} has no expiry column (columns: {}).",
                at.container,
                columns.join(", ")
            );
            return Ok(one(
                found(ctx, d, Confidence::Firm, "no-expiry-column", description).with_store_evidence(evidence)
            ));
        };
        if let Some(f) = expired_still_valid(ctx, d, inspector, &at).await? {
            return Ok(one(f));
        }
        let audit = inspector.expiry_audit(&at).await.map_err(failed)?.unwrap_or_default();
        if audit.without_expiry == 0 {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let description = format!(
            "{} of {} rows in {} have no {expiry}: those sessions never expire.",
            audit.without_expiry, audit.rows, at.container
        );
        Ok(one(
            found(ctx, d, Confidence::Firm, "rows-without-expiry", description).with_store_evidence(evidence)
        ))
    }
}

/// Replay the tokens of rows already past their expiry; one still logged in proves the expiry is ignored.
async fn expired_still_valid(
    ctx: &Context<'_>,
    d: &Driver,
    inspector: &Inspector,
    at: &Location,
) -> Result<Option<Finding>, Error> {
    for token in inspector.expired_tokens(at, REPLAYS).await.map_err(failed)? {
        let probe = d.probe(&token).await?;
        if !probe.logged_in {
            continue;
        }
        let row = inspector.record(at, &token).await.map_err(failed)?;
        let description = format!(
            "The row of token {} in {} is past its expiry, yet that token alone still reached the protected page: the application does not check the expiry. A forged token is not logged in (control).",
            preview(&token),
            at.container
        );
        let store_evidence = vec![observed(inspector, at, "a row already past its expiry", row.as_ref())];
        let http = vec![
            probe.evidence("attack: the expired session's token is still logged in"),
            random_control(d),
        ];
        let f = found(ctx, d, Confidence::Confirmed, "expired-still-valid", description);
        return Ok(Some(f.with_evidence(http).with_store_evidence(store_evidence)));
    }
    Ok(None)
}

fn found(ctx: &Context<'_>, d: &Driver, confidence: Confidence, variant: &str, description: String) -> Finding {
    finding(ctx, &RULE, confidence, endpoint(d, &d.flow().protected), description).with_variant(variant)
}

fn one(f: Finding) -> Outcome {
    Outcome::Findings(vec![f])
}
