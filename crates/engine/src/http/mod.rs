//! The HTTP layer: every request of a scan goes through [`HttpLayer::send`],
//! which owns the rate limit, concurrency, budget, deadline, timeouts, body
//! cap, circuit breaker, 429 back-off and evidence recording.

mod breaker;
mod classify;
mod form_token;
pub mod guard;
mod limits;
pub use form_token::{FormToken, is_token_field};
pub use limits::{Interrupt, parse_retry_after};
pub mod origin;
pub mod policy;
mod record;
pub mod scope;

use crate::config::Limits;
use crate::error::{Error, Result};
use breaker::Breaker;
use limits::{Budget, RateLimiter};
use policy::AddressPolicy;
use rampart_model::{Exchange, Header};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use url::Url;

/// A request to send. Cookies and session carriers are added by [`crate::Agent`].
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// Send without the scan's configured credentials (`--header`, `--bearer`…).
    pub anonymous: bool,
    /// Declared by the user (a flow step): sent even when it looks state-changing.
    pub declared: bool,
    /// The form's per-view anti-CSRF field: a fresh token is fetched before sending.
    pub form_token: Option<FormToken>,
}

impl Request {
    pub fn get(url: Url) -> Self {
        Request::new("GET", url)
    }

    pub fn new(method: &str, url: Url) -> Self {
        Request {
            method: method.to_string(),
            url,
            headers: Vec::new(),
            body: None,
            anonymous: false,
            declared: false,
            form_token: None,
        }
    }

    /// A request the user declared (a flow step), exempt from the state-changing guard.
    pub fn declared(mut self) -> Self {
        self.declared = true;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// GET, HEAD and OPTIONS: methods that promise not to write.
    pub fn is_safe(&self) -> bool {
        is_safe_method(&self.method)
    }

    /// The same request without the scan's configured credentials.
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// A JSON body (and its content type).
    pub fn json(mut self, body: &serde_json::Value) -> Self {
        self.body = Some(body.to_string().into_bytes());
        self.header("Content-Type", "application/json")
    }
}

/// GET, HEAD and OPTIONS never write (by their promise, not always in fact: see [`guard`]).
pub fn is_safe_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS")
}

/// A response, its body capped, and the exchange recorded for evidence.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
    pub truncated: bool,
    pub exchange: Exchange,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.exchange.response.header(name)
    }

    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
    }
}

/// The one HTTP client of a scan, shared by every check.
pub struct HttpLayer {
    /// Safe requests (GET, HEAD, OPTIONS), on kept-alive connections.
    client: reqwest::Client,
    /// Every other request, each on a new connection: a server that closes a
    /// kept-alive connection without saying so (uvicorn after an unhandled
    /// exception's 500) can neither swallow a write nor have it sent twice.
    writes: reqwest::Client,
    limits: Limits,
    permits: Semaphore,
    rate: RateLimiter,
    budget: Budget,
    breaker: Breaker,
    log: Mutex<Vec<Exchange>>,
    events: Mutex<Vec<String>>,
    tally: scope::Tally,
    /// The target's origin: the only one `default_headers` are sent to.
    home: Url,
    default_headers: Vec<(String, String)>,
    policy: Arc<AddressPolicy>,
    guard: guard::PathGuard,
}

/// Add the scan's configured headers a request does not set itself. The
/// user's `Cookie` is merged with the request's own cookies (a cookie the
/// request already names keeps the request's value), never dropped.
fn with_defaults(headers: &mut Vec<(String, String)>, defaults: &[(String, String)]) {
    let mut missing = Vec::new();
    for (name, value) in defaults {
        let own = headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name));
        match own {
            None => missing.push((name.clone(), value.clone())),
            Some((_, own)) if name.eq_ignore_ascii_case("cookie") => *own = merge_cookies(own, value),
            Some(_) => {}
        }
    }
    headers.splice(0..0, missing);
}

/// `own` followed by the pairs of `extra` whose names `own` does not hold.
fn merge_cookies(own: &str, extra: &str) -> String {
    let name = |pair: &str| pair.split_once('=').map_or(pair, |(n, _)| n).trim().to_string();
    let held: Vec<String> = own.split(';').map(name).collect();
    let added = extra
        .split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty() && !held.contains(&name(pair)));
    std::iter::once(own.trim()).chain(added).collect::<Vec<_>>().join("; ")
}

