//! Credentials-only login discovery (`--login USER[:PASSWORD]`): the flow a
//! careful tester would write by hand, found on the target itself: the login
//! (an HTML form or a JSON operation) and its CSRF token, the carrier the
//! session travels in, a page and a marker that prove the session, and
//! logout. The result is a flow file, validated like a hand-written one.
//!
//! Discovery logs in as the user a few times and never sends a wrong
//! password (accounts that lock after failures stay unlocked); every request
//! goes through the scan's HTTP layer, so the origin scope, the address
//! policy and the budgets hold.

mod draft;
mod login;
mod session;

pub use draft::{PASSWORD_VAR, password_placeholder};
pub use session::token_pointer;

use crate::agent::{Agent, Carrier, Trip};
use crate::error::{Error, Result};
use crate::flow::Flow;
use crate::flow::step::{self, url_for};
use crate::http::{HttpLayer, Request};
use crate::inventory::Inventory;
use draft::Draft;
use login::Candidate;
use std::sync::Arc;
use url::Url;

/// The user to log in as.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials {{ user: {:?}, password: [redacted] }}", self.user)
    }
}

/// A discovered flow.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub flow: Flow,
    /// The flow file (the password as `${RAMPART_PASSWORD}`), for `--save-flow`.
    pub file: String,
    /// "Logged in as alice via POST /login (form, CSRF field csrf_token), session cookie sid, checked on GET /account".
    pub summary: String,
}

/// What discovery found and what it missed, for the failure message.
#[derive(Debug, Default)]
pub struct Notes {
    found: Vec<String>,
    missing: Vec<String>,
}

impl Notes {
    fn found(&mut self, what: String) {
        if !self.found.contains(&what) {
            self.found.push(what);
        }
    }

    fn missing(&mut self, what: String) {
        if !self.missing.contains(&what) {
            self.missing.push(what);
        }
    }
}

/// `url` as a flow path (under `base`'s path prefix, with its query), when
/// it is on `base`'s origin.
pub fn path_of(base: &Url, url: &Url) -> Option<String> {
    if !crate::http::origin::same_origin(base, url) {
        return None;
    }
    let prefix = base.path().trim_end_matches('/');
    let rest = url.path().strip_prefix(prefix)?;
    let path = if rest.starts_with('/') {
        rest.to_string()
    } else {
        format!("/{rest}")
    };
    Some(match url.query() {
        Some(q) => format!("{path}?{q}"),
        None => path,
    })
}

/// Discover the flow of `base` for `creds`; on failure, an error that says
/// what was found, what is missing, and a skeleton flow file.
pub async fn discover(
    base: &Url,
    inventory: &Inventory,
    layer: &Arc<HttpLayer>,
    creds: &Credentials,
) -> Result<Discovered> {
    let mut notes = Notes::default();
    let mut candidates = login::forms(base, layer, creds, &mut notes).await?;
    candidates.extend(login::json_candidates(base, inventory, creds));
    let first_form = candidates
        .first()
        .filter(|c| c.shape.starts_with("form"))
        .map(|c| c.draft.clone());
    let mut partial: Option<Draft> = None;
    for candidate in candidates {
        match attempt(base, inventory, layer, creds, candidate, &mut notes).await? {
            Attempt::Done(found) => return Ok(*found),
            Attempt::LoggedIn(draft) => {
                partial.get_or_insert(*draft);
            }
            Attempt::Failed => {}
        }
    }
    Err(failure(creds, &notes, partial.or(first_form)))
}

enum Attempt {
    Done(Box<Discovered>),
    /// Login seemed to work (a cookie or token) but nothing proved it.
    LoggedIn(Box<Draft>),
    Failed,
}

