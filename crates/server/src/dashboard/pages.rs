//! The dashboard's HTML: plain pages with inline styles, no scripts; every
//! value from the store is escaped.

use crate::service::AppState;
use chrono::SecondsFormat;
use rampart_report::html_escape as esc;
use rampart_store::StoreError;
use rampart_store::queue::{Event, Target};
use serde_json::Value;
use std::fmt::Write;

/// Events the home page lists.
const HOME_EVENTS: u32 = 20;
/// Events a target's page lists.
const TARGET_EVENTS: u32 = 50;
/// Findings of the latest scan a target's page lists.
const FINDINGS: usize = 50;

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

/// One target: its settings, its latest scan's findings and its events.
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
    match state.queue.latest_scan(id).await? {
        Some((scan, report)) => {
            let _ = write!(
                body,
                "<h3>Latest scan {}: <span class=\"grade\">{}</span> {}/100</h3>",
                esc(&scan),
                esc(&report.letter_grade),
                report.overall
            );
            body.push_str("<table><tr><th>Severity</th><th>Rule</th><th>Finding</th><th>Endpoint</th></tr>");
            for f in report.findings.iter().take(FINDINGS) {
                let _ = write!(
                    body,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    f.severity.as_str(),
                    esc(&f.rule_id),
                    esc(&f.title),
                    esc(&format!("{} {}", f.endpoint.method, f.endpoint.url))
                );
            }
            body.push_str("</table>");
        }
        None => body.push_str("<p class=\"muted\">Not scanned yet.</p>"),
    }
    body.push_str("<h3>Events</h3>");
    body.push_str(&events(&state.queue.recent_events(Some(id), TARGET_EVENTS).await?));
    Ok(Some(layout(&target.name, Some((user, csrf)), &body)))
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
        "finding.new" | "finding.fixed" => format!(
            "{} {} ({})",
            text("ruleId").unwrap_or_default(),
            text("title").unwrap_or_default(),
            text("endpoint").unwrap_or_default()
        ),
        "scan.failed" => text("error").unwrap_or_default(),
        _ => String::new(),
    }
}
