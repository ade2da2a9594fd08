//! SESS-001: a login handler that puts the user on the session without
//! giving it a new id on that path. SESS-005: the same after a password or
//! role change.

use super::patterns::{
    COOKIE_SET, DJANGO_LOGIN, IDENTITY_CALL, IDENTITY_TARGET, IN_PLACE_UPDATE, PASSPORT_LOGIN, PRIVILEGE_CONTEXT,
    PRIVILEGE_WRITE, ROTATION, SESSION_CREATE, STRONG_RANDOM, UPSERT_USER, is_login,
};
use super::{Ctx, Hit};
use crate::syntax::{Parsed, Scope};
use rampart_model::{Confidence, Fingerprint};
use regex::Regex;
use std::sync::LazyLock;

/// Signs that a file keeps its sessions on the server. Flask's and
/// Starlette's default sessions are signed cookies that carry their data, so
/// a cookie from before login never carries the user: nothing to fixate.
static SERVER_SIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"flask_session|SESSION_TYPE|session_interface|SessionInterface|\bsession\.sid\b|(?i:\b(?:from|into|update|table)\s+\w*sessions?\b)|collection\(\s*["']\w*sess"#).unwrap()
});

/// Client-side session middlewares of Node.js: cookie-session, and
/// koa-session unless it is given a `store`.
static CLIENT_SIDE_JS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"["'](?:cookie-session|koa-session)["']"#).unwrap());
static SERVER_STORE_JS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"["']express-session["']"#).unwrap());

pub fn check(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    if ctx.index == 0 || ctx.file.cookie_sessions_only {
        return;
    }
    if is_login(&ctx.unit.context) {
        fixation(ctx, hits);
    }
    if PRIVILEGE_CONTEXT.is_match(&ctx.unit.context) && mentions_session(ctx) {
        privilege_change(ctx, hits);
    }
}

fn fixation(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    let unit = ctx.unit;
    let by_assignment = unit
        .assigns
        .iter()
        .filter(|a| IDENTITY_TARGET.is_match(&a.target))
        .map(|a| (a.line, a.target.as_str(), &a.scope));
    let by_call = unit
        .calls
        .iter()
        .filter(|c| IDENTITY_CALL.is_match(&c.text))
        .map(|c| (c.line, c.head(), &c.scope));
    // SQL that binds the user to the session row the request came with.
    let by_sql = unit
        .strings
        .iter()
        .filter(|s| IN_PLACE_UPDATE.is_match(&s.text) || UPSERT_USER.is_match(&s.text))
        .map(|s| (s.line, s.head(), &s.scope));
    let mut identity: Vec<_> = by_assignment.chain(by_call).chain(by_sql).collect();
    identity.sort_by_key(|(line, ..)| *line);
    if let Some((line, what, _)) = identity.into_iter().find(|(_, _, scope)| !rotates(ctx, scope)) {
        let message = format!(
            "{} logs the user in (`{}`, line {line}) but no call on that path gives the session a new id \
             (regenerate, cycle_key, changeSessionId, session_regenerate_id(true) …): a session id planted \
             before login stays valid after it",
            ctx.what(),
            what.trim()
        );
        hits.push(ctx.hit("SESS-001", line, Confidence::Tentative, message));
    }
}

fn privilege_change(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    let unit = ctx.unit;
    let writes = unit
        .assigns
        .iter()
        .filter(|a| PRIVILEGE_WRITE.is_match(&a.target))
        .map(|a| (a.line, a.target.as_str(), &a.scope))
        .chain(
            unit.calls
                .iter()
                .filter(|c| c.text.to_ascii_lowercase().contains("set_password("))
                .map(|c| (c.line, c.head(), &c.scope)),
        );
    let mut writes: Vec<_> = writes.collect();
    writes.sort_by_key(|(line, ..)| *line);
    if let Some((line, what, _)) = writes.into_iter().find(|(_, _, scope)| !rotates(ctx, scope)) {
        let message = format!(
            "{} changes the user's credentials or privileges (`{}`, line {line}) and keeps the same session id: \
             a session stolen before the change keeps working after it",
            ctx.what(),
            what.trim()
        );
        hits.push(ctx.hit("SESS-005", line, Confidence::Tentative, message));
    }
}

/// Every path to `scope` rotates the session: a rotation call, a login
/// call that rotates by itself, or a fresh random token made the session.
pub(super) fn rotates(ctx: &Ctx<'_, '_>, scope: &Scope) -> bool {
    [&*ROTATION, &*DJANGO_LOGIN, &*PASSPORT_LOGIN]
        .iter()
        .any(|p| ctx.dominated_by(p, scope))
        || (fresh_token(ctx, scope) && starts_a_session(ctx))
}

/// A strong random token made on every path to `scope`, and not merely as the
/// fallback of a value the request may carry (`sid = cookie or uuid4()`).
fn fresh_token(ctx: &Ctx<'_, '_>, scope: &Scope) -> bool {
    let fallback = |text: &str| [" or ", "||", "??", " if "].iter().any(|op| text.contains(op));
    let assigned = ctx
        .unit
        .assigns
        .iter()
        .any(|a| STRONG_RANDOM.is_match(&a.value) && !fallback(&a.value) && scope.starts_with(&a.scope));
    let inline = ctx.unit.calls.iter().any(|c| {
        let made_session = COOKIE_SET.is_match(&c.text) || SESSION_CREATE.is_match(&c.text);
        made_session && STRONG_RANDOM.is_match(&c.text) && !fallback(&c.text) && scope.starts_with(&c.scope)
    });
    assigned || inline
}

/// The unit sets a cookie or creates a session record.
fn starts_a_session(ctx: &Ctx<'_, '_>) -> bool {
    let unit = ctx.unit;
    unit.calls
        .iter()
        .any(|c| COOKIE_SET.is_match(&c.text) || SESSION_CREATE.is_match(&c.text))
        || unit.strings.iter().any(|s| SESSION_CREATE.is_match(&s.text))
}

fn mentions_session(ctx: &Ctx<'_, '_>) -> bool {
    let unit = ctx.unit;
    unit.calls.iter().any(|c| c.text.contains("session"))
        || unit
            .assigns
            .iter()
            .any(|a| a.target.contains("session") || a.value.contains("session"))
}

/// The file's sessions are signed cookies that hold their own data.
pub(super) fn cookie_sessions_only(parsed: &Parsed<'_>, stack: &Fingerprint) -> bool {
    let source = parsed.source;
    match stack.framework.as_deref() {
        Some("flask" | "fastapi") => !SERVER_SIDE.is_match(source),
        _ => {
            // koa-session keeps sessions on the server only when given a `store` option.
            let store_option = parsed.units.iter().any(|u| u.pairs.iter().any(|p| p.key == "store"));
            CLIENT_SIDE_JS.is_match(source) && !SERVER_STORE_JS.is_match(source) && !store_option
        }
    }
}
