//! Webhook endpoints in the history's SQLite file.

use super::{Attempt, MAX_ATTEMPTS_LISTED, NewAttempt, NewWebhook, Webhook, Webhooks, attempt, full, webhook};
use crate::StoreError;
use crate::queue::sqlite::now_ms;
use crate::queue::{SqliteQueue, millis};
use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use std::time::Duration;

/// The endpoint columns; the previous secret only while it still signs (`?1` is now).
const COLUMNS: &str = "SELECT id, url, events, target_id, secret,
    CASE WHEN previous_until_ms > ?1 THEN previous_secret END AS previous_secret, disabled, created_ms FROM webhook";

#[async_trait]
impl Webhooks for SqliteQueue {
    async fn add_webhook(&self, new: &NewWebhook) -> Result<i64, StoreError> {
        new.check()?;
        let events = new.events_json()?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook")
            .fetch_one(&mut *tx)
            .await?;
        if usize::try_from(count).unwrap_or(usize::MAX) >= super::MAX_WEBHOOKS {
            return Err(full());
        }
        let id = sqlx::query_scalar(
            "INSERT INTO webhook (url, events, target_id, secret, created_ms) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&new.url)
        .bind(events)
        .bind(new.target)
        .bind(&new.secret)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{COLUMNS} ORDER BY id LIMIT {}",
            super::MAX_WEBHOOKS
        )))
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(webhook).collect()
    }

    async fn webhook(&self, id: i64) -> Result<Option<Webhook>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{COLUMNS} WHERE id = ?2")))
            .bind(now_ms())
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(webhook).transpose()
    }

    async fn remove_webhook(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM webhook WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn rotate_secret(&self, id: i64, secret: &str, overlap: Duration) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE webhook SET previous_secret = secret, previous_until_ms = ?, secret = ? WHERE id = ?")
                .bind(now_ms() + millis(overlap))
                .bind(secret)
                .bind(id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn disable_webhook(&self, id: i64, reason: Option<&str>) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE webhook SET disabled = ? WHERE id = ?")
            .bind(reason)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn add_attempt(&self, a: &NewAttempt) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO webhook_attempt (webhook_id, event_id, job_id, attempt, status, error, duration_ms, created_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(a.webhook)
        .bind(a.event)
        .bind(a.job)
        .bind(i64::from(a.attempt))
        .bind(a.status.map(i64::from))
        .bind(a.error.as_deref().map(crate::queue::bounded))
        .bind(i64::try_from(a.duration_ms).unwrap_or(i64::MAX))
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn attempts(&self, webhook: i64, limit: u32) -> Result<Vec<Attempt>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, webhook_id, event_id, job_id, attempt, status, error, duration_ms, created_ms
             FROM webhook_attempt WHERE webhook_id = ? ORDER BY id DESC LIMIT ?",
        )
        .bind(webhook)
        .bind(i64::from(limit.min(MAX_ATTEMPTS_LISTED)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(attempt).collect()
    }
}
