//! A GET is no promise of safety: `GET /createdb` that drops and re-seeds a
//! database exists. Requests with a safe method (GET, HEAD, OPTIONS) whose
//! path or query names a state-changing action are never sent, unless the
//! user declared them (a flow step) or named them as the target. The words
//! are a documented default list, changed with `--unsafe-word`/`--safe-word`.
//! The guard also holds the scan's path scope (`--include`/`--exclude` globs):
//! a request outside it is never sent, whatever its method.

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

/// Which paths of a scan look state-changing, and which are out of its scope.
#[derive(Debug, Clone)]
pub struct PathGuard {
    words: Vec<String>,
    /// The target's own path: the user named it, so its words do not count.
    base: String,
    /// Path globs: when any is given, only paths one of them matches are sent.
    include: Vec<String>,
    /// Path globs never sent.
    exclude: Vec<String>,
}

impl PathGuard {
    pub fn new(words: &[String], home: &Url) -> PathGuard {
        PathGuard {
            words: words.iter().map(|w| w.to_ascii_lowercase()).collect(),
            base: home.path().trim_end_matches('/').to_ascii_lowercase(),
            include: Vec::new(),
            exclude: Vec::new(),
        }
    }

    /// The same guard with a path scope.
    pub fn with_scope(mut self, include: &[String], exclude: &[String]) -> PathGuard {
        self.include = include.to_vec();
        self.exclude = exclude.to_vec();
        self
    }

    /// Why `url` is outside the path scope (`--exclude /admin/**`), if it is.
    pub fn out_of_scope(&self, url: &Url) -> Option<String> {
        let path = url.path();
        if let Some(glob) = self.exclude.iter().find(|g| glob_matches(g, path)) {
            return Some(format!("--exclude {glob}"));
        }
        let included = self.include.is_empty() || self.include.iter().any(|g| glob_matches(g, path));
        (!included).then(|| format!("not under --include {}", self.include.join(", ")))
    }

    /// The word that makes `url` look state-changing, if any: a word of the
    /// path below the target's (split at anything not a letter or digit, and
    /// at camelCase humps) that starts with a listed word (`createdb`), unless
    /// the path is a static file's (`swagger-ui-init.js`), or a word of the
    /// query that is one (`action=purge`, not `sort=created`).
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
        let in_path = (!is_static_file(own))
            .then(|| words(own).find_map(|w| listed(&w, true)))
            .flatten();
        in_path.or_else(|| words(url.query().unwrap_or_default()).find_map(|w| listed(&w, false)))
    }
}

/// Extensions of the files a server sends as they are: scripts, styles,
/// source maps, images and fonts, whose names describe content, not actions.
const STATIC_FILES: &[&str] = &[".js", ".mjs", ".css", ".map", ".png", ".svg", ".ico", ".woff", ".woff2"];

/// Does `path` name a static file (`/docs/swagger-ui-init.js`)?
fn is_static_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
    STATIC_FILES
        .iter()
        .any(|ext| name.len() > ext.len() && name.ends_with(ext))
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

/// Does `path` match `glob`: `*` within one segment, `**` across segments.
/// Dynamic programming over (glob token, path position): time and memory
/// grow with the product of the lengths, whatever the wildcards.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Token {
        Char(char),
        Star,
        Stars,
    }
    let mut tokens = Vec::new();
    let mut rest = glob;
    while let Some(c) = rest.chars().next() {
        let (token, len) = match (c, rest.starts_with("**")) {
            ('*', true) => (Token::Stars, 2),
            ('*', false) => (Token::Star, 1),
            (c, _) => (Token::Char(c), c.len_utf8()),
        };
        tokens.push(token);
        rest = &rest[len..];
    }
    let path: Vec<char> = path.chars().collect();
    // next[j]: do tokens[i + 1..] match path[j..]; row[j]: do tokens[i..].
    let mut next: Vec<bool> = (0..=path.len()).map(|j| j == path.len()).collect();
    for token in tokens.iter().rev() {
        let mut row = vec![false; path.len() + 1];
        for j in (0..=path.len()).rev() {
            let here = path.get(j).copied();
            row[j] = match token {
                Token::Char(c) => here == Some(*c) && next[j + 1],
                Token::Star => next[j] || (here.is_some_and(|c| c != '/') && row[j + 1]),
                Token::Stars => next[j] || (here.is_some() && row[j + 1]),
            };
        }
        next = row;
    }
    next[0]
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
    fn globs() {
        assert!(glob_matches("/internal/**", "/internal/a/b"));
        assert!(glob_matches("/users/*/orders", "/users/7/orders"));
        assert!(!glob_matches("/users/*/orders", "/users/7/x/orders"));
        assert!(glob_matches("/login", "/login") && !glob_matches("/login", "/login2"));
        assert!(glob_matches("**", "/anything/at/all"));
        assert!(glob_matches("/a/*.json", "/a/x.json") && !glob_matches("/a/*", "/a/b/c"));
        let long = "/a".repeat(1000);
        assert!(glob_matches(&"/**".repeat(60), &long));
        assert!(
            !glob_matches(&format!("{}/z", "/**".repeat(60)), &long),
            "a non-match with many wildcards ends"
        );
    }

    #[test]
    fn the_path_scope_excludes_then_includes() {
        let g = guard("http://api.test/").with_scope(&["/api/**".into()], &["/api/admin/**".into()]);
        let at = |path: &str| g.out_of_scope(&Url::parse(&format!("http://api.test{path}")).unwrap());
        assert_eq!(at("/api/v1/users"), None);
        assert_eq!(at("/api/admin/users").as_deref(), Some("--exclude /api/admin/**"));
        assert_eq!(at("/health").as_deref(), Some("not under --include /api/**"));
        assert_eq!(
            guard("http://api.test/").out_of_scope(&Url::parse("http://api.test/x").unwrap()),
            None
        );
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
            ("/init.js/run", "init"),
            ("/setup.js?action=wipe", "wipe"),
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
            "/api-docs/swagger-ui-init.js",
            "/static/reset.css",
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
