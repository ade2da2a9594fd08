//! Running a scan: reach the target, fingerprint it, establish the flow, run
//! the selected checks (session checks one at a time, the rest in parallel),
//! then score and assemble the redacted report.

use crate::agent::{Agent, Carrier};
use crate::callback::Listener;
use crate::check::{Check, Context, Outcome};
use crate::config::ScanConfig;
use crate::coverage::{self, Did};
use crate::error::Result;
use crate::flow::Driver;
use crate::http::{HttpLayer, Request};
use crate::inventory::Source;
use crate::redact::Redactor;
use crate::shared::Shared;
use crate::{fingerprint, flow::Stack};
use futures::StreamExt;
use rampart_inspect::Inspector;
use rampart_model::{CheckError, Exchange, Finding, Fingerprint, FlowUsed, Need, Report, Stats, score};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

/// Where a scan reports progress; the CLI draws a bar, tests ignore it.
pub trait Progress: Send + Sync {
    /// A step before the checks (reaching the target, the survey, the login).
    fn stage(&self, _message: &str) {}
    /// A phase of checks begins: the session suite, then the other categories.
    fn phase(&self, _phase: Phase, _checks: usize) {}
    /// A check finished; `requests_sent` counts the whole scan's so far.
    fn check_done(&self, _rule_id: &str, _requests_sent: u64) {}
    /// A finding as soon as its check proved it (redacted; its id and
    /// suppression are decided with the report).
    fn finding(&self, _finding: &Finding) {}
}

impl Progress for () {}

/// The phases of checks a scan runs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The checks that drive the session flow, one after another.
    SessionSuite,
    /// Every other check, in parallel.
    Categories,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::SessionSuite => "session suite",
            Phase::Categories => "categories",
        }
    }
}

/// Checks that run in parallel at once (their requests are bounded by the layer anyway).
const PARALLEL_CHECKS: usize = 8;

