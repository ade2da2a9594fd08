//! The dashboard: server-rendered pages of the targets, their latest scans,
//! the events and the webhooks, for a person signed in with an API token.
//!
//! Its session is the one rampart's session suite asks of any app: the sign-in
//! page opens an anonymous session that carries the form's CSRF token; signing
//! in ends it and starts a new one under a new id (so an id planted before
//! sign-in is worth nothing); signing out ends the session on the server. Ids
//! are 32 random bytes, stored only as SHA-256; the cookie is `HttpOnly`,
//! `SameSite=Strict`, scoped to `/dashboard`, and `Secure` when the request
//! came over https (`X-Forwarded-Proto: https` from a proxy in front). Every
//! form carries the session's CSRF token, and a POST from another origin is
//! refused.

mod pages;

use crate::service::AppState;
use crate::service::auth::sha256;
use axum::Router;
use axum::extract::{Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rampart_store::StoreError;
use rampart_store::queue::WebSession;
use serde::Deserialize;
use std::time::Duration;

/// The session cookie.
const COOKIE: &str = "rampart_session";
/// How long a signed-in session lasts.
const SIGNED_IN: Duration = Duration::from_secs(8 * 3600);
/// How long a sign-in page's anonymous session lasts.
const ANONYMOUS: Duration = Duration::from_secs(15 * 60);

/// The dashboard's routes, each answer with the headers of [`harden`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(home))
        .route("/dashboard/login", get(sign_in_page).post(sign_in))
        .route("/dashboard/logout", post(sign_out))
        .route("/dashboard/targets/{id}", get(target))
        .route("/dashboard/targets/{id}/scan", post(scan_now))
        .layer(axum::middleware::map_response(harden))
}

/// The request's session, if its cookie names a live one, and where the request came from.
struct Visit {
    /// SHA-256 of the session id.
    id: Option<String>,
    session: Option<WebSession>,
    /// Whether the request came over https.
    secure: bool,
    /// Whether its `Origin` (or `Referer`) is another origin.
    foreign: bool,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Visit, Response> {
        let headers = &parts.headers;
        let secure = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
        let id = cookie(headers).map(|value| sha256(&value));
        let session = match &id {
            Some(id) => state.queue.session(id).await.map_err(internal)?,
            None => None,
        };
        Ok(Visit {
            id,
            session,
            secure,
            foreign: foreign(headers),
        })
    }
}

impl Visit {
    /// The signed-in user's name and the session's CSRF token.
    fn signed_in(&self) -> Option<(&str, &str)> {
        let session = self.session.as_ref()?;
        Some((session.user.as_deref()?, &session.csrf))
    }

    /// Whether a form may act: same origin, and the session's CSRF token.
    fn form_ok(&self, sent: &str) -> bool {
        !self.foreign && self.csrf_ok(sent)
    }

    /// Whether a form's token is this session's.
    fn csrf_ok(&self, sent: &str) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| constant_time_eq(s.csrf.as_bytes(), sent.as_bytes()))
    }

    /// Starts a new session (under a new id) and returns its cookie.
    async fn start(&self, state: &AppState, user: Option<String>) -> Result<(String, WebSession), StoreError> {
        let id = random();
        let session = WebSession { user, csrf: random() };
        let ttl = if session.user.is_some() { SIGNED_IN } else { ANONYMOUS };
        state.queue.add_session(&sha256(&id), &session, ttl).await?;
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = format!(
            "{COOKIE}={id}; Path=/dashboard; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
            ttl.as_secs()
        );
        Ok((cookie, session))
    }
}

/// The session cookie's value, from any `Cookie` header.
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('=').map(str::to_string))
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

fn random() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A POST whose `Origin` (or, without one, `Referer`) names another origin.
fn foreign(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match from.and_then(|f| url::Url::parse(f).ok()) {
        Some(url) => {
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!("{}{port}", url.host_str().unwrap_or("")) != host
        }
        // An Origin that is no URL (`null`, from a sandboxed or file page) is foreign too.
        None => from.is_some(),
    }
}

