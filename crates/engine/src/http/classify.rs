//! Turns transport errors into one-line causes a user can act on.

use crate::error::Error;
use url::Url;

pub fn error(url: &Url, err: reqwest::Error) -> Error {
    let host = url.host_str().unwrap_or_default().to_string();
    if let Some(refusal) = refusal(&err) {
        return Error::Refused {
            url: url.to_string(),
            cause: refusal,
        };
    }
    let cause = root_cause(&err);
    let lower = cause.to_ascii_lowercase();
    let tls = [
        "certificate",
        "tls",
        "handshake",
        "invalidcontenttype",
        "corrupt message",
    ];
    if url.scheme() == "https" && tls.iter().any(|w| lower.contains(w)) {
        return Error::Tls { host, cause };
    }
    if err.is_connect() {
        return Error::Connect { host, cause };
    }
    Error::Transfer {
        url: url.to_string(),
        cause,
    }
}

/// The innermost error message, which names the real cause.
fn root_cause(err: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The address policy's refusal, when DNS resolution was stopped by it.
fn refusal(err: &reqwest::Error) -> Option<String> {
    let mut cause: &dyn std::error::Error = err;
    loop {
        if let Some(r) = cause.downcast_ref::<super::policy::Refusal>() {
            return Some(r.0.clone());
        }
        cause = cause.source()?;
    }
}