/// Run `checks` against the configured target. Errors here are target or
/// configuration errors (exit 2); a failing check is recorded in the report.
pub async fn run_scan(config: &ScanConfig, checks: &[&dyn Check], progress: &dyn Progress) -> Result<Report> {
    let started_at = now();
    let clock = Instant::now();
    let layer = Arc::new(HttpLayer::new(&config.limits, &config.target, config.headers.clone())?);
    let redactor = Arc::new(Redactor::default());
    redactor.credentials(&config.headers);
    progress.stage("reaching the target");
    let seen = reach(config, &layer).await?;
    progress.stage("reading the API inventory");
    let mut inventory = crate::spec::inventory(config, &layer).await?;
    leave_out_state_changing(&mut inventory, &layer);
    leave_out_of_scope(&mut inventory, &layer);
    let (flow, flow_used) = session_flow(config, &inventory, &layer, &redactor, progress).await?;
    let driver = match flow {
        Some(flow) => {
            progress.stage("validating the session flow");
            Some(
                Driver::establish(
                    flow,
                    config.target.clone(),
                    layer.clone(),
                    redactor.clone(),
                    config.session_recheck,
                )
                .await?,
            )
        }
        None => None,
    };
    if !config.identities.is_empty() {
        progress.stage("logging in the other identities");
    }
    let identities = crate::identity::establish(config, &inventory, &layer, &redactor).await?;
    let auth = crate::check::credentials(config, driver.as_ref()).await?;
    if let (Some(auth), Source::Discovery) = (&auth, &inventory.source) {
        progress.stage("looking for an API description as the signed-in user");
        if let Some(url) = crate::spec::read_signed_in(&config.target, &layer, &mut inventory, auth).await? {
            layer.note(format!(
                "the API description at {url} is served to signed-in users only; read with the scan's credentials"
            ));
            leave_out_state_changing(&mut inventory, &layer);
            leave_out_of_scope(&mut inventory, &layer);
        }
    }
    if let (Some(auth), Source::Discovery) = (&auth, &inventory.source) {
        progress.stage("crawling as the signed-in user");
        let added = crate::spec::crawl_signed_in(&config.target, &layer, &mut inventory, auth).await?;
        leave_out_of_scope(&mut inventory, &layer);
        if added > 0 {
            layer.note(format!("the signed-in crawl found {added} more operation(s)"));
        }
    }
    progress.stage("surveying the endpoints");
    let survey = layer
        .for_phase("survey")
        .run(crate::survey::run(&inventory, &layer, auth.as_deref()))
        .await?;
    let hint = config.flow.as_ref().map(|f| f.stack.clone()).unwrap_or_default();
    let store = connect_store(config, &layer).await;
    let selected: Vec<&dyn Check> = checks.iter().copied().filter(|c| selected(config, *c)).collect();
    let callback = listen(config, &selected, &layer).await;
    let mut fingerprint = identify(&seen, driver.as_ref(), &hint);
    if let Some(inspector) = &store {
        fingerprint.store.get_or_insert_with(|| inspector.kind().to_string());
    }
    let shared = Shared::default();
    let ctx = Context {
        config,
        layer: layer.clone(),
        driver: driver.as_ref(),
        fingerprint: &fingerprint,
        seen: &seen,
        store: store.as_ref(),
        inventory: &inventory,
        survey: &survey,
        callback: callback.as_ref(),
        shared: &shared,
        identities: &identities,
        redactor: &redactor,
    };
    let results = execute(&ctx, &selected, progress).await;
    let unmet: Vec<Need> = Need::ALL
        .into_iter()
        .filter(|&n| crate::check::unmet(&ctx, n).is_some())
        .collect();
    let ledger = shared.get::<crate::writes::Ledger>();
    let auth = crate::check::credentials(config, driver.as_ref()).await.ok().flatten();
    crate::writes::sweep(&ledger, &layer, auth.as_deref()).await;
    let did = results_by_rule(&results);
    let mut report = assemble(config, results, fingerprint, &layer);
    report.stats.writes = ledger.writes();
    report.rules = selected.iter().map(|c| *c.rule()).collect();
    report.stats.relogins = driver.as_ref().map_or(0, |d| d.relogins());
    report.flow = flow_used;
    report.identities = identities.iter().map(|i| redactor.text(&i.describe())).collect();
    report.started_at = started_at;
    report.completed_at = now();
    report.duration_ms = clock.elapsed().as_millis() as u64;
    redact(&mut report, &redactor, &layer, driver.as_ref().map(Driver::carrier));
    let scan = coverage::Scan {
        config,
        unmet: &unmet,
        exchanges: &report.exchanges,
        inventory: &inventory,
    };
    let outcomes: Vec<(&dyn Check, Did)> = checks
        .iter()
        .map(|c| (*c, did.get(c.rule().id).cloned().unwrap_or(Did::NotSelected)))
        .collect();
    report.coverage = coverage::assess(&scan, &outcomes);
    for line in &mut report.coverage.not_tested {
        *line = redactor.text(line);
    }
    Ok(report)
}

/// What each check that ran did, by rule id, for the coverage.
fn results_by_rule(results: &[CheckResult]) -> BTreeMap<&'static str, Did> {
    let did = |outcome: &Result<Outcome>| match outcome {
        Ok(Outcome::Findings(_)) => Did::Ran,
        Ok(Outcome::NotApplicable(_)) => Did::NotApplicable,
        Ok(Outcome::Inconclusive(why)) => Did::Inconclusive(why.clone()),
        Err(e) => Did::Failed(e.to_string()),
    };
    results.iter().map(|(rule, outcome)| (rule.id, did(outcome))).collect()
}

/// GET operations whose path names a state-changing action (`GET /createdb`)
/// leave the inventory: no check, survey or burst may send them (the layer
/// refuses them anyway); the report's events say which.
fn leave_out_state_changing(inventory: &mut crate::inventory::Inventory, layer: &HttpLayer) {
    let mut left_out = Vec::new();
    inventory.endpoints.retain(|e| {
        let keep = !e.is_safe() || layer.state_changing(&e.url).is_none();
        if !keep {
            left_out.push(format!("{} {}", e.method, e.path));
        }
        keep
    });
    if !left_out.is_empty() {
        layer.note(format!(
            "left out {} operation(s) that look state-changing though their method is safe ({}); --safe-word admits a word",
            left_out.len(),
            left_out.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        ));
    }
}

