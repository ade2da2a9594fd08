//! `rampart review`: a static review of session-handling source code.
//!
//! Files are parsed with the official tree-sitter grammars (Python,
//! JavaScript/TypeScript, Go, Java, PHP, Rust), reduced to functions and the
//! calls, strings and assignments in them ([`syntax`]), and read by rules
//! that look for the session-lifecycle flaws the black-box suite proves on a
//! running API: logins that keep the session id, ids taken from the request,
//! session rows updated in place, lookups that ignore expiry, logouts that
//! only clear the cookie, weak token generators, cookie flags switched off,
//! URL session tracking, and Firestore rules that open the sessions
//! collection. Findings carry the same rule ids and fixes as `rampart scan`,
//! and say which scan would prove them: a review is a heuristic, never proof.
//! No network, bounded in file size and count.

pub mod diff;
mod finding;
pub mod lang;
mod rules;
mod stack;
pub mod syntax;
pub mod walk;

pub use diff::{Changes, DiffError};
pub use lang::Language;
pub use walk::{Limits, WalkError};

use rampart_model::{CodeFinding, Fingerprint, Review};
use rules::{Hit, Knowledge, firestore_rules, packages};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;
use walk::{Kind, SourceFile};

/// The most lines a finding quotes.
const MAX_QUOTED_LINES: usize = 12;

/// How to review.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub limits: Limits,
    /// The framework, when the imports do not tell (`flask`, `express` …).
    pub framework: Option<String>,
    /// Report only lines changed since this git revision.
    pub diff_base: Option<String>,
}

/// Why a review could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Walk(#[from] WalkError),
    #[error(transparent)]
    Diff(#[from] DiffError),
}

/// Review the files and folders in `paths`.
pub fn review_paths(paths: &[PathBuf], options: &Options) -> Result<Review, ReviewError> {
    let started = Instant::now();
    let (files, mut skipped) = walk::files(paths, options.limits)?;
    let changes = options
        .diff_base
        .as_deref()
        .map(|base| Changes::since(base, paths))
        .transpose()?;
    // First pass: what files say about the others of their project (session
    // tables with an expiry); two projects reviewed together do not mix.
    let mut knowledge: HashMap<PathBuf, Knowledge> = HashMap::new();
    for file in &files {
        if let Ok(text) = walk::read(file, options.limits) {
            knowledge.entry(walk::project_of(&file.path)).or_default().learn(&text);
        }
    }
    let none = Knowledge::default();
    let mut review = Review::new(paths.iter().map(|p| walk::display(p)).collect());
    review.diff_base = options.diff_base.clone();
    for file in &files {
        let text = match walk::read(file, options.limits) {
            Ok(text) => text,
            Err(skip) => {
                skipped.push(skip);
                continue;
            }
        };
        let known = knowledge.get(&walk::project_of(&file.path)).unwrap_or(&none);
        let findings = review_file(file, &text, options.framework.as_deref(), known);
        count(&mut review, file.kind, &text);
        review.findings.extend(findings.into_iter().filter(|f| {
            changes
                .as_ref()
                .is_none_or(|c| c.touches(&file.path, f.start_line, f.end_line))
        }));
    }
    review.skipped = skipped;
    Ok(finish(review, started))
}

/// Review one piece of code (a snippet or a file's content) named `name`, in
/// `lang` or the language its name says; `None` when neither tells.
pub fn review_code(name: &str, code: &str, lang: Option<Language>, framework: Option<&str>) -> Option<Review> {
    let started = Instant::now();
    let kind = match (walk::kind_of(std::path::Path::new(name)), lang) {
        (Some(Kind::Source(_)) | None, Some(lang)) => Kind::Source(lang),
        (Some(kind), _) => kind,
        (None, None) => return None,
    };
    let file = SourceFile {
        path: PathBuf::from(name),
        name: name.to_string(),
        kind,
    };
    let mut knowledge = Knowledge::default();
    knowledge.learn(code);
    let mut review = Review::new(vec![name.to_string()]);
    review.findings = review_file(&file, code, framework, &knowledge);
    count(&mut review, file.kind, code);
    Some(finish(review, started))
}

