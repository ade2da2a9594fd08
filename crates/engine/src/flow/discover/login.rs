//! Finding the login: HTML forms with a password input on the target's pages
//! and common login paths, then JSON login operations from the spec or
//! common API paths; which fields take the user name and the password; the
//! CSRF token each needs.

use super::draft::{Draft, password_placeholder};
use super::{Credentials, Notes, path_of};
use crate::agent::{Agent, Carrier};
use crate::error::Result;
use crate::flow::html::{self, Form};
use crate::flow::step::url_for;
use crate::http::{HttpLayer, Request};
use crate::inventory::Inventory;
use std::sync::Arc;
use url::Url;

/// Pages a login form commonly lives on, after the target itself.
const FORM_PAGES: &[&str] = &[
    "/login",
    "/signin",
    "/sign-in",
    "/users/sign_in",
    "/user/login",
    "/account/login",
    "/accounts/login/",
    "/auth/login",
    "/session/new",
];

/// Paths a JSON login operation commonly answers on.
const JSON_PATHS: &[&str] = &[
    "/api/login",
    "/api/auth/login",
    "/auth/login",
    "/login",
    "/api/v1/auth/login",
    "/api/v1/login",
    "/api/session",
    "/session",
    "/api/token",
    "/token",
];

/// Most form pages fetched, and most JSON logins attempted.
const MAX_PAGES: usize = 12;
const MAX_JSON_TRIES: usize = 6;

/// A login step ready to try: the draft's `[preauth]` and `[login]`.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub draft: Draft,
    /// "form, CSRF field csrf_token" — how the summary line describes it.
    pub shape: String,
}

