//! SESS-007, SESS-008, SESS-009: session cookies without HttpOnly, Secure or
//! SameSite, set explicitly off (`SESSION_COOKIE_SECURE = False`,
//! `cookie: { secure: false }`) or left out of the call that sets a session
//! cookie (`set_cookie("session_id", v)`).

use super::patterns::{COOKIE_SET, PHP_INI_COOKIE, SESSION_COOKIE_NAME};
use super::{Ctx, Hit};
use crate::lang::Language;
use rampart_model::Confidence;

/// A cookie attribute, the rule for it missing, and the setting names that carry it.
struct Attribute {
    rule: &'static str,
    name: &'static str,
    keys: &'static [&'static str],
    /// Spellings of the attribute inside a cookie-setting call.
    spelled: &'static [&'static str],
}

const ATTRIBUTES: [Attribute; 3] = [
    Attribute {
        rule: "SESS-007",
        name: "HttpOnly",
        keys: &[
            "session_cookie_httponly",
            "httponly",
            "http_only",
            "cookie_httponly",
            "session.cookie_httponly",
        ],
        spelled: &["httponly", "http_only"],
    },
    Attribute {
        rule: "SESS-008",
        name: "Secure",
        keys: &[
            "session_cookie_secure",
            "secure",
            "cookie_secure",
            "session.cookie_secure",
            "https_only",
        ],
        spelled: &["secure", "https_only"],
    },
    Attribute {
        rule: "SESS-009",
        name: "SameSite",
        keys: &[
            "session_cookie_samesite",
            "samesite",
            "same_site",
            "cookie_samesite",
            "session.cookie_samesite",
        ],
        spelled: &["samesite", "same_site"],
    },
];

pub fn check(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    explicit_settings(ctx, hits);
    cookie_calls(ctx, hits);
}

/// `KEY = off` as an assignment, keyword argument, object or array field.
fn explicit_settings(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    let unit = ctx.unit;
    let assigns = unit
        .assigns
        .iter()
        .map(|a| (a.line, a.target.as_str(), a.value.as_str(), a.target.as_str()));
    let pairs = unit
        .pairs
        .iter()
        .map(|p| (p.line, p.key.as_str(), p.value.as_str(), p.owner.as_str()));
    for (line, raw_key, value, owner) in assigns.chain(pairs) {
        let key = setting_key(raw_key);
        let Some(attr) = ATTRIBUTES.iter().find(|a| a.keys.contains(&key.as_str())) else {
            continue;
        };
        let about_sessions = key.contains("session") || is_session_owner(owner);
        if about_sessions && switched_off(attr, value) {
            let message = format!(
                "`{} = {}` (line {line}) turns {} off for the session cookie",
                raw_key.trim(),
                value.trim(),
                attr.name
            );
            hits.push(ctx.hit(attr.rule, line, Confidence::Firm, message));
        }
    }
    for call in &unit.calls {
        if let Some(caps) = PHP_INI_COOKIE.captures(&call.text) {
            let attr = ATTRIBUTES
                .iter()
                .find(|a| a.spelled.contains(&&*caps[1].to_ascii_lowercase()));
            if let Some(attr) = attr {
                let message = format!(
                    "`{}` (line {}) turns {} off for the session cookie",
                    call.text.trim(),
                    call.line,
                    attr.name
                );
                hits.push(ctx.hit(attr.rule, call.line, Confidence::Firm, message));
            }
        }
    }
}

/// Calls that set a session cookie without an attribute.
fn cookie_calls(ctx: &Ctx<'_, '_>, hits: &mut Vec<Hit>) {
    let unit = ctx.unit;
    for call in unit.calls.iter().filter(|c| COOKIE_SET.is_match(c.head())) {
        let args = arguments(&call.text);
        let Some(name) = cookie_name(ctx, &call.text, &args) else {
            continue;
        };
        let opaque_options = call.text.contains("**")
            || call.text.contains("...")
            || (args.len() >= 3 && is_bare_name(&args[2]) && !is_php_setcookie(&call.text));
        if !SESSION_COOKIE_NAME.is_match(&name) || opaque_options {
            continue;
        }
        let said = said_about(ctx, &call.text);
        for attr in &ATTRIBUTES {
            let by_default = attr.rule == "SESS-009" && ctx.stack.framework.as_deref() == Some("fastapi");
            if !by_default && !attr.spelled.iter().any(|s| said.contains(s)) && !php_positional(attr, &call.text, &args)
            {
                let message = format!(
                    "the session cookie `{name}` is set without {} (line {}); unless a proxy or middleware adds it, \
                     {}",
                    attr.name,
                    call.line,
                    consequence(attr.rule)
                );
                hits.push(ctx.hit_at(attr.rule, call, Confidence::Tentative, message));
            }
        }
    }
}

/// The cookie's name: a string literal, or a constant the file's top level
/// assigns one to (`COOKIE = "session_id"; set_cookie(COOKIE, sid)`).
fn cookie_name(ctx: &Ctx<'_, '_>, text: &str, args: &[String]) -> Option<String> {
    let first = args.first().map(|a| a.trim()).unwrap_or_default();
    let constant = ctx.parsed.units[0]
        .assigns
        .iter()
        .find(|a| a.target == first)
        .and_then(|a| {
            quoted_strings(&a.value)
                .into_iter()
                .next()
                .filter(|_| is_quoted(&a.value))
        });
    constant.or_else(|| first_string(text))
}

