//! A GET is no promise of safety: `GET /createdb` that drops and re-seeds a
//! database exists. Requests with a safe method (GET, HEAD, OPTIONS) whose
//! path or query names a state-changing action are never sent, unless the
//! user declared them (a flow step) or named them as the target. The words
//! are a documented default list, changed with `--unsafe-word`/`--safe-word`.

use url::Url;

/// Path and query words that name a state-changing action.
pub const UNSAFE_WORDS: &[&str] = &[
    "reset",
    "delete",
    "remove",
    "drop",
    "create",
    "init",
    "seed",
    "install",
    "setup",
    "logout",
    "signout",
    "logoff",
    "shutdown",
    "restart",
    "reboot",
    "purge",
    "wipe",
    "flush",
    "migrate",
    "truncate",
    "destroy",
    "cancel",
    "unsubscribe",
    "approve",
    "revoke",
    "disable",
    "deactivate",
    "terminate",
    "erase",
];

/// Which paths of a scan look state-changing.
#[derive(Debug, Clone)]
pub struct PathGuard {
    words: Vec<String>,
    /// The target's own path: the user named it, so its words do not count.
    base: String,
}

impl PathGuard {
    pub fn new(words: &[String], home: &Url) -> PathGuard {
        PathGuard {
            words: words.iter().map(|w| w.to_ascii_lowercase()).collect(),
            base: home.path().trim_end_matches('/').to_ascii_lowercase(),
        }
    }

    /// The word that makes `url` look state-changing, if any: a word of the
    /// path below the target's (split at anything not a letter or digit, and
    /// at camelCase humps) that starts with a listed word (`createdb`), or a
    /// word of the query that is one (`action=purge`, not `sort=created`).
    pub fn state_changing(&self, url: &Url) -> Option<&str> {
        let path = url.path();
        let own = if path.to_ascii_lowercase().starts_with(&self.base) {
            &path[self.base.len()..]
        } else {
            path
        };
        let listed = |word: &str, prefix: bool| {
            let hit = |w: &&String| {
                if prefix {
                    word.starts_with(w.as_str())
                } else {
                    word == w.as_str()
                }
            };
            self.words.iter().find(hit).map(String::as_str)
        };
        let in_path = words(own).find_map(|w| listed(&w, true));
        in_path.or_else(|| words(url.query().unwrap_or_default()).find_map(|w| listed(&w, false)))
    }
}

/// The lower-case words of `text`: split at non-alphanumerics and where a
/// lower-case letter meets an upper-case one (`resetPassword` → reset, password).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        let hump = prev_lower && c.is_ascii_uppercase();
        if (!c.is_ascii_alphanumeric() || hump) && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        out.push(word);
    }
    out.into_iter()
}

/// The default list, as owned strings.
pub fn default_words() -> Vec<String> {
    UNSAFE_WORDS.iter().map(|w| w.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(home: &str) -> PathGuard {
        PathGuard::new(&default_words(), &Url::parse(home).unwrap())
    }

    #[test]
    fn paths_that_name_an_action_are_caught() {
        let g = guard("http://api.test/");
        let at = |path: &str| g.state_changing(&Url::parse(&format!("http://api.test{path}")).unwrap());
        for (path, word) in [
            ("/createdb", "create"),
            ("/api/users/7/delete", "delete"),
            ("/admin/resetPassword", "reset"),
            ("/db-seed", "seed"),
            ("/jobs?action=purge", "purge"),
            ("/logout", "logout"),
        ] {
            assert_eq!(at(path), Some(word), "{path}");
        }
        for path in [
            "/users",
            "/api/v1/orders",
            "/profile",
            "/settings",
            "/health",
            "/posts?sort=created",
        ] {
            assert_eq!(at(path), None, "{path}");
        }
    }

    #[test]
    fn the_target_path_itself_does_not_count() {
        let g = guard("http://api.test/setup-api/");
        let url = |p: &str| Url::parse(&format!("http://api.test{p}")).unwrap();
        assert_eq!(g.state_changing(&url("/setup-api/users")), None);
        assert_eq!(g.state_changing(&url("/setup-api/users/wipe")), Some("wipe"));
    }
}
