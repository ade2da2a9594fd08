//! A curl command line that reproduces a recorded request. Hidden secrets
//! become shell variables named after what they hold (`$RAMPART_TOKEN` for a
//! bearer token, `$APP_PASSWORD` for a `password` field,
//! `$RAMPART_COOKIE_SID` for the `sid` cookie), so the line runs once they
//! are set.

use rampart_model::{Exchange, REDACTED};

/// Headers curl sets itself or that describe the transfer, not the request.
const SKIP: &[&str] = &["content-length", "host", "accept-encoding", "connection"];

pub fn curl(ex: &Exchange) -> String {
    let req = &ex.request;
    let mut parts = vec!["curl".to_string(), "-sS".into(), "-i".into()];
    if req.method != "GET" || req.body.is_some() {
        parts.push("-X".into());
        parts.push(req.method.clone());
    }
    for h in req
        .headers
        .iter()
        .filter(|h| !SKIP.contains(&h.name.to_ascii_lowercase().as_str()))
    {
        let header = h.name.to_ascii_lowercase();
        let var = |key: &str| header_variable(&header, key);
        parts.push("-H".into());
        parts.push(quote(&holes(&format!("{}: {}", h.name, h.value), &var)));
    }
    if let Some(body) = &req.body {
        parts.push("--data-raw".into());
        parts.push(quote(&holes(body, &field_variable)));
    }
    parts.push(quote(&holes(&req.url, &field_variable)));
    parts.join(" ")
}

/// A piece of a shell word: literal text or a variable.
#[derive(Debug, PartialEq)]
enum Part {
    Text(String),
    Var(String),
}

/// `text` cut at each redacted value (with the token prefix kept before it),
/// each hole named by `var` from the key that precedes it (a field, cookie or
/// scheme name; empty when there is none).
fn holes(text: &str, var: &dyn Fn(&str) -> String) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(REDACTED) {
        let kept = rest[..at].trim_end_matches(is_token_char).len();
        let before = &rest[..kept];
        parts.push(Part::Text(before.to_string()));
        parts.push(Part::Var(var(key_before(before))));
        rest = &rest[at + REDACTED.len()..];
    }
    parts.push(Part::Text(rest.to_string()));
    parts
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.~+/".contains(c)
}

/// The name a value follows: `password` in `user=a&password=` or
/// `{"password":"`, `sid` in `Cookie: sid=`, `Bearer` in `Authorization: Bearer `;
/// empty when the value follows no name.
fn key_before(before: &str) -> &str {
    fn name(s: &str) -> &str {
        let start = s
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map_or(0, |i| i + 1);
        &s[start..]
    }
    if let Some(s) = ["=", "\":\"", "\": \""].iter().find_map(|sep| before.strip_suffix(sep)) {
        return name(s);
    }
    match before.strip_suffix(' ') {
        Some(s) if s.len() > name(s).len() && s[..s.len() - name(s).len()].ends_with(": ") => name(s),
        _ => "",
    }
}

/// The variable for a secret in header `header` after `key`.
fn header_variable(header: &str, key: &str) -> String {
    match (header, key.to_ascii_lowercase().as_str()) {
        ("authorization", "bearer") => "RAMPART_TOKEN".into(),
        ("authorization", "basic") => "RAMPART_BASIC".into(),
        ("authorization", _) => "RAMPART_CREDENTIAL".into(),
        ("cookie", "") => "RAMPART_COOKIE".into(),
        ("cookie", cookie) => format!("RAMPART_COOKIE_{}", shell_name(cookie)),
        (header, _) => format!("RAMPART_{}", shell_name(header)),
    }
}

/// The variable for a secret in a body or URL after field `key`.
fn field_variable(key: &str) -> String {
    match key {
        "" => "RAMPART_SECRET".into(),
        field => format!("APP_{}", shell_name(field)),
    }
}