/// Operations outside the path scope (`--include`/`--exclude`) leave the
/// inventory; the report's events say how many.
fn leave_out_of_scope(inventory: &mut crate::inventory::Inventory, layer: &HttpLayer) {
    let before = inventory.endpoints.len();
    inventory.endpoints.retain(|e| layer.out_of_scope(&e.url).is_none());
    let left = before - inventory.endpoints.len();
    if left > 0 {
        layer.note(format!(
            "left out {left} operation(s) outside the path scope (--include/--exclude)"
        ));
    }
}

/// The flow to log in with: the one given, or one discovered from `--login`
/// credentials (its password redacted from here on); and how the report
/// describes it.
async fn session_flow(
    config: &ScanConfig,
    inventory: &crate::inventory::Inventory,
    layer: &Arc<HttpLayer>,
    redactor: &Redactor,
    progress: &dyn Progress,
) -> Result<(Option<crate::flow::Flow>, Option<FlowUsed>)> {
    if let Some(flow) = &config.flow {
        let used = FlowUsed {
            discovered: false,
            summary: flow.describe(),
            file: None,
        };
        return Ok((Some(flow.clone()), Some(used)));
    }
    let Some(creds) = &config.login else {
        return Ok((None, None));
    };
    redactor.secret(&creds.password);
    progress.stage("discovering the login flow");
    let found = crate::flow::discover::discover(&config.target, inventory, layer, creds).await?;
    let used = FlowUsed {
        discovered: true,
        summary: found.summary,
        file: Some(found.file),
    };
    Ok((Some(found.flow), Some(used)))
}

/// The first requests: the target itself (an unreachable target ends the scan)
/// and a path that does not exist, whose answer names many frameworks.
async fn reach(config: &ScanConfig, layer: &Arc<HttpLayer>) -> Result<Vec<Exchange>> {
    let mut agent = Agent::new(layer.clone(), Carrier::Bearer);
    let root = agent.send(Request::get(config.target.clone()), true).await?;
    let mut missing = config.target.clone();
    missing.set_path(&format!(
        "{}/rampart-{:08x}",
        config.target.path().trim_end_matches('/'),
        rand::random::<u32>()
    ));
    let mut seen = root.exchanges;
    match agent.send(Request::get(missing), false).await {
        Ok(trip) => seen.extend(trip.exchanges),
        Err(e) if e.is_budget() => return Err(e),
        Err(_) => {}
    }
    Ok(seen)
}

/// The store named by `--store`; a store that cannot be reached is noted and the HTTP scan goes on.
async fn connect_store(config: &ScanConfig, layer: &HttpLayer) -> Option<Inspector> {
    let url = config.store.as_deref()?;
    let connected = match (Inspector::connect(url).await, &config.store_table) {
        (Ok(inspector), Some(table)) => inspector.restrict(table).await,
        (result, _) => result,
    };
    match connected {
        Ok(inspector) => Some(inspector),
        Err(e) => {
            layer.note(format!("store inspection skipped: {e}"));
            None
        }
    }
}

/// The callback listener, started only when a selected check uses it; a bind failure is noted.
async fn listen(config: &ScanConfig, checks: &[&dyn Check], layer: &HttpLayer) -> Option<Listener> {
    if !checks.iter().any(|c| c.rule().requires(Need::Callback)) {
        return None;
    }
    match Listener::start(config.callback_listen, config.callback_url.clone()).await {
        Ok(listener) => Some(listener),
        Err(e) => {
            layer.note(format!("callback checks skipped: {e}"));
            None
        }
    }
}

fn identify(seen: &[Exchange], driver: Option<&Driver>, hint: &Stack) -> Fingerprint {
    let flow_seen = driver.into_iter().flat_map(|d| d.baseline().exchanges());
    fingerprint::detect(seen.iter().chain(flow_seen), hint)
}

fn selected(config: &ScanConfig, check: &dyn Check) -> bool {
    let rule = check.rule();
    config.selection.is_empty() || config.selection.iter().any(|s| crate::input::selects(s, rule))
}

