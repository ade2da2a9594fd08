//! The job queue that `rampart serve` and any number of `rampart worker`s
//! share: one `job` table, leases in columns. A worker claims a ready job
//! (`lease_owner`, `lease_until`), extends the lease by heartbeats, and ends
//! it with a completion or a failure that only counts while it still holds the
//! lease (fenced on `lease_owner`). A lease that runs out makes the job
//! claimable again, so a killed worker's job is retried, never lost. A failure
//! is retried after an exponential backoff with jitter, until the job's
//! attempts are spent; then it is dead, with its last error.
//!
//! Nothing here depends on row locks held between statements, LISTEN/NOTIFY
//! or advisory locks (CockroachDB has none of them): PostgreSQL and
//! CockroachDB claim with `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
//! LOCKED) RETURNING`, SQLite inside `BEGIN IMMEDIATE`.

mod postgres;
mod rows;
mod sessions;
mod sqlite;
mod targets;
mod webhooks;

pub use postgres::PgQueue;
pub use sessions::{MAX_SESSIONS, Sessions, WebSession};
pub use sqlite::SqliteQueue;
pub use targets::{Event, MAX_EVENTS, MAX_TARGET_SCANS, MAX_TARGETS, NewEvent, NewTarget, Target, TargetScan, Targets};
pub use webhooks::{
    Attempt, MAX_ATTEMPTS_LISTED, MAX_WEBHOOKS, NewAttempt, NewWebhook, WEBHOOK_ATTEMPTS, WEBHOOK_JOB, Webhook,
    Webhooks,
};

use crate::StoreError;
use async_trait::async_trait;
use rampart_model::Report;
use std::time::Duration;

/// First retry delay; each further attempt doubles it.
const BACKOFF_BASE: Duration = Duration::from_secs(10);
/// Longest retry delay.
const BACKOFF_CAP: Duration = Duration::from_secs(3600);
/// Longest job kind, payload and error kept.
pub const MAX_KIND: usize = 64;
pub const MAX_PAYLOAD: usize = 1 << 20;
const MAX_ERROR: usize = 4096;

/// A job to add.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// What the job is (`scan`, `webhook` …); workers claim the kinds they run.
    pub kind: String,
    /// The job's input, as the kind defines it (JSON).
    pub payload: String,
    /// Runs allowed before the job is dead (at least 1).
    pub max_attempts: u32,
    /// A job with the same key is added once: later adds are no-ops
    /// (`scan:<schedule>:<due time>`, so several schedulers never double-fire).
    pub key: Option<String>,
    /// Not claimable before this long from now.
    pub delay: Duration,
    /// The monitored target the job scans: added only while the target has no
    /// other job waiting or running (its scans never overlap).
    pub target: Option<i64>,
}

impl NewJob {
    pub fn new(kind: &str, payload: impl Into<String>) -> NewJob {
        NewJob {
            kind: kind.into(),
            payload: payload.into(),
            max_attempts: 3,
            key: None,
            delay: Duration::ZERO,
            target: None,
        }
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.kind.is_empty() || self.kind.len() > MAX_KIND {
            return Err(StoreError::Invalid {
                id: self.kind.clone(),
                cause: format!("a job kind has 1 to {MAX_KIND} characters"),
            });
        }
        if self.payload.len() > MAX_PAYLOAD {
            return Err(StoreError::Invalid {
                id: self.kind.clone(),
                cause: format!("a job payload is at most {MAX_PAYLOAD} bytes"),
            });
        }
        Ok(())
    }
}

/// A job a worker holds the lease of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// This run included.
    pub attempts: u32,
    pub max_attempts: u32,
    /// The worker holding the lease.
    pub owner: String,
    /// The monitored target it scans, if any.
    pub target: Option<i64>,
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Waiting to be claimed (`attempts` > 0: waiting for a retry).
    Queued,
    Running,
    Done,
    /// Failed on every attempt, or its lease ran out on the last one.
    Dead,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Running => "running",
            State::Done => "done",
            State::Dead => "dead",
        }
    }

    pub fn parse(name: &str) -> Result<State, StoreError> {
        [State::Queued, State::Running, State::Done, State::Dead]
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| StoreError::Schema(format!("unknown job state '{name}'")))
    }
}

/// A job as the queue holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobView {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub state: State,
    pub attempts: u32,
    pub max_attempts: u32,
    pub owner: Option<String>,
    pub result: Option<String>,
    pub last_error: Option<String>,
    /// Milliseconds since the epoch: added, and last changed (finished, for a done or dead job).
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// What became of a failed run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// Claimable again after the delay.
    Retrying(Duration),
    /// No attempts left.
    Dead,
    /// The lease had passed to another worker: this failure did not count.
    Lost,
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::Retrying(after) => write!(f, "retried in {} s", after.as_secs()),
            Failed::Dead => f.write_str("no attempts left"),
            Failed::Lost => f.write_str("lease lost"),
        }
    }
}

/// Jobs per state; `retrying` are queued jobs that already ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub queued: u64,
    pub retrying: u64,
    pub running: u64,
    pub done: u64,
    pub dead: u64,
}