/// `--insecure`, `--ca-cert` and `--proxy` on the client.
fn tls_and_proxy(builder: reqwest::ClientBuilder, limits: &Limits) -> Result<reqwest::ClientBuilder> {
    let mut builder = builder.tls_danger_accept_invalid_certs(limits.insecure);
    if !limits.ca_certs.is_empty() {
        let certs = reqwest::Certificate::from_pem_bundle(&limits.ca_certs)
            .map_err(|e| Error::InvalidRequest(format!("--ca-cert: not PEM certificates ({e})")))?;
        if certs.is_empty() {
            return Err(Error::InvalidRequest(
                "--ca-cert: the file holds no PEM certificate".into(),
            ));
        }
        builder = builder.tls_certs_merge(certs);
    }
    if let Some(proxy) = &limits.proxy {
        let proxy =
            reqwest::Proxy::all(proxy.as_str()).map_err(|e| Error::InvalidRequest(format!("--proxy {proxy}: {e}")))?;
        builder = builder.proxy(proxy);
    }
    Ok(builder)
}

/// A client under the address policy, `--resolve`, `--insecure`, `--ca-cert`
/// and `--proxy`, following no redirect, keeping up to `idle` connections per
/// host alive for reuse.
fn client(limits: &Limits, policy: &Arc<AddressPolicy>, idle: usize) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder().dns_resolver(policy::Resolver { policy: policy.clone() });
    for (host, addr) in &limits.resolve {
        builder = builder.resolve(host, *addr);
    }
    tls_and_proxy(builder, limits)?
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("rampart/", env!("CARGO_PKG_VERSION")))
        .pool_max_idle_per_host(idle)
        .pool_idle_timeout(IDLE_CONNECTION)
        .connect_timeout(limits.timeout)
        .build()
        .map_err(|e| Error::InvalidRequest(format!("HTTP client: {e}")))
}

/// Most exchanges a scan keeps for its HAR/log; findings keep their own.
const LOG_CAP: usize = 20_000;
const MAX_429_RETRIES: u32 = 2;

/// How long an idle connection is kept for reuse: under the keep-alive timeout
/// of common servers (2 s in gunicorn, 5 s in uvicorn, Node and Apache), so
/// rampart seldom reuses a connection the server is closing.
const IDLE_CONNECTION: Duration = Duration::from_secs(1);

impl HttpLayer {
    /// A layer for a scan of `home`: `default_headers` (the user's
    /// credentials) go to `home`'s origin only.
    pub fn new(limits: &Limits, home: &Url, default_headers: Vec<(String, String)>) -> Result<Self> {
        let policy = Arc::new(limits.policy.clone());
        Ok(HttpLayer {
            client: client(limits, &policy, limits.concurrency)?,
            writes: client(limits, &policy, 0)?,
            permits: Semaphore::new(limits.concurrency.max(1)),
            rate: RateLimiter::new(limits.rate),
            budget: Budget::new(limits.max_requests, limits.max_duration).with_interrupt(limits.interrupt.clone()),
            breaker: Breaker::new(limits.breaker_threshold),
            limits: limits.clone(),
            log: Mutex::new(Vec::new()),
            events: Mutex::new(Vec::new()),
            tally: scope::Tally::default(),
            home: home.clone(),
            default_headers,
            policy,
            guard: guard::PathGuard::new(&limits.unsafe_words, home)
                .with_scope(&limits.include_paths, &limits.exclude_paths),
        })
    }

    /// Send one request (no redirects followed), retrying politely on 429.
    pub async fn send(&self, req: &Request) -> Result<Response> {
        self.send_capped(req, self.limits.max_body).await
    }

