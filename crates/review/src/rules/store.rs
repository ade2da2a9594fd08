//! SESS-014: a login binds the user to the session record it already had
//! (SQL `UPDATE sessions SET user_id … WHERE token = …`, an upsert on the
//! token, a Firestore document rewritten under the old id). SESS-016: a
//! session lookup by token that ignores the expiry its table stores.

use super::login::rotates;
use super::patterns::{EXPIRY, FIRESTORE_WRITE, IN_PLACE_UPDATE, SESSION_SELECT, UPSERT, is_login};
use super::{Ctx, Hit};
use rampart_model::Confidence;

pub fn check(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    in_place(ctx, hits);
    lookup_without_expiry(ctx, hits);
}

fn in_place(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    let unit = ctx.unit;
    let authenticates = is_login(&unit.context)
        || unit
            .strings
            .iter()
            .any(|s| s.text.to_ascii_lowercase().contains("password"));
    if ctx.index == 0 || !authenticates {
        return;
    }
    let sql = unit.strings.iter().find_map(|s| {
        let shape = if IN_PLACE_UPDATE.is_match(&s.text) {
            "updates the user column of the session row keyed by the old token"
        } else if UPSERT.is_match(&s.text) {
            "upserts the session row on its token, so an existing row (and its token) lives on"
        } else {
            return None;
        };
        Some((s, shape))
    });
    if let Some((string, shape)) = sql {
        let message = format!(
            "{} {shape} (line {}) instead of inserting a new server-generated token: whoever held the \
             pre-login token now holds the logged-in session",
            ctx.what(),
            string.line
        );
        hits.push(ctx.hit_at("SESS-014", string, Confidence::Tentative, message));
        return;
    }
    let reused = unit
        .calls
        .iter()
        .find(|c| FIRESTORE_WRITE.is_match(&c.text) && !rotates(ctx, &c.scope));
    if let Some(call) = reused {
        let message = format!(
            "{} writes the logged-in user into the session document it already had (line {}), with no new \
             session id on that path: the pre-login id now names the logged-in session",
            ctx.what(),
            call.line
        );
        hits.push(ctx.hit_at("SESS-014", call, Confidence::Tentative, message));
    }
}

fn lookup_without_expiry(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    for string in &ctx.unit.strings {
        let Some(caps) = SESSION_SELECT.captures(&string.text) else {
            continue;
        };
        let table = caps[1].to_ascii_lowercase();
        if ctx.knowledge.expiry_tables.contains(&table) && !EXPIRY.is_match(&string.text) {
            let message = format!(
                "{} looks a session up by its token in `{table}` without checking its expiry (line {}), though \
                 `{table}` stores one: an expired session keeps working",
                ctx.what(),
                string.line
            );
            hits.push(ctx.hit_at("SESS-016", string, Confidence::Tentative, message));
        }
    }
}
