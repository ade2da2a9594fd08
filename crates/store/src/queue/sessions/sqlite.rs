//! Dashboard sessions in the history's SQLite file.

use super::{MAX_SESSIONS, Sessions, WebSession, full};
use crate::StoreError;
use crate::queue::sqlite::now_ms;
use crate::queue::{SqliteQueue, millis};
use async_trait::async_trait;
use std::time::Duration;

#[async_trait]
impl Sessions for SqliteQueue {
    async fn add_session(&self, id_sha256: &str, session: &WebSession, ttl: Duration) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM dashboard_session WHERE expires_ms <= ?")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dashboard_session")
            .fetch_one(&mut *tx)
            .await?;
        if open >= MAX_SESSIONS {
            return Err(full());
        }
        sqlx::query("INSERT INTO dashboard_session (id_sha256, user_name, csrf, expires_ms) VALUES (?, ?, ?, ?)")
            .bind(id_sha256)
            .bind(&session.user)
            .bind(&session.csrf)
            .bind(now + millis(ttl))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session(&self, id_sha256: &str) -> Result<Option<WebSession>, StoreError> {
        let row: Option<(Option<String>, String)> =
            sqlx::query_as("SELECT user_name, csrf FROM dashboard_session WHERE id_sha256 = ? AND expires_ms > ?")
                .bind(id_sha256)
                .bind(now_ms())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(user, csrf)| WebSession { user, csrf }))
    }

    async fn remove_session(&self, id_sha256: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM dashboard_session WHERE id_sha256 = ?")
            .bind(id_sha256)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
