//! `rampart replay SCAN FINDING`: run again the check that proved a saved
//! finding, against the saved target, with fresh credentials from the flow
//! (or login, identities, headers) given now, and say whether that finding
//! (same rule, method, path and variant) is fixed or still present. Exit 0
//! when fixed, 1 when still present, 2 when the check could not tell.

use crate::args::{ReplayArgs, ScanArgs};
use crate::{config, history, progress};
use anyhow::{Result, bail};
use rampart_model::{Finding, Report};
use std::process::ExitCode;

pub async fn run(args: &ReplayArgs) -> Result<ExitCode> {
    let record = history::load(args.history.db.as_deref(), &args.scan).await?;
    let finding = pick(&record.report, &args.finding)?;
    let scan = crate::project::apply(&scan_args(args, &record.report.target, &finding.rule_id))?;
    let uses_flow =
        rampart_checks::registry::find(&finding.rule_id).is_some_and(|c| c.rule().requires(rampart_model::Need::Flow));
    if uses_flow && scan.auth.flow.is_none() && scan.auth.login.is_none() {
        bail!(
            "{} logs in afresh to prove it: give --flow FILE or --login USER",
            finding.rule_id
        );
    }
    let config = config::scan_config(&scan)?;
    crate::say::info(&format!(
        "replaying {} {} ({} {}) against {}",
        finding.id, finding.rule_id, finding.endpoint.method, finding.endpoint.url, config.target
    ));
    let bar = progress::Bar::new();
    let result = rampart_engine::run_scan(&config, rampart_checks::CHECKS, &bar).await;
    bar.finish();
    let verdict = judge(finding, &result?)?;
    println!("{}", verdict.line);
    Ok(verdict.code)
}

/// The options of a scan of `target` that runs `rule` alone.
fn scan_args(args: &ReplayArgs, target: &str, rule: &str) -> ScanArgs {
    ScanArgs {
        url: Some(target.to_string()),
        checks: vec![rule.to_string()],
        auth: args.auth.clone(),
        spec: args.spec.clone(),
        active: args.active,
        project: args.project.clone(),
        limits: args.limits.clone(),
        ..ScanArgs::default()
    }
}

/// The finding `wanted` names: its id, a fingerprint prefix (8 or more hex
/// digits), or a rule id only one finding has.
fn pick<'a>(report: &'a Report, wanted: &str) -> Result<&'a Finding> {
    let all = &report.findings;
    if let Some(f) = all.iter().find(|f| f.id == wanted) {
        return Ok(f);
    }
    let by_fingerprint: Vec<&Finding> = if wanted.len() >= 8 && wanted.bytes().all(|b| b.is_ascii_hexdigit()) {
        all.iter()
            .filter(|f| f.fingerprint().starts_with(&wanted.to_ascii_lowercase()))
            .collect()
    } else {
        Vec::new()
    };
    let by_rule: Vec<&Finding> = all.iter().filter(|f| f.rule_id.eq_ignore_ascii_case(wanted)).collect();
    match (by_fingerprint.as_slice(), by_rule.as_slice()) {
        ([f], _) | ([], [f]) => Ok(f),
        ([], []) => bail!(
            "the scan has no finding '{wanted}' (its findings: {})",
            list(all.iter().collect::<Vec<_>>().as_slice())
        ),
        ([], several) | (several, _) => bail!("'{wanted}' names {} findings: {}", several.len(), list(several)),
    }
}

fn list(findings: &[&Finding]) -> String {
    if findings.is_empty() {
        return "none".into();
    }
    let named: Vec<String> = findings
        .iter()
        .take(12)
        .map(|f| format!("{} {}", f.id, f.rule_id))
        .collect();
    named.join(", ")
}

struct Verdict {
    line: String,
    code: ExitCode,
}

/// Fixed, still present, or an error when the check did not get to judge.
fn judge(saved: &Finding, report: &Report) -> Result<Verdict> {
    let rule = saved.rule_id.as_str();
    let fingerprint = saved.fingerprint();
    if let Some(now) = report.findings.iter().find(|f| f.fingerprint() == fingerprint) {
        let line = format!(
            "still present: {rule} {} — {} {} ({}; {})",
            now.title,
            now.endpoint.method,
            now.endpoint.url,
            now.confidence,
            now.description.replace('\n', " ")
        );
        return Ok(Verdict {
            line,
            code: ExitCode::from(1),
        });
    }
    let stats = &report.stats;
    let untold = stats.not_applicable.get(rule).or(stats.inconclusive.get(rule));
    let failed = stats.errors.iter().find(|e| e.rule_id == rule).map(|e| &e.message);
    if let Some(why) = untold.or(failed) {
        bail!("{rule} could not re-test the finding: {why}");
    }
    let elsewhere: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| format!("{} {}", f.endpoint.method, f.endpoint.url))
        .collect();
    let also = if elsewhere.is_empty() {
        String::new()
    } else {
        format!("; {rule} still fires elsewhere: {}", elsewhere.join(", "))
    };
    Ok(Verdict {
        line: format!(
            "fixed: {rule} no longer proves {} {}{}{also}",
            saved.endpoint.method,
            saved.endpoint.url,
            saved.variant.as_deref().map(|v| format!(" [{v}]")).unwrap_or_default()
        ),
        code: ExitCode::SUCCESS,
    })
}
