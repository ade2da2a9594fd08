//! PostgreSQL and CockroachDB over the PostgreSQL wire protocol. The session
//! is made read-only before any query, every statement has a timeout, and
//! identifiers from the catalog are quoted, never interpolated raw.

mod catalog;

use crate::{ExpiryAudit, Fact, InspectError, Location, Record, expiry_field, sha256_hex, user_field};
pub use catalog::Flavor;
use std::time::Duration;
use tokio_postgres::{Client, NoTls};

/// Longest wait for the connection and for any single statement.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Most text columns tried when searching for the token.
const MAX_CANDIDATES: usize = 300;

pub struct PgInspector {
    client: Client,
    flavor: Flavor,
    version: String,
    /// The column the last token was found in: tried first, so each store rule does not rescan the catalog.
    found: std::sync::Mutex<Option<(String, String, String)>>,
    /// `--store-table`: (schema or empty for any, table); the token is only searched there.
    only: Option<(String, String)>,
}

impl PgInspector {
    /// Connect to `url` (`postgres://`, `postgresql://` or `cockroachdb://`) and make the session read-only.
    pub async fn connect(url: &str) -> Result<PgInspector, InspectError> {
        let dsn = normalise(url)?;
        let config: tokio_postgres::Config = dsn.parse().map_err(|e| InspectError(format!("bad store URL: {e}")))?;
        let connecting = tokio::time::timeout(TIMEOUT, config.connect(NoTls));
        let (client, connection) = connecting
            .await
            .map_err(|_| InspectError("no answer within 10 s".into()))?
            .map_err(|e| InspectError(format!("cannot connect: {}", cause(&e))))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        client
            .batch_execute("SET default_transaction_read_only = on; SET statement_timeout = '10s'")
            .await
            .map_err(|e| InspectError(format!("cannot make the session read-only: {}", cause(&e))))?;
        let version: String = query_one(&client, "SELECT version()").await?;
        Ok(PgInspector {
            found: std::sync::Mutex::new(None),
            only: None,
            flavor: Flavor::from_version(&version),
            client,
            version,
        })
    }

    /// Search only `table` (`schema.table` or `table`) for tokens; it must exist and be readable.
    pub async fn restrict(mut self, table: &str) -> Result<PgInspector, InspectError> {
        let (schema, name) = table.split_once('.').unwrap_or(("", table));
        let found = self.query(catalog::FIND_TABLE, &[&name, &schema]).await?;
        let Some(row) = found.first() else {
            return Err(InspectError(format!("no table {table} in the store")));
        };
        let (schema, name): (String, String) = (row.get(0), row.get(1));
        let readable: bool = self.query(catalog::CAN_READ, &[&schema, &name]).await?[0].get(0);
        if !readable {
            return Err(InspectError(format!(
                "the store user lacks SELECT on {schema}.{name}; grant it read access"
            )));
        }
        if self
            .query(catalog::TEXT_COLUMNS_OF_TABLE, &[&name, &schema])
            .await?
            .is_empty()
        {
            return Err(InspectError(format!(
                "table {schema}.{name} has no text column to hold a token"
            )));
        }
        self.only = Some((schema, name));
        Ok(self)
    }

    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// Find the table and column holding `token` verbatim or as SHA-256 hex.
    pub async fn locate(&self, token: &str) -> Result<Option<Location>, InspectError> {
        let hash = sha256_hex(token);
        let remembered = self.found.lock().unwrap().clone();
        if let Some((schema, table, column)) = remembered {
            if let Some(at) = self.probe_column(&schema, &table, &column, token, &hash).await? {
                return Ok(Some(at));
            }
        }
        let rows = match &self.only {
            Some((schema, table)) => self.query(catalog::TEXT_COLUMNS_OF_TABLE, &[table, schema]).await?,
            None => self.query(catalog::TEXT_COLUMNS, &[]).await?,
        };
        for row in rows.iter().take(MAX_CANDIDATES) {
            let (schema, table, column): (String, String, String) = (row.get(0), row.get(1), row.get(2));
            if let Some(at) = self.probe_column(&schema, &table, &column, token, &hash).await? {
                *self.found.lock().unwrap() = Some((schema, table, column));
                return Ok(Some(at));
            }
        }
        if self.only.is_none() {
            self.unreadable_tables().await?;
        }
        Ok(None)
    }

    /// The location, if `column` holds `token` verbatim or as `hash`.
    async fn probe_column(
        &self,
        schema: &str,
        table: &str,
        column: &str,
        token: &str,
        hash: &str,
    ) -> Result<Option<Location>, InspectError> {
        let sql = catalog::match_token(schema, table, column);
        let hit: Option<bool> = self.query(&sql, &[&token, &hash]).await?.first().map(|r| r.get(0));
        let Some(verbatim) = hit else { return Ok(None) };
        let fields = self.fields(schema, table).await?;
        Ok(Some(Location {
            container: format!("{schema}.{table}"),
            token_field: column.to_string(),
            hashed: !verbatim,
            user_field: user_field(&fields),
            expiry_field: expiry_field(&fields),
            fields,
        }))
    }

