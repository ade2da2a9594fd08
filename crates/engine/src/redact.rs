//! Secret redaction for every output: the flow's passwords, live session
//! tokens (kept to a short prefix) and `Authorization` values.

use crate::token::preview;
use rampart_model::{Exchange, Header};
use std::sync::Mutex;

/// The secrets seen during a scan; applied to every exchange before output.
#[derive(Default)]
pub struct Redactor {
    secrets: Mutex<Vec<(String, String)>>,
}

/// Shorter values are not redacted: they would mangle unrelated text.
const MIN_SECRET: usize = 4;

impl Redactor {
    /// A password or other value to hide completely.
    pub fn secret(&self, value: &str) {
        self.add(value, "[redacted]".to_string());
    }

    /// A live session token: keep a short prefix so tokens stay tell-apart.
    pub fn token(&self, value: &str) {
        self.add(value, format!("{}[redacted]", preview(value).trim_end_matches('…')));
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
            let encoded = url_encoded(value);
            if encoded != *value && out.contains(&encoded) {
                out = out.replace(&encoded, replacement);
            }
        }
        out
    }

    pub fn exchange(&self, ex: &mut Exchange) {
        ex.request.url = self.text(&ex.request.url);
        ex.request.body = ex.request.body.as_deref().map(|b| self.text(b));
        ex.response.body = self.text(&ex.response.body);
        self.headers(&mut ex.request.headers);
        self.headers(&mut ex.response.headers);
    }

    fn headers(&self, headers: &mut [Header]) {
        for h in headers {
            h.value = if h.name.eq_ignore_ascii_case("authorization") {
                authorization(&h.value)
            } else {
                self.text(&h.value)
            };
        }
    }
}

/// `Bearer abcdef…` keeps the scheme and a short prefix of the credential.
fn authorization(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, cred)) => {
            format!("{scheme} {}[redacted]", preview(cred).trim_end_matches('…'))
        }
        None => "[redacted]".into(),
    }
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
}
