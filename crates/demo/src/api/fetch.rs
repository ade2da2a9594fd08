//! The inputs that take URLs: a link preview (`GET /api/v1/preview?url=`) and
//! webhook registration (`POST /api/v1/webhooks`). The fixed API previews
//! only its documentation host and takes public https webhooks; the flawed
//! one fetches whatever it is given.
//!
//! The demo never leaves the machine: its fetcher reaches loopback only, and
//! the cloud metadata address answers from a canned listing, so a probe for
//! it proves the flaw without any real metadata service.

use super::routes::{Caller, Shared, refused};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The one host the fixed preview serves.
const DOCS_HOST: &str = "docs.rampart.test";

/// Most bytes of a fetched page kept.
const MAX_PAGE: usize = 64 * 1024;

/// What the metadata address would list on a cloud host.
const METADATA: &str = "ami-id\nami-launch-index\nhostname\ninstance-id\ninstance-type\nlocal-ipv4\n";

pub async fn preview(State(api): Shared, _caller: Caller, Query(query): Query<HashMap<String, String>>) -> Response {
    let raw = query.get("url").map(String::as_str).unwrap_or_default();
    let Some(target) = Target::parse(raw) else {
        return refused(StatusCode::BAD_REQUEST, "url must be an absolute http(s) URL");
    };
    if !api.flaws.fetches_any_url && target.host != DOCS_HOST {
        return refused(
            StatusCode::BAD_REQUEST,
            "only pages on docs.rampart.test can be previewed",
        );
    }
    let Some((content_type, body)) = target.fetch().await else {
        return refused(StatusCode::BAD_GATEWAY, "the page could not be fetched");
    };
    if api.flaws.relays_fetched_body {
        return ([(header::CONTENT_TYPE, content_type)], body).into_response();
    }
    Json(json!({"url": raw, "bytes": body.len(), "title": title(&body)})).into_response()
}

pub async fn register_webhook(State(api): Shared, _caller: Caller, Json(body): Json<Value>) -> Response {
    let raw = body.get("url").and_then(Value::as_str).unwrap_or_default();
    let Some(target) = Target::parse(raw) else {
        return refused(StatusCode::UNPROCESSABLE_ENTITY, "url must be an absolute http(s) URL");
    };
    let acceptable = target.https && target.public();
    if !acceptable && !api.flaws.any_webhook_url {
        return refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "webhooks must be https URLs on a public host",
        );
    }
    let id = super::token::hex(8);
    (
        StatusCode::CREATED,
        Json(json!({"id": id, "url": raw, "events": ["order.paid"]})),
    )
        .into_response()
}

/// The text of the first `<title>`, without markup.
fn title(body: &str) -> Option<String> {
    let start = body.find("<title>")? + "<title>".len();
    let end = body[start..].find("</title>")? + start;
    Some(
        body[start..end]
            .chars()
            .filter(|c| !"<>".contains(*c))
            .take(200)
            .collect(),
    )
}

/// What the page at `raw` holds, fetched as the preview fetches.
pub async fn page(raw: &str) -> Option<String> {
    Some(Target::parse(raw)?.fetch().await?.1)
}

/// An absolute http(s) URL, taken apart just enough to fetch it.
struct Target {
    https: bool,
    host: String,
    port: u16,
    path: String,
}

impl Target {
    fn parse(raw: &str) -> Option<Target> {
        let (https, rest) = match raw.split_once("://")? {
            ("https", rest) => (true, rest),
            ("http", rest) => (false, rest),
            _ => return None,
        };
        let (authority, path) = rest.find(['/', '?']).map_or((rest, "/"), |i| rest.split_at(i));
        let default = if https { 443 } else { 80 };
        let (host, port) = match authority.strip_prefix('[') {
            // An IPv6 literal: `[::1]` or `[::1]:8080`.
            Some(literal) => {
                let (host, after) = literal.split_once(']')?;
                match after.strip_prefix(':') {
                    Some(port) => (host, port.parse().ok()?),
                    None if after.is_empty() => (host, default),
                    None => return None,
                }
            }
            None => match authority.rsplit_once(':') {
                Some((host, port)) => (host, port.parse().ok()?),
                None => (authority, default),
            },
        };
        if host.is_empty() || host.contains('@') {
            return None;
        }
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        Some(Target {
            https,
            host: host.to_ascii_lowercase(),
            port,
            path,
        })
    }

    /// A host name (not an address literal, not `localhost`) outside the reserved test domains.
    fn public(&self) -> bool {
        let reserved = [".test", ".example", ".invalid", ".localhost", ".local", ".internal"];
        self.host.parse::<std::net::IpAddr>().is_err()
            && self.host != "localhost"
            && self.host.contains('.')
            && !reserved.iter().any(|r| self.host.ends_with(r))
    }

    /// The page's content type and body: loopback over plain HTTP, the canned
    /// metadata listing, and nothing else (the demo has no way out).
    async fn fetch(&self) -> Option<(String, String)> {
        if self.host == "169.254.169.254" {
            return Some(("text/plain".into(), METADATA.into()));
        }
        let loopback =
            self.host == "localhost" || self.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if !loopback || self.https {
            return None;
        }
        tokio::time::timeout(Duration::from_secs(2), self.get())
            .await
            .ok()
            .flatten()
    }

    async fn get(&self) -> Option<(String, String)> {
        let mut stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
            .await
            .ok()?;
        let request = format!(
            "GET {} HTTP/1.0\r\nHost: {}:{}\r\nUser-Agent: rampart-demo-preview\r\nConnection: close\r\n\r\n",
            self.path, self.host, self.port
        );
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut raw = Vec::new();
        stream.take(MAX_PAGE as u64).read_to_end(&mut raw).await.ok()?;
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n")?;
        let content_type = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-type")
                    .then(|| value.trim().to_string())
            })
            .unwrap_or_else(|| "text/plain".into());
        Some((content_type, body.to_string()))
    }
}
