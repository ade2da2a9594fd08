//! The history handle: open (creating and upgrading the database), save a
//! finished report, fetch one by id or prefix, list the newest.

use crate::summary::{self, ScanRecord, ScanRow, ScanSummary, columns, sql_int};
use crate::{StoreError, schema};
use rampart_model::Report;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Row, SqliteConnection};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Attempts at drawing a fresh random id before giving up.
const ID_ATTEMPTS: usize = 8;
/// Saves retried while the database file is locked (about 4 s in all).
const LOCKED_ATTEMPTS: usize = 12;
/// How long a writer waits for another process holding the database lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A scan history database.
#[derive(Debug, Clone)]
pub struct History {
    pub(crate) pool: SqlitePool,
}

impl History {
    /// `$RAMPART_DB` if set, else `<data dir>/rampart/history.db`
    /// (`$XDG_DATA_HOME` or `~/.local/share` on Linux), else
    /// `rampart-history.db` in the current directory when there is no home.
    pub fn default_path() -> PathBuf {
        if let Some(path) = std::env::var_os("RAMPART_DB").filter(|p| !p.is_empty()) {
            return PathBuf::from(path);
        }
        match dirs::data_dir() {
            Some(dir) => dir.join("rampart").join("history.db"),
            None => PathBuf::from("rampart-history.db"),
        }
    }

    /// Creates parent directories and the file, applies the schema.
    pub async fn open(path: &Path) -> Result<History, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        // Two processes opening a new file at once: one switching it to WAL or
        // applying the schema can answer the other "locked" at once, without
        // the busy timeout; opening again then finds the work done.
        let mut attempt = 0;
        loop {
            match Self::connect(options.clone()).await {
                Err(StoreError::Db(err)) if is_locked(&err) && attempt + 1 < LOCKED_ATTEMPTS => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50 * attempt as u64)).await;
                }
                opened => return opened,
            }
        }
    }

    async fn connect(options: SqliteConnectOptions) -> Result<History, StoreError> {
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        schema::apply(&pool).await?;
        Ok(History { pool })
    }

    /// Saves a finished report; returns its id (12 lowercase hex chars, random, unique).
    pub async fn save(&self, report: &Report) -> Result<String, StoreError> {
        let json = serde_json::to_string(report).map_err(StoreError::Encode)?;
        let mut attempt = 0;
        loop {
            let id = new_id();
            match self.insert(&id, report, &json).await {
                Ok(()) => return Ok(id),
                Err(err) if is_unique_violation(&err) && attempt + 1 < ID_ATTEMPTS => attempt += 1,
                // Another process opening the same file (switching it to WAL) can
                // answer "locked" without waiting for the busy timeout.
                Err(err) if is_locked(&err) && attempt + 1 < LOCKED_ATTEMPTS => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50 * attempt as u64)).await;
                }
                Err(err) => return Err(err.into()),
            }
        }
    }

    /// The report saved under `id` or a unique prefix of it (ambiguous prefix →
    /// [`StoreError::Ambiguous`]). Its `rules` field is not filled: the caller
    /// fills it from the registry using [`ScanRecord::rule_ids`].
    pub async fn get(&self, id: &str) -> Result<Option<ScanRecord>, StoreError> {
        let Some(prefix) = id_prefix(id) else {
            return Ok(None);
        };
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            ", report FROM scan WHERE id LIKE ? LIMIT 2"
        ))
        .bind(format!("{prefix}%"))
        .fetch_all(&self.pool)
        .await?;
        let row = match rows.as_slice() {
            [] => return Ok(None),
            [row] => row,
            _ => return Err(StoreError::Ambiguous(id.to_string())),
        };
        let summary = summary::from_row(row)?;
        let json: String = row.try_get("report")?;
        let report: Report = serde_json::from_str(&json).map_err(|source| StoreError::Corrupt {
            id: summary.id.clone(),
            source,
        })?;
        report.validate().map_err(|cause| StoreError::Invalid {
            id: summary.id.clone(),
            cause,
        })?;
        let rule_ids = sqlx::query_scalar("SELECT rule_id FROM scan_rule WHERE scan_id = ? ORDER BY position")
            .bind(&summary.id)
            .fetch_all(&self.pool)
            .await?;
        Ok(Some(ScanRecord {
            summary,
            report,
            rule_ids,
        }))
    }

    /// Newest first, at most `limit`, optionally only scans whose target equals `target`.
    pub async fn list(&self, limit: usize, target: Option<&str>) -> Result<Vec<ScanSummary>, StoreError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM scan WHERE ?1 IS NULL OR target = ?1 ORDER BY started_unix_ms DESC, seq DESC LIMIT ?2"
        );
        let rows = sqlx::query(sql)
            .bind(target)
            .bind(sql_int(limit))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(summary::from_row).collect::<Result<_, _>>()?)
    }

    /// Wait for every connection to close (the database file is then complete
    /// on disk, without a pending write-ahead log).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// One scan row and its rule ids, in one transaction.
    async fn insert(&self, id: &str, report: &Report, json: &str) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        insert_scan(&mut tx, &ScanRow::new(id, report, json)).await?;
        tx.commit().await
    }
}

/// Inserts one scan row and its rule ids on `conn` (inside the caller's transaction).
pub(crate) async fn insert_scan(conn: &mut SqliteConnection, row: &ScanRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO scan (id, target, started_at, started_unix_ms, duration_ms, overall, letter_grade, \
         findings, critical, high, medium, low, info, report) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    for (position, rule) in row.report.rules.iter().enumerate() {
        sqlx::query("INSERT INTO scan_rule (scan_id, position, rule_id) VALUES (?, ?, ?)")
            .bind(row.id)
            .bind(sql_int(position))
            .bind(rule.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A fresh id: 48 random bits as 12 lowercase hex characters.
pub(crate) fn new_id() -> String {
    rand::random::<[u8; 6]>().iter().map(|b| format!("{b:02x}")).collect()
}

/// The lowercase form of an id or id prefix, if it can be one at all.
fn id_prefix(id: &str) -> Option<String> {
    let ok = (1..=12).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| id.to_ascii_lowercase())
}

/// SQLITE_BUSY (5) or SQLITE_LOCKED (6).
fn is_locked(err: &sqlx::Error) -> bool {
    let code = err.as_database_error().and_then(|e| e.code());
    matches!(code.as_deref(), Some("5" | "6"))
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error().is_some_and(|e| e.is_unique_violation())
}
