//! Recognising debug endpoints by their content: Go expvar and pprof, Spring
//! Boot actuator, phpinfo, the Werkzeug console, the Django debug toolbar and
//! dumps of the process environment.

use serde_json::Value;

/// Well-known debug paths, from the host's root.
pub const PATHS: &[&str] = &[
    "/debug",
    "/_debug",
    "/console",
    "/debug/vars",
    "/debug/pprof/",
    "/actuator/env",
    "/__debug__/",
    "/phpinfo.php",
];

/// Environment variable names whose presence marks an environment dump.
const ENV_NAMES: &[&str] = &[
    "PATH",
    "HOME",
    "PWD",
    "USER",
    "HOSTNAME",
    "SHELL",
    "LANG",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "GOPATH",
    "JAVA_HOME",
    "NODE_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
];

/// What kind of debug content `text` is, if any.
pub fn debug_content(text: &str) -> Option<&'static str> {
    let has = |s: &str| text.contains(s);
    if has("\"cmdline\"") && has("\"memstats\"") {
        return Some("Go expvar dump");
    }
    if has("Types of profiles available") || (has("/debug/pprof/") && has("goroutine") && has("heap")) {
        return Some("Go pprof index");
    }
    if has("\"propertySources\"") && (has("\"activeProfiles\"") || has("systemEnvironment")) {
        return Some("Spring Boot actuator environment");
    }
    if has("phpinfo()") && has("PHP Version") {
        return Some("phpinfo page");
    }
    if has("Werkzeug") && (has("__debugger__") || has("Interactive Console")) {
        return Some("Werkzeug debugger console");
    }
    if has("djdt") && (has("djDebug") || has("debug_toolbar")) {
        return Some("Django debug toolbar");
    }
    environment(text).then_some("process environment dump")
}

/// A JSON document (or `NAME=value` text) carrying several environment variables.
fn environment(text: &str) -> bool {
    let named = |name: &str| ENV_NAMES.contains(&name);
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        let keys = crate::web::keys(&value);
        let hits = keys.iter().filter(|k| named(k.rsplit('.').next().unwrap_or(k))).count();
        return hits >= 2;
    }
    let hits = text
        .lines()
        .filter_map(|l| l.trim().split_once('='))
        .filter(|(name, _)| named(name.trim()))
        .count();
    hits >= 2
}

#[cfg(test)]
mod tests {
    use super::debug_content;

    #[test]
    fn recognises_debug_content() {
        let cases = [
            (r#"{"cmdline": ["/app"], "memstats": {"Alloc": 1}}"#, "Go expvar dump"),
            (
                "<html>/debug/pprof/<br>Types of profiles available: goroutine heap",
                "Go pprof index",
            ),
            (
                r#"{"activeProfiles": [], "propertySources": [{"name": "systemEnvironment"}]}"#,
                "Spring Boot actuator environment",
            ),
            ("<title>phpinfo()</title><h1>PHP Version 8.2.1</h1>", "phpinfo page"),
            (
                "<h1>Interactive Console</h1> Werkzeug powered traceback interpreter",
                "Werkzeug debugger console",
            ),
            (
                r#"{"env": {"PATH": "/usr/bin", "HOME": "/root"}, "debug": true}"#,
                "process environment dump",
            ),
            ("PATH=/usr/bin\nHOME=/root\nLANG=C.UTF-8", "process environment dump"),
        ];
        for (text, kind) in cases {
            assert_eq!(debug_content(text), Some(kind), "{text}");
        }
    }

    #[test]
    fn ordinary_pages_are_not_debug_content() {
        for text in [
            r#"{"detail": "Not Found"}"#,
            r#"{"path": "/debug", "home": "x"}"#,
            r#"{"PATH": "/usr/bin"}"#,
            "<html><h1>Console</h1><p>Manage your account</p></html>",
            "Debugging tips: set PATH in your shell",
        ] {
            assert_eq!(debug_content(text), None, "{text}");
        }
    }
}
