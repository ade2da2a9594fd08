//! The local scan history: finished reports saved to SQLite under a versioned
//! schema (`sql/*.sql`, checked on open), so saved scans can be listed and
//! rendered again without re-scanning; and the job queue the monitoring
//! service's workers share, in the same SQLite file or on PostgreSQL or
//! CockroachDB (`sql/postgres/*.sql`).

mod error;
mod history;
pub mod queue;
mod schema;
mod summary;
#[cfg(test)]
mod tests;

pub use error::StoreError;
pub use history::History;
pub use summary::{ScanRecord, ScanSummary};