    /// A token found nowhere may hide in tables the store user cannot read: say so instead.
    async fn unreadable_tables(&self) -> Result<(), InspectError> {
        let rows = self.query(catalog::UNREADABLE_TABLES, &[]).await?;
        let names: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        match names.as_slice() {
            [] => Ok(()),
            [first, ..] => Err(InspectError(format!(
                "the store user lacks SELECT on {} table(s) (e.g. {first}); grant it read access",
                names.len()
            ))),
        }
    }

    async fn fields(&self, schema: &str, table: &str) -> Result<Vec<(String, String)>, InspectError> {
        let rows = self.query(catalog::COLUMNS_OF, &[&schema, &table]).await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// The row holding `token` in `at`, every column as text.
    pub async fn record(&self, at: &Location, token: &str) -> Result<Option<Record>, InspectError> {
        let key = if at.hashed {
            sha256_hex(token)
        } else {
            token.to_string()
        };
        let sql = catalog::row_as_json(&at.container, &at.token_field);
        let Some(row) = self.query(&sql, &[&key]).await?.into_iter().next() else {
            return Ok(None);
        };
        let json: String = row.get(0);
        Ok(Some(catalog::record_from_json(&json)))
    }

    /// Rows without an expiry and rows already past it.
    pub async fn expiry_audit(&self, at: &Location) -> Result<Option<ExpiryAudit>, InspectError> {
        let Some(expiry) = &at.expiry_field else {
            return Ok(None);
        };
        let sql = catalog::expiry_counts(&at.container, expiry);
        let row = self.query(&sql, &[]).await?.into_iter().next();
        Ok(row.map(|r| ExpiryAudit {
            rows: r.get(0),
            without_expiry: r.get(1),
            already_expired: r.get(2),
        }))
    }

    /// Token values of rows past their expiry, for an HTTP replay; none for hashed stores.
    pub async fn expired_tokens(&self, at: &Location, limit: i64) -> Result<Vec<String>, InspectError> {
        let Some(expiry) = at.expiry_field.as_deref().filter(|_| !at.hashed) else {
            return Ok(Vec::new());
        };
        let sql = catalog::expired_tokens(&at.container, &at.token_field, expiry, at.user_field.as_deref());
        Ok(self.query(&sql, &[&limit]).await?.iter().map(|r| r.get(0)).collect())
    }

    /// Configuration facts: row-level security off on the session table, no idle-in-transaction timeout.
    pub async fn facts(&self, at: &Location) -> Result<Vec<Fact>, InspectError> {
        let mut facts = Vec::new();
        let rls_sql = catalog::rls_query(self.flavor);
        let rls = self
            .query(rls_sql, &[&at.container])
            .await?
            .first()
            .map(|r| r.get::<_, bool>(0));
        if rls == Some(false) {
            let detail = format!("row-level security is disabled on {}", at.container);
            facts.push(Fact {
                id: "rls-disabled",
                detail,
                query: rls_sql.to_string(),
            });
        }
        let idle: String = query_one(&self.client, catalog::IDLE_TIMEOUT).await?;
        if catalog::is_unset_duration(&idle) {
            let detail = format!("idle_in_transaction_session_timeout is {idle} (unset)");
            facts.push(Fact {
                id: "idle-timeout-unset",
                detail,
                query: catalog::IDLE_TIMEOUT.to_string(),
            });
        }
        Ok(facts)
    }

    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, InspectError> {
        let running = tokio::time::timeout(TIMEOUT, self.client.query(sql, params));
        running
            .await
            .map_err(|_| InspectError("a catalog query took longer than 10 s".into()))?
            .map_err(|e| InspectError(cause(&e)))
    }
}

async fn query_one(client: &Client, sql: &str) -> Result<String, InspectError> {
    let row = client.query_one(sql, &[]).await.map_err(|e| InspectError(cause(&e)))?;
    Ok(row.get(0))
}

/// The statement that reads a session row, as evidence.
pub fn lookup_sql(at: &Location) -> String {
    catalog::row_as_json(&at.container, &at.token_field)
}

/// `cockroachdb://` is the PostgreSQL wire protocol under another name.
fn normalise(url: &str) -> Result<String, InspectError> {
    for scheme in ["postgres://", "postgresql://"] {
        if url.starts_with(scheme) {
            return Ok(url.to_string());
        }
    }
    match url.strip_prefix("cockroachdb://") {
        Some(rest) => Ok(format!("postgresql://{rest}")),
        None => Err(InspectError(format!(
            "'{url}' is not a postgres://, postgresql:// or cockroachdb:// URL"
        ))),
    }
}

/// The server's own message when there is one (permission denied, bad password), else the transport cause.
fn cause(err: &tokio_postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        return db.message().to_string();
    }
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        text = inner.to_string();
        source = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls() {
        assert_eq!(
            normalise("cockroachdb://ro@db:26257/app").unwrap(),
            "postgresql://ro@db:26257/app"
        );
        assert!(normalise("postgres://u@h/db").is_ok());
        assert!(
            normalise("mysql://u@h/db")
                .unwrap_err()
                .to_string()
                .contains("not a postgres://")
        );
    }
}
