//! After a login attempt: the carrier the session travels in, the page that
//! proves it with a marker (shown logged in, not anonymously), and logout.

use super::draft::Draft;
use super::{Credentials, Notes, path_of};
use crate::agent::{Agent, Carrier, Trip};
use crate::cookies::{Jar, is_refresh_name, is_session_name};
use crate::error::Result;
use crate::flow::html;
use crate::flow::step::url_for;
use crate::http::{HttpLayer, Request};
use crate::inventory::{Inventory, Location};
use std::sync::Arc;
use url::Url;

/// Pages that commonly show who is logged in.
const PROTECTED: &[&str] = &[
    "/me",
    "/profile",
    "/account",
    "/dashboard",
    "/api/me",
    "/api/users/me",
    "/api/user",
    "/api/profile",
    "/users/me",
    "/user",
    "/whoami",
];

/// Most candidate pages fetched for the marker, per carrier.
const MAX_PROTECTED: usize = 14;
/// Most anonymous-session operations tried before a token login.
const MAX_SESSION_STARTS: usize = 6;
/// Most logout candidates sent.
const MAX_LOGOUT: usize = 6;

/// Header names tokens commonly travel in, after `Authorization: Bearer`.
const TOKEN_HEADERS: &[&str] = &["X-Auth-Token", "X-Session-Token", "X-Access-Token"];

/// JSON keys a login reply commonly puts the token under, most likely first.
const TOKEN_KEYS: &[&str] = &[
    "token",
    "access_token",
    "accessToken",
    "access",
    "jwt",
    "id_token",
    "auth_token",
    "authToken",
    "session_token",
    "sessionToken",
    "session_id",
    "key",
];

/// The JSON pointer of the token in a login reply, searched two levels deep.
pub fn token_pointer(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let is_token = |v: &serde_json::Value| v.as_str().is_some_and(|s| s.len() >= 16 && !s.contains(' '));
    let at = |obj: &serde_json::Value, prefix: &str| {
        TOKEN_KEYS
            .iter()
            .find(|k| obj.get(**k).is_some_and(is_token))
            .map(|k| format!("{prefix}/{k}"))
    };
    at(&value, "").or_else(|| {
        let obj = value.as_object()?;
        obj.iter()
            .filter(|(_, v)| v.is_object())
            .find_map(|(k, v)| at(v, &format!("/{k}")))
    })
}

/// Cookies that may carry the session, most likely first: those login set
/// or changed (session-like names first), then the session-like cookies the
/// client already held (a login that does not rotate keeps the old one).
/// A cookie named like a refresh token is not one: it only buys new tokens.
pub fn session_cookies(before: &Jar, after: &Jar) -> Vec<String> {
    let held: Vec<&str> = after
        .names()
        .filter(|n| !super::login::is_csrf_name(n) && !is_refresh_name(n))
        .collect();
    let changed = |n: &&str| before.get(n) != after.get(n);
    let mut ranked: Vec<&str> = held
        .iter()
        .copied()
        .filter(changed)
        .filter(|n| is_session_name(n))
        .collect();
    ranked.extend(held.iter().copied().filter(changed).filter(|n| !is_session_name(n)));
    ranked.extend(held.iter().copied().filter(|n| !changed(n) && is_session_name(n)));
    ranked.into_iter().map(str::to_string).collect()
}

/// Carriers to try for a token from the login reply: bearer, the header
/// API keys the spec declares, then common header names.
pub fn token_carriers(inventory: &Inventory) -> Vec<Carrier> {
    let mut carriers = vec![Carrier::Bearer];
    let declared = inventory.schemes.iter().filter_map(|s| match &s.param {
        Some((Location::Header, name)) => Some(name.clone()),
        _ => None,
    });
    for name in declared.chain(TOKEN_HEADERS.iter().map(|h| h.to_string())) {
        let carrier = Carrier::Header(name);
        if !carriers.contains(&carrier) {
            carriers.push(carrier);
        }
    }
    carriers
}

