//! SESS-002: a session id taken from the request becomes the session (it is
//! stored as a new session record or set as the cookie). SESS-003: a session
//! id from the URL's query string selects the session.

use super::patterns::{
    COOKIE_SET, QUERY_SOURCE, REQUEST_SOURCE, SESSION_CREATE, SESSION_LOOKUP, SID_NAME, URL_TRACKING, mentions,
};
use super::{Ctx, Hit};
use rampart_model::Confidence;

/// Parameters that are the framework's request, response or plumbing, not input.
const PLUMBING: &[&str] = &[
    "self", "cls", "request", "req", "res", "response", "w", "r", "ctx", "c", "db", "conn", "next", "err", "e", "app",
    "session", "sess", "store",
];

/// Where a tainted value came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Query,
    Request,
}

pub fn check(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    url_tracking(ctx, hits);
    let tainted = tainted(ctx);
    if tainted.is_empty() {
        return;
    }
    let (mut adopted, mut from_url) = (false, false);
    // Queries kept in variables: `query = "SELECT … FROM sessions …"; conn.execute(query, …)`.
    let held = |pattern: &regex::Regex| -> Vec<String> {
        ctx.unit
            .assigns
            .iter()
            .filter(|a| is_identifier(&a.target) && pattern.is_match(&a.value))
            .map(|a| a.target.clone())
            .collect()
    };
    let (creating, looking_up) = (held(&SESSION_CREATE), held(&SESSION_LOOKUP));
    for call in &ctx.unit.calls {
        let reaches = |o: Origin| {
            tainted.iter().find(|(name, origin)| {
                *origin == o
                    && if is_identifier(name) {
                        mentions(&call.text, name)
                    } else {
                        call.text.contains(name.as_str())
                    }
            })
        };
        let via = |names: &[String]| names.iter().any(|n| mentions(&call.text, n));
        let creates = COOKIE_SET.is_match(&call.text) || SESSION_CREATE.is_match(&call.text) || via(&creating);
        let looks_up = SESSION_LOOKUP.is_match(&call.text) || via(&looking_up);
        if let (false, true, Some((name, _))) = (adopted, creates, reaches(Origin::Request).or(reaches(Origin::Query)))
        {
            adopted = true;
            let message = format!(
                "{} makes a session out of `{name}`, a session id the client sent (line {}): an attacker \
                 who chooses the id knows the victim's session",
                ctx.what(),
                call.line
            );
            hits.push(ctx.hit_at("SESS-002", call, Confidence::Tentative, message));
        } else if let (false, true, Some((name, _))) = (from_url, looks_up, reaches(Origin::Query)) {
            from_url = true;
            let message = format!(
                "{} loads the session named by `{name}` from the URL's query string (line {}): session ids in \
                 URLs leak through logs, history and Referer, and let an attacker plant one",
                ctx.what(),
                call.line
            );
            hits.push(ctx.hit_at("SESS-003", call, Confidence::Tentative, message));
        }
    }
}

/// Session ids named in request input: source expressions themselves and the
/// variables assigned from them (two steps of copying followed).
fn tainted(ctx: &Ctx<'_, '_>) -> Vec<(String, Origin)> {
    let unit = ctx.unit;
    // A route handler's other parameters are request input (FastAPI bodies, path and query values).
    let handler = unit.context.contains('/') || unit.context.contains("route");
    let input_params: Vec<&String> = unit
        .params
        .iter()
        .filter(|p| handler && !PLUMBING.contains(&p.to_ascii_lowercase().as_str()))
        .collect();
    let origin_of = |text: &str| -> Option<Origin> {
        if !SID_NAME.is_match(text) {
            return None;
        }
        if QUERY_SOURCE.is_match(text) {
            return Some(Origin::Query);
        }
        let from_param = input_params
            .iter()
            .any(|p| text.starts_with(&format!("{p}.")) || text.starts_with(&format!("{p}[")));
        (REQUEST_SOURCE.is_match(text) || from_param).then_some(Origin::Request)
    };
    let mut tainted: Vec<(String, Origin)> = Vec::new();
    for assign in &unit.assigns {
        if let Some(origin) = origin_of(&assign.value) {
            tainted.push((assign.value.clone(), origin));
            if is_identifier(&assign.target) {
                tainted.push((assign.target.clone(), origin));
            }
        }
    }
    for call in &unit.calls {
        for param in &input_params {
            for field in ["session_id", "sessionId", "sid", "session_token", "sessionToken"] {
                let expr = format!("{param}.{field}");
                if mentions(&call.text, &expr) && !tainted.iter().any(|(t, _)| *t == expr) {
                    tainted.push((expr, Origin::Request));
                }
            }
        }
    }
    for _ in 0..2 {
        for assign in &unit.assigns {
            let copied = tainted
                .iter()
                .find(|(t, _)| mentions(&assign.value, t))
                .map(|(_, o)| *o);
            if let (Some(origin), true) = (copied, is_identifier(&assign.target)) {
                if !tainted.iter().any(|(t, _)| *t == assign.target) {
                    tainted.push((assign.target.clone(), origin));
                }
            }
        }
    }
    tainted
}

/// Container settings that put session ids in URLs.
fn url_tracking(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    if let Some(call) = ctx.unit.calls.iter().find(|c| URL_TRACKING.is_match(&c.text)) {
        let message = format!(
            "URL session tracking is switched on (`{}`): the container writes session ids into links, \
             and accepts them from the URL",
            call.text.lines().next().unwrap_or_default().trim()
        );
        hits.push(ctx.hit("SESS-003", call.line, Confidence::Firm, message));
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}
