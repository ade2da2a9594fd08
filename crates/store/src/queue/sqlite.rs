//! The queue in the history's SQLite file, for one machine (`rampart serve`
//! with its workers in-process). A claim runs inside `BEGIN IMMEDIATE`, which
//! takes the database's write lock before reading, so two claimers never pick
//! the same row; times come from this machine's clock.

use super::rows::{CLAIMED, COUNTS, counts, job, view};
use super::webhooks::{SUBSCRIBERS, WEBHOOK_ATTEMPTS, WEBHOOK_JOB, delivery, subscribers};
use super::{Counts, Failed, Job, JobView, NewEvent, NewJob, Queue, State, bounded, encoded, millis, next_run};
use crate::history::{insert_scan, new_id};
use crate::summary::ScanRow;
use crate::{History, StoreError};
use async_trait::async_trait;
use rampart_model::Report;
use sqlx::AssertSqlSafe;
use sqlx::sqlite::SqlitePool;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The queue of a history database.
#[derive(Debug, Clone)]
pub struct SqliteQueue {
    pub(super) pool: SqlitePool,
}

impl History {
    /// The job queue kept in the same file.
    pub fn queue(&self) -> SqliteQueue {
        SqliteQueue {
            pool: self.pool.clone(),
        }
    }
}

pub(super) fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, millis)
}

const VIEW: &str =
    "SELECT id, kind, payload, state, attempts, max_attempts, lease_owner, result, last_error, created_ms, updated_ms
    FROM job";

#[async_trait]
impl Queue for SqliteQueue {
    async fn enqueue(&self, job: &NewJob) -> Result<Option<i64>, StoreError> {
        job.check()?;
        let now = now_ms();
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO job (kind, payload, max_attempts, run_at_ms, dedupe_key, target_id, created_ms, updated_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(&job.kind)
        .bind(&job.payload)
        .bind(i64::from(job.max_attempts.max(1)))
        .bind(now + millis(job.delay))
        .bind(&job.key)
        .bind(job.target)
        .bind(now)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id)
    }

