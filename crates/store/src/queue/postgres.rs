//! The queue on PostgreSQL or CockroachDB, for several machines (`rampart serve
//! --db postgres://…` plus `rampart worker --db postgres://…` anywhere). A
//! claim is one statement, `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
//! LOCKED) RETURNING`, so no lock outlives it; times come from the database's
//! clock. Statements that fail with a serialization failure (SQLSTATE 40001,
//! CockroachDB's answer to contention) are run again.

use super::rows::{CLAIMED, COUNTS, counts, job, view};
use super::webhooks::{SUBSCRIBERS, WEBHOOK_ATTEMPTS, WEBHOOK_JOB, delivery, subscribers};
use super::{Counts, Failed, Job, JobView, NewEvent, NewJob, Queue, State, bounded, encoded, millis, next_run};
use crate::StoreError;
use crate::history::new_id;
use crate::summary::ScanRow;
use async_trait::async_trait;
use rampart_model::Report;
use sqlx::AssertSqlSafe;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use std::future::Future;
use std::time::Duration;

/// Runs of a statement that keeps failing with a serialization failure.
const SERIALIZATION_ATTEMPTS: u32 = 5;
/// Connections one process keeps.
const POOL: u32 = 8;
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Schema steps, oldest first; each statement may run twice (see the files).
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../sql/postgres/0001_queue.sql")),
    (2, include_str!("../../sql/postgres/0002_scan.sql")),
    (3, include_str!("../../sql/postgres/0003_tokens.sql")),
    (4, include_str!("../../sql/postgres/0004_targets.sql")),
    (5, include_str!("../../sql/postgres/0005_webhooks.sql")),
];

/// The queue on a PostgreSQL-wire database.
#[derive(Debug, Clone)]
pub struct PgQueue {
    pub(super) pool: PgPool,
}

impl PgQueue {
    /// Connects (`postgres://`, `postgresql://` or `cockroachdb://` URLs) and
    /// brings the schema up to date, or refuses one written by a newer rampart.
    pub async fn connect(url: &str) -> Result<PgQueue, StoreError> {
        let url = match url.strip_prefix("cockroachdb://") {
            Some(rest) => format!("postgres://{rest}"),
            None => url.to_string(),
        };
        let said = |e: sqlx::Error| StoreError::Unreachable(e.to_string());
        let options: PgConnectOptions = url.parse().map_err(said)?;
        // One connection first, so a refused or failed login is reported as such.
        let first = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options)).await;
        let first = first
            .map_err(|_| {
                StoreError::Unreachable(format!(
                    "no answer from the database within {} s",
                    CONNECT_TIMEOUT.as_secs()
                ))
            })?
            .map_err(said)?;
        let _ = first.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(POOL)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_lazy_with(options);
        migrate(&pool).await?;
        Ok(PgQueue { pool })
    }

    /// [`Queue::finish`] in one transaction.
    async fn finish_once(
        &self,
        job: &Job,
        row: &ScanRow<'_>,
        events: &[NewEvent],
    ) -> Result<Option<String>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE job SET state = 'done', result = $1, lease_owner = NULL, lease_until = NULL, updated_at = now()
             WHERE id = $2 AND lease_owner = $3 AND state = 'running'",
        )
        .bind(row.id)
        .bind(job.id)
        .bind(&job.owner)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        insert_scan(&mut tx, row).await?;
        insert_events(&mut tx, job.target, Some(row.id), events).await?;
        tx.commit().await?;
        Ok(Some(row.id.to_string()))
    }
}

