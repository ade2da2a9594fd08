//! Webhook endpoints on PostgreSQL or CockroachDB.

use super::{Attempt, MAX_ATTEMPTS_LISTED, NewAttempt, NewWebhook, Webhook, Webhooks, attempt, full, webhook};
use crate::StoreError;
use crate::queue::postgres::serialized;
use crate::queue::{PgQueue, millis};
use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use std::time::Duration;

/// The endpoint columns; the previous secret only while it still signs.
const COLUMNS: &str = "SELECT id, url, events, target_id, secret,
    CASE WHEN previous_until > now() THEN previous_secret END AS previous_secret, disabled,
    (EXTRACT(EPOCH FROM created_at) * 1000)::BIGINT AS created_ms FROM webhook";

#[async_trait]
impl Webhooks for PgQueue {
    async fn add_webhook(&self, new: &NewWebhook) -> Result<i64, StoreError> {
        new.check()?;
        let events = new.events_json()?;
        let count: i64 =
            serialized(|| sqlx::query_scalar("SELECT COUNT(*) FROM webhook").fetch_one(&self.pool)).await?;
        if usize::try_from(count).unwrap_or(usize::MAX) >= super::MAX_WEBHOOKS {
            return Err(full());
        }
        serialized(|| {
            sqlx::query_scalar(
                "INSERT INTO webhook (url, events, target_id, secret) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(&new.url)
            .bind(&events)
            .bind(new.target)
            .bind(&new.secret)
            .fetch_one(&self.pool)
        })
        .await
    }

    async fn webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        let sql = format!("{COLUMNS} ORDER BY id LIMIT {}", super::MAX_WEBHOOKS);
        let rows = serialized(|| sqlx::query(AssertSqlSafe(sql.clone())).fetch_all(&self.pool)).await?;
        rows.iter().map(webhook).collect()
    }

    async fn webhook(&self, id: i64) -> Result<Option<Webhook>, StoreError> {
        let sql = format!("{COLUMNS} WHERE id = $1");
        let row = serialized(|| {
            sqlx::query(AssertSqlSafe(sql.clone()))
                .bind(id)
                .fetch_optional(&self.pool)
        })
        .await?;
        row.as_ref().map(webhook).transpose()
    }

    async fn remove_webhook(&self, id: i64) -> Result<bool, StoreError> {
        let done = serialized(|| {
            sqlx::query("DELETE FROM webhook WHERE id = $1")
                .bind(id)
                .execute(&self.pool)
        })
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn rotate_secret(&self, id: i64, secret: &str, overlap: Duration) -> Result<bool, StoreError> {
        let done = serialized(|| {
            sqlx::query(
                "UPDATE webhook SET previous_secret = secret, previous_until = now() + $1 * INTERVAL '1 millisecond',
                 secret = $2 WHERE id = $3",
            )
            .bind(millis(overlap))
            .bind(secret)
            .bind(id)
            .execute(&self.pool)
        })
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn disable_webhook(&self, id: i64, reason: Option<&str>) -> Result<bool, StoreError> {
        let done = serialized(|| {
            sqlx::query("UPDATE webhook SET disabled = $1 WHERE id = $2")
                .bind(reason)
                .bind(id)
                .execute(&self.pool)
        })
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn add_attempt(&self, a: &NewAttempt) -> Result<(), StoreError> {
        let error = a.error.as_deref().map(crate::queue::bounded);
        serialized(|| {
            sqlx::query(
                "INSERT INTO webhook_attempt (webhook_id, event_id, job_id, attempt, status, error, duration_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(a.webhook)
            .bind(a.event)
            .bind(a.job)
            .bind(i64::from(a.attempt))
            .bind(a.status.map(i64::from))
            .bind(error)
            .bind(i64::try_from(a.duration_ms).unwrap_or(i64::MAX))
            .execute(&self.pool)
        })
        .await?;
        Ok(())
    }

    async fn attempts(&self, webhook: i64, limit: u32) -> Result<Vec<Attempt>, StoreError> {
        let rows = serialized(|| {
            sqlx::query(
                "SELECT id, webhook_id, event_id, job_id, attempt, status, error, duration_ms,
                 (EXTRACT(EPOCH FROM created_at) * 1000)::BIGINT AS created_ms
                 FROM webhook_attempt WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(webhook)
            .bind(i64::from(limit.min(MAX_ATTEMPTS_LISTED)))
            .fetch_all(&self.pool)
        })
        .await?;
        rows.iter().map(attempt).collect()
    }
}
