//! Shared logic of the gray-box store rules (SESS-014 … SESS-018):
//! run the flow over HTTP while reading the session store read-only.

use rampart_engine::{Context, Driver, Error, Outcome};
use rampart_inspect::{Fact, InspectError, Inspector, Location, Record};
use rampart_model::{Confidence, Finding, Rule, StoreEvidence};

/// The store, or why the rule does not apply.
pub(crate) fn store<'a>(ctx: &'a Context<'_>) -> Result<&'a Inspector, Outcome> {
    ctx.store
        .ok_or_else(|| Outcome::NotApplicable("needs read access to the session store (--store)".into()))
}

pub(crate) fn failed(e: InspectError) -> Error {
    Error::Store(e.0)
}

/// The token's row before or after a step, as evidence.
pub(crate) fn observed(inspector: &Inspector, at: &Location, note: &str, record: Option<&Record>) -> StoreEvidence {
    StoreEvidence {
        store: inspector.kind().to_string(),
        container: at.container.clone(),
        query: inspector.describe_lookup(at),
        record: record.map(|r| r.clone().into_iter().collect()),
        note: note.to_string(),
    }
}

/// The value of `field` in `record`, treating NULL and empty as none.
pub(crate) fn value<'r>(record: &'r Record, field: Option<&str>) -> Option<&'r str> {
    record.get(field?)?.as_deref().filter(|v| !v.is_empty())
}

/// The token's record when the store still holds it bound to a user: a stale
/// authenticated row that corroborates an HTTP replay (SESS-001, SESS-004).
/// Without a store, or when the row is gone or anonymous, there is none; a
/// store error is noted in the report and costs only the corroboration.
pub(crate) async fn stale_row(ctx: &Context<'_>, token: &str, note: &str) -> Vec<StoreEvidence> {
    let Some(inspector) = ctx.store else {
        return Vec::new();
    };
    let read = async {
        let Some(at) = inspector.locate(token).await? else {
            return Ok(None);
        };
        let record = inspector.record(&at, token).await?;
        Ok::<_, InspectError>(record.map(|r| (at, r)))
    };
    match read.await {
        Ok(Some((at, record))) if value(&record, at.user_field.as_deref()).is_some() => {
            vec![observed(inspector, &at, note, Some(&record))]
        }
        Ok(_) => Vec::new(),
        Err(e) => {
            ctx.layer.note(format!("store corroboration skipped: {e}"));
            Vec::new()
        }
    }
}

/// A fresh login's token and where the store keeps it, or why the rule does not apply.
pub(crate) async fn live_location(
    d: &Driver,
    inspector: &Inspector,
    rule: &Rule,
) -> Result<Result<(String, Location), Outcome>, Error> {
    let (agent, _) = d.fresh_session().await?;
    let token = agent
        .token()
        .ok_or_else(|| super::inconclusive(rule, "the fresh login left no session token"))?;
    Ok(match inspector.locate(&token).await.map_err(failed)? {
        Some(at) => Ok((token, at)),
        None => Err(Outcome::NotApplicable(
            "the live token is in no table the store user can read, verbatim or hashed".into(),
        )),
    })
}

/// The session container (found by the baseline token) and its configuration facts.
pub(crate) async fn container_facts(
    d: &Driver,
    inspector: &Inspector,
) -> Result<Result<(Location, Vec<Fact>), Outcome>, Error> {
    let Some(at) = inspector.locate(&d.baseline().token).await.map_err(failed)? else {
        return Ok(Err(Outcome::NotApplicable(
            "the session table was not found in the store".into(),
        )));
    };
    let facts = inspector.facts(&at).await.map_err(failed)?;
    Ok(Ok((at, facts)))
}

/// A finding for one configuration fact, with the query that established it.
pub(crate) fn fact_finding(
    ctx: &Context<'_>,
    rule: &Rule,
    confidence: Confidence,
    (inspector, at): (&Inspector, &Location),
    fact: Fact,
    note: String,
) -> Finding {
    let d = ctx.driver.expect("store rules run with a flow");
    let evidence = StoreEvidence {
        store: inspector.kind().to_string(),
        container: at.container.clone(),
        query: fact.query,
        record: None,
        note,
    };
    let description = format!("In the session store: {}.", fact.detail);
    super::finding(ctx, rule, confidence, super::endpoint(d, &d.flow().login), description)
        .with_variant(fact.id)
        .with_store_evidence(vec![evidence])
}
