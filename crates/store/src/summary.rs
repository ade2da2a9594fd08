//! What the history says about a scan without decoding its report: the
//! columns `rampart list` shows, and the whole saved record.

use rampart_model::{Report, Severity};
use serde::Serialize;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use std::collections::BTreeMap;

/// One saved scan, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanSummary {
    /// 12 lowercase hex characters.
    pub id: String,
    pub target: String,
    /// The report's `startedAt` (RFC 3339).
    pub started_at: String,
    pub duration_ms: u64,
    pub overall: u8,
    pub letter_grade: String,
    /// Number of findings.
    pub findings: usize,
    /// Findings per severity, every severity present (`critical` … `info`).
    pub by_severity: BTreeMap<String, usize>,
}

/// A saved scan in full.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanRecord {
    pub summary: ScanSummary,
    /// The report as saved; `rules` and `exchanges` are empty (they are not
    /// part of the JSON report). Fill `rules` from the registry by `rule_ids`.
    pub report: Report,
    /// Ids of the rules that ran, in the order the report listed them.
    pub rule_ids: Vec<String>,
}

/// The summary columns [`from_row`] reads, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, target, started_at, duration_ms, overall, letter_grade, findings, critical, high, medium, low, info"
    };
}
pub(crate) use columns;

/// A finished report as the scan tables hold it: the summary columns computed once.
pub(crate) struct ScanRow<'a> {
    pub id: &'a str,
    pub report: &'a Report,
    /// The report as JSON.
    pub json: &'a str,
    pub started_unix_ms: i64,
    pub duration_ms: i64,
    pub overall: i64,
    pub findings: i64,
    /// Critical, high, medium, low, info.
    pub by_severity: [i64; 5],
}

impl<'a> ScanRow<'a> {
    pub fn new(id: &'a str, report: &'a Report, json: &'a str) -> ScanRow<'a> {
        let counts = by_severity(report);
        let count = |sev: &Severity| sql_int(counts.get(sev.as_str()).copied().unwrap_or(0));
        let mut by_severity = [0; 5];
        for (slot, sev) in by_severity.iter_mut().zip(Severity::DESCENDING.iter()) {
            *slot = count(sev);
        }
        ScanRow {
            id,
            report,
            json,
            started_unix_ms: unix_ms(&report.started_at),
            duration_ms: sql_int(report.duration_ms),
            overall: i64::from(report.overall),
            findings: sql_int(report.findings.len()),
            by_severity,
        }
    }
}

/// Findings per severity, every severity present.
pub(crate) fn by_severity(report: &Report) -> BTreeMap<String, usize> {
    Severity::DESCENDING
        .iter()
        .map(|sev| {
            let count = report.findings.iter().filter(|f| f.severity == *sev).count();
            (sev.as_str().to_string(), count)
        })
        .collect()
}

/// Milliseconds since the Unix epoch of an RFC 3339 time; 0 when it does not parse.
pub(crate) fn unix_ms(rfc3339: &str) -> i64 {
    let format = time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(rfc3339, &format)
        .map(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0))
        .unwrap_or(0)
}

/// A summary from a row selected with [`columns!`].
pub(crate) fn from_row(row: &SqliteRow) -> Result<ScanSummary, sqlx::Error> {
    let mut by_severity = BTreeMap::new();
    for sev in Severity::DESCENDING {
        by_severity.insert(sev.as_str().to_string(), int(row, sev.as_str())?);
    }
    Ok(ScanSummary {
        id: row.try_get("id")?,
        target: row.try_get("target")?,
        started_at: row.try_get("started_at")?,
        duration_ms: int(row, "duration_ms")?,
        overall: int(row, "overall")?,
        letter_grade: row.try_get("letter_grade")?,
        findings: int(row, "findings")?,
        by_severity,
    })
}

/// An integer column converted to `T`, or a decode error naming the column.
fn int<T: TryFrom<i64>>(row: &SqliteRow, column: &str) -> Result<T, sqlx::Error>
where
    T::Error: std::error::Error + Send + Sync + 'static,
{
    let value: i64 = row.try_get(column)?;
    T::try_from(value).map_err(|e| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: Box::new(e),
    })
}

/// An integer that fits SQLite's signed 64-bit column.
pub(crate) fn sql_int(value: impl TryInto<i64>) -> i64 {
    value.try_into().unwrap_or(i64::MAX)
}
