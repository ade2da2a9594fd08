//! A recorded HTTP request and response: the evidence behind every finding.

use serde::{Deserialize, Serialize};

/// What stands in for a hidden secret in recorded exchanges (a live token
/// keeps a short prefix before it).
pub const REDACTED: &str = "[redacted]";

/// One header line, in the order it was sent or received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<Header>,
    /// The body as text (lossy UTF-8), cut to the evidence limit.
    pub body: String,
    /// Bytes received; the body above may be shorter.
    pub body_bytes: usize,
    /// True when the body was cut, by the body cap or the evidence limit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    pub elapsed_ms: u64,
}

/// A request and the response it got.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Exchange {
    pub request: RecordedRequest,
    pub response: RecordedResponse,
    /// What this exchange shows, in one line (e.g. "control: random token is not logged in").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When the request was sent: RFC 3339 UTC with milliseconds. Absent in
    /// reports written before it was recorded.
    #[serde(rename = "startedAt", default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
}

impl Exchange {
    /// The same exchange with a note explaining its part in the proof.
    pub fn noted(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Every `Set-Cookie` header value of the response.
    pub fn set_cookies(&self) -> impl Iterator<Item = &str> {
        self.response.headers_named("set-cookie")
    }
}

impl RecordedResponse {
    /// Values of every header with this name (case-insensitive).
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchanges_without_a_timestamp_still_parse() {
        let old = r#"{"request":{"method":"GET","url":"http://h/","headers":[]},
            "response":{"status":200,"headers":[],"body":"","bodyBytes":0,"elapsedMs":3}}"#;
        let ex: Exchange = serde_json::from_str(old).unwrap();
        assert_eq!(ex.started_at, None);
        let mut stamped = ex.clone();
        stamped.started_at = Some("2026-01-02T03:04:05.678Z".into());
        let json = serde_json::to_value(&stamped).unwrap();
        assert_eq!(json["startedAt"], "2026-01-02T03:04:05.678Z");
        assert!(serde_json::to_value(&ex).unwrap().get("startedAt").is_none());
    }
}
