//! `/api/v1/targets`: the APIs the service watches. A target is a name, the
//! scan to run (the arguments of the MCP tool `scan_api`: url, spec, flow,
//! login, headers, identities, checks, max_duration_secs) and an optional
//! cron schedule (UTC). No secret is ever stored: a credential header or an
//! identity's token is given as `${RAMPART_…}`, which the worker reads from its
//! own environment when it scans, and passwords come from the worker's
//! environment as they do for `scan_api`.
//!
//! - `POST /api/v1/targets` adds one (201, the target);
//! - `GET /api/v1/targets` lists them, `GET /api/v1/targets/{id}` shows one;
//! - `DELETE /api/v1/targets/{id}` removes one (its scans stay);
//! - `POST /api/v1/targets/{id}/scans` queues a scan now (202 `{"jobId"}`;
//!   409 while one of the target's scans waits or runs).

use super::auth::Caller;
use super::{ApiError, AppState};
use crate::mcp::ScanApi;
use crate::mcp::scan::ENV_PREFIX;
use crate::schedule;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{SecondsFormat, Utc};
use rampart_engine::input;
use rampart_store::queue::{NewTarget, Target};
use serde_json::{Map, Value, json};

/// Header names whose values are credentials: given only as `${VAR}`.
const SECRET_HEADER_WORDS: &[&str] = &["authorization", "cookie", "token", "key", "secret", "session", "auth"];
/// Identity kinds that carry a credential: given only as `${VAR}`.
const SECRET_IDENTITY_KINDS: &[&str] = &["bearer:", "header:", "cookie:"];

/// `POST /api/v1/targets`.
pub async fn add(
    State(state): State<AppState>,
    _: Caller,
    Json(mut body): Json<Map<String, Value>>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let name = take_string(&mut body, "name")?.ok_or_else(|| ApiError::bad_request("name: required"))?;
    let schedule = take_string(&mut body, "schedule")?;
    if let Some(pattern) = &schedule {
        schedule::parse(pattern).map_err(|e| ApiError::bad_request(format!("schedule: {e}")))?;
    }
    let scan: ScanApi =
        serde_json::from_value(Value::Object(body.clone())).map_err(|e| ApiError::bad_request(format!("scan: {e}")))?;
    let url = checked(&state, &scan)?;
    let new = NewTarget {
        name: name.trim().to_string(),
        url,
        scan: Value::Object(body).to_string(),
        schedule,
    };
    let id = state.queue.add_target(&new).await.map_err(invalid_or_internal)?;
    let target = state
        .queue
        .target(id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such target"))?;
    Ok((StatusCode::CREATED, Json(view(&target))))
}

/// `GET /api/v1/targets`.
pub async fn list(State(state): State<AppState>, _: Caller) -> Result<Json<Value>, ApiError> {
    let targets: Vec<Value> = state.queue.targets().await?.iter().map(view).collect();
    Ok(Json(json!({ "targets": targets })))
}

/// `GET /api/v1/targets/{id}`.
pub async fn show(State(state): State<AppState>, _: Caller, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    Ok(Json(view(&find(&state, id).await?)))
}

/// `DELETE /api/v1/targets/{id}`.
pub async fn remove(State(state): State<AppState>, _: Caller, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    if state.queue.remove_target(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("no such target"))
    }
}

/// `POST /api/v1/targets/{id}/scans`.
pub async fn scan_now(
    State(state): State<AppState>,
    _: Caller,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let target = find(&state, id).await?;
    match state.queue.enqueue(&schedule::job(&target, None)).await? {
        Some(job) => Ok((StatusCode::ACCEPTED, Json(json!({ "jobId": job.to_string() })))),
        None => Err(ApiError::new(
            StatusCode::CONFLICT,
            "a scan of this target is waiting or running",
        )),
    }
}

async fn find(state: &AppState, id: i64) -> Result<Target, ApiError> {
    state
        .queue
        .target(id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such target"))
}

/// The target as the API shows it.
fn view(target: &Target) -> Value {
    let time = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let next = target.schedule.as_deref().and_then(|p| schedule::next(p, Utc::now()));
    let scan: Value = serde_json::from_str(&target.scan).unwrap_or(Value::Null);
    json!({
        "id": target.id.to_string(),
        "name": target.name,
        "url": target.url,
        "schedule": target.schedule,
        "nextRunAt": next.map(time),
        "createdAt": schedule::utc(target.created_ms).map(time),
        "scan": scan,
    })
}

/// A string member taken out of the body.
fn take_string(body: &mut Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match body.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::bad_request(format!("{key}: a string"))),
    }
}

/// The scan's arguments as far as the service can check them (the flow file
/// and passwords live on the workers): the URL within the address policy,
/// well-formed headers and checks, and no credential in clear. The URL as stored.
fn checked(state: &AppState, scan: &ScanApi) -> Result<String, ApiError> {
    let url = input::target(&scan.url).map_err(|e| bad("url")(e.to_string()))?;
    state
        .policy
        .check_host(url.host_str().unwrap_or_default())
        .map_err(bad("url"))?;
    for header in &scan.headers {
        let (name, value) = input::header(header).map_err(|e| bad("headers")(e.to_string()))?;
        let lower = name.to_ascii_lowercase();
        if SECRET_HEADER_WORDS.iter().any(|w| lower.contains(w)) && !is_reference(&value) {
            return Err(bad("headers")(format!(
                "{name}: give the value as ${{RAMPART_…}}; the worker reads it from its environment, so it is never stored"
            )));
        }
    }
    for identity in &scan.identities {
        let credential = identity.split_once('=').map_or("", |(_, c)| c);
        let literal = SECRET_IDENTITY_KINDS
            .iter()
            .find_map(|kind| credential.strip_prefix(kind))
            .is_some_and(|value| !is_reference(value.rsplit([':', '=']).next().unwrap_or(value).trim()));
        if literal || credential.strip_prefix("login:").is_some_and(|u| u.contains(':')) {
            return Err(bad("identities")(format!(
                "{}: give tokens as ${{RAMPART_…}} and login:USER only; the worker reads secrets from its environment",
                identity.split_once('=').map_or(identity.as_str(), |(n, _)| n)
            )));
        }
    }
    input::selection(&scan.checks, rampart_checks::CHECKS).map_err(|e| bad("checks")(e.to_string()))?;
    if scan.login.as_deref().is_some_and(|u| u.is_empty() || u.contains(':')) {
        return Err(bad("login")(
            "the user name only; the password comes from the worker's environment".into(),
        ));
    }
    Ok(url.to_string())
}

/// A refused field, for `map_err`.
fn bad(field: &'static str) -> impl Fn(String) -> ApiError {
    move |e| ApiError::bad_request(format!("{field}: {e}"))
}

/// A value that is only a reference to a variable the worker may read
/// (`${RAMPART_…}`, maybe with a scheme word before it, as in `Bearer ${RAMPART_TOKEN}`).
fn is_reference(value: &str) -> bool {
    let last = value.rsplit(' ').next().unwrap_or(value);
    let name = last.strip_prefix("${").and_then(|rest| rest.strip_suffix('}'));
    name.is_some_and(|n| n.len() > ENV_PREFIX.len() && n.starts_with(ENV_PREFIX) && !n.contains(['{', '}']))
}

/// A name taken or the target limit reached is the client's error.
fn invalid_or_internal(e: rampart_store::StoreError) -> ApiError {
    match e {
        rampart_store::StoreError::Invalid { cause, .. } => ApiError::bad_request(cause),
        other => other.into(),
    }
}