/// Try one login candidate through to a validated-looking flow.
async fn attempt(
    base: &Url,
    inventory: &Inventory,
    layer: &Arc<HttpLayer>,
    creds: &Credentials,
    candidate: Candidate,
    notes: &mut Notes,
) -> Result<Attempt> {
    let mut draft = candidate.draft;
    let login_path = draft.get("login", "path").unwrap_or("/").to_string();
    let method = draft.get("login", "method").unwrap_or("POST").to_string();
    if !draft.has("preauth") {
        preauth_for_json(base, layer, &login_path, &mut draft).await?;
    }
    let mut agent = Agent::new(layer.clone(), Carrier::Cookie(String::new()));
    let mut logged = log_in(base, &draft, creds, &mut agent, notes).await?;
    if let LogIn::Slashed(path) = logged {
        // The framework appends a slash (Django's APPEND_SLASH) and the redirect lost the POST.
        draft.set("login", "path", path);
        agent = Agent::new(layer.clone(), Carrier::Cookie(String::new()));
        logged = log_in(base, &draft, creds, &mut agent, notes).await?;
    }
    let LogIn::Done(done) = logged else {
        return Ok(Attempt::Failed);
    };
    let login_path = draft.get("login", "path").unwrap_or("/").to_string();
    let (login, before) = *done;
    let status = login.response.status;
    let cookies = session::session_cookies(&before, agent.jar());
    let cookie = cookies.first().cloned();
    let pointer = session::token_pointer(&login.response.body);
    let mut carriers: Vec<(Carrier, Option<String>)> = Vec::new();
    for cookie in cookies {
        let carrier = Carrier::cookie(&cookie, agent.jar().names());
        if !carriers.iter().any(|(c, _)| *c == carrier) {
            carriers.push((carrier, None));
        }
    }
    if let Some(p) = &pointer {
        carriers.extend(
            session::token_carriers(inventory)
                .into_iter()
                .map(|c| (c, Some(p.clone()))),
        );
    }
    let with = match (&cookie, &pointer) {
        (Some(c), _) => format!("cookie {c}"),
        (None, Some(p)) => format!("a token at {p}"),
        (None, None) => {
            notes.missing(format!(
                "{method} {login_path} ({}) answered {status} and left no session cookie and returned no token",
                candidate.shape
            ));
            return Ok(Attempt::Failed);
        }
    };
    notes.found(format!(
        "{method} {login_path} ({}) answered {status} with {with}",
        candidate.shape
    ));
    let pages = session::protected_candidates(base, &login, &login_path, inventory);
    for (carrier, pointer) in carriers {
        let mut session = session_agent(layer, &agent, &carrier, pointer.as_deref(), &login);
        let Some((path, marker)) = session::find_protected(base, layer, &mut session, &pages, creds, notes).await?
        else {
            continue;
        };
        draft.carrier(&carrier);
        if let Some(p) = &pointer {
            draft.set("login", "token_json", p.as_str());
        }
        session::protect(&mut draft, &path, &marker);
        if pointer.is_some() {
            token_preauth(base, layer, inventory, &mut draft, creds, &carrier).await?;
        }
        let seen = [last_url(&login), url_for(base, &path).to_string()];
        let logout = session::find_logout(base, &mut session, &seen, &login_path, inventory).await?;
        if let Some((m, p)) = &logout {
            draft.step("logout", m, p);
        }
        let flow = draft.flow(&creds.password)?;
        let after = match (draft.get("preauth", "method"), draft.get("preauth", "token_json")) {
            (Some(m), Some(_)) => format!(" after {m} {}", draft.get("preauth", "path").unwrap_or("/")),
            _ => String::new(),
        };
        let summary = format!(
            "Logged in as {} via {method} {login_path} ({}){after}, session {}, checked on GET {path}{}",
            creds.user,
            candidate.shape,
            carrier.describe(),
            logout
                .map(|(m, p)| format!("; logout {m} {p}"))
                .unwrap_or_else(|| "; no logout found".into())
        );
        return Ok(Attempt::Done(Box::new(Discovered {
            flow,
            file: draft.text(),
            summary,
        })));
    }
    if let Some(name) = cookie {
        draft.carrier(&Carrier::Cookie(name));
    }
    Ok(Attempt::LoggedIn(Box::new(draft)))
}

