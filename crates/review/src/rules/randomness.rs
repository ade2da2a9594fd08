//! SESS-006: session ids or tokens made with a generator that is not
//! cryptographically secure (`random`, `Math.random`, `uuid1`, the time …).

use super::patterns::{COOKIE_SET, GO_MATH_RAND, TIME_NAME, TOKEN_NAME, WEAK_RANDOM};
use super::{Ctx, Hit};
use rampart_model::Confidence;

pub fn check(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    let weak = |text: &str| WEAK_RANDOM.is_match(text) || (ctx.file.go_math_rand && GO_MATH_RAND.is_match(text));
    let unit = ctx.unit;
    let assigned = unit
        .assigns
        .iter()
        .find(|a| {
            let name = named_part(&a.target);
            TOKEN_NAME.is_match(&name) && !TIME_NAME.is_match(&name) && weak(&a.value)
        })
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

/// What an assignment target names: `LIVE[sid]` names an entry of `LIVE`
/// (the variable `sid` is its key, not its value); `session["token"]` names a token.
fn named_part(target: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut key = String::new();
    for c in target.chars() {
        match c {
            '[' => {
                depth += 1;
                key.clear();
            }
            ']' if depth > 0 => {
                depth -= 1;
                let k = key.trim();
                if k.starts_with(['"', '\'']) {
                    out.push_str(k);
                }
            }
            c if depth > 0 => key.push(c),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::named_part;

    #[test]
    fn subscripts_by_variable_name_the_container() {
        assert_eq!(named_part("LIVE[sid]"), "LIVE");
        assert_eq!(named_part("session['token']"), "session'token'");
        assert_eq!(named_part("session_token"), "session_token");
    }
}
