//! The demo API's routes: a login page that starts a session, a form login,
//! one protected page, logout, a password change, a product catalogue, and
//! its OpenAPI document.

use crate::catalog::{Catalog, Miss};
use crate::limits;
use crate::store::Store;
use crate::{Flaws, PASSWORD, USER};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

struct Demo {
    flaws: Flaws,
    store: Store,
    catalog: Catalog,
    /// Times `GET /admin/createdb` ran: a scanner must never send it.
    trap: Arc<AtomicU64>,
}

type Shared = State<Arc<Demo>>;
type Fields = Form<HashMap<String, String>>;

/// The OpenAPI 3.0 document describing the demo's routes.
pub const OPENAPI: &str = include_str!("openapi.json");

pub fn router(flaws: Flaws, catalog: Catalog, trap: Arc<AtomicU64>) -> Router {
    let demo = Arc::new(Demo {
        flaws,
        store: Store::default(),
        catalog,
        trap,
    });
    let router = Router::new()
        .route(
            "/",
            get(|| async {
                Json(serde_json::json!({
                    "name": "rampart demo API",
                    "login": "/login",
                    "search": "/products?q=tea",
                    "after_login": "/go?next=/profile"
                }))
            }),
        )
        .route("/openapi.json", get(openapi))
        .route("/login", get(login_page).post(login))
        .route("/profile", get(profile))
        .route("/logout", post(logout))
        .route("/password", post(change_password))
        .route("/admin/createdb", get(create_db))
        .route("/products", get(search_products))
        .route("/products/{id}", get(product))
        .route("/go", get(go))
        .with_state(demo)
        .layer(axum::middleware::map_response(move |resp| harden(flaws, resp)));
    let router = if flaws.unversioned {
        router
    } else {
        router.layer(axum::middleware::map_response(limits::version))
    };
    if flaws.unlimited {
        return router;
    }
    let window = limits::Window::default();
    router.layer(axum::middleware::from_fn(move |req, next| {
        limits::limit(window.clone(), req, next)
    }))
}

/// A destructive GET, as real APIs have them: it drops every session and
/// counts the call. Listed in the OpenAPI document like any read.
async fn create_db(State(demo): Shared) -> Json<serde_json::Value> {
    demo.trap.fetch_add(1, Ordering::SeqCst);
    demo.store.wipe();
    Json(serde_json::json!({"database": "re-created"}))
}

async fn search_products(State(demo): Shared, Query(query): Query<HashMap<String, String>>) -> Response {
    let text = query.get("q").map(String::as_str).unwrap_or_default();
    match demo.catalog.search(text).await {
        Ok(found) => Json(serde_json::json!({"products": found})).into_response(),
        Err(miss) => demo.database_miss(miss),
    }
}

async fn product(State(demo): Shared, Path(id): Path<String>) -> Response {
    match demo.catalog.get(&id).await {
        Ok(found) => Json(found).into_response(),
        Err(Miss::NotFound) => (StatusCode::NOT_FOUND, "no such product").into_response(),
        // The lookup hides database errors: only the boolean difference shows there.
        Err(Miss::Database(_)) => (StatusCode::NOT_FOUND, "no such product").into_response(),
    }
}

/// Where to go after an action (`?next=`), as sign-in pages have it: a path
/// on this site, or (the flaw) any address at all.
async fn go(State(demo): Shared, Query(query): Query<HashMap<String, String>>) -> Response {
    let next = query.get("next").map_or("/", String::as_str);
    let own_path = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if own_path || demo.flaws.open_redirect {
        Redirect::to(next).into_response()
    } else {
        (StatusCode::BAD_REQUEST, "next must be a path on this site").into_response()
    }
}

