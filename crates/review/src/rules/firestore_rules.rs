//! SESS-017 in Firestore security rules (`firestore.rules`): a `match` on the
//! sessions collection (or on every document) that lets anyone read.
//! The rules language is small; the review follows its `match` blocks by
//! their braces and reads each `allow` line.

use super::Hit;
use rampart_model::Confidence;
use regex::Regex;
use std::sync::LazyLock;

static MATCH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*match\s+(\S+)\s*\{").unwrap());
/// `allow read: if true;`, `allow get, list;` (no condition at all) …; group 1 is the operations.
static OPEN_ALLOW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*allow\s+([a-z,\s]+?)\s*(?::\s*if\s+true\s*;?|;)\s*(?://.*)?$").unwrap());

/// The file is a Firestore rules file, by name.
pub fn is_rules_file(name: &str) -> bool {
    name.ends_with(".rules")
}

/// Every `allow` that opens session documents to everyone.
pub fn check(source: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut paths: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    for (index, line) in source.lines().enumerate() {
        let mut code = line.split("//").next().unwrap_or_default().to_string();
        if let Some(caps) = MATCH.captures(&code) {
            let path = caps[1].to_string();
            // The path's own `{wildcards}` are not blocks.
            code = code.replacen(&path, "", 1);
            paths.push((path, depth));
        }
        if let Some(caps) = OPEN_ALLOW.captures(&code) {
            let reads = caps[1]
                .split(',')
                .any(|op| matches!(op.trim(), "read" | "get" | "list"));
            if let (true, Some((path, _))) = (reads, paths.last().filter(|(p, _)| covers_sessions(p))) {
                hits.push(Hit {
                    rule: "SESS-017",
                    unit: 0,
                    line: index + 1,
                    end_line: index + 1,
                    confidence: Confidence::Firm,
                    message: format!(
                        "`{}` under `match {path}` lets anyone, without credentials, read the session documents: \
                         every live session id and its data",
                        line.trim()
                    ),
                });
            }
        }
        for c in code.chars() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    while paths.last().is_some_and(|(_, d)| *d >= depth) {
                        paths.pop();
                    }
                }
                _ => {}
            }
        }
    }
    hits
}

/// A match path that holds session documents: a sessions collection, or a
/// recursive wildcard over everything.
fn covers_sessions(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("sess") || lower.contains("=**}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_reads_on_sessions_only() {
        let open = "service cloud.firestore {\n  match /databases/{database}/documents {\n    match /sessions/{sid} {\n      allow read: if true;\n    }\n    match /posts/{id} {\n      allow read: if true;\n    }\n  }\n}\n";
        let hits = check(open);
        assert_eq!(hits.iter().map(|h| h.line).collect::<Vec<_>>(), [4]);
        let closed = open.replace(
            "allow read: if true;\n    }\n    match /posts",
            "allow read: if request.auth != null;\n    }\n    match /posts",
        );
        assert!(check(&closed).is_empty());
        assert_eq!(check("match /{document=**} {\n  allow read, write;\n}\n").len(), 1);
        assert!(check("match /{document=**} {\n  allow read, write: if false;\n}\n").is_empty());
    }
}
