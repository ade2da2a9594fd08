//! The versioned schema: `sql/NNNN_*.sql` files applied in order, each
//! recorded in `schema_version`, so a database is upgraded on open and one
//! written by a newer rampart is refused instead of misread.

use crate::StoreError;
use sqlx::SqliteConnection;
use sqlx::sqlite::SqlitePool;

/// One schema step.
pub(crate) struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

/// Every schema step, oldest first; a step is never edited once released.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../sql/0001_history.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("../sql/0002_queue.sql"),
    },
    Migration {
        version: 3,
        sql: include_str!("../sql/0003_tokens.sql"),
    },
    Migration {
        version: 4,
        sql: include_str!("../sql/0004_targets.sql"),
    },
    Migration {
        version: 5,
        sql: include_str!("../sql/0005_webhooks.sql"),
    },
];

/// The schema version this build writes.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
)";

/// Bring the database up to [`latest`], or refuse it.
pub(crate) async fn apply(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut conn = pool.acquire().await?;
    if check(&mut conn).await? == latest() {
        return Ok(());
    }
    drop(conn);
    // Take the write lock before re-reading, so two processes opening a new
    // database at once apply each step once.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let current = check(&mut tx).await?;
    sqlx::query(VERSION_TABLE).execute(&mut *tx).await?;
    for step in MIGRATIONS.iter().filter(|m| m.version > current) {
        sqlx::raw_sql(step.sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_version (version) VALUES (?)")
            .bind(step.version)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The recorded version, after refusing databases this build cannot use.
async fn check(conn: &mut SqliteConnection) -> Result<i64, StoreError> {
    let current = version(conn).await?;
    if current > latest() {
        return Err(StoreError::Schema(format!(
            "the history was written by a newer rampart (schema version {current}; this rampart knows up to {}); \
             upgrade rampart or use another history file",
            latest()
        )));
    }
    Ok(current)
}

/// The highest applied version; 0 for an empty database. A database with
/// tables but no `schema_version` belongs to something else.
async fn version(conn: &mut SqliteConnection) -> Result<i64, StoreError> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .fetch_all(&mut *conn)
    .await?;
    if !tables.iter().any(|t| t == "schema_version") {
        if tables.is_empty() {
            return Ok(0);
        }
        return Err(StoreError::Schema(
            "the file is an SQLite database but not a rampart history (no schema_version table)".into(),
        ));
    }
    let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_version")
        .fetch_one(&mut *conn)
        .await?;
    Ok(version.unwrap_or(0))
}
