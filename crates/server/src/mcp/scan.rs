//! `scan_api`: the tool arguments become one scan configuration, the engine
//! runs every selected check, and the report is saved to the history.

use super::ScanLimits;
use super::args::ScanApi;
use super::error::ToolError;
use super::reply;
use rampart_engine::flow::discover::{Credentials, PASSWORD_VAR};
use rampart_engine::flow::{env_refs, expand_env};
use rampart_engine::identity::{self, Identity};
use rampart_engine::{Flow, ScanConfig, input};
use rampart_model::{Confidence, Endpoint, Report, Severity};
use rampart_store::History;
use rmcp::model::CallToolResult;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

/// Scan budget when the caller names none, and the most a caller may ask for.
const DEFAULT_SECS: u64 = 120;
const MAX_SECS: u64 = 600;
/// Time past the engine's own deadline before the tool gives up waiting.
pub(crate) const GRACE: Duration = Duration::from_secs(30);

/// Run the scan, save it, answer with its summary and id.
pub async fn run(history: &History, limits: &ScanLimits, args: ScanApi) -> Result<CallToolResult, ToolError> {
    let secs = budget(&args);
    let mut config = config(&args, secs)?;
    config.limits.policy = limits.policy().clone();
    let _slot = limits.start().ok_or(ToolError::Busy(limits.max_scans()))?;
    let report = tokio::time::timeout(Duration::from_secs(secs) + GRACE, scan(config))
        .await
        .map_err(|_| ToolError::Timeout(secs))??;
    let id = history.save(&report).await?;
    let structured = serde_json::json!({
        "id": id,
        "overall": report.overall,
        "letterGrade": report.letter_grade,
        "gradeProvisional": report.coverage.grade_provisional,
        "provisionalReasons": report.coverage.provisional_reasons,
        "notTested": report.coverage.not_tested,
        "findings": briefs(&report),
    });
    Ok(reply::ok(reply::summary(&report, &id)?, structured))
}

/// The scan's wall-clock budget in seconds: the caller's, within bounds.
pub(crate) fn budget(args: &ScanApi) -> u64 {
    args.max_duration_secs.unwrap_or(DEFAULT_SECS).clamp(1, MAX_SECS)
}

/// The engine's scan on a thread of its own: the server keeps answering, and
/// a check that panics fails this call instead of the server.
pub(crate) async fn scan(config: ScanConfig) -> Result<Report, ToolError> {
    let runtime = tokio::runtime::Handle::current();
    let scan = move || runtime.block_on(rampart_engine::run_scan(&config, rampart_checks::CHECKS, &()));
    tokio::task::spawn_blocking(scan)
        .await
        .map_err(|e| ToolError::Aborted(e.to_string()))?
        .map_err(ToolError::Scan)
}

pub(crate) fn config(args: &ScanApi, secs: u64) -> Result<ScanConfig, ToolError> {
    let mut config = ScanConfig::new(input::target(&args.url).map_err(ToolError::argument("url"))?);
    config.headers = args
        .headers
        .iter()
        .map(|h| from_env(h).and_then(|h| input::header(&h).map_err(|e| e.to_string())))
        .collect::<Result<_, _>>()
        .map_err(ToolError::argument("headers"))?;
    config.selection = input::selection(&args.checks, rampart_checks::CHECKS).map_err(ToolError::argument("checks"))?;
    config.spec = args.spec.clone();
    config.limits.max_duration = Some(Duration::from_secs(secs));
    if let Some(path) = &args.flow {
        config.flow = Some(Flow::load(Path::new(path)).map_err(ToolError::Flow)?);
    }
    if let Some(user) = &args.login {
        config.login = Some(credentials(user, args.password_env.as_deref())?);
    }
    let identities_given = args
        .identities
        .iter()
        .map(|i| from_env(i))
        .collect::<Result<Vec<_>, _>>();
    config.identities = identities(&identities_given.map_err(ToolError::argument("identities"))?)?;
    Ok(config)
}

/// Environment variables a header or identity may read: a job or a tool call
/// cannot send the rest of the environment (cloud keys …) to a target.
pub(crate) const ENV_PREFIX: &str = "RAMPART_";

/// `${RAMPART_…}` in a header or identity filled in from this process's environment.
fn from_env(value: &str) -> Result<String, String> {
    if let Some(other) = env_refs(value).into_iter().find(|v| !v.starts_with(ENV_PREFIX)) {
        return Err(format!(
            "${{{other}}}: only variables named {ENV_PREFIX}… are read for headers and identities"
        ));
    }
    expand_env(value, &|var| std::env::var(var).ok())
}

/// The other users; a `login:` identity's password comes from the environment only.
fn identities(raw: &[String]) -> Result<Vec<Identity>, ToolError> {
    let inline_password = |one: &String| {
        let login = one.split_once('=').and_then(|(_, c)| c.strip_prefix("login:"));
        login.is_some_and(|user| user.contains(':'))
    };
    if raw.iter().any(inline_password) {
        return Err(ToolError::argument("identities")(
            "give login:USER only; the password comes from RAMPART_PASSWORD_<NAME> in rampart's environment",
        ));
    }
    identity::parse_all(raw, &|var| std::env::var(var).ok()).map_err(ToolError::argument("identities"))
}

/// The `login` user and its password, read from this process's environment.
fn credentials(user: &str, var: Option<&str>) -> Result<Credentials, ToolError> {
    if names_no_user_or_carries_password(user) {
        return Err(ToolError::argument("login")(
            "give the user name only; the password comes from the environment",
        ));
    }
    let var = var.unwrap_or(PASSWORD_VAR);
    let password = std::env::var(var).ok().filter(|p| !p.is_empty()).ok_or_else(|| {
        ToolError::argument("password_env")(format!(
            "{var} is not set in rampart's environment; set it where the MCP server starts"
        ))
    })?;
    Ok(Credentials {
        user: user.to_string(),
        password,
    })
}

