//! Webhook endpoints and their delivery log. An event a target records is
//! delivered to every enabled endpoint subscribed to it as a `webhook` job,
//! added in the same transaction as the event (an outbox: an event is never
//! recorded without its deliveries, nor a delivery sent for an event that was
//! rolled back). Both backends keep them next to the queue.

mod postgres;
mod sqlite;

use super::rows::JobRow;
use crate::StoreError;
use async_trait::async_trait;
use std::time::Duration;

/// The job kind of a delivery.
pub const WEBHOOK_JOB: &str = "webhook";
/// Attempts of one delivery before it is dead (10 s doubling: about 20 min, then the hour cap).
pub const WEBHOOK_ATTEMPTS: u32 = 8;
/// Most endpoints one service keeps.
pub const MAX_WEBHOOKS: usize = 100;
/// Most attempts one listing returns.
pub const MAX_ATTEMPTS_LISTED: u32 = 500;
/// Longest endpoint URL.
const MAX_URL: usize = 2048;

/// An endpoint to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    pub url: String,
    /// Event types it receives; empty for all.
    pub events: Vec<String>,
    /// Only this target's events; `None` for every target's.
    pub target: Option<i64>,
    /// The signing secret (`whsec_…`).
    pub secret: String,
}

impl NewWebhook {
    fn check(&self) -> Result<(), StoreError> {
        if self.url.is_empty() || self.url.len() > MAX_URL {
            return Err(StoreError::Invalid {
                id: "webhook".into(),
                cause: format!("a webhook URL has 1 to {MAX_URL} characters"),
            });
        }
        Ok(())
    }

    fn events_json(&self) -> Result<String, StoreError> {
        serde_json::to_string(&self.events).map_err(StoreError::Encode)
    }
}

/// An endpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub target: Option<i64>,
    pub secret: String,
    /// The secret before the last rotation, while it still signs.
    pub previous_secret: Option<String>,
    /// Why deliveries stopped; `None` while enabled.
    pub disabled: Option<String>,
    /// Milliseconds since the epoch.
    pub created_ms: i64,
}

/// One delivery attempt to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttempt {
    pub webhook: i64,
    pub event: i64,
    pub job: i64,
    /// 1 for the first.
    pub attempt: u32,
    /// The endpoint's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why the attempt did not succeed.
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// A logged attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub id: i64,
    pub logged: NewAttempt,
    /// Milliseconds since the epoch.
    pub created_ms: i64,
}

/// The endpoints, whatever database holds them.
#[async_trait]
pub trait Webhooks: Send + Sync {
    /// Adds an endpoint; an error when [`MAX_WEBHOOKS`] exist.
    async fn add_webhook(&self, webhook: &NewWebhook) -> Result<i64, StoreError>;

    /// Every endpoint, oldest first.
    async fn webhooks(&self) -> Result<Vec<Webhook>, StoreError>;

    async fn webhook(&self, id: i64) -> Result<Option<Webhook>, StoreError>;

    /// Removes an endpoint (deliveries still queued are dropped when their
    /// turn comes); false when there was none.
    async fn remove_webhook(&self, id: i64) -> Result<bool, StoreError>;

    /// Signs with `secret` from now on, and with the current one as well for
    /// `overlap`; false when there is no such endpoint.
    async fn rotate_secret(&self, id: i64, secret: &str, overlap: Duration) -> Result<bool, StoreError>;

    /// Stops deliveries with `reason`, or (`None`) starts them again; false
    /// when there is no such endpoint.
    async fn disable_webhook(&self, id: i64, reason: Option<&str>) -> Result<bool, StoreError>;

    async fn add_attempt(&self, attempt: &NewAttempt) -> Result<(), StoreError>;

    /// An endpoint's attempts, newest first, at most `limit` (up to [`MAX_ATTEMPTS_LISTED`]).
    async fn attempts(&self, webhook: i64, limit: u32) -> Result<Vec<Attempt>, StoreError>;
}

/// An enabled endpoint as the outbox reads it.
pub(in crate::queue) struct Subscriber {
    pub id: i64,
    pub events: Vec<String>,
    pub target: Option<i64>,
}

impl Subscriber {
    /// Whether it receives an event of `kind` about `target`.
    pub fn wants(&self, kind: &str, target: Option<i64>) -> bool {
        (self.events.is_empty() || self.events.iter().any(|e| e == kind))
            && (self.target.is_none() || self.target == target)
    }
}

/// The enabled endpoints, as `(id, events, target_id)` rows (both backends).
pub(in crate::queue) const SUBSCRIBERS: &str = "SELECT id, events, target_id FROM webhook WHERE disabled IS NULL";

/// [`SUBSCRIBERS`] rows as subscribers.
pub(in crate::queue) fn subscribers(rows: Vec<(i64, String, Option<i64>)>) -> Result<Vec<Subscriber>, sqlx::Error> {
    rows.into_iter()
        .map(|(id, json, target)| {
            let events = serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok(Subscriber { id, events, target })
        })
        .collect()
}

/// A delivery job's payload: the endpoint, the event, and the message id
/// (`webhook-id`, the same on every attempt).
pub(in crate::queue) fn delivery(webhook: i64, event: i64) -> String {
    serde_json::json!({
        "webhook": webhook,
        "event": event,
        "id": format!("msg_{:032x}", rand::random::<u128>()),
    })
    .to_string()
}

/// A `webhook` row (both backends select the same columns).
fn webhook(row: &impl JobRow) -> Result<Webhook, StoreError> {
    Ok(Webhook {
        id: row.int("id")?,
        url: row.text("url")?,
        events: events(&row.text("events")?)?,
        target: row.maybe_int("target_id")?,
        secret: row.text("secret")?,
        previous_secret: row.maybe_text("previous_secret")?,
        disabled: row.maybe_text("disabled")?,
        created_ms: row.int("created_ms")?,
    })
}

/// A `webhook_attempt` row (both backends select the same columns).
fn attempt(row: &impl JobRow) -> Result<Attempt, StoreError> {
    Ok(Attempt {
        id: row.int("id")?,
        logged: NewAttempt {
            webhook: row.int("webhook_id")?,
            event: row.int("event_id")?,
            job: row.int("job_id")?,
            attempt: u32::try_from(row.int("attempt")?).unwrap_or(0),
            status: row.maybe_int("status")?.and_then(|s| u16::try_from(s).ok()),
            error: row.maybe_text("error")?,
            duration_ms: u64::try_from(row.int("duration_ms")?).unwrap_or(0),
        },
        created_ms: row.int("created_ms")?,
    })
}

fn events(json: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Schema(format!("a webhook's events are not a JSON list: {e}")))
}

/// The error for one endpoint too many.
fn full() -> StoreError {
    StoreError::Invalid {
        id: "webhooks".into(),
        cause: format!("at most {MAX_WEBHOOKS} webhook endpoints are kept; remove one first"),
    }
}
