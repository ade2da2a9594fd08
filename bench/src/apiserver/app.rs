//! The generated API's routes: one handler per operation kind, the OpenAPI
//! document at `/openapi.json`, security headers on every answer, and a
//! tally at `/_bench/hits` (not in the document) that benchmarks read.

use super::tally::Tally;
use super::{Kind, Op, document};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

struct Bench {
    ops: Vec<Op>,
    tally: Tally,
    next_id: AtomicU64,
    document: Bytes,
}

type Shared = State<Arc<Bench>>;
type Params = Query<HashMap<String, String>>;

/// The API serving `ops`.
pub fn router(ops: Vec<Op>) -> Router {
    let bench = Arc::new(Bench {
        tally: Tally::new(ops.len()),
        document: Bytes::from(document(&ops).to_string()),
        ops,
        next_id: AtomicU64::new(1000),
    });
    let mut routes: BTreeMap<String, MethodRouter<Arc<Bench>>> = BTreeMap::new();
    for (i, op) in bench.ops.iter().enumerate() {
        let route = method_router(i, op.kind);
        let merged = match routes.remove(&op.path()) {
            Some(existing) => existing.merge(route),
            None => route,
        };
        routes.insert(op.path(), merged);
    }
    let counter = bench.clone();
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, route)| router.route(&path, route))
        .route("/", get(root))
        .route("/openapi.json", get(openapi))
        .route("/_bench/hits", get(hits))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not found") })
        .with_state(bench)
        .layer(axum::middleware::map_response(move |resp| {
            harden(counter.clone(), resp)
        }))
}

fn method_router(i: usize, kind: Kind) -> MethodRouter<Arc<Bench>> {
    match kind {
        Kind::Item => get(move |s: Shared, Path(id): Path<String>, q: Params| item(s, i, id, q)),
        Kind::List => get(move |s: Shared, q: Params| list(s, i, q)),
        Kind::Events => get(move |s: Shared, Path(id): Path<String>, q: Params| events(s, i, id, q)),
        Kind::Create => post(move |s: Shared, body: Bytes| create(s, i, body)),
    }
}

/// The headers a careful API sends with every answer; also counts the answer.
async fn harden(bench: Arc<Bench>, mut resp: Response) -> Response {
    bench.tally.answer();
    let headers = resp.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    let csp = HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'");
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("x-ratelimit-limit", HeaderValue::from_static("100000"));
    headers.insert("x-ratelimit-remaining", HeaderValue::from_static("99999"));
    resp
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn resource(bench: &Bench, op: usize, id: u64) -> Value {
    json!({
        "id": id,
        "type": bench.ops[op].resource,
        "name": format!("{} {id}", bench.ops[op].resource),
        "status": if id % 5 == 0 { "archived" } else { "active" },
        "createdAt": "2024-03-01T12:00:00Z",
        "ownerId": 7000 + id % 13,
    })
}

fn number(q: &HashMap<String, String>, name: &str, default: u64, max: u64) -> u64 {
    q.get(name).and_then(|v| v.parse().ok()).unwrap_or(default).min(max)
}

async fn item(State(b): Shared, op: usize, id: String, Query(_q): Params) -> Response {
    b.tally.operation(op);
    match id.parse::<u64>() {
        Ok(id) if id > 0 => Json(resource(&b, op, id)).into_response(),
        _ => error(StatusCode::NOT_FOUND, "not found"),
    }
}

async fn list(State(b): Shared, op: usize, Query(q): Params) -> Response {
    b.tally.operation(op);
    let (limit, offset) = (number(&q, "limit", 20, 100), number(&q, "offset", 0, 1_000_000));
    let items: Vec<Value> = (1..=limit.min(3)).map(|k| resource(&b, op, offset + k)).collect();
    Json(json!({ "items": items, "limit": limit, "offset": offset, "total": 3 })).into_response()
}

async fn events(State(b): Shared, op: usize, id: String, Query(q): Params) -> Response {
    b.tally.operation(op);
    if id.parse::<u64>().map_or(true, |id| id == 0) {
        return error(StatusCode::NOT_FOUND, "not found");
    }
    let items = json!([{"event": "created", "at": "2024-03-01T12:00:00Z"},
                       {"event": "updated", "at": "2024-03-02T08:30:00Z"}]);
    Json(json!({ "items": items, "limit": number(&q, "limit", 10, 100) })).into_response()
}

async fn create(State(b): Shared, op: usize, body: Bytes) -> Response {
    b.tally.operation(op);
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let name = parsed.as_ref().and_then(|v| v.get("name")).and_then(Value::as_str);
    match name {
        Some(name) if !name.is_empty() && name.chars().count() <= 80 => {
            let mut created = resource(&b, op, b.next_id.fetch_add(1, Relaxed));
            created["name"] = json!(name);
            (StatusCode::CREATED, Json(created)).into_response()
        }
        _ => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "body must be an object with a name of 1-80 characters",
        ),
    }
}

async fn root() -> Json<Value> {
    Json(json!({ "service": "rampart bench API", "openapi": "/openapi.json" }))
}

async fn openapi(State(b): Shared) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], b.document.clone()).into_response()
}

/// Answers so far (see [`Tally::snapshot`]); `?reset=1` starts the counts again.
async fn hits(State(b): Shared, Query(q): Params) -> Json<Value> {
    let reset = q.get("reset").is_some_and(|v| v == "1");
    Json(b.tally.snapshot(|i| b.ops[i].method(), reset))
}
