//! The history against real SQLite files: round trips, id prefixes, listing
//! order and filter, and the schema checks on open.

use crate::{History, StoreError, schema};
use rampart_model::{Category, Confidence, Endpoint, Finding, Report, Rule, Severity, Stats};
use std::collections::BTreeMap;
use std::path::PathBuf;

const fn rule(id: &'static str, severity: Severity) -> Rule {
    Rule {
        id,
        title: "t",
        category: Category::Authentication,
        severity,
        cwe: &[384],
        owasp: "API2:2023",
        summary: "",
        remediation: "fix it",
        references: &[],
        needs: &[],
        variants: &[],
        examples: &[],
    }
}

static RULES: [Rule; 2] = [rule("TEST-001", Severity::High), rule("TEST-002", Severity::Low)];

pub(crate) fn report(target: &str, started_at: &str) -> Report {
    let endpoint = Endpoint {
        method: "POST".into(),
        url: format!("{target}login"),
    };
    let finding = |rule: &Rule, id: &str| {
        let mut f = Finding::new(rule, Confidence::Confirmed, endpoint.clone(), "proven");
        f.id = id.into();
        f
    };
    Report {
        schema: rampart_model::report::SCHEMA.into(),
        tool: Report::tool(),
        target: target.into(),
        started_at: started_at.into(),
        completed_at: started_at.into(),
        duration_ms: 1234,
        overall: 61,
        letter_grade: "D".into(),
        categories: BTreeMap::from([(Category::Authentication, 35)]),
        findings: vec![
            finding(&RULES[0], "f-1"),
            finding(&RULES[0], "f-2").with_variant("cookie"),
            finding(&RULES[1], "f-3"),
        ],
        suppressed: Vec::new(),
        fingerprint: Default::default(),
        stats: Stats {
            requests: 42,
            ..Default::default()
        },
        flow: None,
        identities: Vec::new(),
        coverage: Default::default(),
        exchanges: Vec::new(),
        rules: RULES.to_vec(),
    }
}

/// A fresh, empty directory for one test's database.
fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rampart-store-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("nested").join("history.db")
}

#[tokio::test]
async fn save_then_get_round_trips_the_report() {
    let history = History::open(&temp_db("roundtrip")).await.unwrap();
    let original = report("http://api.test/", "2026-01-02T03:04:05Z");
    let id = history.save(&original).await.unwrap();
    assert_eq!(id.len(), 12);
    assert!(
        id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{id}"
    );

    let record = history.get(&id).await.unwrap().expect("saved scan");
    let mut expected = original.clone();
    expected.rules.clear();
    assert_eq!(record.report, expected);
    assert_eq!(record.rule_ids, ["TEST-001", "TEST-002"]);
    let summary = &record.summary;
    assert_eq!(
        (summary.id.as_str(), summary.target.as_str()),
        (id.as_str(), "http://api.test/")
    );
    assert_eq!((summary.overall, summary.letter_grade.as_str()), (61, "D"));
    assert_eq!((summary.duration_ms, summary.findings), (1234, 3));
    let counts: Vec<(&str, usize)> = summary.by_severity.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        counts,
        [("critical", 0), ("high", 2), ("info", 0), ("low", 1), ("medium", 0)]
    );
    let json = serde_json::to_value(summary).unwrap();
    assert_eq!(json["letterGrade"], "D");
    assert_eq!(json["bySeverity"]["high"], 2);
    assert_eq!(json["startedAt"], "2026-01-02T03:04:05Z");
}

#[tokio::test]
async fn get_accepts_a_prefix_in_any_case_and_rejects_non_ids() {
    let history = History::open(&temp_db("prefix")).await.unwrap();
    let id = history
        .save(&report("http://a.test/", "2026-01-01T00:00:00Z"))
        .await
        .unwrap();
    for probe in [&id[..5], &id.to_ascii_uppercase(), id.as_str()] {
        let found = history.get(probe).await.unwrap().expect(probe);
        assert_eq!(found.summary.id, id);
    }
    let other = if id.starts_with('0') { "1" } else { "0" };
    for probe in ["", "zz", "%", "_", other, "0123456789abc", &format!("{id}0")] {
        assert!(
            history.get(probe).await.unwrap().is_none(),
            "{probe:?} should match nothing"
        );
    }
}