/// The queue, whatever database holds it.
#[async_trait]
pub trait Queue: Targets + Webhooks + Sessions + Send + Sync {
    /// Adds a job; `None` when one with the same key exists already, or its
    /// target has a job waiting or running.
    async fn enqueue(&self, job: &NewJob) -> Result<Option<i64>, StoreError>;

    /// Leases one ready job of `kinds` (oldest first) to `worker` for `lease`:
    /// a queued job whose time has come, or a running one whose lease ran out.
    async fn claim(&self, worker: &str, kinds: &[&str], lease: Duration) -> Result<Option<Job>, StoreError>;

    /// Extends the lease; false when the worker no longer holds it.
    async fn heartbeat(&self, job: &Job, lease: Duration) -> Result<bool, StoreError>;

    /// Ends the run with its result; false when the worker no longer held the lease (nothing changed).
    async fn complete(&self, job: &Job, result: &str) -> Result<bool, StoreError>;

    /// Ends a scan job: saves `report` to the scan history, records `events`
    /// (of the job's target, naming the new scan) and completes the job with
    /// the new scan's id as its result, in one transaction, only while the
    /// worker holds the lease; `None` (nothing saved) otherwise.
    async fn finish(&self, job: &Job, report: &Report, events: &[NewEvent]) -> Result<Option<String>, StoreError>;

    /// Ends the run with an error: retried after `retry_in` (a server's
    /// `Retry-After`) or the backoff, or dead when no attempts are left.
    async fn fail(&self, job: &Job, error: &str, retry_in: Option<Duration>) -> Result<Failed, StoreError>;

    async fn get(&self, id: i64) -> Result<Option<JobView>, StoreError>;

    /// Jobs of `kind`, newest first, optionally only those in `state`: a page
    /// of at most `limit` after skipping `offset`, and how many there are in all.
    async fn list(
        &self,
        kind: &str,
        state: Option<State>,
        limit: u32,
        offset: u64,
    ) -> Result<(Vec<JobView>, u64), StoreError>;

    /// The report of a scan a job finished (the job's `result`).
    async fn report(&self, scan_id: &str) -> Result<Option<Report>, StoreError>;

    /// Records an API token by its SHA-256 (hex) and visible prefix.
    async fn add_token(&self, name: &str, prefix: &str, sha256: &str) -> Result<(), StoreError>;

    /// The name of the token with this SHA-256, if there is one.
    async fn token_name(&self, sha256: &str) -> Result<Option<String>, StoreError>;

    /// Whether any API token exists.
    async fn has_tokens(&self) -> Result<bool, StoreError>;

    async fn counts(&self) -> Result<Counts, StoreError>;

    /// The id and report of `target`'s latest finished scan.
    async fn latest_scan(&self, target: i64) -> Result<Option<(String, Report)>, StoreError> {
        let Some(id) = self.latest_scan_id(target).await? else {
            return Ok(None);
        };
        Ok(self.report(&id).await?.map(|report| (id, report)))
    }

    /// Which of `keys` jobs were added with already.
    async fn existing_keys(&self, keys: &[String]) -> Result<Vec<String>, StoreError>;
}

/// The queue at `db`: a `postgres://`, `postgresql://` or `cockroachdb://`
/// URL, else the path of a history file (SQLite).
pub async fn open(db: &str) -> Result<std::sync::Arc<dyn Queue>, StoreError> {
    let remote = ["postgres://", "postgresql://", "cockroachdb://"];
    if remote.iter().any(|scheme| db.starts_with(scheme)) {
        return Ok(std::sync::Arc::new(PgQueue::connect(db).await?));
    }
    if let Some((scheme, _)) = db.split_once("://") {
        return Err(StoreError::Schema(format!(
            "'{scheme}://' is no database rampart knows: give a postgres://, postgresql:// or cockroachdb:// URL, or a file path"
        )));
    }
    let history = crate::History::open(std::path::Path::new(db)).await?;
    Ok(std::sync::Arc::new(history.queue()))
}

/// The wait before retry number `attempt` (1 after the first failure):
/// 10 s doubling up to an hour, each drawn from its upper half at random so
/// that jobs failed together do not retry together.
pub fn backoff(attempt: u32) -> Duration {
    let doubled = BACKOFF_BASE.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let ceiling = doubled.min(BACKOFF_CAP);
    ceiling.mul_f64(0.5 + rand::random::<f64>() / 2.0)
}

/// How a failure ends: the delay before the retry, or `None` when the job is dead.
fn next_run(job: &Job, retry_in: Option<Duration>) -> Option<Duration> {
    (job.attempts < job.max_attempts).then(|| retry_in.unwrap_or_else(|| backoff(job.attempts)))
}

/// An error message as stored: at most [`MAX_ERROR`] bytes, cut on a character boundary.
fn bounded(error: &str) -> &str {
    let mut end = error.len().min(MAX_ERROR);
    while !error.is_char_boundary(end) {
        end -= 1;
    }
    &error[..end]
}

/// The report as JSON, for saving.
fn encoded(report: &Report) -> Result<String, StoreError> {
    serde_json::to_string(report).map_err(StoreError::Encode)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod contract;
#[cfg(test)]
mod tests;
