//! A target's scans and a scan's report:
//!
//! - `GET /api/v1/targets/{id}/scans?limit=`: the target's scan jobs, newest
//!   first, each with its state and, once done, the saved scan's id, grade,
//!   score and finding count;
//! - `GET /api/v1/scans/{id}`: a saved scan's full rampart JSON report.

use super::auth::Caller;
use super::{ApiError, AppState};
use crate::schedule;
use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::SecondsFormat;
use rampart_model::Report;
use rampart_store::queue::{MAX_TARGET_SCANS, State as JobState, TargetScan};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct Limit {
    limit: Option<u32>,
}

/// `GET /api/v1/targets/{id}/scans`.
pub async fn of_target(
    State(state): State<AppState>,
    _: Caller,
    Path(id): Path<i64>,
    Query(p): Query<Limit>,
) -> Result<Json<Value>, ApiError> {
    let limit = p.limit.unwrap_or(20);
    if limit == 0 || limit > MAX_TARGET_SCANS {
        return Err(ApiError::bad_request(format!("limit: 1 to {MAX_TARGET_SCANS}")));
    }
    if state.queue.target(id).await?.is_none() {
        return Err(ApiError::not_found("no such target"));
    }
    let scans: Vec<Value> = state.queue.target_scans(id, limit).await?.iter().map(view).collect();
    Ok(Json(json!({ "scans": scans })))
}

/// `GET /api/v1/scans/{id}`.
pub async fn report(
    State(state): State<AppState>,
    _: Caller,
    Path(id): Path<String>,
) -> Result<Json<Report>, ApiError> {
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::not_found("no such scan"));
    }
    match state.queue.report(&id).await? {
        Some(report) => Ok(Json(report)),
        None => Err(ApiError::not_found("no such scan")),
    }
}

fn view(scan: &TargetScan) -> Value {
    let time = |ms| schedule::utc(ms).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true));
    let job = &scan.job;
    let finished = matches!(job.state, JobState::Done | JobState::Dead);
    json!({
        "jobId": job.id.to_string(),
        "state": job.state.name(),
        "attempts": job.attempts,
        "scanId": scan.letter_grade.as_ref().and(job.result.as_ref()),
        "overall": scan.overall,
        "letterGrade": scan.letter_grade,
        "findings": scan.findings,
        "error": job.last_error,
        "createdAt": time(job.created_ms),
        "finishedAt": if finished { time(job.updated_ms) } else { None },
    })
}
