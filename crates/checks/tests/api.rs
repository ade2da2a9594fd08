//! Every rule that needs a JWT, refresh tokens, a second user, an admin area,
//! writes, a URL-taking input or an LLM endpoint, against the demo's
//! bearer-token API (`rampart_demo::api`): each flaw switched on alone makes
//! exactly its rules fire, the fixed API gives nothing but two notes of
//! policy and surface, what the scan writes it cleans up, and every check
//! stays within the requests it declares.

mod support;

use futures::StreamExt;
use rampart_checks::CHECKS;
use rampart_demo::api::{self, ApiFlaws, ApiServer};
use rampart_engine::identity::Identity;
use rampart_engine::{Flow, LlmTier, ScanConfig, run_scan};
use rampart_model::{Cleanup, Report, Severity};
use std::collections::BTreeSet;
use std::time::Duration;
use url::Url;

struct Scanned {
    report: Report,
    config: ScanConfig,
    server: ApiServer,
}

/// A scan as alice (through the flow), with bob as the second identity,
/// `--active`, the deepest LLM tier and the API's document.
async fn scan(flaws: ApiFlaws) -> Scanned {
    let server = api::serve(flaws).await.unwrap();
    let mut config = ScanConfig::new(Url::parse(&server.url()).unwrap());
    config.flow = Some(Flow::parse(api::FLOW, "demo-api", &|_| None).unwrap());
    config.identities = vec![Identity::parse("bob=login:bob:battery-staple-9", &|_| None).unwrap()];
    config.spec = Some(spec_file());
    config.active = true;
    config.llm_tier = Some(LlmTier::Deep);
    config.limits.rate = 0;
    config.logout_recheck = Duration::from_millis(200);
    config.entropy_samples = 40;
    let report = run_scan(&config, CHECKS, &()).await.unwrap();
    Scanned { report, config, server }
}

/// The API's OpenAPI document as a file: the API serves it to signed-in
/// callers only, as a well-kept API does.
fn spec_file() -> String {
    let path = std::env::temp_dir().join(format!("rampart-demo-api-{}.json", std::process::id()));
    std::fs::write(&path, api::OPENAPI).unwrap();
    path.display().to_string()
}

fn fired(report: &Report) -> BTreeSet<&str> {
    report.findings.iter().map(|f| f.rule_id.as_str()).collect()
}

fn not_applicable(report: &Report) -> BTreeSet<&str> {
    report.stats.not_applicable.keys().map(String::as_str).collect()
}

/// What the fixed API still shows, both information: it allows several
/// sessions per user (policy, SESS-013), and two inputs take URLs (the
/// surface to review, SSRF-003).
const NOTES: [&str; 2] = ["SESS-013", "SSRF-003"];

/// The rules that do not apply to the vulnerable API, and why: its session
/// is a bearer token (the cookie rules, and SESS-001: no pre-login token),
/// its flow has no password change, its tokens are HS256 (AUTH-012 has its
/// own case: the key-confusion build signs RS256), and it has no TLS and no
/// store. The cookie rules have their cases on the demo (`rules.rs`), the
/// rest in `lab/manifest.toml` (and `crates/checks/src/crypto/tests.rs`).
const NOT_APPLICABLE_ON_THE_API: [&str; 16] = [
    "AUTH-012",
    "CRYPTO-001",
    "CRYPTO-003",
    "CRYPTO-004",
    "CRYPTO-005",
    "SESS-001",
    "SESS-005",
    "SESS-007",
    "SESS-008",
    "SESS-009",
    "SESS-012",
    "SESS-014",
    "SESS-015",
    "SESS-016",
    "SESS-017",
    "SESS-018",
];

/// On the fixed API also: no way to forge an expired token without the key
/// (AUTH-006), no integer ids to try neighbours of (BOLA-002, BOLA-003), and
/// tokens that expire (SESS-011 reads only a JWT's missing `exp`).
const NOT_APPLICABLE_ON_THE_FIXED_API_TOO: [&str; 4] = ["AUTH-006", "BOLA-002", "BOLA-003", "SESS-011"];

