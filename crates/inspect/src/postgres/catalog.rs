//! The SQL rampart sends, in one place. Catalog queries work on PostgreSQL and
//! CockroachDB alike except where [`Flavor`] says otherwise; the CockroachDB
//! paths are covered by tests on recorded answers.

use crate::Record;

/// Which server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Postgres,
    Cockroach,
}

impl Flavor {
    /// From `SELECT version()`: CockroachDB says `CockroachDB CCL v23.2.0 …`.
    pub fn from_version(version: &str) -> Flavor {
        if version.to_ascii_lowercase().contains("cockroachdb") {
            Flavor::Cockroach
        } else {
            Flavor::Postgres
        }
    }
}

/// Text-like columns of user tables: where a token could be.
pub const TEXT_COLUMNS: &str = "SELECT table_schema::text, table_name::text, column_name::text \
     FROM information_schema.columns \
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'crdb_internal', 'pg_extension', 'pg_toast') \
     AND data_type IN ('text', 'character varying', 'character', 'uuid') \
     ORDER BY (column_name ILIKE '%token%' OR column_name ILIKE '%sess%' OR column_name ILIKE '%key%' OR column_name ILIKE '%sid%') DESC, \
     table_schema, table_name, ordinal_position";

/// Text-like columns of one table (`--store-table`): $1 table name, $2 schema or '' for any schema.
pub const TEXT_COLUMNS_OF_TABLE: &str = "SELECT table_schema::text, table_name::text, column_name::text \
     FROM information_schema.columns \
     WHERE table_name = $1 AND ($2 = '' OR table_schema = $2) \
     AND table_schema NOT IN ('pg_catalog', 'information_schema', 'crdb_internal', 'pg_extension', 'pg_toast') \
     AND data_type IN ('text', 'character varying', 'character', 'uuid') \
     ORDER BY table_schema, ordinal_position";

/// The table named $1 (in schema $2, or any schema when $2 is ''), visible whatever the role's grants.
pub const FIND_TABLE: &str = "SELECT schemaname::text, tablename::text FROM pg_catalog.pg_tables \
     WHERE tablename = $1 AND ($2 = '' OR schemaname = $2) ORDER BY schemaname LIMIT 1";

/// Whether the connected role may read $1.$2.
pub const CAN_READ: &str = "SELECT has_table_privilege(quote_ident($1) || '.' || quote_ident($2), 'SELECT')";

pub const COLUMNS_OF: &str = "SELECT column_name::text, data_type::text FROM information_schema.columns \
     WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position";

/// User tables the connected role may not read (they could hold the token).
pub const UNREADABLE_TABLES: &str = "SELECT schemaname::text || '.' || tablename::text FROM pg_catalog.pg_tables \
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'crdb_internal', 'pg_extension', 'pg_toast') \
     AND NOT has_table_privilege(quote_ident(schemaname) || '.' || quote_ident(tablename), 'SELECT') \
     ORDER BY 1";

pub const IDLE_TIMEOUT: &str = "SHOW idle_in_transaction_session_timeout";

/// `true` when the column holds $1 (the token) verbatim, `false` when it holds $2 (its hash).
pub fn match_token(schema: &str, table: &str, column: &str) -> String {
    let (t, c) = (format!("{}.{}", ident(schema), ident(table)), ident(column));
    format!("SELECT {c}::text = $1 FROM {t} WHERE {c}::text = $1 OR {c}::text = $2 LIMIT 1")
}

/// The row whose token column equals $1, as one JSON object.
pub fn row_as_json(container: &str, column: &str) -> String {
    format!(
        "SELECT row_to_json(t)::text FROM {} t WHERE {}::text = $1 LIMIT 1",
        qualified(container),
        ident(column)
    )
}

/// Rows, rows with NULL expiry, rows already expired.
pub fn expiry_counts(container: &str, column: &str) -> String {
    let c = ident(column);
    format!(
        "SELECT count(*)::int8, count(*) FILTER (WHERE {c} IS NULL)::int8, count(*) FILTER (WHERE {c} < now())::int8 FROM {}",
        qualified(container)
    )
}

/// Token values of signed-in rows (when a user column is known) already past their expiry ($1 = limit).
pub fn expired_tokens(container: &str, token: &str, expiry: &str, user: Option<&str>) -> String {
    let (t, e) = (ident(token), ident(expiry));
    let signed_in = user
        .map(|u| format!(" AND {} IS NOT NULL", ident(u)))
        .unwrap_or_default();
    format!(
        "SELECT {t}::text FROM {} WHERE {e} < now(){signed_in} LIMIT $1",
        qualified(container)
    )
}

/// Is row-level security on for the table named by $1 (`schema.table`)?
pub fn rls_query(flavor: Flavor) -> &'static str {
    match flavor {
        Flavor::Postgres => "SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass($1)",
        Flavor::Cockroach => {
            "SELECT relrowsecurity FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname || '.' || c.relname = $1"
        }
    }
}

/// `0`, `0ms`, `0s` (PostgreSQL) or `0s`/`00:00:00` (CockroachDB) mean the timeout is off.
pub fn is_unset_duration(value: &str) -> bool {
    let v = value.trim();
    v.trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .chars()
        .all(|c| c == '0' || c == ':' || c == '.')
}

/// A JSON object from `row_to_json` as text values.
pub fn record_from_json(json: &str) -> Record {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let Some(object) = value.as_object() else {
        return Record::new();
    };
    object
        .iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            };
            (k.clone(), text)
        })
        .collect()
}

/// A quoted SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `schema.table` with both parts quoted.
fn qualified(container: &str) -> String {
    let (schema, table) = container.split_once('.').unwrap_or(("public", container));
    format!("{}.{}", ident(schema), ident(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_cockroachdb_from_its_version_string() {
        let crdb =
            "CockroachDB CCL v23.2.4 (x86_64-pc-linux-gnu, built 2024/04/16 16:39:45, go1.21.9 X:nocoverageredesign)";
        assert_eq!(Flavor::from_version(crdb), Flavor::Cockroach);
        let pg = "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu";
        assert_eq!(Flavor::from_version(pg), Flavor::Postgres);
    }

    #[test]
    fn timeout_values_from_both_servers() {
        for unset in ["0", "0ms", "0s", "00:00:00"] {
            assert!(is_unset_duration(unset), "{unset}");
        }
        for set in ["5min", "30s", "00:05:00", "60000"] {
            assert!(!is_unset_duration(set), "{set}");
        }
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(qualified("public.sess\"ions"), "\"public\".\"sess\"\"ions\"");
        assert!(match_token("s", "t", "c").contains("\"s\".\"t\""));
    }

    #[test]
    fn json_rows_become_text_records() {
        let record = record_from_json(r#"{"token":"abc","user_id":null,"n":3}"#);
        assert_eq!(record["token"].as_deref(), Some("abc"));
        assert_eq!(record["user_id"], None);
        assert_eq!(record["n"].as_deref(), Some("3"));
    }
}
