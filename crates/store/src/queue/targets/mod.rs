//! Monitored targets: what a scheduled or on-demand scan of one API runs (the
//! scan job's payload, kept as given) and its cron schedule. Both backends
//! keep them next to the queue.

mod postgres;
mod sqlite;

use super::rows::JobRow;
use crate::StoreError;
use async_trait::async_trait;

/// Most targets one service keeps.
pub const MAX_TARGETS: usize = 1000;
/// Longest target name.
const MAX_NAME: usize = 100;

/// A target to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTarget {
    /// Unique, 1 to 100 characters.
    pub name: String,
    pub url: String,
    /// The scan job's payload (JSON), with no secret in it.
    pub scan: String,
    /// Cron pattern (UTC), checked by the caller; none for on-demand scans only.
    pub schedule: Option<String>,
}

impl NewTarget {
    fn check(&self) -> Result<(), StoreError> {
        let invalid = |cause: String| StoreError::Invalid {
            id: self.name.clone(),
            cause,
        };
        if self.name.trim().is_empty() || self.name.chars().count() > MAX_NAME {
            return Err(invalid(format!("a target name has 1 to {MAX_NAME} characters")));
        }
        if self.scan.len() > super::MAX_PAYLOAD {
            return Err(invalid(format!(
                "a target's scan is at most {} bytes",
                super::MAX_PAYLOAD
            )));
        }
        Ok(())
    }

    fn taken(&self) -> StoreError {
        StoreError::Invalid {
            id: self.name.clone(),
            cause: "a target of this name exists".into(),
        }
    }
}

/// A target as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub scan: String,
    pub schedule: Option<String>,
    /// Milliseconds since the epoch.
    pub created_ms: i64,
}

/// An event to record: its type and its JSON data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub kind: String,
    pub data: String,
}

/// An event as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub kind: String,
    pub target: Option<i64>,
    pub scan_id: Option<String>,
    pub data: String,
    /// Milliseconds since the epoch.
    pub created_ms: i64,
}

/// A job of a target, with the summary of the scan it saved (once done).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetScan {
    pub job: super::JobView,
    pub overall: Option<i64>,
    pub letter_grade: Option<String>,
    pub findings: Option<i64>,
}

/// Most jobs one listing of a target's scans returns.
pub const MAX_TARGET_SCANS: u32 = 200;

/// Most events one listing returns.
pub const MAX_EVENTS: u32 = 500;

/// The targets, whatever database holds them.
#[async_trait]
pub trait Targets: Send + Sync {
    /// Adds a target; an error when its name is taken or [`MAX_TARGETS`] exist.
    async fn add_target(&self, target: &NewTarget) -> Result<i64, StoreError>;

    /// Every target, oldest first.
    async fn targets(&self) -> Result<Vec<Target>, StoreError>;

    async fn target(&self, id: i64) -> Result<Option<Target>, StoreError>;

    /// Removes a target (its past jobs and scans stay); false when there was none.
    async fn remove_target(&self, id: i64) -> Result<bool, StoreError>;

    /// The target's scan jobs, newest first, at most `limit` (up to [`MAX_TARGET_SCANS`]).
    async fn target_scans(&self, target: i64, limit: u32) -> Result<Vec<TargetScan>, StoreError>;

    /// The id of the target's latest finished scan.
    async fn latest_scan_id(&self, target: i64) -> Result<Option<String>, StoreError>;

    /// Records events outside a scan (a failed scan's).
    async fn add_events(&self, target: Option<i64>, events: &[NewEvent]) -> Result<(), StoreError>;

    /// The latest `limit` events (up to [`MAX_EVENTS`]), newest first, of one target or of all.
    async fn recent_events(&self, target: Option<i64>, limit: u32) -> Result<Vec<Event>, StoreError>;

    /// One recorded event.
    async fn event(&self, id: i64) -> Result<Option<Event>, StoreError>;

    /// Events after `after` (an event id; 0 for all), oldest first, at most
    /// `limit` (up to [`MAX_EVENTS`]), of one target or of all.
    async fn events(&self, target: Option<i64>, after: i64, limit: u32) -> Result<Vec<Event>, StoreError>;
}

/// An `event` row (both backends select the same columns).
fn event(row: &impl JobRow) -> Result<Event, StoreError> {
    Ok(Event {
        id: row.int("id")?,
        kind: row.text("kind")?,
        target: row.maybe_int("target_id")?,
        scan_id: row.maybe_text("scan_id")?,
        data: row.text("data")?,
        created_ms: row.int("created_ms")?,
    })
}

/// A job row with the columns of its scan (both backends select the same).
fn target_scan(row: &impl JobRow) -> Result<TargetScan, StoreError> {
    Ok(TargetScan {
        job: super::rows::view(row)?,
        overall: row.maybe_int("overall")?,
        letter_grade: row.maybe_text("letter_grade")?,
        findings: row.maybe_int("findings")?,
    })
}

/// A `target` row (both backends select the same columns).
fn target(row: &impl JobRow) -> Result<Target, StoreError> {
    Ok(Target {
        id: row.int("id")?,
        name: row.text("name")?,
        url: row.text("url")?,
        scan: row.text("scan")?,
        schedule: row.maybe_text("schedule")?,
        created_ms: row.int("created_ms")?,
    })
}

/// The error for one target too many.
fn full() -> StoreError {
    StoreError::Invalid {
        id: "targets".into(),
        cause: format!("at most {MAX_TARGETS} targets are kept; remove one first"),
    }
}

/// Whether an insert failed on a unique constraint (the name).
fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}
