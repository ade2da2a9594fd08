//! A small report for the renderers' unit tests: four rules (two fired, one
//! failed, one did not apply) and strings that need escaping in every format.

use rampart_model::{
    Category, CheckError, Confidence, Coverage, Endpoint, Exchange, Finding, Header, Report, Rule, Severity, Stats,
};
use std::collections::BTreeMap;

/// Text with every character markup formats treat specially, and XML 1.0 forbids.
pub const NASTY: &str = "<script>alert(\"x\")</script> & 'q' ]]> \u{1}\u{1b}[0m é";

const fn rule(id: &'static str, title: &'static str, severity: Severity) -> Rule {
    Rule {
        id,
        title,
        category: Category::Authentication,
        severity,
        cwe: &[384],
        owasp: "API2:2023",
        summary: "What the flaw is.",
        remediation: "Rotate the session id.",
        references: &["https://example.test/ref"],
        needs: &[],
        variants: &[],
        examples: &[],
    }
}

static RULES: [Rule; 4] = [
    rule("TEST-001", "Session fixation: <pre-login> id kept", Severity::High),
    rule("TEST-002", "Cookie without Secure", Severity::Low),
    rule("TEST-003", "A check that failed", Severity::Medium),
    rule("TEST-004", "A check that did not apply", Severity::Info),
];

fn exchange() -> Exchange {
    let mut ex = Exchange::default().noted("victim logs in");
    ex.request.method = "POST".into();
    ex.request.url = "http://api.test/login?a=1&b=<2>".into();
    ex.request.headers = vec![Header {
        name: "Cookie".into(),
        value: "sid=it's".into(),
    }];
    ex.request.body = Some("user=alice&password=[redacted]".into());
    ex.response.status = 200;
    ex.response.body = NASTY.into();
    ex
}

fn finding(rule: &Rule, id: &str, variant: Option<&str>) -> Finding {
    let endpoint = Endpoint {
        method: "POST".into(),
        url: "http://api.test/login?a=1&b=<2>".into(),
    };
    let mut f = Finding::new(rule, Confidence::Confirmed, endpoint, format!("Proven. {NASTY}"));
    f.id = id.into();
    f.variant = variant.map(str::to_string);
    f.with_evidence(vec![exchange()])
}

/// The sample report.
pub fn sample() -> Report {
    let stats = Stats {
        requests: 42,
        checks_run: 4,
        errors: vec![CheckError {
            rule_id: "TEST-003".into(),
            message: "connection reset <by peer> & gone".into(),
        }],
        not_applicable: BTreeMap::from([("TEST-004".to_string(), "needs a session flow (--flow)".to_string())]),
        ..Default::default()
    };
    Report {
        schema: rampart_model::report::SCHEMA.into(),
        tool: Report::tool(),
        target: "http://api.test/".into(),
        started_at: "2026-01-02T03:04:05Z".into(),
        completed_at: "2026-01-02T03:04:07Z".into(),
        duration_ms: 2100,
        overall: 61,
        letter_grade: "D".into(),
        categories: BTreeMap::from([(Category::Authentication, 35), (Category::Bola, 100)]),
        findings: vec![
            finding(&RULES[0], "f-1", None),
            finding(&RULES[0], "f-2", Some("cookie")),
            finding(&RULES[1], "f-3", None).with_severity(Severity::Medium),
        ],
        suppressed: Vec::new(),
        fingerprint: Default::default(),
        stats,
        flow: None,
        identities: Vec::new(),
        coverage: Coverage {
            grade_provisional: true,
            provisional_reasons: vec!["session lifecycle not tested (GET / sets cookie \"sid\")".into()],
            not_tested: vec![
                "Session lifecycle: not tested — give --login USER or --flow FILE (18 session rules did not run)"
                    .into(),
            ],
            categories: BTreeMap::new(),
        },
        exchanges: Vec::new(),
        rules: RULES.to_vec(),
    }
}