type CheckResult = (&'static rampart_model::Rule, Result<Outcome>);

async fn execute<'a>(ctx: &'a Context<'a>, checks: &[&'a dyn Check], progress: &'a dyn Progress) -> Vec<CheckResult> {
    let run = |check: &'a dyn Check| {
        let rule = check.rule();
        async move {
            let unmet = rule.needs.iter().find_map(|&need| crate::check::unmet(ctx, need));
            let outcome = if let Some(why) = unmet {
                Ok(Outcome::NotApplicable(why.into()))
            } else {
                match within_deadline(ctx, check).await {
                    Err(crate::Error::Inconclusive(why)) => Ok(Outcome::Inconclusive(why)),
                    outcome => outcome,
                }
            };
            if let Ok(Outcome::Findings(found)) = &outcome {
                stream(ctx, found, progress);
            }
            progress.check_done(rule.id, ctx.layer.requests_sent());
            (rule, outcome)
        }
    };
    let mut results = Vec::with_capacity(checks.len());
    let (suite, others): (Vec<&dyn Check>, Vec<&dyn Check>) =
        checks.iter().partition(|c| c.rule().requires(Need::Flow));
    if !suite.is_empty() {
        progress.phase(Phase::SessionSuite, suite.len());
    }
    for check in suite {
        results.push(run(check).await);
    }
    progress.phase(Phase::Categories, others.len());
    let parallel = others.into_iter().map(run);
    results.extend(
        futures::stream::iter(parallel)
            .buffer_unordered(PARALLEL_CHECKS)
            .collect::<Vec<_>>()
            .await,
    );
    results
}

/// Checks outside the flow (a burst at the login page, the survey) are issued
/// session cookies too: every value the server set in `exchanges` for the
/// flow's session cookies, or for a cookie named like a token
/// (`refresh_token`, `XSRF-TOKEN`), is a live token.
fn live_cookies(exchanges: &[Exchange], redactor: &Redactor, carrier: Option<&Carrier>) {
    let names = carrier.map_or(&[][..], Carrier::cookie_names);
    let issued = exchanges.iter().flat_map(|ex| &ex.response.headers);
    let cookies = issued.filter(|h| h.name.eq_ignore_ascii_case("set-cookie"));
    for cookie in cookies.filter_map(|h| crate::cookies::SetCookie::parse(&h.value)) {
        let live = names.contains(&cookie.name) || crate::redact::secret_name(&cookie.name);
        if live && !cookie.is_removal() {
            redactor.token(&cookie.value);
        }
    }
}

/// `finding` with every secret known so far hidden.
fn redact_finding(finding: &mut Finding, redactor: &Redactor) {
    finding.description = redactor.text(&finding.description);
    for ex in &mut finding.evidence {
        redactor.exchange(ex);
    }
    for seen in &mut finding.store_evidence {
        seen.note = redactor.text(&seen.note);
        for value in seen.record.iter_mut().flat_map(|r| r.values_mut()).flatten() {
            *value = redactor.text(value);
        }
    }
}

/// Hand `found` to `progress` as soon as its check proved it, redacted.
fn stream(ctx: &Context<'_>, found: &[Finding], progress: &dyn Progress) {
    for finding in found {
        let mut shown = finding.clone();
        live_cookies(&shown.evidence, ctx.redactor, ctx.driver.map(Driver::carrier));
        redact_finding(&mut shown, ctx.redactor);
        progress.finding(&shown);
    }
}

