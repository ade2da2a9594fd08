//! The dashboard's HTML: plain pages with inline styles, no scripts; every
//! value from the store is escaped.

use crate::service::AppState;
use chrono::SecondsFormat;
use rampart_model::{Finding, Report};
use rampart_report::diff::{self, Snapshot};
use rampart_report::html_escape as esc;
use rampart_store::StoreError;
use rampart_store::queue::{Event, Target, TargetScan};
use serde_json::Value;
use std::fmt::Write;

/// Events the home page lists.
const HOME_EVENTS: u32 = 20;
/// Events a target's page lists.
const TARGET_EVENTS: u32 = 50;
/// Findings of the latest scan a target's page lists.
const FINDINGS: usize = 50;
/// Scans a target's history chart shows.
const HISTORY: u32 = 30;

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}\
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}\
header{display:flex;justify-content:space-between;align-items:center}form.inline{display:inline}\
.grade{font-weight:bold}.muted{color:#666}.notice{background:#eef;padding:.5rem 1rem}";

fn layout(title: &str, user: Option<(&str, &str)>, body: &str) -> String {
    let account = match user {
        Some((name, csrf)) => format!(
            "<span>Signed in as <strong>{}</strong></span> \
             <form class=\"inline\" method=\"post\" action=\"/dashboard/logout\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button>Sign out</button></form>",
            esc(name),
            esc(csrf)
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} · rampart</title>\
         <style>{STYLE}</style></head><body><header><h1><a href=\"/dashboard\">rampart</a></h1><div>{account}</div></header>\
         <main>{body}</main></body></html>",
        esc(title)
    )
}

/// A page with a heading and one sentence.
pub fn message(title: &str, text: &str) -> String {
    layout(title, None, &format!("<h2>{}</h2><p>{}</p>", esc(title), esc(text)))
}

/// The sign-in form.
pub fn sign_in(csrf: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"notice\">{}</p>", esc(e)))
        .unwrap_or_default();
    layout(
        "Sign in",
        None,
        &format!(
            "<h2>Sign in</h2>{error}<form method=\"post\" action=\"/dashboard/login\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <label>API token <input type=\"password\" name=\"token\" autocomplete=\"off\" required size=\"50\"></label> \
             <button>Sign in</button></form>\
             <p class=\"muted\">Use a token from <code>rampart token create</code> or the one <code>rampart serve</code> printed at its first start.</p>",
            esc(csrf)
        ),
    )
}

/// The targets with their latest scan, recent events and the webhooks.
pub async fn home(state: &AppState, user: &str, csrf: &str) -> Result<String, StoreError> {
    let mut body = String::from("<h2>Targets</h2>");
    let targets = state.queue.targets().await?;
    if targets.is_empty() {
        body.push_str("<p class=\"muted\">No target yet: add one with <code>POST /api/v1/targets</code>.</p>");
    } else {
        body.push_str("<table><tr><th>Name</th><th>URL</th><th>Schedule</th><th>Latest scan</th><th></th></tr>");
        for target in &targets {
            let latest = match state.queue.latest_scan(target.id).await? {
                Some((id, report)) => format!(
                    "<span class=\"grade\">{}</span> {}/100, {} finding(s) <span class=\"muted\">{}</span>",
                    esc(&report.letter_grade),
                    report.overall,
                    report.findings.len(),
                    esc(&id)
                ),
                None => "<span class=\"muted\">none yet</span>".into(),
            };
            let _ = write!(
                body,
                "<tr><td><a href=\"/dashboard/targets/{id}\">{}</a></td><td>{}</td><td>{}</td><td>{latest}</td><td>{}</td></tr>",
                esc(&target.name),
                esc(&target.url),
                esc(target.schedule.as_deref().unwrap_or("on demand")),
                scan_form(target.id, csrf),
                id = target.id,
            );
        }
        body.push_str("</table>");
    }
    body.push_str("<h2>Recent events</h2>");
    body.push_str(&events(&state.queue.recent_events(None, HOME_EVENTS).await?));
    body.push_str("<h2>Webhooks</h2>");
    let hooks = state.queue.webhooks().await?;
    if hooks.is_empty() {
        body.push_str("<p class=\"muted\">None: add one with <code>POST /api/v1/webhooks</code>.</p>");
    } else {
        body.push_str("<table><tr><th>URL</th><th>Events</th><th>State</th></tr>");
        for hook in &hooks {
            let events = if hook.events.is_empty() {
                "all".to_string()
            } else {
                hook.events.join(", ")
            };
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&hook.url),
                esc(&events),
                esc(hook.disabled.as_deref().map_or("enabled", |why| why))
            );
        }
        body.push_str("</table>");
    }
    Ok(layout("Dashboard", Some((user, csrf)), &body))
}

