//! `--diff BASE`: the lines changed since a git revision, so a pull request's
//! review reports only what the pull request touches.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Changed line ranges (inclusive) per file, the files as absolute paths.
#[derive(Debug, Default)]
pub struct Changes {
    files: HashMap<PathBuf, Vec<(usize, usize)>>,
}

/// git could not tell what changed.
#[derive(Debug, thiserror::Error)]
#[error("--diff {base}: {cause}")]
pub struct DiffError {
    pub base: String,
    pub cause: String,
}

impl Changes {
    /// The lines of the working tree (under `paths`) that differ from `base`.
    pub fn since(base: &str, paths: &[PathBuf]) -> Result<Changes, DiffError> {
        let fail = |cause: String| DiffError {
            base: base.to_string(),
            cause,
        };
        if base.starts_with('-') {
            return Err(fail("a revision cannot start with '-'".into()));
        }
        let top = git(&["rev-parse", "--show-toplevel"]).map_err(fail)?;
        let mut args = vec![
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            base,
            "--",
        ];
        let path_args: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        args.extend(path_args.iter().map(String::as_str));
        let diff = git(&args).map_err(fail)?;
        Ok(Changes::parse(Path::new(top.trim()), &diff))
    }

    /// Parse `git diff --unified=0` output; paths are joined to `top`.
    pub fn parse(top: &Path, diff: &str) -> Changes {
        let mut files: HashMap<PathBuf, Vec<(usize, usize)>> = HashMap::new();
        let mut current: Option<PathBuf> = None;
        for line in diff.lines() {
            if let Some(path) = line.strip_prefix("+++ ") {
                current = path.strip_prefix("b/").map(|p| top.join(p));
            } else if let (Some(file), Some(hunk)) = (&current, line.strip_prefix("@@ ")) {
                if let Some(range) = new_range(hunk) {
                    files.entry(file.clone()).or_default().push(range);
                }
            }
        }
        Changes { files }
    }

    /// Lines `start..=end` of `path` include a changed line.
    pub fn touches(&self, path: &Path, start: usize, end: usize) -> bool {
        let Ok(absolute) = path.canonicalize() else {
            return false;
        };
        self.files
            .get(&absolute)
            .is_some_and(|ranges| ranges.iter().any(|(a, b)| start <= *b && *a <= end))
    }
}

/// `-12,3 +14,5 @@ …` → lines 14..=18; a pure deletion (`+14,0`) has none.
fn new_range(hunk: &str) -> Option<(usize, usize)> {
    let added = hunk.split_whitespace().find(|w| w.starts_with('+'))?;
    let mut parts = added[1..].splitn(2, ',');
    let start: usize = parts.next()?.parse().ok()?;
    let count: usize = parts.next().map_or(Some(1), |c| c.parse().ok())?;
    (count > 0).then(|| (start, start + count - 1))
}

fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.lines().next().unwrap_or("git failed").trim().to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_become_new_line_ranges() {
        assert_eq!(new_range("-3,0 +4,2 @@ def f():"), Some((4, 5)));
        assert_eq!(new_range("-3 +3 @@"), Some((3, 3)));
        assert_eq!(new_range("-3,2 +2,0 @@"), None);
        let diff =
            "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@ -10,0 +11,3 @@\n+x\n+y\n+z\n+++ /dev/null\n";
        let changes = Changes::parse(Path::new("/repo"), diff);
        assert_eq!(changes.files[Path::new("/repo/app.py")], [(11, 13)]);
    }
}
