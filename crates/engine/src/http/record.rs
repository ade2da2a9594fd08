//! Recording exchanges as evidence (bodies cut to an evidence limit).

use super::Request;
use rampart_model::{Exchange, Header, RecordedRequest, RecordedResponse};
use std::time::Duration;

/// Bytes of a body kept in evidence.
const EVIDENCE_BODY: usize = 8 * 1024;

pub fn exchange(
    req: &Request,
    status: u16,
    headers: &[Header],
    body: &[u8],
    truncated: bool,
    elapsed: Duration,
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
        elapsed_ms: elapsed.as_millis() as u64,
    };
    Exchange {
        request,
        response,
        note: None,
    }
}

fn cut(body: &[u8]) -> (String, bool) {
    let end = body.len().min(EVIDENCE_BODY);
    (String::from_utf8_lossy(&body[..end]).into_owned(), end < body.len())
}
