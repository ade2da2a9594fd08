//! SESS-002: a session id taken from the request becomes the session (it is
//! stored as a new session record, set as the cookie or given to a session
//! constructor). SESS-003: a session id from the URL's query string selects
//! the session.
//!
//! The taint is followed through a unit's assignments by line: a variable
//! carries request input at a call when its latest assignment before the
//! call does (`sid = request.cookies.get(…)` then `sid = secrets.token_urlsafe()`
//! is clean again), through up to [`COPIES`] copies.

use super::patterns::{
    COOKIE_SET, QUERY_SOURCE, REQUEST_SOURCE, SESSION_CREATE, SESSION_LOOKUP, SID_NAME, TOKEN_NAME, URL_TRACKING,
};
use super::{Ctx, Hit};
use crate::syntax::{Assign, Fact, Scope, Unit};
use rampart_model::Confidence;
use regex::Regex;

/// Parameters that are the framework's request, response or plumbing, not input.
const PLUMBING: &[&str] = &[
    "self", "cls", "request", "req", "res", "response", "w", "r", "ctx", "c", "db", "conn", "next", "err", "e", "app",
    "session", "sess", "store",
];

/// Fields of a handler's input parameter that hold a session id (`data.session_id`).
const SID_FIELDS: &[&str] = &["session_id", "sessionId", "sid", "session_token", "sessionToken"];

/// How many assignments a value is followed back through.
const COPIES: u8 = 3;

/// Where a tainted value came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Query,
    Request,
}

