//! Streamable HTTP transport, on a loopback address only: the tools at
//! `http://127.0.0.1:PORT/mcp`, for clients that connect rather than spawn.

use super::{Rampart, ServeError};
use rampart_store::History;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Where the tools are served on the listener.
pub const PATH: &str = "/mcp";

/// Bind `addr`, which must be a loopback address (the server has no authentication).
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, ServeError> {
    if !addr.ip().is_loopback() {
        return Err(ServeError::NotLoopback(addr));
    }
    TcpListener::bind(addr)
        .await
        .map_err(|e| ServeError::Bind(addr, e.to_string()))
}

/// Serve the tools on `listener` until Ctrl-C.
pub async fn serve(history: History, limits: super::ScanLimits, listener: TcpListener) -> Result<(), ServeError> {
    let server = Rampart::new(history, limits);
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default(),
    );
    let router = axum::Router::new().nest_service(PATH, service);
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| ServeError::Stopped(e.to_string()))
}
