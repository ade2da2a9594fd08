//! What can go wrong with the history, typed so callers can tell a bad id
//! from a broken database.

use std::path::PathBuf;

/// An error from the scan history.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database's directory could not be created.
    #[error("cannot create {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An id prefix that matches more than one saved scan.
    #[error("'{0}' matches more than one saved scan; give more characters of the id")]
    Ambiguous(String),
    /// The database is not a rampart history, or was written by a newer rampart.
    #[error("{0}")]
    Schema(String),
    /// SQLite refused: locked past the busy timeout, not a database, disk full …
    #[error("{0}")]
    Db(#[from] sqlx::Error),
    /// The database could not be reached or refused the connection.
    #[error("{0}")]
    Unreachable(String),
    /// The report could not be encoded as JSON for saving.
    #[error("cannot encode the report: {0}")]
    Encode(#[source] serde_json::Error),
    /// A saved report whose values no scan produces.
    #[error("saved scan {id} is invalid: {cause}")]
    Invalid { id: String, cause: String },
    /// A saved report that no longer decodes.
    #[error("saved scan {id} cannot be read: {source}")]
    Corrupt {
        id: String,
        #[source]
        source: serde_json::Error,
    },
}
