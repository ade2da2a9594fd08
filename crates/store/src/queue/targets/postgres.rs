//! Targets on PostgreSQL or CockroachDB.

use super::{
    Event, MAX_EVENTS, MAX_TARGET_SCANS, NewEvent, NewTarget, Target, TargetScan, Targets, event, full,
    is_unique_violation, target, target_scan,
};
use crate::StoreError;
use crate::queue::PgQueue;
use crate::queue::postgres::insert_events;
use crate::queue::postgres::serialized;
use async_trait::async_trait;

const COLUMNS: &str =
    "SELECT id, name, url, scan, schedule, (EXTRACT(EPOCH FROM created_at) * 1000)::BIGINT AS created_ms FROM target";

#[async_trait]
impl Targets for PgQueue {
    async fn add_target(&self, new: &NewTarget) -> Result<i64, StoreError> {
        new.check()?;
        let count: i64 = serialized(|| sqlx::query_scalar("SELECT COUNT(*) FROM target").fetch_one(&self.pool)).await?;
        if usize::try_from(count).unwrap_or(usize::MAX) >= super::MAX_TARGETS {
            return Err(full());
        }
        let added =
            sqlx::query_scalar("INSERT INTO target (name, url, scan, schedule) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(&new.name)
                .bind(&new.url)
                .bind(&new.scan)
                .bind(&new.schedule)
                .fetch_one(&self.pool)
                .await;
        added.map_err(|e| if is_unique_violation(&e) { new.taken() } else { e.into() })
    }

    async fn targets(&self) -> Result<Vec<Target>, StoreError> {
        let sql = format!("{COLUMNS} ORDER BY id LIMIT {}", super::MAX_TARGETS);
        let rows = serialized(|| sqlx::query(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&self.pool)).await?;
        rows.iter().map(target).collect()
    }

    async fn target(&self, id: i64) -> Result<Option<Target>, StoreError> {
        let sql = format!("{COLUMNS} WHERE id = $1");
        let row = serialized(|| {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .fetch_optional(&self.pool)
        })
        .await?;
        row.as_ref().map(target).transpose()
    }

    async fn remove_target(&self, id: i64) -> Result<bool, StoreError> {
        let done = serialized(|| {
            sqlx::query("DELETE FROM target WHERE id = $1")
                .bind(id)
                .execute(&self.pool)
        })
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn target_scans(&self, target: i64, limit: u32) -> Result<Vec<TargetScan>, StoreError> {
        let rows = serialized(|| {
            sqlx::query(
                "SELECT job.id, kind, payload, state, attempts, max_attempts, lease_owner, result, last_error,
                        (EXTRACT(EPOCH FROM created_at) * 1000)::BIGINT AS created_ms,
                        (EXTRACT(EPOCH FROM updated_at) * 1000)::BIGINT AS updated_ms,
                        scan.overall, scan.letter_grade, scan.findings
                 FROM job LEFT JOIN scan ON scan.id = job.result AND job.state = 'done'
                 WHERE job.target_id = $1 ORDER BY job.id DESC LIMIT $2",
            )
            .bind(target)
            .bind(i64::from(limit.min(MAX_TARGET_SCANS)))
            .fetch_all(&self.pool)
        })
        .await?;
        rows.iter().map(target_scan).collect()
    }

    async fn latest_scan_id(&self, target: i64) -> Result<Option<String>, StoreError> {
        let id: Option<Option<String>> = serialized(|| {
            sqlx::query_scalar(
                "SELECT result FROM job WHERE target_id = $1 AND state = 'done' ORDER BY updated_at DESC, id DESC LIMIT 1",
            )
            .bind(target)
            .fetch_optional(&self.pool)
        })
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
        let rows = serialized(|| {
            sqlx::query(
                "SELECT id, kind, target_id, scan_id, data, (EXTRACT(EPOCH FROM created_at) * 1000)::BIGINT AS created_ms
                 FROM event WHERE id > $1 AND ($2::BIGINT IS NULL OR target_id = $2) ORDER BY id LIMIT $3",
            )
            .bind(after)
            .bind(target)
            .bind(i64::from(limit.min(MAX_EVENTS)))
            .fetch_all(&self.pool)
        })
        .await?;
        rows.iter().map(event).collect()
    }

    async fn event(&self, id: i64) -> Result<Option<Event>, StoreError> {
        let row = serialized(|| {
            sqlx::query(
                "SELECT id, kind, target_id, scan_id, data, (EXTRACT(EPOCH FROM created_at) * 1000)::BIGINT AS created_ms
                 FROM event WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
        })
        .await?;
        row.as_ref().map(event).transpose()
    }

    async fn recent_events(&self, target: Option<i64>, limit: u32) -> Result<Vec<Event>, StoreError> {
        let rows = serialized(|| {
            sqlx::query(
                "SELECT id, kind, target_id, scan_id, data, (EXTRACT(EPOCH FROM created_at) * 1000)::BIGINT AS created_ms
                 FROM event WHERE ($1::BIGINT IS NULL OR target_id = $1) ORDER BY id DESC LIMIT $2",
            )
            .bind(target)
            .bind(i64::from(limit.min(MAX_EVENTS)))
            .fetch_all(&self.pool)
        })
        .await?;
        rows.iter().map(event).collect()
    }
}
