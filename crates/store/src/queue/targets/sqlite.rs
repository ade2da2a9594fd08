//! Targets in the history's SQLite file.

use super::{
    Event, MAX_EVENTS, MAX_TARGET_SCANS, NewEvent, NewTarget, Target, TargetScan, Targets, event, full,
    is_unique_violation, target, target_scan,
};
use crate::StoreError;
use crate::queue::SqliteQueue;
use crate::queue::sqlite::insert_events;
use async_trait::async_trait;

/// The columns an `Event` is read from, for every event query.
macro_rules! select_events {
    () => {
        "SELECT id, kind, target_id, scan_id, data, created_ms FROM event"
    };
}

const COLUMNS: &str = "SELECT id, name, url, scan, schedule, created_ms FROM target";

#[async_trait]
impl Targets for SqliteQueue {
    async fn add_target(&self, new: &NewTarget) -> Result<i64, StoreError> {
        new.check()?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM target")
            .fetch_one(&mut *tx)
            .await?;
        if usize::try_from(count).unwrap_or(usize::MAX) >= super::MAX_TARGETS {
            return Err(full());
        }
        let id = sqlx::query_scalar(
            "INSERT INTO target (name, url, scan, schedule, created_ms) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&new.name)
        .bind(&new.url)
        .bind(&new.scan)
        .bind(&new.schedule)
        .bind(crate::queue::sqlite::now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| if is_unique_violation(&e) { new.taken() } else { e.into() })?;
        tx.commit().await?;
        Ok(id)
    }

    async fn targets(&self) -> Result<Vec<Target>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{COLUMNS} ORDER BY id LIMIT {}",
            super::MAX_TARGETS
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(target).collect()
    }

    async fn target(&self, id: i64) -> Result<Option<Target>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = ?")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(target).transpose()
    }

    async fn remove_target(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM target WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn target_scans(&self, target: i64, limit: u32) -> Result<Vec<TargetScan>, StoreError> {
        let rows = sqlx::query(
            "SELECT job.id, kind, payload, state, attempts, max_attempts, lease_owner, result, last_error,
                    created_ms, updated_ms, scan.overall, scan.letter_grade, scan.findings
             FROM job LEFT JOIN scan ON scan.id = job.result AND job.state = 'done'
             WHERE job.target_id = ? ORDER BY job.id DESC LIMIT ?",
        )
        .bind(target)
        .bind(i64::from(limit.min(MAX_TARGET_SCANS)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(target_scan).collect()
    }

    async fn latest_scan_id(&self, target: i64) -> Result<Option<String>, StoreError> {
        let id: Option<Option<String>> = sqlx::query_scalar(
            "SELECT result FROM job WHERE target_id = ? AND state = 'done' ORDER BY updated_ms DESC, id DESC LIMIT 1",
        )
        .bind(target)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.flatten())
    }

    async fn add_events(&self, target: Option<i64>, events: &[NewEvent]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_events(&mut tx, target, None, events).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn events(&self, target: Option<i64>, after: i64, limit: u32) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(concat!(
            select_events!(),
            " WHERE id > ? AND (? IS NULL OR target_id = ?) ORDER BY id LIMIT ?"
        ))
        .bind(after)
        .bind(target)
        .bind(target)
        .bind(i64::from(limit.min(MAX_EVENTS)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event).collect()
    }

    async fn event(&self, id: i64) -> Result<Option<Event>, StoreError> {
        let row = sqlx::query(concat!(select_events!(), " WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(event).transpose()
    }

    async fn recent_events(&self, target: Option<i64>, limit: u32) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(concat!(
            select_events!(),
            " WHERE (? IS NULL OR target_id = ?) ORDER BY id DESC LIMIT ?"
        ))
        .bind(target)
        .bind(target)
        .bind(i64::from(limit.min(MAX_EVENTS)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event).collect()
    }
}