/// Login forms on the target's pages, most likely first.
pub async fn forms(
    base: &Url,
    layer: &Arc<HttpLayer>,
    creds: &Credentials,
    notes: &mut Notes,
) -> Result<Vec<Candidate>> {
    let mut pages: Vec<String> = vec![path_of(base, base).unwrap_or_else(|| "/".into())];
    pages.extend(FORM_PAGES.iter().map(|p| p.to_string()));
    let mut found = Vec::new();
    let mut fetched = 0;
    while let Some(page) = (fetched < pages.len().min(MAX_PAGES)).then(|| pages[fetched].clone()) {
        fetched += 1;
        let mut agent = Agent::new(layer.clone(), Carrier::Cookie(String::new()));
        let trip = match agent.send(Request::get(url_for(base, &page)), true).await {
            Ok(trip) => trip,
            Err(e) if e.is_budget() => return Err(e),
            Err(_) => continue,
        };
        let body = trip.response.text();
        let landed = trip
            .exchanges
            .last()
            .map(|ex| ex.request.url.clone())
            .unwrap_or_default();
        let landed = Url::parse(&landed)
            .ok()
            .and_then(|u| path_of(base, &u))
            .unwrap_or(page.clone());
        for link in html::links(&body) {
            let href = Url::parse(&landed_url(base, &landed)).and_then(|u| u.join(&link.href));
            let looks = is_login_words(&link.href) || is_login_words(&link.text);
            if let Some(path) = href.ok().filter(|_| looks).and_then(|u| path_of(base, &u)) {
                if !pages.contains(&path) {
                    pages.insert(fetched, path);
                }
            }
        }
        for form in html::forms(&body).iter().filter(|f| f.password().is_some()) {
            if let Some(candidate) = form_candidate(base, &landed, form, &agent, creds) {
                notes.found(format!("a login form on GET {landed}"));
                found.push(candidate);
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    if found.is_empty() {
        notes.missing(format!(
            "no page with a password form among {fetched} tried ({})",
            pages[..fetched].join(", ")
        ));
    }
    Ok(found)
}

fn landed_url(base: &Url, path: &str) -> String {
    url_for(base, path).to_string()
}

fn is_login_words(text: &str) -> bool {
    let t = text.to_ascii_lowercase().replace(['-', '_', ' '], "");
    ["login", "signin", "logon"].iter().any(|w| t.contains(w)) && !t.contains("logout") && !t.contains("signout")
}

/// The `[preauth]`/`[login]` draft that submits `form` found on `page`.
fn form_candidate(base: &Url, page: &str, form: &Form, agent: &Agent, creds: &Credentials) -> Option<Candidate> {
    let password = form.password()?;
    let user = user_field(form)?;
    let action = match &form.action {
        Some(action) => path_of(base, &Url::parse(&landed_url(base, page)).ok()?.join(action).ok()?)?,
        None => page.to_string(),
    };
    let csrf = form.hidden().find(|i| is_csrf_name(&i.name)).map(|i| i.name.clone());
    let mut fields: Vec<(String, String)> = form
        .hidden()
        .filter(|i| Some(&i.name) != csrf.as_ref())
        .map(|i| (i.name.clone(), i.value.clone()))
        .collect();
    fields.push((user.clone(), creds.user.clone()));
    fields.push((password.name.clone(), password_placeholder()));
    let mut draft = Draft::default();
    draft.step("preauth", "GET", page);
    draft.step(
        "login",
        if form.method == "GET" { "POST" } else { &form.method },
        &action,
    );
    draft.body("login", "form", &fields);
    let mut shape = "form".to_string();
    if let Some(field) = &csrf {
        draft.set("login", "csrf_field", field.as_str());
        shape.push_str(&format!(", CSRF field {field}"));
    } else if let Some((cookie, header)) = csrf_cookie(agent) {
        shape.push_str(&format!(", CSRF cookie {cookie} sent as {header}"));
        draft.set("login", "csrf_cookie", cookie);
        draft.set("login", "csrf_header", header);
    }
    Some(Candidate { draft, shape })
}

/// The input that takes the user name or e-mail.
fn user_field(form: &Form) -> Option<String> {
    let typed = |i: &&html::Input| matches!(i.kind.as_str(), "text" | "email");
    let named = |i: &&html::Input| {
        let n = i.name.to_ascii_lowercase();
        ["user", "email", "login", "name", "account", "ident"]
            .iter()
            .any(|w| n.contains(w))
    };
    let inputs = || form.inputs.iter().filter(typed);
    inputs().find(named).or_else(|| inputs().next()).map(|i| i.name.clone())
}

pub fn is_csrf_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["csrf", "xsrf", "authenticity_token", "_token", "nonce"]
        .iter()
        .any(|w| n.contains(w))
}

/// A CSRF cookie the page set and the header frameworks expect it echoed in.
fn csrf_cookie(agent: &Agent) -> Option<(String, String)> {
    let name = agent.jar().names().find(|n| is_csrf_name(n))?.to_string();
    let header = match name.to_ascii_lowercase().as_str() {
        "xsrf-token" => "X-XSRF-TOKEN",
        "csrftoken" => "X-CSRFToken",
        _ => "X-CSRF-Token",
    };
    Some((name, header.to_string()))
}

/// JSON login operations: the spec's first, then common API paths.
pub fn json_candidates(base: &Url, inventory: &Inventory, creds: &Credentials) -> Vec<Candidate> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let spec = inventory
        .endpoints
        .iter()
        .filter(|e| e.method == "POST" && is_login_path(&e.path))
        .filter_map(|e| Some((path_of(base, &e.url)?, e.body.as_ref().map(|b| b.properties.clone()))));
    let common = JSON_PATHS.iter().map(|p| (p.to_string(), None));
    for (path, properties) in spec.chain(common) {
        if seen.contains(&path) || out.len() >= MAX_JSON_TRIES {
            continue;
        }
        seen.push(path.clone());
        let (user, password) = json_fields(properties.as_deref(), creds);
        let fields = [(user, creds.user.clone()), (password, password_placeholder())];
        let mut draft = Draft::default();
        draft.step("login", "POST", &path);
        draft.body("login", "json", &fields);
        out.push(Candidate {
            draft,
            shape: "JSON".into(),
        });
    }
    out
}

fn is_login_path(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let last = p.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    ["login", "signin", "sign-in", "token", "session", "authenticate"]
        .iter()
        .any(|w| last.contains(w))
}

/// The JSON names of the user and password fields: the schema's, else
/// `email` for an e-mail address and `username` otherwise.
fn json_fields(properties: Option<&[String]>, creds: &Credentials) -> (String, String) {
    let pick = |words: &[&str]| {
        properties?
            .iter()
            .find(|p| !p.contains('.') && words.iter().any(|w| p.to_ascii_lowercase().contains(w)))
            .cloned()
    };
    let fallback = if creds.user.contains('@') { "email" } else { "username" };
    let user = pick(&["user", "email", "login", "name", "ident"]).unwrap_or_else(|| fallback.into());
    let password = pick(&["pass"]).unwrap_or_else(|| "password".into());
    (user, password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_names() {
        let creds = Credentials {
            user: "bob@example.test".into(),
            password: "pw".into(),
        };
        assert_eq!(json_fields(None, &creds), ("email".into(), "password".into()));
        let props = [
            "login".to_string(),
            "secret".into(),
            "pass_word".into(),
            "meta.name".into(),
        ];
        assert_eq!(json_fields(Some(&props), &creds), ("login".into(), "pass_word".into()));
        for (name, csrf) in [
            ("csrfmiddlewaretoken", true),
            ("authenticity_token", true),
            ("XSRF-TOKEN", true),
            ("next", false),
        ] {
            assert_eq!(is_csrf_name(name), csrf, "{name}");
        }
        assert!(is_login_path("/api/v2/auth/login") && is_login_path("/oauth/token") && !is_login_path("/login/help"));
        assert!(is_login_words("Sign in") && is_login_words("/accounts/login/") && !is_login_words("Log out"));
    }
}
