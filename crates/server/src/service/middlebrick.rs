//! The middleBrick-compatible endpoints. `POST /api/scan` with
//! `{"apiUrl", "method", "headers"}` adds a scan job and answers
//! `{"scanId"}`; `GET /api/scans/{id}` answers the scan as its clients read
//! it (`status`: queued, processing, completed or failed, with the score,
//! grade, category scores and findings once completed); `GET /api/scans`
//! lists them, newest first.

use super::auth::Caller;
use super::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, Query, State};
use rampart_model::Report;
use rampart_store::queue::{JobView, NewJob, State as JobState};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The job kind workers run (see `worker`).
const SCAN: &str = crate::worker::SCAN;
/// Scans listed when the client names no limit, and the most one page holds.
const DEFAULT_LIMIT: u32 = 20;
const MAX_LIMIT: u32 = 100;
/// Most headers and characters one submission may carry.
const MAX_HEADERS: usize = 32;
const MAX_URL: usize = 2048;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Submit {
    api_url: String,
    method: Option<String>,
    #[serde(default)]
    headers: Map<String, Value>,
}

/// `POST /api/scan`: validate, add a scan job with the server's default options.
pub async fn submit(
    State(state): State<AppState>,
    _: Caller,
    Json(body): Json<Submit>,
) -> Result<Json<Value>, ApiError> {
    if body.api_url.len() > MAX_URL {
        return Err(ApiError::bad_request(format!("apiUrl: at most {MAX_URL} characters")));
    }
    let url =
        rampart_engine::input::target(&body.api_url).map_err(|e| ApiError::bad_request(format!("apiUrl: {e}")))?;
    let host = url.host_str().unwrap_or_default();
    state
        .policy
        .check_host(host)
        .map_err(|e| ApiError::bad_request(format!("apiUrl: {e}")))?;
    let method = body.method.unwrap_or_else(|| "GET".into()).to_ascii_uppercase();
    if !matches!(
        method.as_str(),
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"
    ) {
        return Err(ApiError::bad_request(format!(
            "method: '{method}' is not an HTTP method"
        )));
    }
    let headers = header_lines(&body.headers)?;
    let payload = json!({"url": url.as_str(), "method": method, "headers": headers});
    let id = state.queue.enqueue(&NewJob::new(SCAN, payload.to_string())).await?;
    let id = id.ok_or_else(|| ApiError::bad_request("the scan could not be queued"))?;
    Ok(Json(json!({ "scanId": id.to_string() })))
}

/// `{"Name": "value"}` as `Name: value` lines, each checked as `--header` is.
fn header_lines(headers: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    if headers.len() > MAX_HEADERS {
        return Err(ApiError::bad_request(format!("headers: at most {MAX_HEADERS}")));
    }
    headers
        .iter()
        .map(|(name, value)| {
            let value = value
                .as_str()
                .ok_or_else(|| ApiError::bad_request(format!("headers: {name} must be a string")))?;
            let line = format!("{name}: {value}");
            rampart_engine::input::header(&line).map_err(|e| ApiError::bad_request(format!("headers: {e}")))?;
            Ok(line)
        })
        .collect()
}

/// `GET /api/scans/{id}`.
pub async fn scan(State(state): State<AppState>, _: Caller, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let job = match id.parse::<i64>() {
        Ok(n) => state.queue.get(n).await?.filter(|j| j.kind == SCAN),
        Err(_) => None,
    };
    let job = job.ok_or_else(|| ApiError::not_found(format!("no scan '{id}'")))?;
    let report = finished(&state, &job).await?;
    let mut out = summary(&job, report.as_ref());
    let (overall, grade, categories, findings) = match &report {
        Some(r) => (
            json!(r.overall),
            json!(r.letter_grade),
            json!(r.categories),
            findings(r),
        ),
        None => (Value::Null, Value::Null, Value::Null, json!([])),
    };
    let fields = [
        ("overall", overall),
        ("letterGrade", grade),
        ("categories", categories),
        ("findings", findings),
    ];
    out.extend(fields.map(|(k, v)| (k.to_string(), v)));
    Ok(Json(Value::Object(out)))
}

#[derive(Deserialize)]
pub struct Listing {
    limit: Option<u32>,
    offset: Option<u64>,
    status: Option<String>,
}

/// `GET /api/scans?limit=&offset=&status=`.
pub async fn list(State(state): State<AppState>, _: Caller, Query(q): Query<Listing>) -> Result<Json<Value>, ApiError> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let offset = q.offset.unwrap_or(0);
    let status = q.status.as_deref().map(job_state).transpose()?;
    let (jobs, total) = state.queue.list(SCAN, status, limit, offset).await?;
    let mut scans = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let report = finished(&state, job).await?;
        let mut row = summary(job, report.as_ref());
        row.insert("riskScore".into(), report.map_or(Value::Null, |r| json!(r.overall)));
        scans.push(Value::Object(row));
    }
    Ok(Json(
        json!({"scans": scans, "total": total, "limit": limit, "offset": offset}),
    ))
}

/// The report of a completed scan job.
async fn finished(state: &AppState, job: &JobView) -> Result<Option<Report>, ApiError> {
    match (&job.state, &job.result) {
        (JobState::Done, Some(scan)) => Ok(state.queue.report(scan).await?),
        _ => Ok(None),
    }
}

/// The fields every answer about a scan carries.
fn summary(job: &JobView, report: Option<&Report>) -> Map<String, Value> {
    let payload: Value = serde_json::from_str(&job.payload).unwrap_or(Value::Null);
    let failed = job.state == JobState::Dead;
    let completed = matches!(job.state, JobState::Done | JobState::Dead).then(|| rfc3339(job.updated_ms));
    let fields = [
        ("id", json!(job.id.to_string())),
        ("status", json!(status(job.state))),
        ("apiUrl", payload.get("url").cloned().unwrap_or(Value::Null)),
        ("method", payload.get("method").cloned().unwrap_or(json!("GET"))),
        ("createdAt", json!(rfc3339(job.created_ms))),
        ("completedAt", json!(completed)),
        ("errorMessage", json!(failed.then(|| job.last_error.clone()).flatten())),
    ];
    let mut out: Map<String, Value> = fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    if report.is_none() && job.state == JobState::Done {
        out.insert("errorMessage".into(), json!("the scan's report is no longer stored"));
    }
    out
}

fn findings(report: &Report) -> Value {
    let each = report.findings.iter().map(|f| {
        json!({
            "id": f.id,
            "severity": f.severity.as_str(),
            "category": f.category.name(),
            "title": f.title,
            "description": f.description,
            "remediation": f.remediation,
        })
    });
    Value::Array(each.collect())
}

fn status(state: JobState) -> &'static str {
    match state {
        JobState::Queued => "queued",
        JobState::Running => "processing",
        JobState::Done => "completed",
        JobState::Dead => "failed",
    }
}

fn job_state(status: &str) -> Result<JobState, ApiError> {
    match status {
        "queued" => Ok(JobState::Queued),
        "processing" => Ok(JobState::Running),
        "completed" => Ok(JobState::Done),
        "failed" => Ok(JobState::Dead),
        other => Err(ApiError::bad_request(format!(
            "status: '{other}' is none of queued, processing, completed, failed"
        ))),
    }
}

fn rfc3339(ms: i64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}
