//! What the fixed demo adds to every answer besides the session handling: a
//! request limit announced in RateLimit headers (429 beyond it), and the API
//! version in a header.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Requests one window admits (generous: a full scan fits many times).
pub const LIMIT: u32 = 6000;
const WINDOW: Duration = Duration::from_secs(60);

/// A fixed window of requests shared by every connection.
#[derive(Clone)]
pub struct Window(Arc<Mutex<(Instant, u32)>>);

impl Default for Window {
    fn default() -> Self {
        Window(Arc::new(Mutex::new((Instant::now(), 0))))
    }
}

impl Window {
    /// Count one request: how many remain in the window (`None` when over the
    /// limit) and the seconds until the window resets.
    fn admit(&self) -> (Option<u32>, u64) {
        let mut state = self.0.lock().unwrap();
        if state.0.elapsed() >= WINDOW {
            *state = (Instant::now(), 0);
        }
        state.1 = state.1.saturating_add(1);
        let reset = WINDOW.saturating_sub(state.0.elapsed()).as_secs().max(1);
        (LIMIT.checked_sub(state.1), reset)
    }
}

/// Admit the request or answer 429, and announce the limit either way.
pub async fn limit(window: Window, req: Request, next: Next) -> Response {
    let (remaining, reset) = window.admit();
    let mut resp = match remaining {
        Some(_) => next.run(req).await,
        None => (StatusCode::TOO_MANY_REQUESTS, "too many requests").into_response(),
    };
    let headers = resp.headers_mut();
    headers.insert(HeaderName::from_static("ratelimit-limit"), HeaderValue::from(LIMIT));
    headers.insert(
        HeaderName::from_static("ratelimit-remaining"),
        HeaderValue::from(remaining.unwrap_or(0)),
    );
    headers.insert(HeaderName::from_static("ratelimit-reset"), HeaderValue::from(reset));
    if remaining.is_none() {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(reset));
    }
    resp
}

/// The API version every answer names.
pub async fn version(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(HeaderName::from_static("api-version"), HeaderValue::from_static("1"));
    resp
}
