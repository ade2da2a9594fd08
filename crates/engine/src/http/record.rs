//! Recording exchanges as evidence (bodies cut to an evidence limit).

use super::Request;
use rampart_model::{Exchange, Header, RecordedRequest, RecordedResponse};
use std::time::Instant;
use time::OffsetDateTime;
use time::macros::format_description;

/// When a request was sent: by the wall clock (the exchange's timestamp) and
/// by the monotonic clock (its duration).
pub struct Stopwatch {
    wall: OffsetDateTime,
    start: Instant,
}

impl Stopwatch {
    pub fn start() -> Self {
        Stopwatch {
            wall: OffsetDateTime::now_utc(),
            start: Instant::now(),
        }
    }

    /// RFC 3339 in UTC with milliseconds, as HAR's `startedDateTime` expects.
    fn timestamp(&self) -> Option<String> {
        let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
        self.wall.format(&fmt).ok()
    }
}

/// Bytes of a body kept in evidence.
const EVIDENCE_BODY: usize = 8 * 1024;

pub fn exchange(
    req: &Request,
    status: u16,
    headers: &[Header],
    body: &[u8],
    truncated: bool,
    started: &Stopwatch,
) -> Exchange {
    let request = RecordedRequest {
        method: req.method.clone(),
        url: req.url.to_string(),
        headers: req
            .headers
            .iter()
            .map(|(n, v)| Header {
                name: n.clone(),
                value: v.clone(),
            })
            .collect(),
        body: req.body.as_deref().map(|b| cut(b).0),
    };
    let (text, cut_here) = cut(body);
    let response = RecordedResponse {
        status,
        headers: headers.to_vec(),
        body: text,
        body_bytes: body.len(),
        truncated: truncated || cut_here,
        elapsed_ms: started.start.elapsed().as_millis() as u64,
    };
    Exchange {
        request,
        response,
        note: None,
        started_at: started.timestamp(),
    }
}

fn cut(body: &[u8]) -> (String, bool) {
    let end = body.len().min(EVIDENCE_BODY);
    (String::from_utf8_lossy(&body[..end]).into_owned(), end < body.len())
}