#[tokio::test]
async fn an_ambiguous_prefix_is_an_error() {
    let history = History::open(&temp_db("ambiguous")).await.unwrap();
    let mut ids = Vec::new();
    // 17 ids over 16 hex digits: two share a first character.
    for _ in 0..17 {
        ids.push(
            history
                .save(&report("http://a.test/", "2026-01-01T00:00:00Z"))
                .await
                .unwrap(),
        );
    }
    let shared = ids
        .iter()
        .find(|a| ids.iter().filter(|b| b[..1] == a[..1]).count() > 1)
        .map(|a| a[..1].to_string())
        .unwrap();
    match history.get(&shared).await {
        Err(StoreError::Ambiguous(p)) => assert_eq!(p, shared),
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
}

#[tokio::test]
async fn list_is_newest_first_bounded_and_filtered() {
    let history = History::open(&temp_db("list")).await.unwrap();
    let a = "http://a.test/";
    let b = "http://b.test/";
    let middle = history.save(&report(a, "2026-01-02T00:00:00Z")).await.unwrap();
    let oldest = history.save(&report(b, "2026-01-02T01:00:00+02:00")).await.unwrap();
    let newest = history.save(&report(a, "2026-01-03T01:00:00+02:00")).await.unwrap();
    let tie = history.save(&report(b, "2026-01-02T00:00:00Z")).await.unwrap();

    let ids = |list: Vec<crate::ScanSummary>| list.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(history.list(10, None).await.unwrap()),
        [newest.as_str(), tie.as_str(), middle.as_str(), oldest.as_str()]
    );
    assert_eq!(
        ids(history.list(2, None).await.unwrap()),
        [newest.as_str(), tie.as_str()]
    );
    assert_eq!(
        ids(history.list(10, Some(a)).await.unwrap()),
        [newest.as_str(), middle.as_str()]
    );
    assert_eq!(
        ids(history.list(10, Some(b)).await.unwrap()),
        [tie.as_str(), oldest.as_str()]
    );
    assert!(history.list(10, Some("http://c.test/")).await.unwrap().is_empty());
    assert!(history.list(0, None).await.unwrap().is_empty());
}

#[tokio::test]
async fn reopening_keeps_scans_and_applies_the_schema_once() {
    let path = temp_db("reopen");
    let (first, second) = tokio::join!(History::open(&path), History::open(&path));
    let id = first
        .unwrap()
        .save(&report("http://a.test/", "2026-01-01T00:00:00Z"))
        .await
        .unwrap();
    drop(second.unwrap());
    let history = History::open(&path).await.unwrap();
    assert!(history.get(&id).await.unwrap().is_some());
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_version ORDER BY version")
        .fetch_all(&history.pool)
        .await
        .unwrap();
    let expected: Vec<i64> = schema::MIGRATIONS.iter().map(|m| m.version).collect();
    assert_eq!(versions, expected);
}

#[tokio::test]
async fn a_database_from_a_newer_rampart_is_refused() {
    let path = temp_db("newer");
    let history = History::open(&path).await.unwrap();
    sqlx::query("INSERT INTO schema_version (version) VALUES (?)")
        .bind(schema::latest() + 1)
        .execute(&history.pool)
        .await
        .unwrap();
    history.pool.close().await;
    let err = History::open(&path).await.unwrap_err();
    assert!(matches!(err, StoreError::Schema(_)), "{err:?}");
    assert!(err.to_string().contains("newer rampart"), "{err}");
}

#[tokio::test]
async fn foreign_files_are_refused_not_overwritten() {
    let path = temp_db("foreign");
    let other = History::open(&path.with_file_name("other.db")).await.unwrap();
    sqlx::query("CREATE TABLE notes (body TEXT)")
        .execute(&other.pool)
        .await
        .unwrap();
    sqlx::query("DROP TABLE schema_version")
        .execute(&other.pool)
        .await
        .unwrap();
    other.pool.close().await;
    let err = History::open(&path.with_file_name("other.db")).await.unwrap_err();
    assert!(err.to_string().contains("not a rampart history"), "{err}");

    std::fs::write(&path, "not a database at all, just some text that is long enough").unwrap();
    let err = History::open(&path).await.unwrap_err();
    assert!(matches!(err, StoreError::Db(_)), "{err:?}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "not a database at all, just some text that is long enough"
    );
}