/// One target: its settings, its score history, its latest scan's findings
/// with what changed since the one before, and its events.
pub async fn target(
    state: &AppState,
    user: &str,
    csrf: &str,
    id: i64,
    queued: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let Some(target) = state.queue.target(id).await? else {
        return Ok(None);
    };
    let mut body = String::new();
    match queued {
        Some("yes") => body.push_str("<p class=\"notice\">Scan queued.</p>"),
        Some("busy") => body.push_str("<p class=\"notice\">A scan of this target is already waiting or running.</p>"),
        _ => {}
    }
    body.push_str(&settings(&target, csrf));
    let scans = state.queue.target_scans(id, HISTORY).await?;
    let saved: Vec<&TargetScan> = scans.iter().filter(|s| s.letter_grade.is_some()).collect();
    body.push_str(&chart(&saved));
    let mut latest = saved.iter().filter_map(|s| s.job.result.as_deref());
    match (latest.next(), latest.next()) {
        (Some(newest), previous) => {
            let new = state.queue.report(newest).await?;
            let old = match previous {
                Some(id) => state.queue.report(id).await?,
                None => None,
            };
            if let Some(new) = new {
                body.push_str(&latest_scan(newest, new, old));
            }
        }
        (None, _) => body.push_str("<p class=\"muted\">Not scanned yet.</p>"),
    }
    body.push_str("<h3>Events</h3>");
    body.push_str(&events(&state.queue.recent_events(Some(id), TARGET_EVENTS).await?));
    Ok(Some(layout(&target.name, Some((user, csrf)), &body)))
}

/// The latest scan's findings, and what changed since the one before.
fn latest_scan(id: &str, new: Report, old: Option<Report>) -> String {
    let mut body = format!(
        "<h3>Latest scan {}: <span class=\"grade\">{}</span> {}/100</h3>",
        esc(id),
        esc(&new.letter_grade),
        new.overall
    );
    let new = Snapshot::of(new);
    if let Some(old) = old.map(Snapshot::of) {
        let changes = diff::diff(&old, &new);
        let _ = write!(
            body,
            "<p id=\"diff\">Since the previous scan ({} {}/100): {} new, {} fixed, {} unchanged.</p>",
            esc(&old.report.letter_grade),
            old.report.overall,
            changes.added.len(),
            changes.fixed.len(),
            changes.unchanged.len()
        );
        for (label, entries) in [("New", &changes.added), ("Fixed", &changes.fixed)] {
            if !entries.is_empty() {
                let findings: Vec<&Finding> = entries.iter().map(|e| e.finding).collect();
                let _ = write!(
                    body,
                    "<h4>{label} since the previous scan</h4>{}",
                    findings_table(&findings)
                );
            }
        }
    }
    let findings: Vec<&Finding> = new.report.findings.iter().take(FINDINGS).collect();
    body.push_str("<h4>Findings</h4>");
    body.push_str(&findings_table(&findings));
    body
}

fn findings_table(findings: &[&Finding]) -> String {
    if findings.is_empty() {
        return "<p class=\"muted\">None.</p>".into();
    }
    let mut out = String::from("<table><tr><th>Severity</th><th>Rule</th><th>Finding</th><th>Endpoint</th></tr>");
    for f in findings.iter().take(FINDINGS) {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            f.severity.as_str(),
            esc(&f.rule_id),
            esc(&f.title),
            esc(&format!("{} {}", f.endpoint.method, f.endpoint.url))
        );
    }
    out.push_str("</table>");
    out
}

