//! The flow file (TOML, DESIGN.md "Flow file contract"), parsed and checked
//! into a [`Flow`] with every `${VAR}` resolved.

use super::template::{env_refs, expand_env};
use crate::agent::Carrier;
use crate::error::{Error, Result};
use crate::identity::{Credential, Identity, MAX_IDENTITIES};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowFile {
    session: Option<SessionSpec>,
    preauth: Option<StepSpec>,
    login: Option<StepSpec>,
    protected: Option<StepSpec>,
    logout: Option<StepSpec>,
    password_change: Option<StepSpec>,
    refresh: Option<StepSpec>,
    stack: Option<Stack>,
    /// Other users: `bob = "login:bob"`, `svc = "bearer:${SVC_TOKEN}"`.
    identities: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionSpec {
    cookie: Option<String>,
    /// One session carried by several cookies, the session cookie first.
    cookies: Option<Vec<String>>,
    header: Option<String>,
    #[serde(default)]
    bearer: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepSpec {
    method: Option<String>,
    path: Option<String>,
    form: Option<BTreeMap<String, String>>,
    json: Option<toml::Value>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    token_json: Option<String>,
    refresh_json: Option<String>,
    refresh_cookie: Option<String>,
    csrf_field: Option<String>,
    csrf_page: Option<String>,
    csrf_cookie: Option<String>,
    csrf_header: Option<String>,
    logged_in_marker: Option<String>,
}

/// Optional hints about the target's stack, used when fingerprinting cannot tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    pub framework: Option<String>,
    pub store: Option<String>,
}

/// Which step of the flow a [`Step`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Preauth,
    Login,
    Protected,
    Logout,
    PasswordChange,
    Refresh,
}

impl StepKind {
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Preauth => "preauth",
            StepKind::Login => "login",
            StepKind::Protected => "protected",
            StepKind::Logout => "logout",
            StepKind::PasswordChange => "password_change",
            StepKind::Refresh => "refresh",
        }
    }
}

/// One step, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    pub method: String,
    pub path: String,
    pub form: Option<Vec<(String, String)>>,
    pub json: Option<serde_json::Value>,
    pub headers: Vec<(String, String)>,
    /// JSON pointer to the token in this step's response body.
    pub token_json: Option<String>,
    /// JSON pointer to the refresh token in this step's response body
    /// (`[login]`, `[refresh]`); `{{refresh}}` sends it.
    pub refresh_json: Option<String>,
    /// The cookie that carries the refresh token (`[login]`): it arrives
    /// and travels back as that cookie.
    pub refresh_cookie: Option<String>,
    pub csrf_field: Option<String>,
    /// Page the CSRF field is copied from (default: the preauth path).
    pub csrf_page: Option<String>,
    pub csrf_cookie: Option<String>,
    pub csrf_header: Option<String>,
}

/// A checked flow file.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub source: String,
    /// `None`: detect the carrier from the first login.
    pub carrier: Option<Carrier>,
    pub preauth: Step,
    pub login: Step,
    pub protected: Step,
    pub logged_in_marker: String,
    pub logout: Option<Step>,
    pub password_change: Option<Step>,
    /// Exchanging a refresh token for a new access token (`[refresh]`).
    pub refresh: Option<Step>,
    pub stack: Stack,
    /// Other users for the two-user rules (`[identities]`), as `--identity` takes them.
    pub identities: Vec<Identity>,
    /// Values that came from the environment or password fields: never printed.
    pub secrets: Vec<String>,
}

impl Flow {
    /// "Logs in via POST /login (form), session cookie sid, checked on GET /profile".
    pub fn describe(&self) -> String {
        let body = match (&self.login.form, &self.login.json) {
            (Some(_), _) => "form",
            (_, Some(_)) => "JSON",
            _ => "no body",
        };
        let csrf = self
            .login
            .csrf_field
            .as_ref()
            .map(|f| format!(", CSRF field {f}"))
            .unwrap_or_default();
        let carrier = match &self.carrier {
            Some(c) => format!("session {}", c.describe()),
            None => "session carrier detected at login".into(),
        };
        format!(
            "Logs in via {} {} ({body}{csrf}), {carrier}, checked on {} {}",
            self.login.method, self.login.path, self.protected.method, self.protected.path
        )
    }