/// Where login landed and what it linked to: the best candidates for the protected page.
pub fn protected_candidates(base: &Url, login: &Trip, login_path: &str, inventory: &Inventory) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |path: String| {
        let lower = path.to_ascii_lowercase();
        let unsafe_words = ["logout", "log-out", "signout", "sign-out", "delete", "remove"];
        if !out.contains(&path) && path != login_path && !unsafe_words.iter().any(|w| lower.contains(w)) {
            out.push(path);
        }
    };
    let landed = login.exchanges.last().and_then(|ex| Url::parse(&ex.request.url).ok());
    if let Some(path) = landed.as_ref().and_then(|u| path_of(base, u)) {
        push(path);
    }
    if let Some(landed) = &landed {
        for link in html::links(&login.response.text()) {
            let words = ["profile", "account", "dashboard", "/me", "settings", "user"];
            let lower = link.href.to_ascii_lowercase();
            if words.iter().any(|w| lower.contains(w)) {
                if let Some(path) = landed.join(&link.href).ok().and_then(|u| path_of(base, &u)) {
                    push(path);
                }
            }
        }
    }
    let slash = crate::flow::trailing_slash(login_path);
    let prefix = login_path.rsplit_once("/auth/").map(|(p, _)| p.to_string());
    if let Some(prefix) = prefix.filter(|p| !p.is_empty()) {
        push(format!("{prefix}/users/me{slash}"));
        push(format!("{prefix}/me{slash}"));
        push(format!("{prefix}/auth/user{slash}"));
    }
    let spec = inventory
        .endpoints
        .iter()
        .filter(|e| e.method == "GET" && !e.path.contains('{'));
    for e in spec {
        let lower = e.path.to_ascii_lowercase();
        if ["/me", "profile", "account", "whoami", "current"]
            .iter()
            .any(|w| lower.contains(w))
        {
            if let Some(path) = path_of(base, &e.url) {
                push(path);
            }
        }
    }
    PROTECTED.iter().for_each(|p| push(format!("{p}{slash}")));
    out.truncate(MAX_PROTECTED);
    out
}

