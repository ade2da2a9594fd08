//! The review rules. Each reads one unit (a function, or a file's top level)
//! of a parsed file and reports hits: a rule id, the lines and what in them
//! makes the flaw. Every rule is a heuristic over the code's shape; the
//! finding says so, and names the `rampart scan` that would prove it.

mod adoption;
mod cookies;
pub mod firestore_rules;
mod login;
mod logout;
pub mod packages;
pub mod patterns;
mod randomness;
mod store;

use crate::lang::Language;
use crate::syntax::{Fact, Parsed, Scope, Unit};
use patterns::EXPIRY_COLUMN;
use rampart_model::{Confidence, Fingerprint};
use regex::Regex;
use std::collections::BTreeSet;

static SQL_COMMENT: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| Regex::new(r"--[^\n]*").unwrap());

/// One flagged place, before it is dressed as a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: &'static str,
    /// The unit (index into [`Parsed::units`]) the lines are in.
    pub unit: usize,
    pub line: usize,
    pub end_line: usize,
    pub confidence: Confidence,
    pub message: String,
}

/// What one file teaches about the others: session tables that have an
/// expiry column, so a lookup elsewhere that ignores it is a finding.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub expiry_tables: BTreeSet<String>,
}

impl Knowledge {
    /// Read a file's text for what it declares (SQL `--` comments left out:
    /// a `;` in one does not end the statement).
    pub fn learn(&mut self, source: &str) {
        let source = SQL_COMMENT.replace_all(source, "");
        for caps in EXPIRY_COLUMN.captures_iter(&source) {
            self.expiry_tables.insert(caps[1].to_ascii_lowercase());
        }
    }
}

/// A unit under review, with the file it is in.
pub struct Ctx<'p, 'a> {
    pub parsed: &'p Parsed<'a>,
    pub index: usize,
    pub unit: &'p Unit,
    pub knowledge: &'p Knowledge,
    /// The file's framework, session library and store.
    pub stack: &'p Fingerprint,
    pub file: &'p FileFacts,
}

/// What holds for a whole file, worked out once rather than for each unit.
pub struct FileFacts {
    /// Its sessions are signed cookies that hold their own data (Flask's and
    /// Starlette's defaults, cookie-session, koa-session without a store):
    /// there is no session id to fixate.
    pub cookie_sessions_only: bool,
    /// Go code whose `rand` is math/rand.
    pub go_math_rand: bool,
}

impl Ctx<'_, '_> {
    fn hit(&self, rule: &'static str, line: usize, confidence: Confidence, message: String) -> Hit {
        Hit {
            rule,
            unit: self.index,
            line,
            end_line: line,
            confidence,
            message,
        }
    }

    /// A hit spanning `fact`'s lines.
    fn hit_at(&self, rule: &'static str, fact: &Fact, confidence: Confidence, message: String) -> Hit {
        Hit {
            end_line: fact.end_line,
            ..self.hit(rule, fact.line, confidence, message)
        }
    }

    /// A call matching `pattern` runs on every path that reaches `scope`:
    /// it sits in the same branch or in one that encloses it. One inside a
    /// nested `if` (`if FIXED: regenerate()`) does not.
    fn dominated_by(&self, pattern: &Regex, scope: &Scope) -> bool {
        self.unit
            .calls
            .iter()
            .any(|c| pattern.is_match(&c.text) && scope.starts_with(&c.scope))
    }

    /// `the function login` or `the top level`.
    fn what(&self) -> String {
        if self.index == 0 {
            "code at the file's top level".into()
        } else if self.unit.name.is_empty() {
            format!("the handler at line {}", self.unit.start)
        } else {
            format!("`{}`", self.unit.name)
        }
    }
}

/// Every rule over every unit of `parsed`, in source order.
pub fn run(parsed: &Parsed<'_>, knowledge: &Knowledge, stack: &Fingerprint) -> Vec<Hit> {
    let file = FileFacts {
        cookie_sessions_only: login::cookie_sessions_only(parsed, stack),
        go_math_rand: parsed.lang == Language::Go && parsed.source.contains("\"math/rand\""),
    };
    let mut hits = Vec::new();
    for (index, unit) in parsed.units.iter().enumerate() {
        let ctx = Ctx {
            parsed,
            index,
            unit,
            knowledge,
            stack,
            file: &file,
        };
        login::check(&ctx, &mut hits);
        adoption::check(&ctx, &mut hits);
        store::check(&ctx, &mut hits);
        logout::check(&ctx, &mut hits);
        randomness::check(&ctx, &mut hits);
        cookies::check(&ctx, &mut hits);
    }
    hits.sort_by(|a, b| (a.line, a.rule).cmp(&(b.line, b.rule)));
    hits.dedup_by(|a, b| a.line == b.line && a.rule == b.rule);
    hits
}

/// Two statements' scopes lie on one path: one encloses (or equals) the
/// other. Looser than dominance: `if sid: delete(sid)` next to the cookie's
/// deletion counts (there was nothing to delete otherwise), the `if` branch
/// does not count for the `else`.
pub fn on_path(a: &Scope, b: &Scope) -> bool {
    a.starts_with(b) || b.starts_with(a)
}
