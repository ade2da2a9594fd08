//! SESS-004: a logout handler that deletes the cookie but leaves the session
//! alive on the server.

use super::patterns::{COOKIE_CLEAR, LOGOUT_CONTEXT, SERVER_END};
use super::{Ctx, Hit};
use rampart_model::Confidence;

pub fn check(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    let unit = ctx.unit;
    if ctx.index == 0 || !LOGOUT_CONTEXT.is_match(&unit.context) {
        return;
    }
    let texts = || {
        // A call's first line: a callback's body is not what the call does.
        let calls = unit
            .calls
            .iter()
            .map(|c| (c.line, c.text.lines().next().unwrap_or_default()));
        let strings = unit.strings.iter().map(|s| (s.line, s.text.as_str()));
        let pairs = unit.pairs.iter().map(|p| (p.line, p.key.as_str()));
        let assigns = unit.assigns.iter().map(|a| (a.line, a.target.as_str()));
        calls.chain(strings).chain(pairs).chain(assigns)
    };
    let cleared = texts().find(|(_, t)| COOKIE_CLEAR.is_match(t)).or_else(|| {
        unit.pairs
            .iter()
            .find(|p| COOKIE_CLEAR.is_match(&format!("{}={}", p.key, p.value)))
            .map(|p| (p.line, p.key.as_str()))
    });
    let ends = texts().any(|(_, t)| SERVER_END.is_match(t) && !COOKIE_CLEAR.is_match(t))
        || unit
            .assigns
            .iter()
            .any(|a| a.target.contains("session") && a.value.trim() == "None");
    if let (Some((line, _)), false) = (cleared, ends) {
        let message = format!(
            "{} deletes the session cookie (line {line}) but never ends the session on the server \
             (no session.clear/destroy/invalidate, no DELETE of the session record): a copied session id \
             keeps working after logout",
            ctx.what()
        );
        hits.push(ctx.hit("SESS-004", line, Confidence::Tentative, message));
    }
}