/// For a session carried as a token: an anonymous operation that issues a
/// token before login (`POST /session/init`), made the preauth step when a
/// login after it still reaches the protected page. Session fixation and
/// in-place store updates can only be tested from such a pre-login token.
async fn token_preauth(
    base: &Url,
    layer: &Arc<HttpLayer>,
    inventory: &Inventory,
    draft: &mut Draft,
    creds: &Credentials,
    carrier: &Carrier,
) -> Result<()> {
    for path in session::session_starts(base, inventory, draft.get("login", "path").unwrap_or("/")) {
        let mut anonymous = Agent::new(layer.clone(), carrier.clone());
        let issued = match anonymous.send(Request::new("POST", url_for(base, &path)), false).await {
            Ok(trip) if trip.response.status < 400 => session::token_pointer(&trip.response.body),
            Ok(_) => None,
            Err(e) if e.is_budget() => return Err(e),
            Err(_) => None,
        };
        let Some(pointer) = issued else { continue };
        let mut trial = draft.clone();
        trial.step("preauth", "POST", &path);
        trial.set("preauth", "token_json", pointer.as_str());
        let flow = trial.flow(&creds.password)?;
        let mut agent = Agent::new(layer.clone(), carrier.clone());
        let csrf_page = "/";
        let logged_in = match step::run(base, csrf_page, &flow.preauth, &mut agent, &[]).await {
            Ok(_) => match step::run(base, csrf_page, &flow.login, &mut agent, &[]).await {
                Ok(_) => {
                    let seen = agent
                        .send(Request::get(url_for(base, &flow.protected.path)), true)
                        .await?;
                    seen.response.status < 400 && seen.response.text().contains(&flow.logged_in_marker)
                }
                Err(e) if e.is_budget() => return Err(e),
                Err(_) => false,
            },
            Err(e) if e.is_budget() => return Err(e),
            Err(_) => false,
        };
        if logged_in {
            *draft = trial;
            return Ok(());
        }
    }
    Ok(())
}

/// A JSON login's preauth: GET of the login path when it answers, else the
/// target itself (the flow's default).
async fn preauth_for_json(base: &Url, layer: &Arc<HttpLayer>, login_path: &str, draft: &mut Draft) -> Result<()> {
    let mut agent = Agent::new(layer.clone(), Carrier::Cookie(String::new()));
    match agent.send(Request::get(url_for(base, login_path)), true).await {
        Ok(trip) if trip.response.status < 400 => draft.step("preauth", "GET", login_path),
        Ok(_) => {}
        Err(e) if e.is_budget() => return Err(e),
        Err(_) => {}
    }
    Ok(())
}

/// How a login attempt ended.
enum LogIn {
    /// The login's trip and the jar before login.
    Done(Box<(Trip, crate::cookies::Jar)>),
    /// The login path redirected to itself with a trailing slash, or was not
    /// found without one: try this path.
    Slashed(String),
    /// It failed (noted).
    Failed,
}

/// Run the draft's preauth and login with `agent`.
async fn log_in(base: &Url, draft: &Draft, creds: &Credentials, agent: &mut Agent, notes: &mut Notes) -> Result<LogIn> {
    let mut probe = draft.clone();
    session::protect(&mut probe, "/", "-");
    let flow = probe.flow(&creds.password)?;
    let csrf_page = flow.preauth.path.clone();
    let said = |e: &Error| format!("{} {}: {e}", flow.login.method, flow.login.path);
    if let Err(e) = step::run(base, &csrf_page, &flow.preauth, agent, &[]).await {
        if e.is_budget() {
            return Err(e);
        }
        notes.missing(said(&e));
        return Ok(LogIn::Failed);
    }
    let before = agent.jar().clone();
    match step::run(base, &csrf_page, &flow.login, agent, &[]).await {
        Ok(outcome) if outcome.trip.response.status < 400 => Ok(LogIn::Done(Box::new((outcome.trip, before)))),
        Ok(outcome) => {
            let status = outcome.trip.response.status;
            notes.missing(format!("{} {} answered {status}", flow.login.method, flow.login.path));
            let retry = slashed(&outcome.trip, &flow.login.path).or_else(|| {
                // Frameworks with trailing-slash routes and no redirect (Django without CommonMiddleware).
                let bare = status == 404 && !flow.login.path.ends_with('/') && !flow.login.path.contains('?');
                bare.then(|| format!("{}/", flow.login.path))
            });
            Ok(retry.map_or(LogIn::Failed, LogIn::Slashed))
        }
        Err(e) if e.is_budget() => Err(e),
        Err(e) => {
            notes.missing(said(&e));
            Ok(LogIn::Failed)
        }
    }
}

