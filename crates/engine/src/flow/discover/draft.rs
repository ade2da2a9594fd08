//! The flow file discovery writes: built section by section as TOML, parsed
//! back with [`Flow::parse`] so a discovered flow is checked exactly like a
//! hand-written one. The password is never written: it is
//! `${RAMPART_PASSWORD}`, resolved when the file is parsed.

use crate::agent::Carrier;
use crate::error::Result;
use crate::flow::Flow;
use toml::{Table, Value};

/// The variable the written flow names the password by.
pub const PASSWORD_VAR: &str = "RAMPART_PASSWORD";

/// The placeholder written where the password goes.
pub fn password_placeholder() -> String {
    format!("${{{PASSWORD_VAR}}}")
}

/// A flow file in the making.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    table: Table,
}

impl Draft {
    /// Set `key` of `[section]`.
    pub fn set(&mut self, section: &str, key: &str, value: impl Into<Value>) {
        let entry = self.table.entry(section).or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(t) = entry {
            t.insert(key.to_string(), value.into());
        }
    }

    /// A step's method and path.
    pub fn step(&mut self, section: &str, method: &str, path: &str) {
        self.set(section, "method", method);
        self.set(section, "path", path);
    }

    /// A step's form or JSON body (`kind` is `form` or `json`).
    pub fn body(&mut self, section: &str, kind: &str, fields: &[(String, String)]) {
        let body: Table = fields
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        self.set(section, kind, Value::Table(body));
    }

    pub fn carrier(&mut self, carrier: &Carrier) {
        match carrier {
            Carrier::Cookie(name) => self.set("session", "cookie", name.as_str()),
            Carrier::Cookies(names) => {
                let names: Vec<Value> = names.iter().map(|n| Value::from(n.as_str())).collect();
                self.set("session", "cookies", Value::Array(names))
            }
            Carrier::Header(name) => self.set("session", "header", name.as_str()),
            Carrier::Bearer => self.set("session", "bearer", true),
        }
    }

    pub fn has(&self, section: &str) -> bool {
        self.table.contains_key(section)
    }

    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.table.get(section)?.get(key)?.as_str()
    }

    /// The flow file's text, sections in the order a reader follows them.
    pub fn text(&self) -> String {
        let mut out = String::from("# discovered by rampart --login; review, then pin it with --flow\n");
        for section in ["session", "preauth", "login", "protected", "logout"] {
            if let Some(Value::Table(t)) = self.table.get(section) {
                let mut one = Table::new();
                one.insert(section.to_string(), Value::Table(t.clone()));
                out.push('\n');
                out.push_str(&toml::to_string(&one).unwrap_or_default());
            }
        }
        out
    }

    /// The flow this draft describes, checked, with `password` in place of
    /// the placeholder.
    pub fn flow(&self, password: &str) -> Result<Flow> {
        let env = |name: &str| (name == PASSWORD_VAR).then(|| password.to_string());
        Flow::parse(&self.text(), "the discovered flow (--login)", &env)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_parses_as_a_flow_and_never_holds_the_password() {
        let mut d = Draft::default();
        d.carrier(&Carrier::Cookie("sid".into()));
        d.step("preauth", "GET", "/login");
        d.step("login", "POST", "/login");
        let fields = [
            ("user".to_string(), "alice".to_string()),
            ("pw".into(), password_placeholder()),
        ];
        d.body("login", "form", &fields);
        d.set("login", "csrf_field", "csrf");
        d.step("protected", "GET", "/me");
        d.set("protected", "logged_in_marker", "alice");
        let text = d.text();
        assert!(
            !text.contains("s3cret\"q") && text.contains("${RAMPART_PASSWORD}"),
            "{text}"
        );
        let flow = d.flow("s3cret\"q").unwrap();
        assert_eq!(
            flow.login.form.as_deref(),
            Some(
                &[
                    ("pw".to_string(), "s3cret\"q".to_string()),
                    ("user".into(), "alice".into())
                ][..]
            )
        );
        assert_eq!(flow.carrier, Some(Carrier::Cookie("sid".into())));
        assert_eq!(flow.secrets, ["s3cret\"q"]);
        assert!(text.find("[preauth]").unwrap() < text.find("[login]").unwrap());
    }
}