/// No caching, no framing, no scripts or outside resources.
async fn harden(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let fixed = [
        (header::CACHE_CONTROL, "no-store"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

fn page(status: StatusCode, html: String) -> Response {
    (status, Html(html)).into_response()
}

/// A store failure: logged, answered without its cause.
fn internal(e: StoreError) -> Response {
    eprintln!("rampart serve: dashboard: store: {e}");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        pages::message("Internal error", "Try again later."),
    )
}

fn refused() -> Response {
    page(
        StatusCode::FORBIDDEN,
        pages::message(
            "Refused",
            "The form expired or came from another site. Reload the page and try again.",
        ),
    )
}

/// `GET /dashboard/login`.
async fn sign_in_page(State(state): State<AppState>, visit: Visit) -> Response {
    if visit.signed_in().is_some() {
        return redirect("/dashboard");
    }
    if let Some(session) = &visit.session {
        return page(StatusCode::OK, pages::sign_in(&session.csrf, None));
    }
    match visit.start(&state, None).await {
        Ok((cookie, session)) => {
            let mut response = page(StatusCode::OK, pages::sign_in(&session.csrf, None));
            set_cookie(&mut response, &cookie);
            response
        }
        Err(StoreError::Invalid { cause, .. }) => page(StatusCode::SERVICE_UNAVAILABLE, pages::message("Busy", &cause)),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
struct SignIn {
    csrf: String,
    token: String,
}

/// `POST /dashboard/login`: a known API token ends the anonymous session and starts a signed-in one.
async fn sign_in(State(state): State<AppState>, visit: Visit, Form(form): Form<SignIn>) -> Response {
    if !visit.form_ok(&form.csrf) {
        return refused();
    }
    let user = match state.queue.token_name(&sha256(form.token.trim())).await {
        Ok(Some(name)) => name,
        Ok(None) => {
            return page(
                StatusCode::UNAUTHORIZED,
                pages::sign_in(&form.csrf, Some("That is not a valid API token.")),
            );
        }
        Err(e) => return internal(e),
    };
    if let Some(old) = &visit.id
        && let Err(e) = state.queue.remove_session(old).await
    {
        return internal(e);
    }
    match visit.start(&state, Some(user)).await {
        Ok((cookie, _)) => {
            let mut response = redirect("/dashboard");
            set_cookie(&mut response, &cookie);
            response
        }
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
struct Csrf {
    csrf: String,
}

/// `POST /dashboard/logout`: ends the session on the server and clears the cookie.
async fn sign_out(State(state): State<AppState>, visit: Visit, Form(form): Form<Csrf>) -> Response {
    if !visit.form_ok(&form.csrf) {
        return refused();
    }
    if let Some(id) = &visit.id
        && let Err(e) = state.queue.remove_session(id).await
    {
        return internal(e);
    }
    let mut response = redirect("/dashboard/login");
    set_cookie(
        &mut response,
        &format!("{COOKIE}=; Path=/dashboard; Max-Age=0; HttpOnly; SameSite=Strict"),
    );
    response
}

/// `GET /dashboard`.
async fn home(State(state): State<AppState>, visit: Visit) -> Response {
    let Some((user, csrf)) = visit.signed_in() else {
        return redirect("/dashboard/login");
    };
    match pages::home(&state, user, csrf).await {
        Ok(html) => page(StatusCode::OK, html),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
struct Notice {
    queued: Option<String>,
}

/// `GET /dashboard/targets/{id}`.
async fn target(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> Response {
    let Some((user, csrf)) = visit.signed_in() else {
        return redirect("/dashboard/login");
    };
    match pages::target(&state, user, csrf, id, notice.queued.as_deref()).await {
        Ok(Some(html)) => page(StatusCode::OK, html),
        Ok(None) => page(StatusCode::NOT_FOUND, pages::message("Not found", "No such target.")),
        Err(e) => internal(e),
    }
}

/// `POST /dashboard/targets/{id}/scan`: queue a scan now.
async fn scan_now(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<i64>,
    Form(form): Form<Csrf>,
) -> Response {
    if visit.signed_in().is_none() {
        return redirect("/dashboard/login");
    }
    if !visit.form_ok(&form.csrf) {
        return refused();
    }
    let target = match state.queue.target(id).await {
        Ok(Some(target)) => target,
        Ok(None) => return page(StatusCode::NOT_FOUND, pages::message("Not found", "No such target.")),
        Err(e) => return internal(e),
    };
    match state.queue.enqueue(&crate::schedule::job(&target, None)).await {
        Ok(Some(_)) => redirect(&format!("/dashboard/targets/{id}?queued=yes")),
        Ok(None) => redirect(&format!("/dashboard/targets/{id}?queued=busy")),
        Err(e) => internal(e),
    }
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn a_post_from_another_origin_is_foreign() {
        let host = ("host", "127.0.0.1:8080");
        assert!(!foreign(&headers(&[host])), "no Origin: a non-browser client");
        assert!(!foreign(&headers(&[host, ("origin", "http://127.0.0.1:8080")])));
        assert!(!foreign(&headers(&[
            host,
            ("referer", "http://127.0.0.1:8080/dashboard")
        ])));
        assert!(foreign(&headers(&[host, ("origin", "http://evil.test")])));
        assert!(foreign(&headers(&[host, ("origin", "http://127.0.0.1:9090")])));
        assert!(foreign(&headers(&[host, ("origin", "null")])));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let got = cookie(&headers(&[("cookie", "a=1; rampart_session=abc; b=2")]));
        assert_eq!(got.as_deref(), Some("abc"));
        assert_eq!(cookie(&headers(&[("cookie", "rampart_sessionx=abc")])), None);
        assert_eq!(cookie(&headers(&[("cookie", "rampart_session=")])), None);
        assert!(
            constant_time_eq(b"abc", b"abc") && !constant_time_eq(b"abc", b"abd") && !constant_time_eq(b"a", b"ab")
        );
    }
}
