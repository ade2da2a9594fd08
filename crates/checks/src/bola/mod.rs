//! BOLA / IDOR (BOLA-001 … BOLA-003, OWASP API1:2023): guessable object ids,
//! objects of other users reachable by changing an id, and owner ids taken
//! from the query. Ownership is judged on identity fields, never on sizes.

pub mod identity;
pub mod ids;

mod bola001_sequential_ids;
mod bola002_foreign_object;
mod bola003_owner_query;

pub use bola001_sequential_ids::SequentialIds;
pub use bola002_foreign_object::ForeignObject;
pub use bola003_owner_query::OwnerQuery;

pub(crate) const OWASP: &str = "API1:2023";