pub fn check(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    url_tracking(ctx, hits);
    let taint = Taint::new(ctx.unit);
    // Queries kept in variables: `query = "SELECT … FROM sessions …"; conn.execute(query, …)`.
    let held = |pattern: &Regex| -> Vec<&str> {
        let assigns = ctx.unit.assigns.iter();
        assigns
            .filter(|a| is_identifier(&a.target) && pattern.is_match(&a.value))
            .map(|a| a.target.as_str())
            .collect()
    };
    let (creating, looking_up) = (held(&SESSION_CREATE), held(&SESSION_LOOKUP));
    let (mut adopted, mut from_url) = (false, false);
    for call in &ctx.unit.calls {
        let via = |names: &[&str]| names.iter().any(|n| uses(&call.text, n));
        let creates = COOKIE_SET.is_match(&call.text) || SESSION_CREATE.is_match(&call.text) || via(&creating);
        let looks_up = SESSION_LOOKUP.is_match(&call.text) || via(&looking_up);
        if !adopted && creates {
            if let Some((name, _)) = taint.reaching(call) {
                adopted = true;
                let message = format!(
                    "{} makes a session out of `{name}`, a session id the client sent (line {}): an attacker \
                     who chooses the id knows the victim's session",
                    ctx.what(),
                    call.line
                );
                hits.push(ctx.hit_at("SESS-002", call, Confidence::Tentative, message));
                continue;
            }
        }
        if let (false, true, Some((name, Origin::Query))) = (from_url, looks_up, taint.reaching(call)) {
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

/// Request input in one unit.
struct Taint<'u> {
    unit: &'u Unit,
    /// A route handler's input parameters (FastAPI bodies, path and query values).
    inputs: Vec<&'u str>,
}

impl<'u> Taint<'u> {
    fn new(unit: &'u Unit) -> Taint<'u> {
        let handler = unit.context.contains('/') || unit.context.contains("route");
        let inputs = unit
            .params
            .iter()
            .filter(|p| handler && !PLUMBING.contains(&p.to_ascii_lowercase().as_str()))
            .map(String::as_str)
            .collect();
        Taint { unit, inputs }
    }

    /// The first tainted name `call` uses, and where its value came from.
    fn reaching(&self, call: &Fact) -> Option<(String, Origin)> {
        let fields = self
            .inputs
            .iter()
            .flat_map(|p| SID_FIELDS.iter().map(move |f| format!("{p}.{f}")));
        if let Some(field) = fields.into_iter().find(|f| uses(&call.text, f)) {
            return Some((field, Origin::Request));
        }
        let names = self
            .unit
            .assigns
            .iter()
            .map(|a| a.target.as_str())
            .filter(|t| is_identifier(t));
        names
            .filter(|n| uses(&call.text, n))
            .find_map(|n| self.at(n, call.line, &call.scope, COPIES).map(|o| (n.to_string(), o)))
    }

    /// Where `name`'s value at `line` (in `scope`) may have come from: its
    /// latest assignment before `line` on every path there, and any later one
    /// in a branch (`token := old; if token == "" { token = fresh() }`: both).
    fn at(&self, name: &str, line: usize, scope: &Scope, copies: u8) -> Option<Origin> {
        let before: Vec<&Assign> = self
            .unit
            .assigns
            .iter()
            .filter(|a| a.target == name && a.line < line)
            .collect();
        let settled = before
            .iter()
            .filter(|a| scope.starts_with(&a.scope))
            .map(|a| a.line)
            .max()
            .unwrap_or(0);
        let origins: Vec<Origin> = before
            .into_iter()
            .filter(|a| a.line >= settled)
            .filter_map(|a| self.of(a, copies))
            .collect();
        worst(&origins)
    }

    /// Where an assignment's value came from: the request directly, an input
    /// parameter's session-id field, or a tainted variable it copies.
    fn of(&self, assign: &Assign, copies: u8) -> Option<Origin> {
        let value = assign.value.as_str();
        let origin = || {
            if QUERY_SOURCE.is_match(value) {
                Origin::Query
            } else {
                Origin::Request
            }
        };
        let named_sid = SID_NAME.is_match(value) && REQUEST_SOURCE.is_match(value);
        // `oldToken := r.Header.Get(tokenHeader)`: a token-named variable that IS a request read.
        let read_into_token = TOKEN_NAME.is_match(&assign.target) && reads_request(value);
        let from_input = self
            .inputs
            .iter()
            .any(|p| SID_FIELDS.iter().any(|f| uses(value, &format!("{p}.{f}"))));
        if named_sid || read_into_token || from_input {
            return Some(origin());
        }
        if copies == 0 {
            return None;
        }
        let names = self
            .unit
            .assigns
            .iter()
            .map(|a| a.target.as_str())
            .filter(|t| is_identifier(t));
        let origins: Vec<Origin> = names
            .filter(|n| *n != assign.target && uses(value, n))
            .filter_map(|n| self.at(n, assign.line, &assign.scope, copies - 1))
            .collect();
        worst(&origins)
    }
}

/// The worse of the places a value may have come from: the URL, else the request.
fn worst(origins: &[Origin]) -> Option<Origin> {
    origins
        .iter()
        .copied()
        .find(|o| *o == Origin::Query)
        .or(origins.first().copied())
}

/// The value is a read of the request itself, not something computed from it:
/// `r.Header.Get(h)`, `request.cookies.get(c)`, `await req.body.token`.
fn reads_request(value: &str) -> bool {
    let value = value.trim().trim_start_matches("await ").trim_start();
    REQUEST_SOURCE.find(value).is_some_and(|m| m.start() == 0)
}

/// `text` uses the variable `name` as a value: not as another object's field
/// (`self.sid`), a keyword argument's or an object key's name (`sid=…`, `sid: …`).
fn uses(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let rest = text[at + name.len()..].trim_start();
        let after = text[at + name.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        let named = (rest.starts_with('=') && !rest.starts_with("=="))
            || (rest.starts_with(':') && !rest.starts_with("::") && !rest.starts_with(":="));
        !ident(before) && !ident(after) && before != Some('.') && !named
    })
}

/// Container settings that put session ids in URLs.
fn url_tracking(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    if let Some(call) = ctx.unit.calls.iter().find(|c| URL_TRACKING.is_match(&c.text)) {
        let message = format!(
            "URL session tracking is switched on (`{}`): the container writes session ids into links, \
             and accepts them from the URL",
            call.head().trim()
        );
        hits.push(ctx.hit("SESS-003", call.line, Confidence::Firm, message));
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_not_names() {
        assert!(uses("FirestoreSession(sid=sid, new=True)", "sid"));
        assert!(!uses("FirestoreSession(sid=self.new_sid(), new=True)", "sid"));
        assert!(!uses("{ sid: other }", "sid"));
        assert!(uses("if sid == x", "sid"));
        assert!(!uses("session.sid", "sid"));
        assert!(reads_request("r.Header.Get(tokenHeader)") && reads_request("await req.body.token"));
        assert!(!reads_request("await createSession(req.body.username)"));
    }
}