fn count(review: &mut Review, kind: Kind, text: &str) {
    review.files += 1;
    review.lines += text.lines().count();
    let language = match kind {
        Kind::Source(lang) => lang.name(),
        Kind::FirestoreRules => "firestore-rules",
        Kind::Sql => "sql",
        Kind::PackageJson => "package.json",
    };
    *review.languages.entry(language.to_string()).or_default() += 1;
}

fn finish(mut review: Review, started: Instant) -> Review {
    review.findings.sort_by(|a, b| {
        (b.severity, &a.file, a.start_line, &a.rule_id).cmp(&(a.severity, &b.file, b.start_line, &b.rule_id))
    });
    let mut ids: Vec<&str> = review.findings.iter().map(|f| f.rule_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    review.rules = ids.into_iter().map(|id| *finding::rule(id)).collect();
    review.elapsed_ms = started.elapsed().as_millis();
    review
}

/// The findings of one file.
fn review_file(file: &SourceFile, text: &str, framework: Option<&str>, knowledge: &Knowledge) -> Vec<CodeFinding> {
    match file.kind {
        Kind::Sql => Vec::new(),
        Kind::PackageJson => {
            let stack = Fingerprint {
                framework: Some("express".into()),
                session_library: Some("passport".into()),
                ..Fingerprint::default()
            };
            let hits = packages::check(text);
            hits.iter().map(|h| finding(file, text, h, None, &stack)).collect()
        }
        Kind::FirestoreRules => {
            let stack = Fingerprint {
                store: Some("firestore".into()),
                ..Fingerprint::default()
            };
            let hits = firestore_rules::check(text);
            hits.iter().map(|h| finding(file, text, h, None, &stack)).collect()
        }
        Kind::Source(lang) => {
            let Some(parsed) = syntax::parse(lang, text) else {
                return Vec::new();
            };
            let stack = stack::detect(lang, text, framework);
            rules::run(&parsed, knowledge, &stack)
                .iter()
                .map(|h| {
                    let unit = &parsed.units[h.unit];
                    let function = (h.unit > 0 && !unit.name.is_empty()).then(|| unit.name.clone());
                    finding(file, text, h, function, &stack)
                })
                .collect()
        }
    }
}

fn finding(file: &SourceFile, text: &str, hit: &Hit, function: Option<String>, stack: &Fingerprint) -> CodeFinding {
    let rule = finding::rule(hit.rule);
    let end = hit.end_line.max(hit.line).min(hit.line + MAX_QUOTED_LINES - 1);
    let lines: Vec<&str> = text.lines().skip(hit.line - 1).take(end + 1 - hit.line).collect();
    let quoted = lines.join("\n");
    let mut digest = Sha256::new();
    for part in [
        rule.id,
        &file.name,
        function.as_deref().unwrap_or_default(),
        &normalise(&quoted),
    ] {
        digest.update(part.as_bytes());
        digest.update([0]);
    }
    let fingerprint: String = digest.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    CodeFinding {
        rule_id: rule.id.to_string(),
        title: rule.title.to_string(),
        severity: rule.severity,
        confidence: hit.confidence,
        file: file.name.clone(),
        start_line: hit.line,
        end_line: end,
        lines: quoted,
        function,
        framework: stack.framework.clone(),
        message: hit.message.clone(),
        fix: rampart_checks::session::remedy::for_stack(rule, stack),
        prove: prove(rule.id),
        cwe: rule.cwe.to_vec(),
        fingerprint,
    }
}

/// The scan that proves (or clears) the finding on the running API.
fn prove(rule: &str) -> String {
    match rule {
        "SESS-017" => format!("rampart scan <URL> --store firestore://<PROJECT> --checks {rule}"),
        "SESS-014" | "SESS-015" | "SESS-016" => {
            format!("RAMPART_PASSWORD=… rampart scan <URL> --login <USER> --store <STORE-URL> --checks {rule}")
        }
        _ => format!("RAMPART_PASSWORD=… rampart scan <URL> --login <USER> --checks {rule}"),
    }
}

/// Text with its whitespace collapsed: a fingerprint survives re-indentation.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
