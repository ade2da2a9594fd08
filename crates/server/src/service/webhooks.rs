//! `/api/v1/webhooks`: endpoints that receive the service's events, signed
//! as the Standard Webhooks specification says. The signing secret
//! (`whsec_…`) is shown once, when the endpoint is added or its secret
//! rotated; after a rotation the old secret also signs for 24 hours.
//!
//! - `POST /api/v1/webhooks` adds one (201, with `secret`): `url`, optional
//!   `events` (event types; all when absent) and `targetId` (one target's
//!   events only);
//! - `GET /api/v1/webhooks`, `GET /api/v1/webhooks/{id}`;
//! - `DELETE /api/v1/webhooks/{id}` (204);
//! - `POST /api/v1/webhooks/{id}/rotate` (a new `secret`);
//! - `POST /api/v1/webhooks/{id}/enable` (after a `410 Gone` disabled it);
//! - `GET /api/v1/webhooks/{id}/attempts?limit=`: every delivery attempt, newest first.

use super::auth::Caller;
use super::{ApiError, AppState};
use crate::events::KINDS;
use crate::schedule;
use crate::webhooks::{ROTATION_OVERLAP, sign};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::SecondsFormat;
use rampart_store::queue::{Attempt, MAX_ATTEMPTS_LISTED, NewWebhook, Webhook};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;

/// How long resolving an endpoint's host may take when it is added.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Add {
    url: String,
    #[serde(default)]
    events: Vec<String>,
    target_id: Option<String>,
}

/// `POST /api/v1/webhooks`.
pub async fn add(
    State(state): State<AppState>,
    _: Caller,
    Json(body): Json<Add>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let url = destination(&state, &body.url).await?;
    if let Some(unknown) = body.events.iter().find(|e| !KINDS.contains(&e.as_str())) {
        return Err(ApiError::bad_request(format!(
            "events: '{unknown}' is not one of {}",
            KINDS.join(", ")
        )));
    }
    let target = match &body.target_id {
        None => None,
        Some(raw) => {
            let id = raw
                .parse()
                .map_err(|_| ApiError::bad_request("targetId: a target's id"))?;
            state
                .queue
                .target(id)
                .await?
                .ok_or_else(|| ApiError::bad_request("targetId: no such target"))?;
            Some(id)
        }
    };
    let new = NewWebhook {
        url,
        events: body.events,
        target,
        secret: sign::new_secret(),
    };
    let id = state.queue.add_webhook(&new).await.map_err(|e| match e {
        rampart_store::StoreError::Invalid { cause, .. } => ApiError::bad_request(cause),
        other => other.into(),
    })?;
    let mut shown = view(&find(&state, id).await?);
    shown["secret"] = json!(new.secret);
    Ok((StatusCode::CREATED, Json(shown)))
}

/// `GET /api/v1/webhooks`.
pub async fn list(State(state): State<AppState>, _: Caller) -> Result<Json<Value>, ApiError> {
    let hooks: Vec<Value> = state.queue.webhooks().await?.iter().map(view).collect();
    Ok(Json(json!({ "webhooks": hooks })))
}

/// `GET /api/v1/webhooks/{id}`.
pub async fn show(State(state): State<AppState>, _: Caller, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    Ok(Json(view(&find(&state, id).await?)))
}

/// `DELETE /api/v1/webhooks/{id}`.
pub async fn remove(State(state): State<AppState>, _: Caller, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    if state.queue.remove_webhook(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("no such webhook"))
    }
}

/// `POST /api/v1/webhooks/{id}/rotate`.
pub async fn rotate(State(state): State<AppState>, _: Caller, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    let secret = sign::new_secret();
    if !state.queue.rotate_secret(id, &secret, ROTATION_OVERLAP).await? {
        return Err(ApiError::not_found("no such webhook"));
    }
    let until = chrono::Utc::now() + ROTATION_OVERLAP;
    Ok(Json(json!({
        "secret": secret,
        "previousSecretSignsUntil": until.to_rfc3339_opts(SecondsFormat::Secs, true),
    })))
}

/// `POST /api/v1/webhooks/{id}/enable`.
pub async fn enable(State(state): State<AppState>, _: Caller, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    if !state.queue.disable_webhook(id, None).await? {
        return Err(ApiError::not_found("no such webhook"));
    }
    Ok(Json(view(&find(&state, id).await?)))
}

#[derive(Deserialize)]
pub struct Limit {
    limit: Option<u32>,
}

/// `GET /api/v1/webhooks/{id}/attempts`.
pub async fn attempts(
    State(state): State<AppState>,
    _: Caller,
    Path(id): Path<i64>,
    Query(p): Query<Limit>,
) -> Result<Json<Value>, ApiError> {
    let limit = p.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_ATTEMPTS_LISTED {
        return Err(ApiError::bad_request(format!("limit: 1 to {MAX_ATTEMPTS_LISTED}")));
    }
    find(&state, id).await?;
    let listed: Vec<Value> = state.queue.attempts(id, limit).await?.iter().map(attempt).collect();
    Ok(Json(json!({ "attempts": listed })))
}

async fn find(state: &AppState, id: i64) -> Result<Webhook, ApiError> {
    state
        .queue
        .webhook(id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such webhook"))
}

/// An endpoint URL the webhook policy admits: http or https, no credentials
/// in it, its host (and, when it resolves now, every address) allowed.
async fn destination(state: &AppState, raw: &str) -> Result<String, ApiError> {
    let bad = |e: String| ApiError::bad_request(format!("url: {e}"));
    let url = url::Url::parse(raw.trim()).map_err(|e| bad(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("http:// or https:// only".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("no credentials in the URL; receivers check the signature".into()));
    }
    let host = url.host_str().unwrap_or_default().to_string();
    state.webhooks.check_host(&host).map_err(bad)?;
    let port = url.port_or_known_default().unwrap_or(443);
    let lookup = tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host.as_str(), port))).await;
    if let Ok(Ok(addrs)) = lookup {
        for addr in addrs {
            state.webhooks.check_addr(&host, addr.ip()).map_err(bad)?;
        }
    }
    Ok(url.to_string())
}

/// The endpoint as the API shows it (never its secrets).
fn view(hook: &Webhook) -> Value {
    json!({
        "id": hook.id.to_string(),
        "url": hook.url,
        "events": hook.events,
        "targetId": hook.target.map(|t| t.to_string()),
        "enabled": hook.disabled.is_none(),
        "disabledReason": hook.disabled,
        "createdAt": schedule::utc(hook.created_ms).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
    })
}

fn attempt(a: &Attempt) -> Value {
    json!({
        "id": a.id.to_string(),
        "eventId": a.logged.event.to_string(),
        "jobId": a.logged.job.to_string(),
        "attempt": a.logged.attempt,
        "status": a.logged.status,
        "error": a.logged.error,
        "durationMs": a.logged.duration_ms,
        "at": schedule::utc(a.created_ms).map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
    })
}
