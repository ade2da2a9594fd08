//! SESS-006: session ids or tokens made with a generator that is not
//! cryptographically secure (`random`, `Math.random`, `uuid1`, the time …).

use super::patterns::{COOKIE_SET, GO_MATH_RAND, TIME_NAME, TOKEN_NAME, WEAK_RANDOM};
use super::{Ctx, Hit};
use crate::lang::Language;
use rampart_model::Confidence;

pub fn check(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    let go_math_rand = ctx.parsed.lang == Language::Go && ctx.parsed.source.contains("\"math/rand\"");
    let weak = |text: &str| WEAK_RANDOM.is_match(text) || (go_math_rand && GO_MATH_RAND.is_match(text));
    let unit = ctx.unit;
    let assigned = unit
        .assigns
        .iter()
        .find(|a| TOKEN_NAME.is_match(&a.target) && !TIME_NAME.is_match(&a.target) && weak(&a.value))
        .map(|a| {
            (
                a.line,
                format!("`{}` is made with `{}`", a.target.trim(), a.value.trim()),
            )
        });
    let in_cookie = || {
        unit.calls
            .iter()
            .find(|c| COOKIE_SET.is_match(&c.text) && weak(&c.text))
            .map(|c| (c.line, "the cookie's value comes from a weak generator".to_string()))
    };
    if let Some((line, what)) = assigned.or_else(in_cookie) {
        let message = format!(
            "{}: {what} (line {line}), which is not cryptographically secure: its values can be predicted \
             or guessed, and with them other users' sessions",
            ctx.what()
        );
        hits.push(ctx.hit("SESS-006", line, Confidence::Tentative, message));
    }
}
