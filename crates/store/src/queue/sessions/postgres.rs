//! Dashboard sessions on PostgreSQL or CockroachDB.

use super::{MAX_SESSIONS, Sessions, WebSession, full};
use crate::StoreError;
use crate::queue::postgres::serialized;
use crate::queue::{PgQueue, millis};
use async_trait::async_trait;
use std::time::Duration;

#[async_trait]
impl Sessions for PgQueue {
    async fn add_session(&self, id_sha256: &str, session: &WebSession, ttl: Duration) -> Result<(), StoreError> {
        serialized(|| sqlx::query("DELETE FROM dashboard_session WHERE expires_at <= now()").execute(&self.pool))
            .await?;
        let open: i64 =
            serialized(|| sqlx::query_scalar("SELECT COUNT(*) FROM dashboard_session").fetch_one(&self.pool)).await?;
        if open >= MAX_SESSIONS {
            return Err(full());
        }
        serialized(|| {
            sqlx::query(
                "INSERT INTO dashboard_session (id_sha256, user_name, csrf, expires_at)
                 VALUES ($1, $2, $3, now() + $4 * INTERVAL '1 millisecond')",
            )
            .bind(id_sha256)
            .bind(&session.user)
            .bind(&session.csrf)
            .bind(millis(ttl))
            .execute(&self.pool)
        })
        .await?;
        Ok(())
    }

    async fn session(&self, id_sha256: &str) -> Result<Option<WebSession>, StoreError> {
        let row: Option<(Option<String>, String)> = serialized(|| {
            sqlx::query_as("SELECT user_name, csrf FROM dashboard_session WHERE id_sha256 = $1 AND expires_at > now()")
                .bind(id_sha256)
                .fetch_optional(&self.pool)
        })
        .await?;
        Ok(row.map(|(user, csrf)| WebSession { user, csrf }))
    }

    async fn remove_session(&self, id_sha256: &str) -> Result<bool, StoreError> {
        let done = serialized(|| {
            sqlx::query("DELETE FROM dashboard_session WHERE id_sha256 = $1")
                .bind(id_sha256)
                .execute(&self.pool)
        })
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
