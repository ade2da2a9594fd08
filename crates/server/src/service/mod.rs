//! `rampart serve`: the monitoring service's HTTP API over the shared queue.
//! Today the endpoints existing middleBrick clients call (its CLI's
//! `--base-url`, its GitHub Action's `base-url`, its MCP server's
//! `MIDDLEBRICK_BASE_URL`): submit a scan, poll it, list scans. Every request
//! carries an API token in `x-api-key`; every error is JSON `{"error": …}`
//! and says nothing about the server's internals.

pub(crate) mod auth;
mod error;
mod events;
mod middlebrick;
mod scans;
mod targets;
mod webhooks;

pub use auth::{ADMIN_TOKEN_VAR, bootstrap, new_token};
pub use error::ApiError;

use axum::Router;
use axum::routing::{get, post};
use rampart_engine::http::policy::AddressPolicy;
use rampart_store::queue::Queue;
use std::sync::Arc;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub queue: Arc<dyn Queue>,
    /// Which targets scans may be submitted for (checked again at scan time).
    pub policy: Arc<AddressPolicy>,
    /// Where webhook endpoints may be (checked again at each delivery).
    pub webhooks: Arc<AddressPolicy>,
}

/// The OpenAPI 3.1 document of `/api/v1` (no token needed to read it).
async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
}

/// No answer is to be sniffed into another content type.
async fn nosniff(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    response
}

/// The service's routes.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/api/scan", post(middlebrick::submit))
        .route("/api/scans", get(middlebrick::list))
        .route("/api/scans/{id}", get(middlebrick::scan))
        .route("/api/v1/targets", post(targets::add).get(targets::list))
        .route("/api/v1/targets/{id}", get(targets::show).delete(targets::remove))
        .route(
            "/api/v1/targets/{id}/scans",
            post(targets::scan_now).get(scans::of_target),
        )
        .route("/api/v1/scans/{id}", get(scans::report))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/events", get(events::list))
        .route("/api/v1/webhooks", post(webhooks::add).get(webhooks::list))
        .route("/api/v1/webhooks/{id}", get(webhooks::show).delete(webhooks::remove))
        .route("/api/v1/webhooks/{id}/rotate", post(webhooks::rotate))
        .route("/api/v1/webhooks/{id}/enable", post(webhooks::enable))
        .route("/api/v1/webhooks/{id}/attempts", get(webhooks::attempts))
        .merge(crate::dashboard::routes())
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .layer(axum::middleware::map_response(nosniff))
        .with_state(state)
}