fn is_quoted(value: &str) -> bool {
    let v = value.trim();
    v.len() >= 2 && ['"', '\'', '`'].iter().any(|q| v.starts_with(*q) && v.ends_with(*q))
}

/// What the code says about a cookie call: the call itself, and for Java's
/// `new Cookie(…)` the setters called on it elsewhere in the unit.
fn said_about(ctx: &Ctx<'_, '_>, call: &str) -> String {
    let mut said = call.to_ascii_lowercase();
    if ctx.parsed.lang == Language::Java {
        for other in &ctx.unit.calls {
            let lower = other.text.to_ascii_lowercase();
            if lower.contains("sethttponly(true") || lower.contains("setsecure(true") || lower.contains("samesite") {
                said.push(' ');
                said.push_str(&lower);
            }
        }
    }
    said
}

fn consequence(rule: &str) -> &'static str {
    match rule {
        "SESS-007" => "any script on the page (an XSS payload included) can read the session id",
        "SESS-008" => "the browser sends the session id over plain HTTP too",
        _ => "the browser sends the cookie on cross-site requests (CSRF)",
    }
}

/// PHP's `setcookie(name, value, expires, path, domain, secure, httponly)`:
/// the attribute given `true` positionally.
fn php_positional(attr: &Attribute, text: &str, args: &[String]) -> bool {
    let at = match attr.rule {
        "SESS-008" => 5,
        "SESS-007" => 6,
        _ => return false,
    };
    is_php_setcookie(text) && args.get(at).is_some_and(|a| a.trim().eq_ignore_ascii_case("true"))
}

/// An argument that is only a variable: options the review cannot see.
fn is_bare_name(arg: &str) -> bool {
    let arg = arg.trim();
    !arg.is_empty() && arg.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'))
}

fn is_php_setcookie(text: &str) -> bool {
    text.trim_start().to_ascii_lowercase().starts_with("setcookie")
}

fn switched_off(attr: &Attribute, value: &str) -> bool {
    let v = value
        .trim()
        .trim_matches(|c| c == '\'' || c == '"')
        .to_ascii_lowercase();
    let off = ["false", "0", "off", "no"].contains(&v.as_str());
    let none = [
        "none",
        "null",
        "nil",
        "http.samesitenonemode",
        "samesite::none",
        "samesitenonemode",
        "",
    ]
    .contains(&v.as_str());
    off || (attr.rule == "SESS-009" && none)
}

fn is_session_owner(owner: &str) -> bool {
    let o = owner.to_ascii_lowercase();
    ["sess", "cookie", "sid", "token"].iter().any(|w| o.contains(w))
}

/// `app.config['SESSION_COOKIE_SECURE']` → `session_cookie_secure`; `cookie.secure` → `secure`.
fn setting_key(raw: &str) -> String {
    let raw = raw.trim();
    if let Some(quoted) = quoted_strings(raw).last() {
        return quoted.to_ascii_lowercase();
    }
    let last = raw.rsplit(['.', ':', '>']).next().unwrap_or(raw);
    last.trim_matches(|c: char| !c.is_alphanumeric() && c != '_')
        .to_ascii_lowercase()
}

fn first_string(text: &str) -> Option<String> {
    quoted_strings(text).into_iter().next()
}

/// The contents of the quoted strings in `text`, in order.
fn quoted_strings(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut chars = text.char_indices();
    while let Some((start, c)) = chars.next() {
        if matches!(c, '"' | '\'' | '`') {
            let end = chars.by_ref().find(|(_, d)| *d == c).map(|(i, _)| i);
            if let Some(end) = end {
                found.push(text[start + 1..end].to_string());
            }
        }
    }
    found
}

/// The top-level arguments of the first parenthesised (or braced) list in a call.
fn arguments(call: &str) -> Vec<String> {
    let Some(open) = call.find(['(', '{']) else {
        return Vec::new();
    };
    let mut args = vec![String::new()];
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for c in call[open + 1..].chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') if depth == 0 => break,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                args.push(String::new());
                continue;
            }
            _ => {}
        }
        args.last_mut().expect("one argument at least").push(c);
    }
    args.retain(|a| !a.trim().is_empty());
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_arguments_and_strings() {
        assert_eq!(
            setting_key("app.config['SESSION_COOKIE_SECURE']"),
            "session_cookie_secure"
        );
        assert_eq!(setting_key("req.session.cookie.secure"), "secure");
        assert_eq!(setting_key("\"httponly\""), "httponly");
        assert_eq!(arguments("res.cookie('sid', f(a, b), { secure: true })").len(), 3);
        assert_eq!(arguments("set_cookie(\"a,b\", v)"), ["\"a,b\"", " v"]);
        assert_eq!(
            first_string("response.set_cookie(\"session_id\", x)").as_deref(),
            Some("session_id")
        );
        assert!(switched_off(&ATTRIBUTES[2], "None") && !switched_off(&ATTRIBUTES[1], "None"));
        assert!(switched_off(&ATTRIBUTES[1], "False") && !switched_off(&ATTRIBUTES[1], "True"));
    }
}