/// The scores of the saved scans (newest first), oldest to newest as an
/// inline SVG line; each point's title says when, the grade and the score.
fn chart(scans: &[&TargetScan]) -> String {
    if scans.is_empty() {
        return String::new();
    }
    let (width, height, pad) = (600.0, 160.0, 20.0);
    let step = if scans.len() > 1 {
        (width - 2.0 * pad) / (scans.len() - 1) as f64
    } else {
        0.0
    };
    let mut points = Vec::new();
    let mut dots = String::new();
    for (i, scan) in scans.iter().rev().enumerate() {
        let score = scan.overall.unwrap_or(0).clamp(0, 100) as f64;
        let (x, y) = (
            pad + step * i as f64,
            height - pad - score / 100.0 * (height - 2.0 * pad),
        );
        points.push(format!("{x:.1},{y:.1}"));
        let when = crate::schedule::utc(scan.job.updated_ms)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_default();
        let _ = write!(
            dots,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#335\"><title>{} {} {}/100</title></circle>",
            esc(&when),
            esc(scan.letter_grade.as_deref().unwrap_or("")),
            score
        );
    }
    format!(
        "<h3>History ({} scan(s))</h3><svg id=\"history\" role=\"img\" aria-label=\"score of each scan\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\"><rect width=\"{width}\" height=\"{height}\" fill=\"#f6f6fa\"/>\
         <text x=\"2\" y=\"{top}\" font-size=\"10\">100</text><text x=\"2\" y=\"{bottom}\" font-size=\"10\">0</text>\
         <polyline fill=\"none\" stroke=\"#335\" stroke-width=\"2\" points=\"{}\"/>{dots}</svg>",
        scans.len(),
        points.join(" "),
        top = pad + 4.0,
        bottom = height - pad + 4.0,
    )
}

fn settings(target: &Target, csrf: &str) -> String {
    let next = target
        .schedule
        .as_deref()
        .and_then(|p| crate::schedule::next(p, chrono::Utc::now()))
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true));
    format!(
        "<h2>{}</h2><p>{} · schedule {} · next run {} {}</p>",
        esc(&target.name),
        esc(&target.url),
        esc(target.schedule.as_deref().unwrap_or("on demand")),
        esc(next.as_deref().unwrap_or("none")),
        scan_form(target.id, csrf)
    )
}

fn scan_form(id: i64, csrf: &str) -> String {
    format!(
        "<form class=\"inline\" method=\"post\" action=\"/dashboard/targets/{id}/scan\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button>Scan now</button></form>",
        esc(csrf)
    )
}

fn events(events: &[Event]) -> String {
    if events.is_empty() {
        return "<p class=\"muted\">None yet.</p>".into();
    }
    let mut out = String::from("<table><tr><th>When</th><th>Event</th><th>Target</th><th>What</th></tr>");
    for event in events {
        let when = crate::schedule::utc(event.created_ms)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_default();
        let target = event
            .target
            .map(|t| format!("<a href=\"/dashboard/targets/{t}\">{t}</a>"))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{target}</td><td>{}</td></tr>",
            esc(&when),
            esc(&event.kind),
            esc(&what(event))
        );
    }
    out.push_str("</table>");
    out
}

/// An event's data in a few words.
fn what(event: &Event) -> String {
    let data: Value = serde_json::from_str(&event.data).unwrap_or(Value::Null);
    let text = |key: &str| {
        data.get(key)
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
    };
    match event.kind.as_str() {
        "scan.completed" => format!(
            "{} {}/100, {} finding(s)",
            text("letterGrade").unwrap_or_default(),
            text("overall").unwrap_or_default(),
            text("findings").unwrap_or_default()
        ),
        "grade.changed" => format!(
            "{} → {}",
            text("from").unwrap_or_default(),
            text("to").unwrap_or_default()
        ),
        "finding.new" | "finding.fixed" => {
            let part = |key: &str| data["endpoint"][key].as_str().unwrap_or_default().to_string();
            format!(
                "{} {} ({} {})",
                text("ruleId").unwrap_or_default(),
                text("title").unwrap_or_default(),
                part("method"),
                part("url")
            )
        }
        "scan.failed" => text("error").unwrap_or_default(),
        _ => String::new(),
    }
}