/// Security headers on every answer and a challenge on every 401, unless those flaws are on.
async fn harden(flaws: Flaws, mut resp: Response) -> Response {
    if !flaws.no_security_headers {
        let headers = resp.headers_mut();
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if !flaws.no_www_authenticate && resp.status() == StatusCode::UNAUTHORIZED {
        let challenge = HeaderValue::from_static("Cookie realm=\"rampart demo\", cookie-name=sid");
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
    }
    resp
}

impl Demo {
    /// The session id the request carries (cookie, or `?sid=` when that flaw is on).
    fn session_id(&self, headers: &HeaderMap, query: &HashMap<String, String>) -> Option<String> {
        let from_url = self.flaws.url_session.then(|| query.get("sid").cloned()).flatten();
        from_url.or_else(|| cookie(headers, "sid"))
    }

    /// A failed search: the database's error to the client (when that flaw is on), else a plain 500.
    fn database_miss(&self, miss: Miss) -> Response {
        match miss {
            Miss::NotFound => (StatusCode::NOT_FOUND, "not found").into_response(),
            Miss::Database(e) if self.flaws.sql_injection => {
                let body = Json(serde_json::json!({"error": e}));
                (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
            }
            Miss::Database(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response(),
        }
    }

    fn cookie_header(&self, id: &str) -> HeaderValue {
        let f = self.flaws;
        let mut value = format!("sid={id}; Path=/");
        value.push_str(if f.long_lifetime {
            "; Max-Age=2592000"
        } else {
            "; Max-Age=3600"
        });
        if let Some(domain) = f.parent_domain {
            value.push_str(&format!("; Domain={domain}"));
        }
        for (flaw, attr) in [
            (f.no_http_only, "; HttpOnly"),
            (f.no_secure, "; Secure"),
            (f.no_same_site, "; SameSite=Lax"),
        ] {
            if !flaw {
                value.push_str(attr);
            }
        }
        HeaderValue::from_str(&value).expect("ids are ASCII")
    }

    fn with_cookie(&self, id: &str, resp: impl IntoResponse) -> Response {
        let mut resp = resp.into_response();
        resp.headers_mut().insert(header::SET_COOKIE, self.cookie_header(id));
        resp
    }

    /// A session for this visitor: the one it carries if known (or any, when adopting).
    fn anonymous_session(&self, carried: Option<String>) -> (String, bool) {
        match carried {
            Some(id) if self.store.exists(&id) => (id, false),
            Some(id) if self.flaws.adoption => {
                self.store.insert(&id, None);
                (id, true)
            }
            _ => (self.store.create(self.flaws.weak_ids), true),
        }
    }
}

/// The OpenAPI document of these routes: to anyone, or only to a signed-in user.
async fn openapi(State(demo): Shared, headers: HeaderMap) -> Response {
    let signed_in = cookie(&headers, "sid").and_then(|id| demo.store.user(&id)).is_some();
    if !demo.flaws.public_spec && !signed_in {
        return (StatusCode::UNAUTHORIZED, "not signed in").into_response();
    }
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn login_page(State(demo): Shared, headers: HeaderMap) -> Response {
    let (id, new) = demo.anonymous_session(cookie(&headers, "sid"));
    let page = Html(
        "<form method=post action=/login><input name=username><input name=password type=password><button>Sign in</button></form>",
    );
    if new {
        demo.with_cookie(&id, page)
    } else {
        page.into_response()
    }
}

async fn login(State(demo): Shared, headers: HeaderMap, Form(fields): Fields) -> Response {
    let f = demo.flaws;
    let known = fields.get("username").map(String::as_str) == Some(USER);
    if !known || fields.get("password").map(String::as_str) != Some(PASSWORD) {
        let why = match (f.user_enumeration, known) {
            (true, false) => "unknown user",
            (true, true) => "wrong password",
            (false, _) => "invalid credentials",
        };
        return (StatusCode::UNAUTHORIZED, why).into_response();
    }
    let carried = cookie(&headers, "sid");
    let chosen = fields.get("session_id").filter(|_| f.adoption).cloned();
    let id = match (chosen, carried) {
        (Some(id), _) => id,
        (None, Some(id)) if f.fixation && (demo.store.exists(&id) || f.adoption) => id,
        (None, carried) => {
            if let Some(old) = carried {
                demo.store.remove(&old);
            }
            demo.store.create(f.weak_ids)
        }
    };
    demo.store.insert(&id, Some(USER));
    if !f.concurrent_sessions {
        demo.store.revoke_others(USER, &id);
    }
    if f.token_in_body {
        return demo.with_cookie(&id, Json(serde_json::json!({"ok": true, "session": id})));
    }
    demo.with_cookie(&id, Redirect::to("/profile"))
}

async fn profile(State(demo): Shared, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    match demo.session_id(&headers, &query).and_then(|id| demo.store.user(&id)) {
        Some(user) => Html(format!("<h1>Profile</h1><p>Signed in as {user}</p>")).into_response(),
        None => (StatusCode::UNAUTHORIZED, "not signed in").into_response(),
    }
}

async fn logout(State(demo): Shared, headers: HeaderMap) -> Response {
    if let Some(id) = cookie(&headers, "sid") {
        if !demo.flaws.logout_keeps_session {
            demo.store.remove(&id);
        }
    }
    let mut resp = Redirect::to("/login").into_response();
    let clear = HeaderValue::from_static("sid=; Path=/; Max-Age=0");
    resp.headers_mut().insert(header::SET_COOKIE, clear);
    resp
}

async fn change_password(State(demo): Shared, headers: HeaderMap, Form(fields): Fields) -> Response {
    if cookie(&headers, "sid").and_then(|id| demo.store.user(&id)).is_none() {
        return (StatusCode::UNAUTHORIZED, "not signed in").into_response();
    }
    if fields.get("current").map(String::as_str) != Some(PASSWORD) {
        return (StatusCode::FORBIDDEN, "wrong current password").into_response();
    }
    if demo.flaws.password_keeps_session {
        return "password changed".into_response();
    }
    let fresh = demo.store.create(false);
    demo.store.insert(&fresh, Some(USER));
    demo.store.revoke_others(USER, &fresh);
    demo.with_cookie(&fresh, "password changed")
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}
