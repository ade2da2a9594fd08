//! Inventory Management (INV-001 … INV-007): versioning, older versions and
//! deprecated operations still live, version-disclosing headers, public API
//! descriptions, debug pages that list the routes, and GraphQL introspection.

mod inv001_unversioned;
mod inv002_old_version;
mod inv003_deprecated;
mod inv004_version_headers;
mod inv005_documents;
mod inv006_debug_routes;
mod inv007_graphql_introspection;
mod version;

pub use inv001_unversioned::Unversioned;
pub use inv002_old_version::OldVersionLive;
pub use inv003_deprecated::DeprecatedLive;
pub use inv004_version_headers::{VersionDisclosed, discloses_version};
pub use inv005_documents::DocumentsExposed;
pub use inv006_debug_routes::DebugRoutes;
pub use inv007_graphql_introspection::GraphqlIntrospection;
pub use version::{is_version_segment, major_version, with_version};

pub(crate) const OWASP: &str = "API9:2023";