fn assert_clean_run(scanned: &Scanned) {
    let stats = &scanned.report.stats;
    assert!(stats.errors.is_empty(), "{:?}", stats.errors);
    assert!(stats.inconclusive.is_empty(), "{:?}", stats.inconclusive);
    assert_eq!(stats.checks_run, CHECKS.len());
    for write in &stats.writes {
        assert!(
            matches!(write.cleanup, Cleanup::Done(_) | Cleanup::NotNeeded),
            "not cleaned up: {write:?}"
        );
    }
    assert!(
        scanned.server.seed_intact(),
        "the scan changed orders it did not create"
    );
    support::assert_within_budgets(&scanned.report, &scanned.config);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_api_gives_only_notes() {
    let scanned = scan(ApiFlaws::fixed()).await;
    let report = &scanned.report;
    assert_eq!(fired(report), BTreeSet::from(NOTES), "{:#?}", report.findings);
    assert!(report.findings.iter().all(|f| f.severity == Severity::Info));
    let expected: BTreeSet<&str> = NOT_APPLICABLE_ON_THE_API
        .into_iter()
        .chain(NOT_APPLICABLE_ON_THE_FIXED_API_TOO)
        .collect();
    assert_eq!(not_applicable(report), expected, "{:#?}", report.stats.not_applicable);
    assert_clean_run(&scanned);
    let writes: Vec<_> = report
        .stats
        .writes
        .iter()
        .map(|w| (w.rule_id.as_str(), w.status))
        .collect();
    assert!(
        writes.contains(&("BOLA-005", 404))
            && writes.contains(&("BOLA-006", 404))
            && writes.contains(&("PROP-003", 201)),
        "bob's write to alice's order and alice's change of another account's password are refused, and the property probe created its orders: {writes:?}"
    );
    assert_eq!(report.letter_grade, "A");
}

/// Without `--spec`: anonymous discovery is refused the document (it is for
/// signed-in callers only), so the scan asks again with its session and
/// reads it. PROP-001 stays silent; since the document is read as the spec
/// it is not surveyed here, so PROP-001's skip of API descriptions (for one
/// found nowhere else) is proven by its unit test, not by this scan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_for_signed_in_callers_is_read_signed_in() {
    for flaws in [ApiFlaws::fixed(), ApiFlaws::vulnerable()] {
        let server = api::serve(flaws).await.unwrap();
        let mut config = ScanConfig::new(Url::parse(&server.url()).unwrap());
        config.flow = Some(Flow::parse(api::FLOW, "demo-api", &|_| None).unwrap());
        config.limits.rate = 0;
        config.selection = ["PROP-001", "PROP-002", "BOLA-002", "SSRF-003"]
            .map(String::from)
            .to_vec();
        let report = run_scan(&config, CHECKS, &()).await.unwrap();
        let events = &report.stats.events;
        assert!(
            events.iter().any(|e| e.contains("served to signed-in users only")),
            "{events:?}"
        );
        assert!(report.stats.errors.is_empty(), "{:?}", report.stats.errors);
        let fired = fired(&report);
        assert!(!fired.contains("PROP-001"), "{:#?}", report.findings);
        // The document's operations were read: the URL inputs and, on the
        // vulnerable API, the integer order ids.
        assert!(fired.contains("SSRF-003"), "{fired:?}");
        assert_eq!(fired.contains("BOLA-002"), flaws == ApiFlaws::vulnerable(), "{fired:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vulnerable_api_is_proven_with_controls() {
    let scanned = scan(ApiFlaws::vulnerable()).await;
    let report = &scanned.report;
    assert_eq!(
        not_applicable(report),
        BTreeSet::from(NOT_APPLICABLE_ON_THE_API),
        "{:#?}",
        report.stats.not_applicable
    );
    assert_clean_run(&scanned);
    support::assert_proven_with_controls(
        report,
        &[
            "AUTH-004",
            "AUTH-005",
            "AUTH-006",
            "AUTH-013",
            "BFLA-001",
            "BFLA-002",
            "BOLA-002",
            "BOLA-003",
            "BOLA-004",
            "BOLA-005",
            "BOLA-006",
            "PROP-003",
            "SESS-020",
            "SESS-021",
            "SSRF-001",
            "CONSUME-001",
            "CONSUME-003",
            "LLM-004",
            "LLM-005",
            "LLM-006",
            "LLM-007",
        ],
    );
    let variants: BTreeSet<(&str, &str)> = report
        .findings
        .iter()
        .filter_map(|f| Some((f.rule_id.as_str(), f.variant.as_deref()?)))
        .collect();
    for expected in [
        ("AUTH-013", "path"),
        ("AUTH-013", "sql"),
        ("BOLA-005", "change"),
        ("BOLA-005", "delete"),
        ("SSRF-002", "loopback"),
        ("SSRF-002", "cloud-metadata"),
    ] {
        assert!(variants.contains(&expected), "{expected:?} in {variants:?}");
    }
    assert_eq!(report.letter_grade, "F");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_flaw_alone_fires_exactly_its_rules() {
    type Case = (&'static [&'static str], fn(&mut ApiFlaws));
    let cases: [Case; 29] = [
        (&["AUTH-004"], |f| f.alg_none = true),
        (&["AUTH-005"], |f| f.weak_secret = true),
        // An expired token can be made once the key is known.
        (&["AUTH-005", "AUTH-006"], |f| {
            f.weak_secret = true;
            f.ignores_expiry = true;
        }),
        (&["AUTH-007", "SESS-011"], |f| f.no_expiry = true),
        (&["AUTH-008"], |f| f.sensitive_claims = true),
        (&["AUTH-012"], |f| f.key_confusion = true),
        (&["AUTH-013"], |f| f.kid_injection = true),
        (&["SESS-020"], |f| f.refresh_reuse = true),
        (&["SESS-021"], |f| f.refresh_after_logout = true),
        (&["BOLA-001"], |f| f.sequential_ids = true),
        // With random ids only the second user shows the foreign read.
        (&["BOLA-004"], |f| f.foreign_reads = true),
        (&["BOLA-001", "BOLA-002", "BOLA-004"], |f| {
            f.sequential_ids = true;
            f.foreign_reads = true;
        }),
        (&["BOLA-001", "BOLA-003"], |f| {
            f.sequential_ids = true;
            f.owner_query = true;
        }),
        (&["BOLA-005"], |f| f.foreign_writes = true),
        (&["BOLA-006"], |f| f.password_by_name = true),
        (&["PROP-003"], |f| f.mass_assignment = true),
        // The admin figures declare required security, so AUTH-001 sees the same hole.
        (&["AUTH-001", "BFLA-001"], |f| f.admin_open = true),
        (&["BFLA-002"], |f| f.admin_for_users = true),
        (&["BFLA-003"], |f| f.exposes_role = true),
        (&["SSRF-001"], |f| f.fetches_any_url = true),
        (&["SSRF-001", "SSRF-002", "CONSUME-003"], |f| {
            f.fetches_any_url = true;
            f.relays_fetched_body = true;
        }),
        (&["CONSUME-001"], |f| f.any_webhook_url = true),
        (&["LLM-001"], |f| f.model_disclosure = true),
        (&["LLM-002"], |f| f.history_has_system_prompt = true),
        (&["LLM-003"], |f| f.prompt_extraction = true),
        (&["LLM-004"], |f| f.obeys_override = true),
        (&["LLM-005"], |f| f.role_play = true),
        (&["LLM-006"], |f| f.obeys_encoded = true),
        (&["LLM-007"], |f| f.markdown_images = true),
    ];
    // Four scans at a time, each against its own server: they mostly wait
    // (the LLM prompts are paced, the callback listener waits for fetches).
    let scans = futures::stream::iter(cases)
        .map(|(rules, flaw)| async move {
            let mut flaws = ApiFlaws::fixed();
            flaw(&mut flaws);
            (rules, scan(flaws).await)
        })
        .buffer_unordered(4);
    let done: Vec<_> = scans.collect().await;
    assert_eq!(done.len(), 29);
    for (rules, scanned) in done {
        let expected: BTreeSet<&str> = rules.iter().copied().chain(NOTES).collect();
        assert_eq!(
            fired(&scanned.report),
            expected,
            "flaw for {rules:?}: {:#?}",
            scanned.report.findings
        );
        assert_clean_run(&scanned);
    }
}
