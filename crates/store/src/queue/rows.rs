//! Rows as jobs, for both backends: the same column names and types (64-bit
//! integers, text, booleans) decode the same on SQLite and PostgreSQL.

use super::{Counts, Job, JobView, State};
use crate::StoreError;
use sqlx::{ColumnIndex, Database, Decode, Row, Type};

/// A row a query of either backend returned.
pub(super) trait JobRow: Row {
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn maybe_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn int(&self, column: &str) -> Result<i64, StoreError>;
    fn maybe_int(&self, column: &str) -> Result<Option<i64>, StoreError>;
}

impl<R> JobRow for R
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database>,
    R::Database: Database,
{
    fn text(&self, column: &str) -> Result<String, StoreError> {
        Ok(self.try_get::<String, _>(column)?)
    }

    fn maybe_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get::<Option<String>, _>(column)?)
    }

    fn int(&self, column: &str) -> Result<i64, StoreError> {
        Ok(self.try_get::<i64, _>(column)?)
    }

    fn maybe_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get::<Option<i64>, _>(column)?)
    }
}

/// A claimed job (`RETURNING` [`CLAIMED`]), leased to `worker`.
pub(super) fn job(row: &impl JobRow, worker: &str) -> Result<Job, StoreError> {
    Ok(Job {
        id: row.int("id")?,
        kind: row.text("kind")?,
        payload: row.text("payload")?,
        attempts: count(row.int("attempts")?),
        max_attempts: count(row.int("max_attempts")?),
        owner: worker.to_string(),
        target: row.maybe_int("target_id")?,
    })
}

/// The columns a claim returns.
pub(super) const CLAIMED: &str = "id, kind, payload, attempts, max_attempts, target_id";

/// A job as listed (the backend's `VIEW` columns).
pub(super) fn view(row: &impl JobRow) -> Result<JobView, StoreError> {
    Ok(JobView {
        id: row.int("id")?,
        kind: row.text("kind")?,
        payload: row.text("payload")?,
        state: State::parse(&row.text("state")?)?,
        attempts: count(row.int("attempts")?),
        max_attempts: count(row.int("max_attempts")?),
        owner: row.maybe_text("lease_owner")?,
        result: row.maybe_text("result")?,
        last_error: row.maybe_text("last_error")?,
        created_ms: row.int("created_ms")?,
        updated_ms: row.int("updated_ms")?,
    })
}

/// The query both backends count jobs with: per state, the jobs that never
/// ran and those that did apart (`ran`, the group's fewest attempts, is 0 or not).
pub(super) const COUNTS: &str =
    "SELECT state, MIN(attempts) AS ran, COUNT(*) AS n FROM job GROUP BY state, attempts > 0";

/// [`COUNTS`] rows summed by state.
pub(super) fn counts(rows: &[impl JobRow]) -> Result<Counts, StoreError> {
    let mut counts = Counts::default();
    for row in rows {
        let n = u64::try_from(row.int("n")?).unwrap_or(0);
        let slot = match State::parse(&row.text("state")?)? {
            State::Queued if row.int("ran")? > 0 => &mut counts.retrying,
            State::Queued => &mut counts.queued,
            State::Running => &mut counts.running,
            State::Done => &mut counts.done,
            State::Dead => &mut counts.dead,
        };
        *slot += n;
    }
    Ok(counts)
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}