/// `path/` when the first answer of `trip` redirected `path` there.
fn slashed(trip: &Trip, path: &str) -> Option<String> {
    let first = trip.exchanges.first()?;
    let location = first.response.header("location")?;
    let to = Url::parse(&first.request.url).ok()?.join(location).ok()?;
    let wanted = format!("{}/", path.trim_end_matches('/'));
    (!path.ends_with('/') && matches!(first.response.status, 301 | 302 | 307 | 308) && to.path().ends_with(&wanted))
        .then_some(wanted)
}

/// A client holding only the session login left, in `carrier`.
fn session_agent(
    layer: &Arc<HttpLayer>,
    agent: &Agent,
    carrier: &Carrier,
    pointer: Option<&str>,
    login: &Trip,
) -> Agent {
    let token = pointer.and_then(|p| {
        let body: serde_json::Value = serde_json::from_slice(&login.response.body).ok()?;
        body.pointer(p)?.as_str().map(str::to_string)
    });
    let mut session = Agent::new(layer.clone(), carrier.clone());
    *session.jar_mut() = agent.jar().clone();
    if token.is_some() {
        session.set_token(token);
    }
    session
}

fn last_url(trip: &Trip) -> String {
    trip.exchanges
        .last()
        .map(|ex| ex.request.url.clone())
        .unwrap_or_default()
}

/// Exit-2 material: what was found, what is missing, and a skeleton.
fn failure(creds: &Credentials, notes: &Notes, partial: Option<Draft>) -> Error {
    let mut skeleton = partial.unwrap_or_default();
    if !skeleton.has("login") {
        skeleton.step("login", "POST", "/login");
        let fields = [
            ("username".to_string(), creds.user.clone()),
            ("password".into(), password_placeholder()),
        ];
        skeleton.body("login", "form", &fields);
    }
    if !skeleton.has("protected") {
        session::protect(&mut skeleton, "/FILL-IN-a-page-only-a-logged-in-user-sees", &creds.user);
    }
    let list = |items: &[String]| match items {
        [] => "nothing".to_string(),
        items => items.join("; "),
    };
    let indented: String = skeleton.text().lines().map(|l| format!("\n    {l}")).collect();
    Error::Discovery(format!(
        "login discovery for {} found no working flow\n  found: {}\n  missing: {}\n  a flow skeleton with what was found (complete it, then scan with --flow FILE):{indented}",
        crate::input::quote(&creds.user),
        list(&notes.found),
        list(&notes.missing),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_base_and_on_its_origin() {
        let base = Url::parse("http://h:8/app/").unwrap();
        let at = |u: &str| path_of(&base, &Url::parse(u).unwrap());
        assert_eq!(at("http://h:8/app/login?next=/").as_deref(), Some("/login?next=/"));
        assert_eq!(at("http://h:8/other"), None, "outside the base path");
        assert_eq!(at("http://evil:8/app/login"), None, "another origin");
        let root = Url::parse("http://h:8").unwrap();
        assert_eq!(path_of(&root, &root).as_deref(), Some("/"));
    }

    #[test]
    fn credentials_never_print_the_password() {
        let creds = Credentials {
            user: "alice".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{creds:?}").contains("hunter2"));
    }
}
