//! The API's routes and its sessions: health and root, a JSON login with
//! access and refresh tokens, refresh and logout, the caller's own record,
//! the JWKS and the OpenAPI document here; accounts, orders and the admin
//! area, the link preview and webhooks, and the assistant chat in their own
//! modules.

use super::token::{Claims, Signer, hex};
use super::{ApiFlaws, OPENAPI, accounts, chat, fetch, orders};
use crate::limits;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub struct Api {
    pub flaws: ApiFlaws,
    signer: Signer,
    sessions: Mutex<HashMap<String, Session>>,
    pub chat: chat::History,
    pub orders: orders::Orders,
    pub accounts: accounts::Accounts,
}

/// One login: whose it is, its current refresh token and the ones it replaced.
struct Session {
    user: String,
    refresh: String,
    used: Vec<String>,
    ended: bool,
}

/// More sessions than this and the ended ones are forgotten, or else all of them (bounded memory).
const MAX_SESSIONS: usize = 20_000;

pub type Shared = State<Arc<Api>>;

pub fn state(flaws: ApiFlaws) -> Arc<Api> {
    Arc::new(Api {
        flaws,
        signer: Signer::new(flaws),
        sessions: Mutex::default(),
        chat: chat::History::default(),
        orders: orders::Orders::seeded(flaws.sequential_ids),
        accounts: accounts::Accounts::seeded(flaws.sequential_ids),
    })
}

pub fn router(api: Arc<Api>) -> Router {
    let window = limits::Window::default();
    Router::new()
        .route("/", get(root))
        .route("/api/v1/health", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/openapi.json", get(openapi))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/refresh", post(refresh))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/orders", get(orders::list).post(orders::create))
        .route(
            "/api/v1/orders/{id}",
            get(orders::read).patch(orders::update).delete(orders::delete),
        )
        .route("/api/v1/users", post(accounts::register))
        .route("/api/v1/users/me", delete(accounts::delete_me))
        .route("/api/v1/users/{username}/password", put(accounts::change_password))
        .route("/api/v1/admin/stats", get(orders::stats))
        .route("/api/v1/admin/users", get(orders::users))
        .route("/api/v1/preview", get(fetch::preview))
        .route("/api/v1/webhooks", post(fetch::register_webhook))
        .route("/api/v1/chat", post(chat::chat))
        .route("/api/v1/chat/history", get(chat::history))
        .with_state(api)
        .layer(axum::middleware::map_response(harden))
        .layer(axum::middleware::map_response(limits::version))
        .layer(axum::middleware::from_fn(move |req, next| {
            limits::limit(window.clone(), req, next)
        }))
}

async fn root() -> Json<Value> {
    Json(json!({
        "name": "rampart demo API",
        "description": "Orders, previews, webhooks and an assistant behind bearer tokens.",
        "docs": "/openapi.json",
        "login": "/api/v1/auth/login"
    }))
}

/// Security headers on every answer and a bearer challenge on every 401.
async fn harden(mut resp: Response) -> Response {
    let headers = resp.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if resp.status() == StatusCode::UNAUTHORIZED {
        let challenge = HeaderValue::from_static("Bearer realm=\"rampart demo API\"");
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
    }
    resp
}

/// The OpenAPI document, to signed-in callers only.
async fn openapi(_caller: Caller) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn jwks(State(api): Shared) -> Response {
    match api.signer.jwks() {
        Some(keys) => Json(keys).into_response(),
        None => refused(StatusCode::NOT_FOUND, "not found"),
    }
}

pub fn refused(status: StatusCode, why: &str) -> Response {
    (status, Json(json!({"error": why}))).into_response()
}

async fn login(State(api): Shared, Json(body): Json<Value>) -> Response {
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default();
    let user = field("username");
    if !api.accounts.check(user, field("password")) {
        return refused(StatusCode::UNAUTHORIZED, "invalid credentials");
    }
    let session = hex(16);
    let refresh = hex(32);
    let mut sessions = api.sessions.lock().unwrap();
    if sessions.len() >= MAX_SESSIONS {
        sessions.retain(|_, s| !s.ended);
        if sessions.len() >= MAX_SESSIONS {
            sessions.clear();
        }
    }
    sessions.insert(
        session.clone(),
        Session {
            user: user.to_string(),
            refresh: refresh.clone(),
            used: Vec::new(),
            ended: false,
        },
    );
    drop(sessions);
    api.tokens(user, &session, refresh)
}

/// A new access token and the next refresh token, for a refresh token the
/// session holds (or, with its flaws, one it held, or one of an ended session).
async fn refresh(State(api): Shared, Json(body): Json<Value>) -> Response {
    let given = body.get("refresh_token").and_then(Value::as_str).unwrap_or_default();
    let mut sessions = api.sessions.lock().unwrap();
    let found = sessions.iter_mut().find(|(_, s)| {
        !given.is_empty() && (s.refresh == given || (api.flaws.refresh_reuse && s.used.iter().any(|u| u == given)))
    });
    let Some((id, session)) = found else {
        return refused(StatusCode::UNAUTHORIZED, "invalid refresh token");
    };
    if session.ended && !api.flaws.refresh_after_logout {
        return refused(StatusCode::UNAUTHORIZED, "invalid refresh token");
    }
    // The flaw: logout ended the access token's session, but the refresh
    // token still holds it and brings it back.
    session.ended = false;
    let next = hex(32);
    let old = std::mem::replace(&mut session.refresh, next.clone());
    if session.used.len() < 64 {
        session.used.push(old);
    }
    let (id, user) = (id.clone(), session.user.clone());
    drop(sessions);
    api.tokens(&user, &id, next)
}

async fn logout(State(api): Shared, caller: Caller) -> Response {
    if let Some(session) = api.sessions.lock().unwrap().get_mut(&caller.0.session) {
        session.ended = true;
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn me(State(api): Shared, caller: Caller) -> Json<Value> {
    let user = &caller.0.user;
    let mut record = json!({"id": api.accounts.id_of(user), "username": user});
    if api.flaws.exposes_role {
        record["role"] = json!(api.accounts.role_of(user));
    }
    Json(record)
}

impl Api {
    fn tokens(&self, user: &str, session: &str, refresh: String) -> Response {
        let access = self.signer.issue(user, session);
        Json(json!({"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": 900}))
            .into_response()
    }

    /// The claims of the request's bearer token, when it is valid and its session has not ended.
    pub fn caller(&self, headers: &HeaderMap) -> Option<Claims> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))?;
        let claims = self.signer.verify(token.trim())?;
        let sessions = self.sessions.lock().unwrap();
        let live = sessions
            .get(&claims.session)
            .is_some_and(|s| !s.ended && s.user == claims.user);
        drop(sessions);
        (live && self.accounts.exists(&claims.user)).then_some(claims)
    }
}

/// The signed-in caller, from `Authorization: Bearer`; 401 otherwise.
pub struct Caller(pub Claims);

impl FromRequestParts<Arc<Api>> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, api: &Arc<Api>) -> Result<Self, Response> {
        match api.caller(&parts.headers) {
            Some(claims) => Ok(Caller(claims)),
            None => Err(refused(StatusCode::UNAUTHORIZED, "sign in first")),
        }
    }
}
