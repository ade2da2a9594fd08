//! No false claims on a benign API: a public JSON API that echoes any CORS
//! origin without credentials, keeps a log that grows with every request
//! (and has no page-size parameter), answers anonymous requests to its
//! public list, and sets a cookie from a parameter the request supplies.
//! Nothing here is a flaw of medium severity or above; RATE-003 and
//! CRYPTO-006 must not fire at all. Documented at a versioned address only
//! its docs page names, the API is still found and still unversioned.

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use rampart_checks::CHECKS;
use rampart_engine::{ScanConfig, run_scan};
use rampart_model::Severity;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use url::Url;

type Log = Arc<Mutex<Vec<String>>>;

const SPEC: &str = r#"{
  "openapi": "3.0.3",
  "info": {"title": "benign", "version": "1"},
  "paths": {
    "/api/events": {"get": {"responses": {"200": {"description": "every request so far"}}}},
    "/api/products": {"get": {"responses": {"200": {"description": "public list"}}}},
    "/api/prefs": {"get": {
      "parameters": [{"name": "lang", "in": "query", "required": true, "schema": {"type": "string", "example": "fr-CA"}}],
      "responses": {"200": {"description": "stores the language in a cookie"}}}}
  }
}"#;

async fn events(State(log): State<Log>) -> impl IntoResponse {
    let items: Vec<serde_json::Value> = log
        .lock()
        .unwrap()
        .iter()
        .map(|path| serde_json::json!({"path": path}))
        .collect();
    axum::Json(serde_json::json!({ "items": items }))
}

async fn products() -> impl IntoResponse {
    let items: Vec<serde_json::Value> = (1..=30)
        .map(|i| serde_json::json!({"id": i, "name": format!("item {i}")}))
        .collect();
    axum::Json(serde_json::json!({ "items": items }))
}

async fn prefs(Query(q): Query<HashMap<String, String>>) -> impl IntoResponse {
    let lang = q.get("lang").cloned().unwrap_or_else(|| "en".into());
    let cookie = HeaderValue::from_str(&format!("lang={lang}; Path=/")).unwrap();
    (
        [(header::SET_COOKIE, cookie)],
        axum::Json(serde_json::json!({ "lang": lang })),
    )
}

/// Log every request, and echo any Origin without Access-Control-Allow-Credentials.
async fn around(State(log): State<Log>, req: Request, next: Next) -> Response {
    log.lock().unwrap().push(req.uri().to_string());
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut resp = next.run(req).await;
    if let Some(origin) = origin {
        resp.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    secure_headers(resp.headers_mut());
    resp
}

fn secure_headers(headers: &mut HeaderMap) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// The Swagger UI page FastAPI serves at `/docs` for its document at `spec`, trimmed.
fn docs_page(spec: &str) -> String {
    format!(
        r##"<!DOCTYPE html><html><head><title>benign - Swagger UI</title></head><body><div id="swagger-ui"></div>
<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
<script>const ui = SwaggerUIBundle({{
    url: '{spec}',
    "dom_id": "#swagger-ui",
}})</script></body></html>"##
    )
}

/// Serve the benign API on loopback, its document at `spec` and a docs UI at
/// `/docs` that loads it; its base URL.
async fn serve_benign(spec: &'static str) -> Url {
    let log: Log = Arc::default();
    let app = Router::new()
        .route("/api/events", get(events))
        .route("/api/products", get(products))
        .route("/api/prefs", get(prefs))
        .route(
            spec,
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], SPEC) }),
        )
        .route(
            "/docs",
            get(move || async move { axum::response::Html(docs_page(spec)) }),
        )
        .layer(middleware::from_fn_with_state(log.clone(), around))
        .with_state(log);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Url::parse(&format!("http://{addr}/")).unwrap()
}

/// Every check's report on `config`, unpaced.
async fn scan(mut config: ScanConfig) -> rampart_model::Report {
    config.limits.rate = 0;
    run_scan(&config, CHECKS, &()).await.unwrap()
}

/// Findings of medium severity or above, and RATE-003 and CRYPTO-006 at any severity.
fn claims(report: &rampart_model::Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium || ["RATE-003", "CRYPTO-006"].contains(&f.rule_id.as_str()))
        .map(|f| format!("{} {:?} {}: {}", f.rule_id, f.severity, f.endpoint.url, f.description))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_benign_api_gets_no_false_claims() {
    let report = scan(ScanConfig::new(serve_benign("/openapi.json").await)).await;
    let claims = claims(&report);
    assert!(claims.is_empty(), "wrong claims on a benign API: {claims:#?}");
    let cors = report.findings.iter().find(|f| f.rule_id == "INPUT-001");
    assert!(
        cors.is_some_and(|f| f.severity == Severity::Info),
        "the echoed origin is still reported, as info: {cors:?}"
    );
}

/// A JWT the public API never looks at: a broken signature that is "accepted"
/// there proves nothing (AUTH-002 needs an endpoint that refuses anonymous requests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_a_public_api_ignores_is_no_accepted_forgery() {
    let mut config = ScanConfig::new(serve_benign("/openapi.json").await);
    let header = serde_json::json!({"alg": "HS256", "typ": "JWT"});
    let claims_part = serde_json::json!({"sub": "alice", "exp": 4_102_444_800_u64});
    let b64 = |v: &serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let token = format!(
        "{}.{}.c2lnbmF0dXJlLW5vLWtleS1yYW1wYXJ0LWtub3dz",
        b64(&header),
        b64(&claims_part)
    );
    config.headers = vec![("Authorization".into(), format!("Bearer {token}"))];
    let report = scan(config).await;
    let claims = claims(&report);
    assert!(claims.is_empty(), "wrong claims with an ignored token: {claims:#?}");
    let judged = report.coverage.categories.values().any(|c| {
        let said = |ids: &[String]| ids.iter().any(|id| id == "AUTH-002");
        said(&c.ran) || said(&c.not_applicable)
    });
    assert!(judged, "AUTH-002 ran or said why not: {:?}", report.coverage.categories);
}

/// FastAPI's `openapi_url="/api/v1/openapi.json"`: the document only `/docs` names
/// supplies the operations, and its own address gives the API no version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_its_docs_page_names_is_read_and_gives_no_version() {
    let report = scan(ScanConfig::new(serve_benign("/api/v1/openapi.json").await)).await;
    let claims = claims(&report);
    assert!(claims.is_empty(), "wrong claims: {claims:#?}");
    let public = report
        .findings
        .iter()
        .any(|f| f.rule_id == "INV-005" && f.endpoint.url.ends_with("/api/v1/openapi.json"));
    assert!(public, "the document was found and read: {:?}", report.stats.events);
    let unversioned = report.findings.iter().find(|f| f.rule_id == "INV-001");
    assert!(
        unversioned.is_some_and(|f| f.description.starts_with("None of the 3 known API paths")),
        "the spec's three operations, not its own address: {unversioned:?}"
    );
}