    pub fn load(path: &Path) -> Result<Flow> {
        let source = path.display().to_string();
        let text = crate::input::read_text(path, crate::input::FLOW_CAP).map_err(|e| match e {
            crate::input::InputError::File { path, cause } => Error::FlowFile { path, cause },
            other => Error::FlowFile {
                path: source.clone(),
                cause: other.to_string(),
            },
        })?;
        Flow::parse(&text, &source, &|name| std::env::var(name).ok())
    }

    pub fn parse(text: &str, source: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Flow> {
        let fail = |cause: String| Error::FlowFile {
            path: source.to_string(),
            cause,
        };
        let file: FlowFile = toml::from_str(text).map_err(|e| fail(toml_cause(text, &e)))?;
        let mut secrets = Vec::new();
        for name in env_refs(text) {
            if let Some(v) = env(name) {
                secrets.push(v);
            }
        }
        let mut build = |spec: Option<StepSpec>, kind: StepKind| -> Result<Option<Step>> {
            spec.map(|s| step(s, kind, env, &mut secrets))
                .transpose()
                .map_err(&fail)
        };
        let preauth = build(file.preauth, StepKind::Preauth)?.unwrap_or_else(default_preauth);
        let login = build(file.login, StepKind::Login)?.ok_or_else(|| fail("missing [login] section".into()))?;
        let missing_protected = || fail("missing [protected] section".into());
        let protected_spec = file.protected.ok_or_else(missing_protected)?;
        let marker = protected_spec.logged_in_marker.clone().filter(|m| !m.is_empty());
        let logged_in_marker = marker.ok_or_else(|| fail("[protected] needs logged_in_marker".into()))?;
        let protected = build(Some(protected_spec), StepKind::Protected)?.expect("spec given");
        let logout = build(file.logout, StepKind::Logout)?;
        let password_change = build(file.password_change, StepKind::PasswordChange)?;
        let sends = file.refresh.as_ref().is_some_and(sends_refresh);
        let refresh = build(file.refresh, StepKind::Refresh)?;
        refresh_contract(&login, refresh.as_ref(), sends).map_err(&fail)?;
        let carrier = file.session.map(carrier).transpose().map_err(&fail)?;
        if carrier.as_ref().is_some_and(|c| !c.is_cookie())
            && login.token_json.is_none()
            && preauth.token_json.is_none()
        {
            return Err(fail(
                "a header or bearer session needs token_json in [preauth] or [login]".into(),
            ));
        }
        let identities = identities(file.identities.unwrap_or_default(), env, &mut secrets).map_err(&fail)?;
        secrets.retain(|s| !s.is_empty());
        secrets.sort();
        secrets.dedup();
        Ok(Flow {
            source: source.into(),
            carrier,
            preauth,
            login,
            protected,
            logged_in_marker,
            logout,
            password_change,
            refresh,
            stack: file.stack.unwrap_or_default(),
            identities,
            secrets,
        })
    }
}

impl Step {
    /// A bare step: `method` on `path`, with no body, headers, tokens or CSRF.
    pub fn new(kind: StepKind, method: &str, path: &str) -> Step {
        Step {
            kind,
            method: method.into(),
            path: path.into(),
            form: None,
            json: None,
            headers: Vec::new(),
            token_json: None,
            refresh_json: None,
            refresh_cookie: None,
            csrf_field: None,
            csrf_page: None,
            csrf_cookie: None,
            csrf_header: None,
        }
    }
}

fn default_preauth() -> Step {
    Step::new(StepKind::Preauth, "GET", "/")
}

fn carrier(spec: SessionSpec) -> Result<Carrier, String> {
    let cookie = match (spec.cookie, spec.cookies) {
        (Some(_), Some(_)) => return Err("[session] names both cookie and cookies; choose one".into()),
        (Some(c), None) => Some(Carrier::Cookie(c)),
        (None, Some(set)) => Some(cookie_set(set)?),
        (None, None) => None,
    };
    match (cookie, spec.header, spec.bearer) {
        (Some(c), None, false) => Ok(c),
        (None, Some(h), false) => Ok(Carrier::Header(h)),
        (None, None, true) => Ok(Carrier::Bearer),
        (None, None, false) => Err("[session] names no carrier (cookie, header or bearer)".into()),
        _ => Err("[session] must name exactly one of cookie, header, bearer".into()),
    }
}

/// `cookies = [...]`: one cookie is `cookie`; more are a set, each named once.
fn cookie_set(mut names: Vec<String>) -> Result<Carrier, String> {
    if names.iter().any(|n| n.is_empty() || n.contains(char::is_whitespace)) {
        return Err("[session] cookies: a cookie name is empty or has a space".into());
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    match names.len() {
        0 => Err("[session] cookies is empty".into()),
        n if unique.len() < n => Err("[session] cookies names a cookie twice".into()),
        1 => Ok(Carrier::Cookie(names.remove(0))),
        _ => Ok(Carrier::Cookies(names)),
    }
}

/// `[identities]`: each value as `--identity NAME=` takes it, `${VAR}` expanded;
/// inline passwords join the secrets.
fn identities(
    table: BTreeMap<String, String>,
    env: &dyn Fn(&str) -> Option<String>,
    secrets: &mut Vec<String>,
) -> Result<Vec<Identity>, String> {
    if table.len() > MAX_IDENTITIES {
        return Err(format!("[identities] names more than {MAX_IDENTITIES} users"));
    }
    let mut out = Vec::new();
    for (name, credential) in table {
        let value = expand_env(&credential, env).map_err(|e| format!("[identities] {name}: {e}"))?;
        let identity = Identity::parse(&format!("{name}={value}"), env).map_err(|e| format!("[identities] {e}"))?;
        if let Credential::Login(creds) = &identity.credential {
            secrets.push(creds.password.clone());
        }
        out.push(identity);
    }
    Ok(out)
}

fn step(
    spec: StepSpec,
    kind: StepKind,
    env: &dyn Fn(&str) -> Option<String>,
    secrets: &mut Vec<String>,
) -> Result<Step, String> {
    let section = kind.name();
    let expand = |v: &str| expand_env(v, env).map_err(|e| format!("[{section}]: {e}"));
    let path = spec.path.ok_or_else(|| format!("[{section}] needs a path"))?;
    if !path.starts_with('/') {
        return Err(format!("[{section}] path '{path}' must start with /"));
    }
    if spec.form.is_some() && spec.json.is_some() {
        return Err(format!("[{section}] has both form and json; choose one"));
    }
    if kind != StepKind::Protected && spec.logged_in_marker.is_some() {
        return Err(format!("logged_in_marker belongs in [protected], not [{section}]"));
    }
    let pointers = [("token_json", &spec.token_json), ("refresh_json", &spec.refresh_json)];
    for (key, pointer) in pointers.iter().filter_map(|(k, p)| Some((k, p.as_ref()?))) {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(format!(
                "[{section}] {key} '{pointer}' is not a JSON pointer (it must start with /)"
            ));
        }
    }
    if spec.refresh_json.is_some() && !matches!(kind, StepKind::Login | StepKind::Refresh) {
        return Err(format!("refresh_json belongs in [login] or [refresh], not [{section}]"));
    }
    if let Some(cookie) = &spec.refresh_cookie {
        if kind != StepKind::Login {
            return Err(format!("refresh_cookie belongs in [login], not [{section}]"));
        }
        if spec.refresh_json.is_some() {
            return Err("[login] has both refresh_json and refresh_cookie; choose one".into());
        }
        if cookie.is_empty() || cookie.contains(|c: char| c.is_whitespace() || c == ';' || c == '=') {
            return Err(format!("[login] refresh_cookie '{cookie}' is not a cookie name"));
        }
    }
    if spec.csrf_cookie.is_some() != spec.csrf_header.is_some() {
        return Err(format!("[{section}] csrf_cookie and csrf_header go together"));
    }
    let mut form = Vec::new();
    for (k, v) in spec.form.iter().flatten() {
        let value = expand(v)?;
        if k.to_ascii_lowercase().contains("pass") {
            secrets.push(value.clone());
        }
        form.push((k.clone(), value));
    }
    let json = spec.json.map(|v| json_value(v, &expand, secrets)).transpose()?;
    let headers = spec
        .headers
        .iter()
        .map(|(k, v)| Ok((k.clone(), expand(v)?)))
        .collect::<Result<_, String>>()?;
    Ok(Step {
        kind,
        method: spec
            .method
            .unwrap_or_else(|| default_method(kind).into())
            .to_ascii_uppercase(),
        path,
        form: spec.form.is_some().then_some(form),
        json,
        headers,
        token_json: spec.token_json,
        refresh_json: spec.refresh_json,
        refresh_cookie: spec.refresh_cookie,
        csrf_field: spec.csrf_field,
        csrf_page: spec.csrf_page,
        csrf_cookie: spec.csrf_cookie,
        csrf_header: spec.csrf_header,
    })
}

/// How `[login]` and `[refresh]` agree on the refresh token: `[login]` names
/// where it arrives (`refresh_json` or `refresh_cookie`); a token from the
/// body goes back through `{{refresh}}` (`sends`), one in a cookie rotates in
/// that cookie.
fn refresh_contract(login: &Step, refresh: Option<&Step>, sends: bool) -> Result<(), String> {
    let Some(refresh) = refresh else { return Ok(()) };
    if login.refresh_json.is_none() && login.refresh_cookie.is_none() {
        return Err("[refresh] needs refresh_json or refresh_cookie in [login]".into());
    }
    if login.refresh_cookie.is_none() {
        if !sends {
            return Err("[refresh] must send the refresh token: put {{refresh}} in its json, form or headers".into());
        }
        return Ok(());
    }
    if refresh.refresh_json.is_some() {
        return Err(
            "[refresh] refresh_json: with refresh_cookie in [login] the rotated token comes back in that cookie".into(),
        );
    }
    Ok(())
}

/// Whether a step's body or headers carry `{{refresh}}`.
fn sends_refresh(spec: &StepSpec) -> bool {
    let mark = "{{refresh}}";
    let form = spec.form.iter().flatten().any(|(_, v)| v.contains(mark));
    let json = spec.json.as_ref().is_some_and(|j| j.to_string().contains(mark));
    form || json || spec.headers.values().any(|v| v.contains(mark))
}

fn default_method(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Preauth | StepKind::Protected => "GET",
        _ => "POST",
    }
}