/// A `login` that carries a password (`user:password`) would put it in the conversation.
fn names_no_user_or_carries_password(user: &str) -> bool {
    user.is_empty() || user.contains(':')
}

/// A finding as `scan_api` lists it; `get_scan` and `explain_finding` give the rest.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Brief<'a> {
    id: &'a str,
    rule_id: &'a str,
    severity: Severity,
    confidence: Confidence,
    title: &'a str,
    endpoint: &'a Endpoint,
}

fn briefs(report: &Report) -> Vec<Brief<'_>> {
    report
        .findings
        .iter()
        .map(|f| Brief {
            id: &f.id,
            rule_id: &f.rule_id,
            severity: f.severity,
            confidence: f.confidence,
            title: &f.title,
            endpoint: &f.endpoint,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(url: &str) -> ScanApi {
        ScanApi {
            url: url.into(),
            flow: None,
            login: None,
            password_env: None,
            identities: Vec::new(),
            spec: None,
            checks: vec![],
            headers: vec![],
            max_duration_secs: None,
        }
    }

    #[test]
    fn a_login_password_never_comes_through_the_call() {
        let mut a = args("http://127.0.0.1:8000");
        a.login = Some("alice:hunter2".into());
        assert!(matches!(config(&a, 90), Err(ToolError::Argument { arg: "login", .. })));
        a.login = None;
        a.identities = vec!["bob=login:bob:hunter2".into()];
        match config(&a, 90) {
            Err(ToolError::Argument { arg, cause }) => {
                assert_eq!(arg, "identities");
                assert!(!cause.contains("hunter2"), "{cause}");
            }
            other => panic!("{other:?}"),
        }
        a.identities = Vec::new();
        a.login = Some("alice".into());
        a.password_env = Some("RAMPART_TEST_UNSET_PASSWORD_VAR".into());
        match config(&a, 90) {
            Err(ToolError::Argument { arg, cause }) => {
                assert_eq!(arg, "password_env");
                assert!(cause.contains("RAMPART_TEST_UNSET_PASSWORD_VAR is not set"), "{cause}");
            }
            other => panic!("expected an argument error, got {other:?}"),
        }
    }

    #[test]
    fn arguments_become_the_configuration() {
        let mut a = args("http://127.0.0.1:8000");
        a.headers = vec!["X-Api-Key: k".into()];
        a.checks = vec![" session ".into(), "".into()];
        a.spec = Some("openapi.yaml".into());
        let config = config(&a, 90).unwrap();
        assert_eq!(config.target.as_str(), "http://127.0.0.1:8000/");
        assert_eq!(config.headers, vec![("X-Api-Key".to_string(), "k".to_string())]);
        assert_eq!(config.selection, vec!["session".to_string()]);
        assert_eq!(config.spec.as_deref(), Some("openapi.yaml"));
        assert_eq!(config.limits.max_duration, Some(Duration::from_secs(90)));
    }

    #[test]
    fn headers_and_identities_read_only_rampart_variables() {
        // PATH is always set: refused for its name, not for being missing.
        let mut a = args("http://127.0.0.1:8000");
        a.headers = vec!["X-Exfil: ${PATH}".into()];
        let cause = config(&a, 1).unwrap_err().to_string();
        assert!(cause.contains("only variables named RAMPART_"), "{cause}");
        a.headers = vec!["X-Api-Key: ${RAMPART_TEST_UNSET_HEADER_VAR}".into()];
        let cause = config(&a, 1).unwrap_err().to_string();
        assert!(cause.contains("RAMPART_TEST_UNSET_HEADER_VAR is not set"), "{cause}");
        a.headers = Vec::new();
        a.identities = vec!["bob=bearer:${HOME}".into()];
        let cause = config(&a, 1).unwrap_err().to_string();
        assert!(
            cause.starts_with("identities: ") && cause.contains("RAMPART_"),
            "{cause}"
        );
    }

    #[test]
    fn bad_arguments_name_the_argument() {
        let cause = |a: &ScanApi| config(a, 1).unwrap_err().to_string();
        assert!(cause(&args("ftp://h/")).starts_with("url: "));
        let mut a = args("http://h");
        a.headers = vec!["no colon".into()];
        assert!(cause(&a).starts_with("headers: "));
        let mut a = args("http://h");
        a.checks = vec!["NOPE-1".into()];
        assert!(cause(&a).starts_with("checks: "));
        let mut a = args("http://h");
        a.flow = Some("/nonexistent/flow.toml".into());
        assert!(cause(&a).contains("/nonexistent/flow.toml"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn targets_outside_the_policy_and_calls_beyond_the_slots_are_refused() {
        let path = std::env::temp_dir().join(format!("rampart-mcp-policy-{}.db", std::process::id()));
        let history = History::open(&path).await.unwrap();
        let limits = ScanLimits::default();
        for url in [
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/",
            "http://93.184.216.34/",
        ] {
            let err = run(&history, &limits, args(url)).await.unwrap_err().to_string();
            assert!(err.contains("refused to send"), "{url}: {err}");
        }
        let (_a, _b) = (limits.start(), limits.start());
        let err = run(&history, &limits, args("http://127.0.0.1:9/")).await.unwrap_err();
        assert!(matches!(err, ToolError::Busy(2)), "{err}");
        let _ = std::fs::remove_file(path);
    }
}
