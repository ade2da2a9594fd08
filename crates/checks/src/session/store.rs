//! Shared logic of the gray-box store rules (SESS-014 … SESS-018):
//! run the flow over HTTP while reading the session store read-only.

use rampart_engine::{Context, Error, Outcome};
use rampart_inspect::{InspectError, Inspector, Location, Record};
use rampart_model::StoreEvidence;

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
