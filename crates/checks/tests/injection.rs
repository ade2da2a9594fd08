//! Injection proven by difference, on small APIs served here: a lookup that
//! hands its parameter to a real `sh` (and its twin that runs `getent` with
//! an argument list), and benign inputs that echo, truncate, validate or
//! filter what they get, none of which is SQL injection.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rampart_checks::CHECKS;
use rampart_engine::{ScanConfig, run_scan};
use rampart_model::Report;
use std::collections::HashMap;
use url::Url;

type Params = Query<HashMap<String, String>>;

const LOOKUP_SPEC: &str = r#"{
  "openapi": "3.0.3",
  "info": {"title": "lookup", "version": "1"},
  "paths": {
    "/api/lookup": {"get": {
      "parameters": [{"name": "host", "in": "query", "required": true, "schema": {"type": "string", "example": "localhost"}}],
      "responses": {"200": {"description": "the host's addresses"}}}}
  }
}"#;

/// Serve `app` plus `spec` at `/openapi.json` on loopback; scan it with `rules` only.
async fn scan(app: Router, spec: &'static str, rules: &[&str]) -> Report {
    let app = app.route(
        "/openapi.json",
        get(move || async move { ([(header::CONTENT_TYPE, "application/json")], spec) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mut config = ScanConfig::new(Url::parse(&format!("http://{addr}/")).unwrap());
    config.limits.rate = 0;
    config.selection = rules.iter().map(|r| r.to_string()).collect();
    let report = run_scan(&config, CHECKS, &()).await.unwrap();
    assert!(report.stats.errors.is_empty(), "{:?}", report.stats.errors);
    report
}

fn host(q: &Params) -> String {
    q.get("host").cloned().unwrap_or_default()
}

/// Run `program args…` and answer its output.
async fn run(program: &'static str, args: Vec<String>) -> Response {
    let out = tokio::task::spawn_blocking(move || std::process::Command::new(program).args(args).output())
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned().into_response()
}

/// The command line is built from the input and run by a shell.
async fn lookup_shell(q: Params) -> Response {
    run("sh", vec!["-c".into(), format!("getent hosts {}", host(&q))]).await
}

/// The same lookup with an argument list: no shell sees the input.
async fn lookup_args(q: Params) -> Response {
    run("getent", vec!["hosts".into(), host(&q)]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shell_fed_by_a_parameter_is_proven_by_its_delay_and_an_argument_list_is_not() {
    let shell = scan(
        Router::new().route("/api/lookup", get(lookup_shell)),
        LOOKUP_SPEC,
        &["INPUT-008"],
    )
    .await;
    let found: Vec<_> = shell.findings.iter().filter(|f| f.rule_id == "INPUT-008").collect();
    assert_eq!(found.len(), 1, "{:#?}", shell.findings);
    assert_eq!(found[0].instance.as_deref(), Some("host"));
    let notes: Vec<&str> = found[0].evidence.iter().filter_map(|e| e.note.as_deref()).collect();
    assert!(notes.iter().any(|n| n.starts_with("control: sleep 0")), "{notes:?}");

    let args = scan(
        Router::new().route("/api/lookup", get(lookup_args)),
        LOOKUP_SPEC,
        &["INPUT-008"],
    )
    .await;
    assert!(args.findings.is_empty(), "{:#?}", args.findings);
}

const BENIGN_SPEC: &str = r#"{
  "openapi": "3.0.3",
  "info": {"title": "benign inputs", "version": "1"},
  "paths": {
    "/api/echo": {"get": {
      "parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "example": "tea"}}],
      "responses": {"200": {"description": "the query, echoed"}}}},
    "/api/items/{id}": {"get": {
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "example": 2}}],
      "responses": {"200": {"description": "an item by the leading digits of its id"}}}},
    "/api/search": {"get": {
      "parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "example": "tea"}}],
      "responses": {"200": {"description": "names containing q"}}}},
    "/api/names": {"get": {
      "parameters": [{"name": "name", "in": "query", "schema": {"type": "string", "example": "alice"}}],
      "responses": {"200": {"description": "refuses quotes with a message worded like a database's"}}}}
  }
}"#;

const NAMES: &[&str] = &["teapot", "teacup", "kettle", "saucer"];

/// Echoes the query, as search pages do.
async fn echo(q: Params) -> Response {
    axum::Json(serde_json::json!({"query": q.get("q"), "results": []})).into_response()
}

/// Reads the leading digits, like JavaScript's `parseInt`: `2 AND 1=2` is item 2.
async fn item(Path(id): Path<String>) -> Response {
    let digits: String = id.chars().take_while(char::is_ascii_digit).collect();
    match digits.parse::<usize>().ok().and_then(|i| NAMES.get(i)) {
        Some(name) => axum::Json(serde_json::json!({"id": digits, "name": name})).into_response(),
        None => (StatusCode::NOT_FOUND, "no such item").into_response(),
    }
}

/// Filters in code, not in SQL.
async fn search(q: Params) -> Response {
    let text = q.get("q").cloned().unwrap_or_default();
    let found: Vec<&&str> = NAMES.iter().filter(|n| n.contains(text.as_str())).collect();
    axum::Json(serde_json::json!({ "found": found })).into_response()
}

/// Refuses any quote with the same message, escaped or not.
async fn names(q: Params) -> Response {
    let name = q.get("name").cloned().unwrap_or_default();
    if name.contains('\'') {
        return (
            StatusCode::BAD_REQUEST,
            "syntax error at or near quote: names have no quotes",
        )
            .into_response();
    }
    axum::Json(serde_json::json!({ "name": name })).into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inputs_that_echo_truncate_filter_or_validate_are_not_sql_injection() {
    let app = Router::new()
        .route("/api/echo", get(echo))
        .route("/api/items/{id}", get(item))
        .route("/api/search", get(search))
        .route("/api/names", get(names));
    let report = scan(app, BENIGN_SPEC, &["INPUT-007", "INPUT-008"]).await;
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let sent = report
        .stats
        .requests_by_rule
        .get("INPUT-007")
        .copied()
        .unwrap_or_default();
    assert!(sent >= 4 * 5, "every input was probed: {sent} requests");
}
