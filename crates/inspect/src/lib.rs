//! Gray-box inspection of a session store, read-only: find the table that
//! holds a live session token, read its row before and after flow steps, and
//! audit expiry and configuration. PostgreSQL and CockroachDB (same wire
//! protocol) and Firestore (REST API v1) are supported here.

pub mod firestore;
pub mod postgres;

use std::collections::BTreeMap;
use thiserror::Error;

/// Why the store part of a scan could not run; one line, shown in the report.
#[derive(Debug, Error)]
#[error("session store: {0}")]
pub struct InspectError(pub String);

/// Where session tokens live in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// `schema.table` (SQL) or the collection path.
    pub container: String,
    /// The column holding the token (or its hash).
    pub token_field: String,
    /// True when the store holds SHA-256 hex of the token rather than the token.
    pub hashed: bool,
    /// The column that names the session's user, if one looks like it.
    pub user_field: Option<String>,
    /// The column holding the session's expiry, if one looks like it.
    pub expiry_field: Option<String>,
    /// Every column of the container, with its type.
    pub fields: Vec<(String, String)>,
}

/// One session record: field name → value as text (`None` for NULL).
pub type Record = BTreeMap<String, Option<String>>;

/// How the container's rows stand on expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExpiryAudit {
    pub rows: i64,
    pub without_expiry: i64,
    pub already_expired: i64,
}

/// A configuration fact that matters for sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// Stable short id, e.g. `rls-disabled`.
    pub id: &'static str,
    pub detail: String,
    /// The query that established it (evidence).
    pub query: String,
}

/// SHA-256 of `token` as lowercase hex: how a careful app stores tokens.
pub fn sha256_hex(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Guess the user column among `fields` by name.
pub fn user_field(fields: &[(String, String)]) -> Option<String> {
    let names = ["user_id", "userid", "user", "account_id", "uid", "owner", "username"];
    pick(fields, &names, &["user", "account"])
}

/// Guess the expiry column among `fields` by name.
pub fn expiry_field(fields: &[(String, String)]) -> Option<String> {
    let names = [
        "expires_at",
        "expiry",
        "expires",
        "expire_date",
        "expiration",
        "valid_until",
    ];
    pick(fields, &names, &["expir", "valid_until", "ttl"])
}

fn pick(fields: &[(String, String)], exact: &[&str], partial: &[&str]) -> Option<String> {
    let lower = |f: &(String, String)| f.0.to_ascii_lowercase();
    let by_exact = exact.iter().find_map(|n| fields.iter().find(|f| lower(f) == *n));
    let by_partial = || fields.iter().find(|f| partial.iter().any(|p| lower(f).contains(p)));
    by_exact.or_else(by_partial).map(|f| f.0.clone())
}

/// A connected store of any supported kind.
#[allow(clippy::large_enum_variant)] // one per scan, never moved in bulk: boxing would buy nothing
pub enum Inspector {
    Postgres(postgres::PgInspector),
    Firestore(firestore::FsInspector),
}

impl Inspector {
    /// Connect to the store `url` names (`postgres://`, `postgresql://`, `cockroachdb://`, `firestore://`).
    pub async fn connect(url: &str) -> Result<Inspector, InspectError> {
        if url.starts_with("firestore://") {
            return firestore::FsInspector::connect(url).await.map(Inspector::Firestore);
        }
        postgres::PgInspector::connect(url).await.map(Inspector::Postgres)
    }

    /// Search only this table (`schema.table`) or Firestore collection for session tokens (`--store-table`).
    pub async fn restrict(self, table: &str) -> Result<Inspector, InspectError> {
        match self {
            Inspector::Postgres(pg) => pg.restrict(table).await.map(Inspector::Postgres),
            Inspector::Firestore(fs) => fs.restrict(table).await.map(Inspector::Firestore),
        }
    }

    /// The store kind for the report's fingerprint: `postgresql`, `cockroachdb` or `firestore`.
    pub fn kind(&self) -> &'static str {
        match self {
            Inspector::Postgres(pg) => match pg.flavor() {
                postgres::Flavor::Postgres => "postgresql",
                postgres::Flavor::Cockroach => "cockroachdb",
            },
            Inspector::Firestore(_) => "firestore",
        }
    }

    pub async fn locate(&self, token: &str) -> Result<Option<Location>, InspectError> {
        match self {
            Inspector::Postgres(pg) => pg.locate(token).await,
            Inspector::Firestore(fs) => fs.locate(token).await,
        }
    }

    pub async fn record(&self, at: &Location, token: &str) -> Result<Option<Record>, InspectError> {
        match self {
            Inspector::Postgres(pg) => pg.record(at, token).await,
            Inspector::Firestore(fs) => fs.record(at, token).await,
        }
    }

    pub async fn expiry_audit(&self, at: &Location) -> Result<Option<ExpiryAudit>, InspectError> {
        match self {
            Inspector::Postgres(pg) => pg.expiry_audit(at).await,
            Inspector::Firestore(fs) => fs.expiry_audit(at).await,
        }
    }

    /// Up to `limit` token values of signed-in sessions already past their expiry (verbatim stores only).
    pub async fn expired_tokens(&self, at: &Location, limit: i64) -> Result<Vec<String>, InspectError> {
        match self {
            Inspector::Postgres(pg) => pg.expired_tokens(at, limit).await,
            Inspector::Firestore(fs) => fs.expired_tokens(at, limit).await,
        }
    }

    pub async fn facts(&self, at: &Location) -> Result<Vec<Fact>, InspectError> {
        match self {
            Inspector::Postgres(pg) => pg.facts(at).await,
            Inspector::Firestore(fs) => fs.facts(at).await,
        }
    }

    /// The query language of the evidence: what rampart asked the store.
    pub fn describe_lookup(&self, at: &Location) -> String {
        match self {
            Inspector::Postgres(_) => postgres::lookup_sql(at),
            Inspector::Firestore(fs) => fs.describe_lookup(at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(names: &[&str]) -> Vec<(String, String)> {
        names.iter().map(|n| (n.to_string(), "text".to_string())).collect()
    }

    #[test]
    fn guesses_user_and_expiry_columns() {
        let django = fields(&["session_key", "session_data", "expire_date", "user_id"]);
        assert_eq!(user_field(&django).as_deref(), Some("user_id"));
        assert_eq!(expiry_field(&django).as_deref(), Some("expire_date"));
        let bare = fields(&["token", "data"]);
        assert_eq!((user_field(&bare), expiry_field(&bare)), (None, None));
    }

    #[test]
    fn hashes_like_sha256sum() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
