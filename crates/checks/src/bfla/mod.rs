//! BFLA / Privilege Escalation (BFLA-001 … BFLA-003, OWASP API5:2023):
//! administrative functions reachable anonymously or by ordinary users, and
//! role or permission fields that responses hand to clients.

mod bfla001_admin_anonymous;
mod bfla002_admin_ordinary_user;
mod bfla003_role_fields;

pub use bfla001_admin_anonymous::AdminAnonymous;
pub use bfla002_admin_ordinary_user::AdminOrdinaryUser;
pub use bfla003_role_fields::RoleFields;

use rampart_engine::Endpoint as Operation;

pub(crate) const OWASP: &str = "API5:2023";

/// Path segments that name administrative or internal functions.
const ADMIN_SEGMENTS: &[&str] = &[
    "internal",
    "_internal",
    "manage",
    "management",
    "ops",
    "superuser",
    "staff",
];

/// Whether a path names an administrative function (a segment such as `admin`, `internal`, `ops`).
pub fn is_admin_path(path: &str) -> bool {
    path.split('/').any(|segment| {
        let s = segment.to_ascii_lowercase();
        s.starts_with("admin") || s.starts_with("_admin") || ADMIN_SEGMENTS.contains(&s.as_str())
    })
}

/// An administrative operation: by path, by an `admin` tag, or by an admin scope in its security.
pub fn is_admin_op(op: &Operation) -> bool {
    is_admin_path(&op.path)
        || op.tags.iter().any(|t| t.to_ascii_lowercase().contains("admin"))
        || op.security.scopes().any(|s| s.to_ascii_lowercase().contains("admin"))
}

#[cfg(test)]
mod tests {
    use super::is_admin_path;

    #[test]
    fn admin_paths() {
        for path in [
            "/admin",
            "/api/v2/admin/users",
            "/administration/x",
            "/internal/metrics",
            "/ops/",
            "/_admin/",
        ] {
            assert!(is_admin_path(path), "{path}");
        }
        for path in [
            "/shops/1",
            "/api/v2/users",
            "/badminton",
            "/operations",
            "/manager-notes",
        ] {
            assert!(!is_admin_path(path), "{path}");
        }
    }
}