    /// [`HttpLayer::send`] with its own response body cap, for documents larger
    /// than API answers (an OpenAPI spec).
    pub async fn send_capped(&self, req: &Request, max_body: usize) -> Result<Response> {
        let mut req = req.clone();
        if !req.anonymous && self.is_home(&req.url) {
            with_defaults(&mut req.headers, &self.default_headers);
        }
        self.refuse_state_changing(&req)?;
        self.refuse_out_of_scope(&req)?;
        scope::admit()?;
        if let Some(token) = req.form_token.clone() {
            req = self.with_fresh_token(&req, &token, max_body).await?;
        }
        let req = &req;
        let mut attempt = 0;
        loop {
            let resp = self.send_once(req, max_body).await?;
            if resp.status != 429 || attempt >= MAX_429_RETRIES {
                return Ok(resp);
            }
            attempt += 1;
            let wait = self.backoff(&resp, attempt)?;
            self.note(format!(
                "{} answered 429; backed off {:.1} s (Retry-After: {})",
                req.url.host_str().unwrap_or("?"),
                wait.as_secs_f64(),
                resp.header("retry-after").unwrap_or("none")
            ));
            tokio::time::sleep(wait).await;
        }
    }

    async fn send_once(&self, req: &Request, max_body: usize) -> Result<Response> {
        let host = req.url.host_str().unwrap_or_default().to_string();
        self.policy.check_host(&host).map_err(|cause| Error::Refused {
            url: req.url.to_string(),
            cause,
        })?;
        self.breaker.check(&host)?;
        let timeout = self.budget.admit(self.limits.timeout)?;
        self.tally.count();
        self.rate.wait().await;
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Error::InvalidRequest("layer closed".into()))?;
        let started = record::Stopwatch::start();
        let result = tokio::time::timeout(timeout, self.transfer(req, max_body)).await;
        let outcome = match result {
            Ok(r) => r,
            Err(_) => Err(Error::Timeout {
                url: req.url.to_string(),
                secs: timeout.as_secs_f64(),
            }),
        };
        self.breaker.record(&host, &outcome);
        let (status, headers, body, truncated) = outcome?;
        if truncated {
            self.note(format!("response body of {} cut at {max_body} bytes", req.url));
        }
        let exchange = record::exchange(req, status, &headers, &body, truncated, &started);
        self.remember(&exchange);
        Ok(Response {
            status,
            headers,
            body,
            truncated,
            exchange,
        })
    }

    async fn transfer(&self, req: &Request, max_body: usize) -> Result<(u16, Vec<Header>, Vec<u8>, bool)> {
        let mut resp = match self.request(req)?.send().await {
            Err(e) if classify::dropped_before_answer(&e) && req.is_safe() => {
                self.note(format!(
                    "{}: the server dropped the connection before answering; sent once more on a new one",
                    req.url
                ));
                self.request(req)?.send().await
            }
            sent => sent,
        }
        .map_err(|e| classify::error(&req.url, e))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| Header {
                name: k.as_str().to_string(),
                value: String::from_utf8_lossy(v.as_bytes()).into_owned(),
            })
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify::error(&req.url, e))? {
            let room = max_body - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                return Ok((status, headers, body, true));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, headers, body, false))
    }

    fn request(&self, req: &Request) -> Result<reqwest::RequestBuilder> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("method {}", req.method)))?;
        let client = if req.is_safe() { &self.client } else { &self.writes };
        let mut builder = client.request(method, req.url.clone());
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        Ok(builder)
    }

    fn backoff(&self, resp: &Response, attempt: u32) -> Result<Duration> {
        let asked = resp.header("retry-after").and_then(limits::parse_retry_after);
        let wait = asked.unwrap_or(Duration::from_secs(1 << attempt));
        if wait > self.limits.max_backoff {
            return Err(Error::Transfer {
                url: resp.exchange.request.url.clone(),
                cause: format!(
                    "429 with Retry-After of {} s, beyond the {} s rampart waits",
                    wait.as_secs(),
                    self.limits.max_backoff.as_secs()
                ),
            });
        }
        Ok(wait)
    }

    fn remember(&self, exchange: &Exchange) {
        let mut log = self.log.lock().unwrap();
        if log.len() < LOG_CAP {
            log.push(exchange.clone());
        }
    }

    /// Record an event for the report (deduplicated).
    pub fn note(&self, event: String) {
        let mut events = self.events.lock().unwrap();
        if !events.contains(&event) && events.len() < 100 {
            events.push(event);
        }
    }

    /// Time left before the scan's deadline; `None` without one.
    pub fn remaining(&self) -> Option<Duration> {
        self.budget.remaining()
    }

    pub fn requests_sent(&self) -> u64 {
        self.budget.sent()
    }

    /// A scope for `rule`'s check: run it inside, and every request it sends is
    /// attributed to the rule and refused beyond `allowance`.
    pub fn for_check(&self, rule: &'static str, allowance: u64) -> Arc<scope::Scope> {
        scope::Scope::new(rule, Some(allowance))
    }

    /// A scope for a phase of the scan (the survey): attributed, not capped.
    pub fn for_phase(&self, phase: &'static str) -> Arc<scope::Scope> {
        scope::Scope::new(phase, None)
    }

    /// Requests sent on the wire, per rule (and per phase outside the checks).
    pub fn requests_by_rule(&self) -> BTreeMap<String, u64> {
        self.tally.snapshot()
    }

    /// Open a TCP connection to `addr` (the address `host` resolved to) for a
    /// raw exchange such as a TLS handshake: refused by the address policy
    /// like any request, counted against the scan's and the check's budgets,
    /// paced by the rate limit and bounded by the request timeout.
    pub async fn connect(&self, host: &str, addr: SocketAddr) -> Result<TcpStream> {
        let refused = |cause| Error::Refused {
            url: addr.to_string(),
            cause,
        };
        self.policy.check_host(host).map_err(refused)?;
        self.policy.check_addr(host, addr.ip()).map_err(refused)?;
        self.breaker.check(host)?;
        scope::admit()?;
        let timeout = self.budget.admit(self.limits.timeout)?;
        self.tally.count();
        self.rate.wait().await;
        let connected = match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(tcp)) => Ok(tcp),
            Ok(Err(e)) => Err(Error::Connect {
                host: format!("{host} ({addr})"),
                cause: e.to_string(),
            }),
            Err(_) => Err(Error::Connect {
                host: format!("{host} ({addr})"),
                cause: format!("no connection within {:.1} s", timeout.as_secs_f64()),
            }),
        };
        self.breaker.record(host, &connected);
        connected
    }

    pub fn events(&self) -> Vec<String> {
        self.events.lock().unwrap().clone()
    }

    /// Every exchange recorded so far, unredacted.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.log.lock().unwrap().clone()
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The word that makes `url` look state-changing (see [`guard`]), if any.
    pub fn state_changing(&self, url: &Url) -> Option<&str> {
        self.guard.state_changing(url)
    }

    /// Why `url` is outside the scan's path scope (`--include`/`--exclude`), if it is.
    pub fn out_of_scope(&self, url: &Url) -> Option<String> {
        self.guard.out_of_scope(url)
    }

    /// A request outside the path scope is refused (and noted), unless the
    /// user declared it (a flow step) or it is the target itself.
    fn refuse_out_of_scope(&self, req: &Request) -> Result<()> {
        let Some(why) = self
            .out_of_scope(&req.url)
            .filter(|_| !req.declared && req.url != self.home)
        else {
            return Ok(());
        };
        self.note(format!("not sent: {} {} (out of scope: {why})", req.method, req.url));
        Err(Error::Refused {
            url: req.url.to_string(),
            cause: format!("out of scope: {why}"),
        })
    }

    /// A GET, HEAD or OPTIONS nobody declared, to a path that names a
    /// state-changing action, is refused (and noted once).
    fn refuse_state_changing(&self, req: &Request) -> Result<()> {
        let Some(word) = self.state_changing(&req.url).filter(|_| req.is_safe() && !req.declared) else {
            return Ok(());
        };
        let cause = format!(
            "it looks state-changing ('{word}'); rampart never sends such a {}",
            req.method
        );
        self.note(format!("not sent: {} {} ({cause})", req.method, req.url));
        Err(Error::Refused {
            url: req.url.to_string(),
            cause,
        })
    }

    /// Is `url` on the origin of the scanned target (where credentials may go)?
    pub fn is_home(&self, url: &Url) -> bool {
        origin::same_origin(&self.home, url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_cookie_joins_the_jars() {
        let mut headers = vec![("Cookie".to_string(), "sid=abc".to_string())];
        let defaults = [
            ("Cookie".to_string(), "tenant=7; sid=mine".to_string()),
            ("X-Api-Key".to_string(), "k".to_string()),
        ];
        with_defaults(&mut headers, &defaults);
        assert_eq!(
            headers,
            [
                ("X-Api-Key".to_string(), "k".to_string()),
                ("Cookie".to_string(), "sid=abc; tenant=7".to_string())
            ]
        );
    }
}
