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
        let port = url.port_or_known_default().unwrap_or(443);
        return Error::Tls {
            host: format!("{host}:{port}"),
            cause: in_words(&cause, url),
        };
    }
    if err.is_connect() {
        return Error::Connect { host, cause };
    }
    Error::Transfer {
        url: url.to_string(),
        cause,
    }
}

/// The server dropped the connection under the request before any answer came:
/// reset, aborted, or closed mid-exchange. This is the race of a kept-alive
/// connection the server closes just as it is reused, and the request can be
/// sent again when its method is safe (GET, HEAD, OPTIONS).
pub fn dropped_before_answer(err: &reqwest::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
    if err.is_timeout() || err.is_connect() || err.is_body() || err.is_decode() {
        return false;
    }
    let mut cause: &dyn std::error::Error = err;
    loop {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
            );
        }
        if let Some(h) = cause.downcast_ref::<hyper::Error>() {
            if h.is_incomplete_message() || h.is_canceled() {
                return true;
            }
        }
        match cause.source() {
            Some(next) => cause = next,
            None => return false,
        }
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

/// A TLS failure in words a user can act on, with the library's own cause kept
/// at the end.
fn in_words(cause: &str, url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let fix = "(--ca-cert FILE trusts a private CA; --insecure skips verification)";
    let said = if cause.contains("CaUsedAsEndEntity") || cause.contains("SelfSigned") {
        format!("the certificate is self-signed {fix}")
    } else if cause.contains("UnknownIssuer") {
        format!("the certificate is issued by a CA rampart does not trust {fix}")
    } else if cause.contains("Expired") {
        "the certificate has expired".to_string()
    } else if cause.contains("NotValidYet") {
        "the certificate is not valid yet (or this machine's clock is wrong)".to_string()
    } else if cause.contains("NotValidForName") {
        format!("the certificate is not valid for the host name {host}")
    } else if cause.contains("InvalidContentType") || cause.contains("corrupt message") {
        let mut plain = url.clone();
        let _ = plain.set_scheme("http");
        format!("the server answered in plain HTTP, not TLS: scan {plain} instead")
    } else {
        return cause.to_string();
    };
    format!("{said} [{cause}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_failures_in_words() {
        let url = Url::parse("https://api.test:8443/v1").unwrap();
        let said = |cause: &str| in_words(cause, &url);
        assert!(
            said("invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))")
                .starts_with("the certificate is self-signed")
        );
        assert!(said("invalid peer certificate: UnknownIssuer").contains("--ca-cert FILE"));
        assert!(said("invalid peer certificate: Expired").starts_with("the certificate has expired"));
        assert!(
            said("invalid peer certificate: NotValidForNameContext { .. }")
                .contains("not valid for the host name api.test")
        );
        assert!(
            said("received corrupt message of type InvalidContentType")
                .contains("scan http://api.test:8443/v1 instead")
        );
        assert_eq!(said("something else"), "something else");
    }
}
