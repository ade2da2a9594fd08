//! Secret redaction for every output: the flow's passwords, the user's
//! credential headers and cookies, live session tokens (kept to a short
//! prefix) and `Authorization` values. Values are found by substring in
//! their plain, URL-encoded and JSON-escaped forms, and by position (a
//! credential header, a cookie the user gave, a body field named like a
//! password) whatever their length.

use crate::token::preview;
use rampart_model::{Exchange, Header, REDACTED};
use std::sync::Mutex;

/// The secrets seen during a scan; applied to every exchange before output.
#[derive(Default)]
pub struct Redactor {
    secrets: Mutex<Vec<(String, String)>>,
    /// Header names whose values are credentials, redacted whole.
    headers: Mutex<Vec<String>>,
    /// Cookie names the user gave (`--cookie`), their values redacted.
    cookies: Mutex<Vec<String>>,
}

/// Header names that carry no secret, left as they are.
const PLAIN_HEADERS: &[&str] = &[
    "accept",
    "accept-encoding",
    "accept-language",
    "cache-control",
    "content-type",
    "origin",
    "pragma",
    "referer",
    "user-agent",
    "x-requested-with",
];

/// Does a body field or cookie name hold a secret?
pub(crate) fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["pass", "secret", "token", "apikey", "api_key", "api-key"]
        .iter()
        .any(|w| n.contains(w))
}

/// Shorter values are not redacted: they would mangle unrelated text.
const MIN_SECRET: usize = 4;

impl Redactor {
    /// A password or other value to hide completely.
    pub fn secret(&self, value: &str) {
        self.add(value, REDACTED.to_string());
    }

    /// A live session token: keep a short prefix so tokens stay tell-apart.
    pub fn token(&self, value: &str) {
        self.add(value, format!("{}{REDACTED}", preview(value).trim_end_matches('…')));
    }

    /// The user's own request headers (`--header`, `--bearer`, `--basic`,
    /// `--cookie`): credential values are hidden wherever they appear, and the
    /// header or cookie that carries them is redacted by position.
    pub fn credentials(&self, headers: &[(String, String)]) {
        for (name, value) in headers {
            let lower = name.to_ascii_lowercase();
            if lower == "cookie" {
                for (cookie, v) in value.split(';').filter_map(|p| p.trim().split_once('=')) {
                    self.cookies.lock().unwrap().push(cookie.trim().to_string());
                    self.secret(v.trim());
                }
            } else if !PLAIN_HEADERS.contains(&lower.as_str()) {
                self.headers.lock().unwrap().push(lower);
                self.secret(value);
                if let Some((scheme, credential)) = value.split_once(' ') {
                    self.secret(credential.trim());
                    if scheme.eq_ignore_ascii_case("basic") {
                        self.basic_password(credential.trim());
                    }
                }
            }
        }
    }

    /// The password inside a Basic credential (`user:password`, base64), in case the target echoes it decoded.
    fn basic_password(&self, credential: &str) {
        use base64::Engine;
        let decoded = base64::engine::general_purpose::STANDARD.decode(credential).ok();
        let text = decoded.and_then(|bytes| String::from_utf8(bytes).ok());
        if let Some((_, password)) = text.as_deref().and_then(|t| t.split_once(':')) {
            self.secret(password);
        }
    }

    fn add(&self, value: &str, replacement: String) {
        if value.len() < MIN_SECRET {
            return;
        }
        let mut secrets = self.secrets.lock().unwrap();
        if !secrets.iter().any(|(v, _)| v == value) {
            secrets.push((value.to_string(), replacement));
            secrets.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
        }
    }

    pub fn text(&self, text: &str) -> String {
        let secrets = self.secrets.lock().unwrap();
        let mut out = text.to_string();
        for (value, replacement) in secrets.iter() {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), replacement);
            }
            for encoded in [url_encoded(value), json_escaped(value)] {
                if encoded != *value && out.contains(&encoded) {
                    out = out.replace(&encoded, replacement);
                }
            }
        }
        out
    }

    pub fn exchange(&self, ex: &mut Exchange) {
        ex.request.url = self.text(&ex.request.url);
        ex.request.body = ex.request.body.as_deref().map(|b| self.text(&secret_fields(b)));
        ex.response.body = self.text(&ex.response.body);
        self.headers(&mut ex.request.headers);
        self.headers(&mut ex.response.headers);
    }

    fn headers(&self, headers: &mut [Header]) {
        let credentials = self.headers.lock().unwrap().clone();
        for h in headers {
            let name = h.name.to_ascii_lowercase();
            h.value = if name == "authorization" {
                authorization(&h.value)
            } else if credentials.contains(&name) {
                REDACTED.into()
            } else if name == "cookie" {
                self.text(&self.cookie_values(&h.value))
            } else {
                self.text(&h.value)
            };
        }
    }

    /// A `Cookie` header with the values of the user's cookies hidden.
    fn cookie_values(&self, header: &str) -> String {
        let names = self.cookies.lock().unwrap();
        let pairs = header.split(';').map(|pair| match pair.trim().split_once('=') {
            Some((n, _)) if names.iter().any(|m| m == n.trim()) => format!("{}={REDACTED}", n.trim()),
            _ => pair.trim().to_string(),
        });
        pairs.collect::<Vec<_>>().join("; ")
    }
}

