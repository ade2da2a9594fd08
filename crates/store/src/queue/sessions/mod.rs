//! Sessions of the service's dashboard, kept in the database so that every
//! `rampart serve` on one queue knows them and a sign-out ends them
//! everywhere. Only the SHA-256 of a session id is stored.

mod postgres;
mod sqlite;

use crate::StoreError;
use async_trait::async_trait;
use std::time::Duration;

/// Most sessions kept at once (signed in or not); beyond it new ones are refused.
pub const MAX_SESSIONS: i64 = 10_000;

/// A dashboard session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    /// The name of the API token it signed in with; `None` before sign-in.
    pub user: Option<String>,
    /// The token its forms carry.
    pub csrf: String,
}

/// The sessions, whatever database holds them.
#[async_trait]
pub trait Sessions: Send + Sync {
    /// Records a session for `ttl` under the SHA-256 (hex) of its id, after
    /// dropping ended ones; an error when [`MAX_SESSIONS`] are open.
    async fn add_session(&self, id_sha256: &str, session: &WebSession, ttl: Duration) -> Result<(), StoreError>;

    /// The session, unless it ended or never was.
    async fn session(&self, id_sha256: &str) -> Result<Option<WebSession>, StoreError>;

    /// Ends a session; false when there was none.
    async fn remove_session(&self, id_sha256: &str) -> Result<bool, StoreError>;
}

fn full() -> StoreError {
    StoreError::Invalid {
        id: "sessions".into(),
        cause: format!("{MAX_SESSIONS} dashboard sessions are open; try again later"),
    }
}