/// Time a check may still run once the deadline has passed, to finish with
/// what it has (every request it sends then fails at once).
const DEADLINE_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Run `check` in its own scope of the HTTP layer (its requests attributed to
/// it, and refused beyond what it declares), cut when the scan's deadline has
/// passed (a check waiting between requests would otherwise outlive it).
async fn within_deadline(ctx: &Context<'_>, check: &dyn Check) -> Result<Outcome> {
    let scope = ctx.layer.for_check(check.rule().id, check.max_requests(ctx.config));
    let run = scope.run(check.run(ctx));
    let Some(left) = ctx.layer.remaining() else {
        return run.await;
    };
    let max = ctx.config.limits.max_duration.unwrap_or_default().as_secs();
    tokio::time::timeout(left + DEADLINE_GRACE, run)
        .await
        .unwrap_or(Err(crate::Error::Deadline(max)))
}

/// The event saying an interrupt or the deadline cut the scan, and which checks it cut.
fn deadline_event(config: &ScanConfig, layer: &HttpLayer, cut: &[&str]) -> Option<String> {
    if config.limits.interrupt.is_set() {
        let unfinished = match cut {
            [] => String::new(),
            _ => format!(": {} check(s) did not finish: {}", cut.len(), cut.join(", ")),
        };
        return Some(format!("interrupted (Ctrl-C): this report is partial{unfinished}"));
    }
    let secs = config.limits.max_duration?.as_secs();
    let expired = layer.remaining().is_some_and(|left| left.is_zero());
    let said = format!("the scan deadline of {secs} s (--max-duration) cut the scan");
    match cut {
        [] if expired => Some(said),
        [] => None,
        _ => Some(format!(
            "{said}: {} check(s) did not finish: {}",
            cut.len(),
            cut.join(", ")
        )),
    }
}

fn assemble(config: &ScanConfig, results: Vec<CheckResult>, fingerprint: Fingerprint, layer: &HttpLayer) -> Report {
    let mut findings: Vec<Finding> = Vec::new();
    let mut stats = Stats {
        checks_run: results.len(),
        ..Default::default()
    };
    let mut applicable = BTreeSet::new();
    let mut cut = Vec::new();
    for (rule, outcome) in results {
        match outcome {
            Ok(Outcome::Findings(found)) => {
                applicable.insert(rule.category);
                let strays = found
                    .iter()
                    .filter_map(|f| f.variant.as_deref())
                    .filter(|v| !rule.variants.contains(v));
                for stray in strays.collect::<BTreeSet<_>>() {
                    stats.errors.push(CheckError {
                        rule_id: rule.id.to_string(),
                        message: format!("reported variant {stray:?}, which the rule does not declare"),
                    });
                }
                findings.extend(found);
            }
            Ok(Outcome::NotApplicable(why)) => {
                stats.not_applicable.insert(rule.id.to_string(), why);
            }
            Ok(Outcome::Inconclusive(why)) => {
                stats.inconclusive.insert(rule.id.to_string(), why);
            }
            Err(e) => {
                if matches!(e, crate::Error::Deadline(_) | crate::Error::Interrupted) {
                    cut.push(rule.id);
                }
                stats.errors.push(CheckError {
                    rule_id: rule.id.to_string(),
                    message: e.to_string(),
                });
            }
        }
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.confidence.cmp(&a.confidence))
            .then(a.rule_id.cmp(&b.rule_id))
    });
    for (i, f) in findings.iter_mut().enumerate() {
        f.id = format!("f-{}", i + 1);
    }
    let scored = score::score(&findings, &applicable);
    stats.requests = layer.requests_sent();
    stats.requests_by_rule = layer.requests_by_rule();
    stats.events = layer.events();
    stats.events.splice(0..0, deadline_event(config, layer, &cut));
    Report {
        schema: rampart_model::report::SCHEMA.into(),
        tool: Report::tool(),
        target: config.target.to_string(),
        started_at: String::new(),
        completed_at: String::new(),
        duration_ms: 0,
        overall: scored.overall,
        letter_grade: score::grade(scored.overall).into(),
        categories: scored.categories.into_iter().collect::<BTreeMap<_, _>>(),
        findings,
        suppressed: Vec::new(),
        fingerprint,
        stats,
        flow: None,
        identities: Vec::new(),
        coverage: Default::default(),
        exchanges: Vec::new(),
        rules: Vec::new(),
    }
}

/// Hide passwords and live tokens everywhere in the report.
fn redact(report: &mut Report, redactor: &Redactor, layer: &HttpLayer, carrier: Option<&Carrier>) {
    report.exchanges = layer.exchanges();
    live_cookies(&report.exchanges, redactor, carrier);
    for finding in &mut report.findings {
        redact_finding(finding, redactor);
    }
    for ex in &mut report.exchanges {
        redactor.exchange(ex);
    }
    report.stats.events = report.stats.events.iter().map(|e| redactor.text(e)).collect();
    for write in &mut report.stats.writes {
        write.url = redactor.text(&write.url);
        write.created = write.created.as_deref().map(|c| redactor.text(c));
    }
    for error in &mut report.stats.errors {
        error.message = redactor.text(&error.message);
    }
    for why in report
        .stats
        .not_applicable
        .values_mut()
        .chain(report.stats.inconclusive.values_mut())
    {
        *why = redactor.text(why);
    }
}

fn now() -> String {
    let fmt = time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::now_utc().format(&fmt).unwrap_or_default()
}