/// `Bearer abcdef…` keeps the scheme and a short prefix of the credential.
fn authorization(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, cred)) => {
            format!("{scheme} {}{REDACTED}", preview(cred).trim_end_matches('…'))
        }
        None => REDACTED.into(),
    }
}

/// A form or JSON request body with the values of password-like fields
/// hidden, whatever their length; other bodies unchanged.
fn secret_fields(body: &str) -> String {
    let trimmed = body.trim_start();
    if trimmed.starts_with('{') {
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(body) else {
            return body.to_string();
        };
        return if hide_json(&mut value) {
            value.to_string()
        } else {
            body.to_string()
        };
    }
    if !body.contains('=') || body.contains(char::is_whitespace) {
        return body.to_string();
    }
    let fields = body.split('&').map(|pair| match pair.split_once('=') {
        Some((name, _)) if secret_name(&form_decoded(name)) => format!("{name}={REDACTED}"),
        _ => pair.to_string(),
    });
    fields.collect::<Vec<_>>().join("&")
}

/// Hide string values under password-like keys; true when any was hidden.
fn hide_json(value: &mut serde_json::Value) -> bool {
    let mut hid = false;
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if secret_name(key) && v.is_string() {
                    *v = serde_json::Value::String(REDACTED.into());
                    hid = true;
                } else {
                    hid |= hide_json(v);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                hid |= hide_json(v);
            }
        }
        _ => {}
    }
    hid
}

fn form_decoded(name: &str) -> String {
    url::form_urlencoded::parse(format!("{name}=").as_bytes())
        .next()
        .map_or_else(|| name.to_string(), |(n, _)| n.into_owned())
}

/// The value as it appears inside a JSON string (quotes, backslashes escaped).
fn json_escaped(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

fn url_encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_passwords_tokens_and_authorization() {
        let r = Redactor::default();
        r.secret("wonderland-7");
        r.token("0123456789abcdef");
        let mut ex = Exchange::default();
        ex.request.body = Some("username=alice&password=wonderland-7".into());
        ex.request.headers.push(Header {
            name: "Authorization".into(),
            value: "Bearer 0123456789abcdef".into(),
        });
        ex.request.headers.push(Header {
            name: "Cookie".into(),
            value: "sid=0123456789abcdef".into(),
        });
        ex.response.body = "{\"token\":\"0123456789abcdef\"}".into();
        r.exchange(&mut ex);
        assert_eq!(ex.request.body.as_deref(), Some("username=alice&password=[redacted]"));
        assert_eq!(ex.request.headers[0].value, "Bearer 012345[redacted]");
        assert_eq!(ex.request.headers[1].value, "sid=012345[redacted]");
        assert!(!ex.response.body.contains("0123456789abcdef"));
    }

    #[test]
    fn url_encoded_secrets_are_hidden_too() {
        let r = Redactor::default();
        r.secret("p@ss word");
        assert_eq!(r.text("password=p%40ss+word"), "password=[redacted]");
    }

    #[test]
    fn user_credentials_are_hidden_by_position_whatever_their_length() {
        let r = Redactor::default();
        r.credentials(&[
            ("X-Api-Key".into(), "k1".into()),
            ("Cookie".into(), "tenant=t9; theme=dark".into()),
            ("Accept".into(), "application/json".into()),
        ]);
        let mut ex = Exchange::default();
        for (name, value) in [
            ("x-api-key", "k1"),
            ("Cookie", "sid=abc; tenant=t9"),
            ("Accept", "application/json"),
        ] {
            ex.request.headers.push(Header {
                name: name.into(),
                value: value.into(),
            });
        }
        ex.request.body = Some("user=alice&password=ab".into());
        r.exchange(&mut ex);
        let values: Vec<&str> = ex.request.headers.iter().map(|h| h.value.as_str()).collect();
        assert_eq!(values, ["[redacted]", "sid=abc; tenant=[redacted]", "application/json"]);
        assert_eq!(ex.request.body.as_deref(), Some("user=alice&password=[redacted]"));
    }

    #[test]
    fn a_basic_credential_is_hidden_encoded_and_decoded() {
        let r = Redactor::default();
        // base64("alice:open-sesame")
        r.credentials(&[("Authorization".into(), "Basic YWxpY2U6b3Blbi1zZXNhbWU=".into())]);
        assert_eq!(
            r.text("echo YWxpY2U6b3Blbi1zZXNhbWU= and open-sesame"),
            "echo [redacted] and [redacted]"
        );
    }

    #[test]
    fn json_escaped_and_json_field_secrets_are_hidden() {
        let r = Redactor::default();
        r.secret(r#"q"uo\te"#);
        let mut ex = Exchange::default();
        ex.request.body = Some(r#"{"user":"alice","password":"x","nested":{"api_key":"z"}}"#.into());
        ex.response.body = serde_json::json!({"echo": r#"q"uo\te"#}).to_string();
        r.exchange(&mut ex);
        let body = ex.request.body.unwrap();
        assert!(
            body.contains(r#""password":"[redacted]""#) && body.contains(r#""api_key":"[redacted]""#),
            "{body}"
        );
        assert_eq!(ex.response.body, r#"{"echo":"[redacted]"}"#);
    }
}