/// A TOML value as JSON, with `${VAR}` expanded in every string.
fn json_value(
    v: toml::Value,
    expand: &dyn Fn(&str) -> Result<String, String>,
    secrets: &mut Vec<String>,
) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    Ok(match v {
        toml::Value::String(s) => J::String(expand(&s)?),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => J::from(f),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(
            a.into_iter()
                .map(|x| json_value(x, expand, secrets))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(t) => {
            let mut map = serde_json::Map::new();
            for (k, x) in t {
                let value = json_value(x, expand, secrets)?;
                if let (true, J::String(s)) = (k.to_ascii_lowercase().contains("pass"), &value) {
                    secrets.push(s.clone());
                }
                map.insert(k, value);
            }
            J::Object(map)
        }
    })
}

/// A TOML error as one line: `line N: message`.
fn toml_cause(text: &str, err: &toml::de::Error) -> String {
    let message = err.message().replace('\n', " ");
    match err.span() {
        Some(span) => format!(
            "line {}: {}",
            text[..span.start.min(text.len())].lines().count().max(1),
            message.trim()
        ),
        None => message.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: &str = r#"
[session]
cookie = "sid"
[login]
path = "/login"
form = { username = "alice", password = "${PW}" }
[protected]
path = "/profile"
logged_in_marker = "alice"
[logout]
path = "/logout"
"#;

    fn env(name: &str) -> Option<String> {
        (name == "PW").then(|| "s3cret".to_string())
    }

    fn parse(text: &str) -> Result<Flow> {
        Flow::parse(text, "flow.toml", &env)
    }

    #[test]
    fn parses_the_contract_example() {
        let flow = parse(FLOW).unwrap();
        assert_eq!(flow.carrier, Some(Carrier::Cookie("sid".into())));
        assert_eq!(flow.preauth.path, "/");
        assert_eq!(flow.login.method, "POST");
        assert_eq!(
            flow.login.form.as_ref().unwrap()[0],
            ("password".into(), "s3cret".into())
        );
        assert_eq!(flow.secrets, vec!["s3cret".to_string()]);
        assert_eq!(flow.logout.unwrap().method, "POST");
    }

    #[test]
    fn identities_take_the_command_line_forms() {
        let text = format!("{FLOW}[identities]\nbob = \"login:bob:${{PW}}\"\nsvc = \"header:X-Key: k1\"\n");
        let flow = parse(&text).unwrap();
        let names: Vec<&str> = flow.identities.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["bob", "svc"]);
        let Credential::Login(bob) = &flow.identities[0].credential else {
            panic!("{:?}", flow.identities[0])
        };
        assert_eq!((bob.user.as_str(), bob.password.as_str()), ("bob", "s3cret"));
        assert_eq!(flow.secrets, ["s3cret"]);
        for (bad, expect) in [
            ("bob = \"token:x\"", "[identities] bob: the credential must be"),
            (
                "bob = \"bearer:${MISSING}\"",
                "[identities] bob: environment variable MISSING",
            ),
            ("bob = 3", "invalid type"),
        ] {
            let err = parse(&format!("{FLOW}[identities]\n{bad}\n")).unwrap_err().to_string();
            assert!(err.contains(expect), "{err} should contain {expect}");
        }
    }

    #[test]
    fn errors_name_the_problem_on_one_line() {
        let cases = [
            (FLOW.replace("[login]", "[logn]"), "unknown field"),
            (
                FLOW.replace("[protected]\npath = \"/profile\"\nlogged_in_marker = \"alice\"", ""),
                "missing [protected]",
            ),
            (FLOW.replace("logged_in_marker = \"alice\"", ""), "logged_in_marker"),
            (FLOW.replace("${PW}", "${MISSING}"), "MISSING is not set"),
            (
                FLOW.replace("path = \"/login\"", "path = \"login\""),
                "must start with /",
            ),
            (FLOW.replace("cookie = \"sid\"", "header = \"X-T\""), "needs token_json"),
            (FLOW.replace("[session]", "[session"), "line 2"),
        ];
        for (text, expect) in cases {
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.contains(expect), "{err} should contain {expect}");
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn json_login_with_bearer() {
        let text = r#"
[session]
bearer = true
[preauth]
method = "POST"
path = "/session/init"
token_json = "/token"
[login]
path = "/login"
json = { user = { name = "alice", password = "${PW}" } }
headers = { "X-Session" = "{{session}}" }
[protected]
path = "/me"
logged_in_marker = "alice"
"#;
        let flow = parse(text).unwrap();
        assert_eq!(flow.login.json.as_ref().unwrap()["user"]["password"], "s3cret");
        assert_eq!(flow.login.headers[0].1, "{{session}}");
        assert!(
            parse(&text.replace("\"/token\"", "\"token\""))
                .unwrap_err()
                .to_string()
                .contains("JSON pointer")
        );
    }

    #[test]
    fn refresh_step_needs_its_token_both_ways() {
        let login = "[login]\npath = \"/login\"\nrefresh_json = \"/refresh_token\"";
        let base = FLOW.replace("[login]\npath = \"/login\"", login);
        let refresh =
            "[refresh]\npath = \"/refresh\"\njson = { refresh_token = \"{{refresh}}\" }\ntoken_json = \"/access\"\n";
        let flow = parse(&format!("{base}{refresh}")).unwrap();
        let step = flow.refresh.expect("refresh step");
        assert_eq!((step.kind, step.method.as_str()), (StepKind::Refresh, "POST"));
        assert_eq!(flow.login.refresh_json.as_deref(), Some("/refresh_token"));
        for (text, expect) in [
            (
                format!("{FLOW}{refresh}"),
                "[refresh] needs refresh_json or refresh_cookie in [login]",
            ),
            (
                format!("{base}{}", refresh.replace("{{refresh}}", "x")),
                "must send the refresh token",
            ),
            (
                format!("{base}{refresh}").replace("[logout]\n", "[logout]\nrefresh_json = \"/r\"\n"),
                "refresh_json belongs in [login] or [refresh]",
            ),
            (
                format!("{base}{}", refresh.replace("/access", "access")),
                "not a JSON pointer",
            ),
        ] {
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.contains(expect), "{err} should contain {expect}");
        }
    }

    #[test]
    fn a_refresh_cookie_travels_by_itself() {
        let login = "[login]\npath = \"/login\"\nrefresh_cookie = \"refresh-token\"";
        let base = FLOW.replace("[login]\npath = \"/login\"", login);
        let refresh = "[refresh]\npath = \"/token/refresh\"\ntoken_json = \"/access\"\n";
        let flow = parse(&format!("{base}{refresh}")).unwrap();
        assert_eq!(flow.login.refresh_cookie.as_deref(), Some("refresh-token"));
        assert!(flow.refresh.is_some());
        for (text, expect) in [
            (
                format!("{base}{refresh}").replace("[logout]\n", "[logout]\nrefresh_cookie = \"r\"\n"),
                "refresh_cookie belongs in [login], not [logout]",
            ),
            (
                format!("{base}{refresh}").replace("refresh_cookie", "refresh_json = \"/r\"\nrefresh_cookie"),
                "both refresh_json and refresh_cookie",
            ),
            (
                format!("{base}{refresh}").replace("\"refresh-token\"", "\"a b\""),
                "is not a cookie name",
            ),
            (
                format!("{base}{refresh}refresh_json = \"/r\"\n"),
                "comes back in that cookie",
            ),
        ] {
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.contains(expect), "{err} should contain {expect}");
        }
    }

    #[test]
    fn several_cookies_carry_one_session() {
        let set = FLOW.replace("cookie = \"sid\"", "cookies = [\"koa.sess\", \"koa.sess.sig\"]");
        let carrier = parse(&set).unwrap().carrier.unwrap();
        assert_eq!(
            carrier,
            Carrier::Cookies(vec!["koa.sess".into(), "koa.sess.sig".into()])
        );
        assert_eq!(carrier.describe(), "cookies koa.sess + koa.sess.sig");
        let one = FLOW.replace("cookie = \"sid\"", "cookies = [\"sid\"]");
        assert_eq!(parse(&one).unwrap().carrier, Some(Carrier::Cookie("sid".into())));
        for (bad, expect) in [
            ("cookies = []", "cookies is empty"),
            ("cookies = [\"a\", \"b\", \"a\"]", "twice"),
            ("cookies = [\"a b\"]", "has a space"),
            ("cookie = \"a\"\ncookies = [\"b\"]", "both cookie and cookies"),
        ] {
            let err = parse(&FLOW.replace("cookie = \"sid\"", bad)).unwrap_err().to_string();
            assert!(err.contains(expect), "{err} should contain {expect}");
        }
    }
}
