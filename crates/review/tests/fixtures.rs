//! Every fixture under `tests/fixtures/` is reviewed on its own, and what the
//! review reports must be exactly what the fixture's `expect:` line says:
//! `clean`, or rule ids, each optionally pinned to its line (`SESS-014@12`).
//! The seeds' own code blocks are in `seeds/`; `frameworks/` holds a
//! vulnerable and a fixed handler per framework and session library.

use rampart_review::{Options, review_paths};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(fixtures(&path));
        } else if path.extension().is_some_and(|e| e != "md") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The fixture's expected findings as `RULE` or `RULE@LINE`.
fn expected(path: &Path) -> BTreeSet<String> {
    let text = fs::read_to_string(path).unwrap();
    let line = text
        .lines()
        .take(6)
        .find_map(|l| l.split_once("expect:").map(|(_, rest)| rest.trim().to_string()))
        .unwrap_or_else(|| panic!("{} has no expect: line", path.display()));
    if line == "clean" {
        return BTreeSet::new();
    }
    // A JSON fixture says it inside a string: `"… expect: SESS-001@8",`.
    line.split_whitespace()
        .map(|w| w.trim_end_matches([',', '"']).to_string())
        .collect()
}

#[test]
fn every_fixture_gets_exactly_the_findings_it_expects() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let files = fixtures(&root);
    assert!(files.len() >= 30, "only {} fixtures", files.len());
    let mut wrong = Vec::new();
    for file in &files {
        let want = expected(file);
        let review = review_paths(std::slice::from_ref(file), &Options::default()).unwrap();
        assert_eq!(
            review.files,
            1,
            "{} was not reviewed: {:?}",
            file.display(),
            review.skipped
        );
        let got: BTreeSet<String> = review
            .findings
            .iter()
            .map(|f| {
                let pinned = format!("{}@{}", f.rule_id, f.start_line);
                if want.contains(&pinned) {
                    pinned
                } else {
                    f.rule_id.clone()
                }
            })
            .collect();
        if got != want {
            let detail: Vec<String> = review
                .findings
                .iter()
                .map(|f| format!("  {}@{} {}", f.rule_id, f.start_line, f.message))
                .collect();
            wrong.push(format!(
                "{}: expected {want:?}, got {got:?}\n{}",
                file.strip_prefix(&root).unwrap().display(),
                detail.join("\n")
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