/// `x-api-key` → `X_API_KEY`.
fn shell_name(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    upper
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// One shell word: single-quoted when it holds no variable, else
/// double-quoted with the literal parts escaped and `${VAR}` left to expand.
fn quote(parts: &[Part]) -> String {
    if let [Part::Text(text)] = parts {
        return format!("'{}'", text.replace('\'', r"'\''"));
    }
    let mut word = String::from('"');
    for part in parts {
        match part {
            Part::Text(text) => {
                for c in text.chars() {
                    if matches!(c, '"' | '\\' | '$' | '`') {
                        word.push('\\');
                    }
                    word.push(c);
                }
            }
            Part::Var(name) => word.push_str(&format!("${{{name}}}")),
        }
    }
    word.push('"');
    word
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::Header;

    fn exchange(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Exchange {
        let mut ex = Exchange::default();
        ex.request.method = method.into();
        ex.request.url = url.into();
        ex.request.headers = headers
            .iter()
            .map(|(name, value)| Header {
                name: name.to_string(),
                value: value.to_string(),
            })
            .collect();
        ex.request.body = body.map(str::to_string);
        ex
    }

    #[test]
    fn reproduces_method_headers_body() {
        let ex = exchange("POST", "http://h/login", &[("Cookie", "sid=it's")], Some("a=1"));
        assert_eq!(
            curl(&ex),
            r#"curl -sS -i -X POST -H 'Cookie: sid=it'\''s' --data-raw 'a=1' 'http://h/login'"#
        );
    }

    #[test]
    fn hidden_secrets_become_named_variables() {
        let ex = exchange(
            "POST",
            "http://h/login?api_key=[redacted]",
            &[
                ("Authorization", "Bearer 012345[redacted]"),
                ("Cookie", "theme=dark; sid=abc123[redacted]"),
                ("X-API-Key", "[redacted]"),
            ],
            Some(r#"{"user":"a$b","password":"[redacted]"}"#),
        );
        assert_eq!(
            curl(&ex),
            concat!(
                r#"curl -sS -i -X POST -H "Authorization: Bearer ${RAMPART_TOKEN}" "#,
                r#"-H "Cookie: theme=dark; sid=${RAMPART_COOKIE_SID}" -H "X-API-Key: ${RAMPART_X_API_KEY}" "#,
                r#"--data-raw "{\"user\":\"a\$b\",\"password\":\"${APP_PASSWORD}\"}" "#,
                r#""http://h/login?api_key=${APP_API_KEY}""#
            )
        );
    }

    #[test]
    fn form_fields_and_unkeyed_secrets() {
        let ex = exchange(
            "POST",
            "http://h/",
            &[("Authorization", "Basic YWxpY2[redacted]")],
            Some("username=alice&password=[redacted]&note=x [redacted] y"),
        );
        let line = curl(&ex);
        assert!(line.contains(r#""Authorization: Basic ${RAMPART_BASIC}""#), "{line}");
        assert!(
            line.contains(r#""username=alice&password=${APP_PASSWORD}&note=x ${RAMPART_SECRET} y""#),
            "{line}"
        );
        assert!(!line.contains(REDACTED));
    }

    #[test]
    fn the_line_runs_in_a_shell_once_the_variables_are_set() {
        let ex = exchange(
            "POST",
            "http://h/",
            &[("Authorization", "Bearer 012345[redacted]")],
            Some(r#"{"note":"it's $HOME `x` \\","password":"[redacted]"}"#),
        );
        let line = curl(&ex).replacen("curl -sS -i", "printf '%s\\n'", 1);
        let out = std::process::Command::new("sh")
            .args(["-c", &line])
            .env("RAMPART_TOKEN", "tok en")
            .env("APP_PASSWORD", r#"p"w$1"#)
            .output()
            .unwrap();
        let args = String::from_utf8(out.stdout).unwrap();
        let args: Vec<&str> = args.lines().collect();
        assert_eq!(
            args,
            [
                "-X",
                "POST",
                "-H",
                "Authorization: Bearer tok en",
                "--data-raw",
                r#"{"note":"it's $HOME `x` \\","password":"p"w$1"}"#,
                "http://h/"
            ]
        );
    }
}