    async fn claim(&self, worker: &str, kinds: &[&str], lease: Duration) -> Result<Option<Job>, StoreError> {
        let now = now_ms();
        let kinds = serde_json::to_string(kinds).map_err(StoreError::Encode)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "UPDATE job SET state = 'dead', last_error = 'the lease ran out on the last attempt (worker lost)',
                    lease_owner = NULL, lease_until_ms = NULL, updated_ms = ?1
             WHERE state = 'running' AND lease_until_ms < ?1 AND attempts >= max_attempts",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "UPDATE job SET state = 'running', lease_owner = ?1, lease_until_ms = ?2, attempts = attempts + 1, updated_ms = ?3
             WHERE id = (SELECT id FROM job
                         WHERE kind IN (SELECT value FROM json_each(?4))
                           AND ((state = 'queued' AND run_at_ms <= ?3) OR (state = 'running' AND lease_until_ms < ?3))
                         ORDER BY run_at_ms, id LIMIT 1)
             RETURNING {CLAIMED}"
            ))
        )
        .bind(worker)
        .bind(now + millis(lease))
        .bind(now)
        .bind(kinds)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|r| job(&r, worker)).transpose()
    }

    async fn heartbeat(&self, job: &Job, lease: Duration) -> Result<bool, StoreError> {
        let now = now_ms();
        let done = sqlx::query(
            "UPDATE job SET lease_until_ms = ?, updated_ms = ? WHERE id = ? AND lease_owner = ? AND state = 'running'",
        )
        .bind(now + millis(lease))
        .bind(now)
        .bind(job.id)
        .bind(&job.owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn complete(&self, job: &Job, result: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE job SET state = 'done', result = ?, lease_owner = NULL, lease_until_ms = NULL, updated_ms = ?
             WHERE id = ? AND lease_owner = ? AND state = 'running'",
        )
        .bind(result)
        .bind(now_ms())
        .bind(job.id)
        .bind(&job.owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish(&self, job: &Job, report: &Report, events: &[NewEvent]) -> Result<Option<String>, StoreError> {
        let json = encoded(report)?;
        let id = new_id();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let done = sqlx::query(
            "UPDATE job SET state = 'done', result = ?, lease_owner = NULL, lease_until_ms = NULL, updated_ms = ?
             WHERE id = ? AND lease_owner = ? AND state = 'running'",
        )
        .bind(&id)
        .bind(now_ms())
        .bind(job.id)
        .bind(&job.owner)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        insert_scan(&mut tx, &ScanRow::new(&id, report, &json)).await?;
        insert_events(&mut tx, job.target, Some(&id), events).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn fail(&self, job: &Job, error: &str, retry_in: Option<Duration>) -> Result<Failed, StoreError> {
        let now = now_ms();
        let next = next_run(job, retry_in);
        let state = if next.is_some() { State::Queued } else { State::Dead };
        let done = sqlx::query(
            "UPDATE job SET state = ?, run_at_ms = ?, last_error = ?, lease_owner = NULL, lease_until_ms = NULL, updated_ms = ?
             WHERE id = ? AND lease_owner = ? AND state = 'running'",
        )
        .bind(state.name())
        .bind(now + next.map_or(0, millis))
        .bind(bounded(error))
        .bind(now)
        .bind(job.id)
        .bind(&job.owner)
        .execute(&self.pool)
        .await?;
        Ok(match (done.rows_affected(), next) {
            (1, Some(delay)) => Failed::Retrying(delay),
            (1, None) => Failed::Dead,
            _ => Failed::Lost,
        })
    }

    async fn get(&self, id: i64) -> Result<Option<JobView>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{VIEW} WHERE id = ?")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| view(&r)).transpose()
    }

    async fn list(
        &self,
        kind: &str,
        state: Option<State>,
        limit: u32,
        offset: u64,
    ) -> Result<(Vec<JobView>, u64), StoreError> {
        let filter = "WHERE kind = ?1 AND (?2 IS NULL OR state = ?2)";
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{VIEW} {filter} ORDER BY id DESC LIMIT ?3 OFFSET ?4"
        )))
        .bind(kind)
        .bind(state.map(State::name))
        .bind(i64::from(limit))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM job {filter}")))
            .bind(kind)
            .bind(state.map(State::name))
            .fetch_one(&self.pool)
            .await?;
        let jobs = rows.iter().map(view).collect::<Result<_, _>>()?;
        Ok((jobs, u64::try_from(total).unwrap_or(0)))
    }

    async fn report(&self, scan_id: &str) -> Result<Option<Report>, StoreError> {
        let history = History {
            pool: self.pool.clone(),
        };
        Ok(history.get(scan_id).await?.map(|record| record.report))
    }

    async fn add_token(&self, name: &str, prefix: &str, sha256: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO api_token (name, prefix, sha256, created_ms) VALUES (?, ?, ?, ?)")
            .bind(name)
            .bind(prefix)
            .bind(sha256)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn token_name(&self, sha256: &str) -> Result<Option<String>, StoreError> {
        let name = sqlx::query_scalar("SELECT name FROM api_token WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        Ok(name)
    }

    async fn has_tokens(&self) -> Result<bool, StoreError> {
        let any: Option<i64> = sqlx::query_scalar("SELECT 1 FROM api_token LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(any.is_some())
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        let rows = sqlx::query(COUNTS).fetch_all(&self.pool).await?;
        counts(&rows)
    }

    async fn existing_keys(&self, keys: &[String]) -> Result<Vec<String>, StoreError> {
        let keys = serde_json::to_string(keys).map_err(StoreError::Encode)?;
        let found =
            sqlx::query_scalar("SELECT dedupe_key FROM job WHERE dedupe_key IN (SELECT value FROM json_each(?))")
                .bind(keys)
                .fetch_all(&self.pool)
                .await?;
        Ok(found)
    }
}

/// Records events on `conn` (inside the caller's transaction).
pub(super) async fn insert_events(
    conn: &mut sqlx::SqliteConnection,
    target: Option<i64>,
    scan_id: Option<&str>,
    events: &[NewEvent],
) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    let subscribers = subscribers(sqlx::query_as(SUBSCRIBERS).fetch_all(&mut *conn).await?)?;
    let now = now_ms();
    for event in events {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO event (kind, target_id, scan_id, data, created_ms) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&event.kind)
        .bind(target)
        .bind(scan_id)
        .bind(&event.data)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        for to in subscribers.iter().filter(|s| s.wants(&event.kind, target)) {
            sqlx::query(
                "INSERT INTO job (kind, payload, max_attempts, run_at_ms, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(WEBHOOK_JOB)
            .bind(delivery(to.id, id))
            .bind(i64::from(WEBHOOK_ATTEMPTS))
            .bind(now)
            .bind(now)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
