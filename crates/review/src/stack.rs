//! The framework, session library and session store a file uses, read off its
//! imports and connection strings, in the names the black-box fingerprint uses, so a finding's fix is
//! the same one `rampart scan` gives for that stack.

use crate::lang::Language;
use rampart_model::Fingerprint;

/// `(needle in the source, name)`, first match wins.
type Table = &'static [(&'static str, &'static str)];

const PYTHON: Table = &[
    ("django", "django"),
    ("fastapi", "fastapi"),
    ("starlette", "fastapi"),
    ("flask", "flask"),
];
const JAVASCRIPT: Table = &[("express", "express"), ("koa", "koa"), ("fastify", "fastify")];
const GO: Table = &[
    ("net/http", "go-net-http"),
    ("gin-gonic", "go-net-http"),
    ("labstack/echo", "go-net-http"),
];
const JAVA: Table = &[
    ("javax.servlet", "java-servlet"),
    ("jakarta.servlet", "java-servlet"),
    ("springframework", "java-servlet"),
];
const RUST: Table = &[("tower_sessions", "rust-tower-sessions")];

const LIBRARIES: Table = &[
    ("flask_session", "flask-session"),
    ("flask_login", "flask-login"),
    ("express-session", "express-session"),
    ("passport", "passport"),
    ("gorilla/sessions", "gorilla/sessions"),
    ("alexedwards/scs", "scs"),
    ("tower_sessions", "tower-sessions"),
];

const STORES: Table = &[
    ("firestore", "firestore"),
    ("cockroach", "cockroachdb"),
    ("psycopg", "postgresql"),
    ("asyncpg", "postgresql"),
    ("lib/pq", "postgresql"),
    ("jackc/pgx", "postgresql"),
    ("\"pg\"", "postgresql"),
    ("'pg'", "postgresql"),
    ("tokio_postgres", "postgresql"),
    ("postgresql", "postgresql"),
    ("sqlite", "sql"),
    ("mysql", "mysql"),
    ("sqlalchemy", "sql"),
    ("database/sql", "sql"),
];

/// The stack `source` (in `lang`) shows; `framework` overrides the guess.
pub fn detect(lang: Language, source: &str, framework: Option<&str>) -> Fingerprint {
    let head = source;
    let table = match lang {
        Language::Python => PYTHON,
        Language::JavaScript | Language::TypeScript | Language::Tsx => JAVASCRIPT,
        Language::Go => GO,
        Language::Java => JAVA,
        Language::Php => &[("<?php", "php"), ("<?", "php")],
        Language::Rust => RUST,
    };
    let guessed = first(table, head).or((lang == Language::Php).then_some("php"));
    Fingerprint {
        framework: framework.map(normalise).or(guessed.map(str::to_string)),
        session_library: first(LIBRARIES, head).map(str::to_string),
        store: first(STORES, &head.to_lowercase()).map(str::to_string),
        signals: Vec::new(),
    }
}

/// A framework name as a user gives it, in rampart's spelling.
fn normalise(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    match lower.as_str() {
        "go" | "net/http" | "gin" | "echo" | "chi" => "go-net-http".into(),
        "servlet" | "spring" | "java" | "jakarta" => "java-servlet".into(),
        "starlette" => "fastapi".into(),
        "axum" | "tower-sessions" | "rust" => "rust-tower-sessions".into(),
        "laravel" | "symfony" => "php".into(),
        _ => lower,
    }
}

fn first(table: Table, text: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(needle, _)| text.contains(needle))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_from_imports() {
        let fp = detect(
            Language::Python,
            "from flask import Flask, session\nfrom flask_session import Session\nfrom google.cloud import firestore\n",
            None,
        );
        assert_eq!(fp.framework.as_deref(), Some("flask"));
        assert_eq!(fp.session_library.as_deref(), Some("flask-session"));
        assert_eq!(fp.store.as_deref(), Some("firestore"));
        let go = detect(
            Language::Go,
            "import (\n\t\"net/http\"\n\t_ \"github.com/lib/pq\"\n)\n",
            None,
        );
        assert_eq!(
            (go.framework.as_deref(), go.store.as_deref()),
            (Some("go-net-http"), Some("postgresql"))
        );
        assert_eq!(detect(Language::Python, "x = 1\n", None).framework, None);
        assert_eq!(
            detect(Language::Python, "", Some("Starlette")).framework.as_deref(),
            Some("fastapi")
        );
    }
}