/// Paths that commonly start an anonymous session, most likely first: the
/// spec's session operations, then common names under the login's prefix
/// and the root.
pub fn session_starts(base: &Url, inventory: &Inventory, login_path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let spec = inventory.endpoints.iter().filter(|e| {
        let p = e.path.to_ascii_lowercase();
        e.method == "POST" && p.contains("session") && !p.contains("login") && !e.path.contains('{')
    });
    out.extend(spec.filter_map(|e| path_of(base, &e.url)));
    let prefix = login_path.rsplit_once('/').map_or("", |(p, _)| p);
    let prefix = prefix.trim_end_matches("/auth");
    for root in [prefix, ""] {
        for name in ["/session/init", "/session/start", "/sessions", "/session"] {
            let path = format!("{root}{name}");
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out.truncate(MAX_SESSION_STARTS);
    out
}

/// Text that shows who is logged in: the user name, and an e-mail's local part.
fn markers(creds: &Credentials) -> Vec<String> {
    let mut out = vec![creds.user.clone()];
    if let Some((local, _)) = creds.user.split_once('@') {
        out.push(local.to_string());
    }
    out.retain(|m| m.len() >= 2);
    out
}

/// The first candidate page that shows a marker to `agent` and not to an
/// anonymous client: `(path, marker)`.
pub async fn find_protected(
    base: &Url,
    layer: &Arc<HttpLayer>,
    agent: &mut Agent,
    candidates: &[String],
    creds: &Credentials,
    notes: &mut Notes,
) -> Result<Option<(String, String)>> {
    let mut tried = Vec::new();
    for path in candidates {
        let seen = match agent.send(Request::get(url_for(base, path)), true).await {
            Ok(trip) => trip.response,
            Err(e) if e.is_budget() => return Err(e),
            Err(_) => continue,
        };
        tried.push(format!("GET {path} ({})", seen.status));
        let body = seen.text();
        let Some(marker) = markers(creds)
            .into_iter()
            .find(|m| seen.status < 400 && body.contains(m.as_str()))
        else {
            continue;
        };
        let mut stranger = Agent::new(layer.clone(), agent.carrier().clone());
        let anonymous = stranger.send(Request::get(url_for(base, path)), true).await?;
        if anonymous.response.status >= 400 || !anonymous.response.text().contains(&marker) {
            return Ok(Some((path.clone(), marker)));
        }
        tried.push(format!("GET {path} shows '{marker}' anonymously too"));
    }
    notes.missing(format!(
        "a page that shows '{}' logged in and not anonymously (tried {})",
        creds.user,
        tried.join(", ")
    ));
    Ok(None)
}

/// Logout: links and forms named like it on the pages seen logged in, the
/// spec's operations, then common paths; the first that answers (not 404,
/// 405 or 5xx) to `agent`, whose session it ends.
pub async fn find_logout(
    base: &Url,
    agent: &mut Agent,
    pages: &[String],
    login_path: &str,
    inventory: &Inventory,
) -> Result<Option<(String, String)>> {
    let mut candidates: Vec<(String, String)> = Vec::new();
    let mut push = |method: &str, path: String| {
        let c = (method.to_string(), path);
        if !candidates.contains(&c) {
            candidates.push(c);
        }
    };
    for page in pages {
        let Some(landed) = Url::parse(page).ok() else { continue };
        let body = page_body(agent, &landed).await?;
        for form in html::forms(&body) {
            let action = form.action.as_deref().unwrap_or("");
            if is_logout(action) {
                if let Some(path) = landed.join(action).ok().and_then(|u| path_of(base, &u)) {
                    push(&form.method, path);
                }
            }
        }
        for link in html::links(&body)
            .iter()
            .filter(|l| is_logout(&l.href) || is_logout(&l.text))
        {
            if let Some(path) = landed.join(&link.href).ok().and_then(|u| path_of(base, &u)) {
                push("GET", path);
            }
        }
    }
    for e in inventory.endpoints.iter().filter(|e| is_logout(&e.path)) {
        if let Some(path) = path_of(base, &e.url) {
            push(&e.method, path);
        }
    }
    push("POST", crate::flow::sibling(login_path, "logout"));
    let slash = crate::flow::trailing_slash(login_path);
    for path in ["/logout", "/api/logout", "/auth/logout", "/api/auth/logout"] {
        push("POST", format!("{path}{slash}"));
    }
    for (method, path) in candidates.into_iter().take(MAX_LOGOUT) {
        // Logging out the discovery's own session: declared like a flow step.
        let logout = Request::new(&method, url_for(base, &path)).declared();
        let answer = match agent.send(logout, false).await {
            Ok(trip) => trip.response.status,
            Err(e) if e.is_budget() => return Err(e),
            Err(_) => continue,
        };
        if !matches!(answer, 404 | 405 | 500..) {
            return Ok(Some((method, path)));
        }
    }
    Ok(None)
}

async fn page_body(agent: &mut Agent, url: &Url) -> Result<String> {
    match agent.send(Request::get(url.clone()), true).await {
        Ok(trip) => Ok(trip.response.text()),
        Err(e) if e.is_budget() => Err(e),
        Err(_) => Ok(String::new()),
    }
}

fn is_logout(text: &str) -> bool {
    let t = text.to_ascii_lowercase().replace(['-', '_', ' '], "");
    ["logout", "signout", "logoff"].iter().any(|w| t.contains(w))
}

/// Write the protected page and marker into `draft`.
pub fn protect(draft: &mut Draft, path: &str, marker: &str) {
    draft.step("protected", "GET", path);
    draft.set("protected", "logged_in_marker", marker);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_in_login_replies() {
        let long = "eyJhbGciOiJIUzI1NiJ9.e30.sig-sig-sig";
        assert_eq!(
            token_pointer(format!(r#"{{"token":"{long}"}}"#).as_bytes()).as_deref(),
            Some("/token")
        );
        assert_eq!(
            token_pointer(format!(r#"{{"ok":true,"data":{{"accessToken":"{long}"}}}}"#).as_bytes()).as_deref(),
            Some("/data/accessToken")
        );
        assert_eq!(
            token_pointer(format!(r#"{{"access":"{long}","refresh":""}}"#).as_bytes()).as_deref(),
            Some("/access")
        );
        assert_eq!(token_pointer(br#"{"token":"short"}"#), None);
        assert_eq!(token_pointer(b"<html>"), None);
    }

    #[test]
    fn the_cookie_login_set() {
        let mut before = Jar::default();
        before.set("csrftoken", "a");
        before.set("theme", "dark");
        let mut after = before.clone();
        after.set("csrftoken", "b");
        after.set("sessionid", "s");
        after.set("refresh-token", "r");
        assert_eq!(session_cookies(&before, &after), ["sessionid"]);
        let mut fixed = Jar::default();
        fixed.set("sid", "same");
        assert_eq!(
            session_cookies(&fixed, &fixed.clone()),
            ["sid"],
            "a login that does not rotate"
        );
        assert!(is_logout("Sign out") && is_logout("/accounts/logout/") && !is_logout("/login"));
    }
}
