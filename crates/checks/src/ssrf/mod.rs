//! Server-side request forgery (SSRF-001 … SSRF-003, OWASP API7:2023): which
//! inputs take URLs, whether the server fetches what they name (the scan's
//! callback listener is hit), and whether it reflects internal content.

mod reach;
mod ssrf001_fetch;
mod ssrf002_internal;
mod ssrf003_surface;

pub(crate) use crate::inputs::{Input, Place, inputs, url_inputs};
pub(crate) use reach::listener;
pub use ssrf001_fetch::ServerFetch;
pub use ssrf002_internal::InternalReflected;
pub use ssrf003_surface::UrlParameters;

use rampart_engine::http::Response;
use rampart_engine::{Context, Error, Request, ScanConfig};

pub(crate) const OWASP: &str = "API7:2023";

/// Most inputs a probing check sends to.
pub(crate) const MAX_INPUTS: usize = 10;

/// Requests a renewal of the flow's session may cost a check that asks for credentials
/// (protected page, preauth, CSRF page and login, each with its redirects).
pub(crate) fn renewal(config: &ScanConfig) -> u64 {
    if config.headers.is_empty() && config.flow.is_some() {
        4 * (1 + config.limits.max_redirects as u64)
    } else {
        0
    }
}

/// Send `req`; a failure of this one request (timeout, reset, refused) is `None`,
/// while the scan's budget and an open circuit breaker end the check.
pub(crate) async fn try_send(ctx: &Context<'_>, req: &Request) -> Result<Option<Response>, Error> {
    match ctx.layer.send(req).await {
        Ok(resp) => Ok(Some(resp)),
        Err(e) if e.is_budget() || matches!(e, Error::CircuitOpen(_)) => Err(e),
        Err(e) => {
            ctx.layer.note(format!("{}: {e}", req.url.path()));
            Ok(None)
        }
    }
}

/// The URL-taking inputs a scan may send to: GET ones, and writing ones under `--active`.
pub(crate) fn sendable(ctx: &Context<'_>) -> Result<Vec<Input>, String> {
    let all = url_inputs(ctx);
    if all.is_empty() {
        return Err(
            "no parameter takes a URL (none declared with format uri/url or a URL-like name, none seen)".into(),
        );
    }
    let sendable: Vec<Input> = all.into_iter().filter(|i| i.sendable(ctx.config.active)).collect();
    if sendable.is_empty() {
        return Err("the URL-taking inputs belong to writing operations: probing them needs --active (and only POSTs that address no existing object are probed)".into());
    }
    Ok(sendable.into_iter().take(MAX_INPUTS).collect())
}

/// A value that is not a URL, for negative controls.
pub(crate) fn not_a_url() -> String {
    format!("rampart-{:08x}", rand::random::<u32>())
}