/// Records events on `conn` (inside the caller's transaction).
pub(super) async fn insert_events(
    conn: &mut PgConnection,
    target: Option<i64>,
    scan_id: Option<&str>,
    events: &[NewEvent],
) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    let subscribers = subscribers(sqlx::query_as(SUBSCRIBERS).fetch_all(&mut *conn).await?)?;
    for event in events {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO event (kind, target_id, scan_id, data) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&event.kind)
        .bind(target)
        .bind(scan_id)
        .bind(&event.data)
        .fetch_one(&mut *conn)
        .await?;
        for to in subscribers.iter().filter(|s| s.wants(&event.kind, target)) {
            sqlx::query("INSERT INTO job (kind, payload, max_attempts) VALUES ($1, $2, $3)")
                .bind(WEBHOOK_JOB)
                .bind(delivery(to.id, id))
                .bind(i64::from(WEBHOOK_ATTEMPTS))
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Inserts one scan row and its rule ids on `conn` (inside the caller's transaction).
async fn insert_scan(conn: &mut PgConnection, row: &ScanRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO scan (id, target, started_at, started_unix_ms, duration_ms, overall, letter_grade,
         findings, critical, high, medium, low, info, report)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(row.id)
    .bind(&row.report.target)
    .bind(&row.report.started_at)
    .bind(row.started_unix_ms)
    .bind(row.duration_ms)
    .bind(row.overall)
    .bind(&row.report.letter_grade)
    .bind(row.findings)
    .bind(row.by_severity[0])
    .bind(row.by_severity[1])
    .bind(row.by_severity[2])
    .bind(row.by_severity[3])
    .bind(row.by_severity[4])
    .bind(row.json)
    .execute(&mut *conn)
    .await?;
    let positions: Vec<i64> = (0..row.report.rules.len() as i64).collect();
    let rules: Vec<&str> = row.report.rules.iter().map(|r| r.id).collect();
    sqlx::query(
        "INSERT INTO scan_rule (scan_id, position, rule_id) SELECT $1, * FROM UNNEST($2::BIGINT[], $3::TEXT[])",
    )
    .bind(row.id)
    .bind(&positions)
    .bind(&rules)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .execute(pool)
    .await?;
    let current: Option<i32> = sqlx::query_scalar("SELECT MAX(version) FROM schema_version")
        .fetch_one(pool)
        .await?;
    let latest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
    let current = current.unwrap_or(0);
    if current > latest {
        return Err(StoreError::Schema(format!(
            "the database was written by a newer rampart (schema version {current}; this rampart knows up to {latest}); upgrade rampart"
        )));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        sqlx::raw_sql(*sql).execute(pool).await?;
        sqlx::query("INSERT INTO schema_version (version) VALUES ($1) ON CONFLICT (version) DO NOTHING")
            .bind(version)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// `statement` run again while it fails with a serialization failure.
pub(super) async fn serialized<T, F, Fut>(statement: F) -> Result<T, StoreError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    let mut attempt = 1;
    loop {
        match statement().await {
            Err(e) if is_serialization_failure(&e) && attempt < SERIALIZATION_ATTEMPTS => {
                tokio::time::sleep(Duration::from_millis(10 << attempt)).await;
                attempt += 1;
            }
            other => return other.map_err(StoreError::from),
        }
    }
}

fn is_serialization_failure(e: &sqlx::Error) -> bool {
    e.as_database_error().and_then(|d| d.code()).as_deref() == Some("40001")
}

const VIEW: &str = "SELECT id, kind, payload, state, attempts, max_attempts, lease_owner, result, last_error,
    (EXTRACT(EPOCH FROM created_at) * 1000)::BIGINT AS created_ms,
    (EXTRACT(EPOCH FROM updated_at) * 1000)::BIGINT AS updated_ms FROM job";

#[async_trait]
impl Queue for PgQueue {
    async fn enqueue(&self, job: &NewJob) -> Result<Option<i64>, StoreError> {
        job.check()?;
        serialized(|| {
            sqlx::query_scalar(
                "INSERT INTO job (kind, payload, max_attempts, run_at, dedupe_key, target_id)
                 VALUES ($1, $2, $3, now() + $4::FLOAT8 * INTERVAL '1 millisecond', $5, $6)
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(&job.kind)
            .bind(&job.payload)
            .bind(i64::from(job.max_attempts.max(1)))
            .bind(millis(job.delay) as f64)
            .bind(&job.key)
            .bind(job.target)
            .fetch_optional(&self.pool)
        })
        .await
    }

    async fn claim(&self, worker: &str, kinds: &[&str], lease: Duration) -> Result<Option<Job>, StoreError> {
        serialized(|| {
            sqlx::query(
                "UPDATE job SET state = 'dead', last_error = 'the lease ran out on the last attempt (worker lost)',
                        lease_owner = NULL, lease_until = NULL, updated_at = now()
                 WHERE state = 'running' AND lease_until < now() AND attempts >= max_attempts",
            )
            .execute(&self.pool)
        })
        .await?;
        let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
        let row = serialized(|| {
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE job SET state = 'running', lease_owner = $1, attempts = attempts + 1, updated_at = now(),
                        lease_until = now() + $2::FLOAT8 * INTERVAL '1 millisecond'
                 WHERE id IN (SELECT id FROM job
                              WHERE kind = ANY($3)
                                AND ((state = 'queued' AND run_at <= now())
                                     OR (state = 'running' AND lease_until < now() AND attempts < max_attempts))
                              ORDER BY run_at, id LIMIT 1
                              FOR UPDATE SKIP LOCKED)
                 RETURNING {CLAIMED}"
            )))
            .bind(worker)
            .bind(millis(lease) as f64)
            .bind(&kinds)
            .fetch_optional(&self.pool)
        })
        .await?;
        row.map(|r| job(&r, worker)).transpose()
    }

    async fn heartbeat(&self, job: &Job, lease: Duration) -> Result<bool, StoreError> {
        let done = serialized(|| {
            sqlx::query(
                "UPDATE job SET lease_until = now() + $1::FLOAT8 * INTERVAL '1 millisecond', updated_at = now()
                 WHERE id = $2 AND lease_owner = $3 AND state = 'running'",
            )
            .bind(millis(lease) as f64)
            .bind(job.id)
            .bind(&job.owner)
            .execute(&self.pool)
        })
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn complete(&self, job: &Job, result: &str) -> Result<bool, StoreError> {
        let done = serialized(|| {
            sqlx::query(
                "UPDATE job SET state = 'done', result = $1, lease_owner = NULL, lease_until = NULL, updated_at = now()
                 WHERE id = $2 AND lease_owner = $3 AND state = 'running'",
            )
            .bind(result)
            .bind(job.id)
            .bind(&job.owner)
            .execute(&self.pool)
        })
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish(&self, job: &Job, report: &Report, events: &[NewEvent]) -> Result<Option<String>, StoreError> {
        let json = encoded(report)?;
        let id = new_id();
        let row = ScanRow::new(&id, report, &json);
        serialized(|| self.finish_once(job, &row, events)).await
    }

    async fn fail(&self, job: &Job, error: &str, retry_in: Option<Duration>) -> Result<Failed, StoreError> {
        let next = next_run(job, retry_in);
        let state = if next.is_some() { State::Queued } else { State::Dead };
        let done = serialized(|| {
            sqlx::query(
                "UPDATE job SET state = $1, run_at = now() + $2::FLOAT8 * INTERVAL '1 millisecond', last_error = $3,
                        lease_owner = NULL, lease_until = NULL, updated_at = now()
                 WHERE id = $4 AND lease_owner = $5 AND state = 'running'",
            )
            .bind(state.name())
            .bind(next.map_or(0, millis) as f64)
            .bind(bounded(error))
            .bind(job.id)
            .bind(&job.owner)
            .execute(&self.pool)
        })
        .await?;
        Ok(match (done.rows_affected(), next) {
            (1, Some(delay)) => Failed::Retrying(delay),
            (1, None) => Failed::Dead,
            _ => Failed::Lost,
        })
    }

    async fn get(&self, id: i64) -> Result<Option<JobView>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{VIEW} WHERE id = $1")))
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
        let filter = "WHERE kind = $1 AND ($2::TEXT IS NULL OR state = $2)";
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{VIEW} {filter} ORDER BY id DESC LIMIT $3 OFFSET $4"
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
        let json: Option<String> = sqlx::query_scalar("SELECT report FROM scan WHERE id = $1")
            .bind(scan_id)
            .fetch_optional(&self.pool)
            .await?;
        json.map(|json| {
            serde_json::from_str(&json).map_err(|source| StoreError::Corrupt {
                id: scan_id.to_string(),
                source,
            })
        })
        .transpose()
    }

    async fn add_token(&self, name: &str, prefix: &str, sha256: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO api_token (name, prefix, sha256) VALUES ($1, $2, $3)")
            .bind(name)
            .bind(prefix)
            .bind(sha256)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn token_name(&self, sha256: &str) -> Result<Option<String>, StoreError> {
        let name = sqlx::query_scalar("SELECT name FROM api_token WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        Ok(name)
    }

    async fn has_tokens(&self) -> Result<bool, StoreError> {
        let any: Option<i64> = sqlx::query_scalar("SELECT 1::BIGINT FROM api_token LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(any.is_some())
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        let rows = sqlx::query(COUNTS).fetch_all(&self.pool).await?;
        counts(&rows)
    }

    async fn existing_keys(&self, keys: &[String]) -> Result<Vec<String>, StoreError> {
        serialized(|| {
            sqlx::query_scalar("SELECT dedupe_key FROM job WHERE dedupe_key = ANY($1)")
                .bind(keys)
                .fetch_all(&self.pool)
        })
        .await
    }
}
