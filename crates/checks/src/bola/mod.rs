//! BOLA / IDOR (BOLA-001 … BOLA-006, OWASP API1:2023): guessable object ids,
//! objects of other users reachable by changing an id, owner ids taken from
//! the query, a second user reading, changing or deleting the first user's
//! objects, and one user changing another's password. Ownership is judged on
//! identity fields and listings, never on sizes.

pub mod identity;
pub mod ids;

mod bola001_sequential_ids;
mod bola002_foreign_object;
mod bola003_owner_query;
mod bola004_second_identity;
mod bola005_foreign_write;
mod bola006_password_change;

pub use bola001_sequential_ids::SequentialIds;
pub use bola002_foreign_object::ForeignObject;
pub use bola003_owner_query::OwnerQuery;
pub use bola004_second_identity::SecondIdentity;
pub use bola005_foreign_write::ForeignWrite;
pub use bola006_password_change::PasswordChange;

pub(crate) const OWASP: &str = "API1:2023";
