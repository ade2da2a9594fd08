//! `GET /api/v1/events?target=&after=&limit=`: what happened to the targets,
//! oldest first (`scan.completed`, `finding.new`, `finding.fixed`,
//! `grade.changed`, `scan.failed`). `after` is the last event id a client has
//! seen, so polling with the answer's `next` reads each event once.

use super::auth::Caller;
use super::{ApiError, AppState};
use crate::schedule;
use axum::Json;
use axum::extract::{Query, State};
use chrono::SecondsFormat;
use rampart_store::queue::{Event, MAX_EVENTS};
use serde::Deserialize;
use serde_json::{Value, json};

/// Events listed when the client names no limit.
const DEFAULT_LIMIT: u32 = 100;

#[derive(Deserialize)]
pub struct Params {
    target: Option<i64>,
    after: Option<i64>,
    limit: Option<u32>,
}

/// `GET /api/v1/events`.
pub async fn list(State(state): State<AppState>, _: Caller, Query(p): Query<Params>) -> Result<Json<Value>, ApiError> {
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_EVENTS {
        return Err(ApiError::bad_request(format!("limit: 1 to {MAX_EVENTS}")));
    }
    let after = p.after.unwrap_or(0);
    let events = state.queue.events(p.target, after, limit).await?;
    let next = events.last().map_or(after, |e| e.id);
    let events: Vec<Value> = events.iter().map(view).collect();
    Ok(Json(json!({ "events": events, "next": next })))
}

fn view(event: &Event) -> Value {
    json!({
        "id": event.id.to_string(),
        "type": event.kind,
        "targetId": event.target.map(|t| t.to_string()),
        "scanId": event.scan_id,
        "createdAt": schedule::utc(event.created_ms).map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        "data": serde_json::from_str::<Value>(&event.data).unwrap_or(Value::Null),
    })
}
