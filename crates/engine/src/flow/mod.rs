//! The session flow: the flow file (how to log in, which page proves it, how
//! to log out) and the driver that performs it for the session checks.

pub(crate) mod csrf;
pub mod discover;
mod driver;
mod file;
pub mod html;
mod step;
mod template;

pub use driver::{Driver, Probe, StepOutcome};
pub use file::{Flow, Stack, Step, StepKind};
pub use template::{env_refs, expand_env};

/// "/" when `path` ends with a slash (and is not the root): an app that ends
/// one route so (Django) ends them all so.
pub fn trailing_slash(path: &str) -> &'static str {
    if path.len() > 1 && path.ends_with('/') { "/" } else { "" }
}

/// `name` next to `path`, in its style: next to `/api/auth/login/`,
/// `logout` is `/api/auth/logout/`.
pub fn sibling(path: &str, name: &str) -> String {
    let dir = path.trim_end_matches('/').rsplit_once('/').map_or("", |(dir, _)| dir);
    format!("{dir}/{name}{}", trailing_slash(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_keep_the_trailing_slash() {
        assert_eq!(sibling("/api/auth/login/", "logout"), "/api/auth/logout/");
        assert_eq!(sibling("/api/auth/login", "token/refresh"), "/api/auth/token/refresh");
        assert_eq!(sibling("/login", "logout"), "/logout");
        assert_eq!(trailing_slash("/"), "");
    }
}
