//! SESS-004: a logout handler that deletes the cookie but, on that path,
//! leaves the session alive on the server.

use super::patterns::{COOKIE_CLEAR, LOGOUT_CONTEXT, SERVER_END};
use super::{Ctx, Hit, on_path};
use crate::syntax::Scope;
use rampart_model::Confidence;

pub fn check(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    let unit = ctx.unit;
    if ctx.index == 0 || !LOGOUT_CONTEXT.is_match(&unit.context) {
        return;
    }
    let calls = unit.calls.iter().map(|c| (c.line, c.head().to_string(), &c.scope));
    let pairs = unit
        .pairs
        .iter()
        .map(|p| (p.line, format!("{}={}", p.key, p.value), &p.scope));
    let cleared: Vec<(usize, String, &Scope)> = calls
        .chain(pairs)
        .filter(|(_, t, _)| COOKIE_CLEAR.is_match(t))
        .collect();
    let Some((line, _, _)) = cleared
        .iter()
        .filter(|(_, _, scope)| !ends(ctx, scope))
        .min_by_key(|(line, ..)| *line)
    else {
        return;
    };
    let message = format!(
        "{} deletes the session cookie (line {line}) but on that path never ends the session on the server \
         (no session.clear/destroy/invalidate, no DELETE of the session record): a copied session id keeps \
         working after logout",
        ctx.what()
    );
    hits.push(ctx.hit("SESS-004", *line, Confidence::Tentative, message));
}

/// The session ends on the server on every path to `scope`.
fn ends(ctx: &Ctx<'_, '_>, scope: &Scope) -> bool {
    let unit = ctx.unit;
    let calls = unit.calls.iter().map(|c| (c.head(), &c.scope));
    let strings = unit.strings.iter().map(|s| (s.text.as_str(), &s.scope));
    let mut enders = calls
        .chain(strings)
        .filter(|(t, _)| SERVER_END.is_match(t) && !COOKIE_CLEAR.is_match(t));
    let forgets = unit.assigns.iter().any(|a| {
        a.target.contains("session") && ["None", "null", "nil"].contains(&a.value.trim()) && on_path(&a.scope, scope)
    });
    enders.any(|(_, s)| on_path(s, scope)) || forgets
}
