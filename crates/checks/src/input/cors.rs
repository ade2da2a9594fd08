//! What the CORS rules share: where to probe, the origin probe itself and
//! reading the answer's CORS headers.

use crate::web;
use rampart_engine::{Context, Error, Response};
use rampart_model::{Exchange, Severity};
use url::Url;

/// Most URLs a CORS rule probes.
pub(crate) const MAX_TARGETS: usize = 3;

/// Where CORS is probed: the flow's protected page, then surveyed endpoints that answered 2xx.
pub(crate) fn targets(ctx: &Context<'_>) -> Vec<Url> {
    let mut out: Vec<Url> = Vec::new();
    if let Some(d) = ctx.driver {
        out.push(d.url(&d.flow().protected.path));
    }
    for s in ctx.survey {
        if s.responses().any(|r| (200..300).contains(&r.status)) {
            if let Some(op) = ctx.inventory.endpoints.get(s.endpoint) {
                if !out.contains(&op.url) {
                    out.push(op.url.clone());
                }
            }
        }
        if out.len() >= MAX_TARGETS {
            break;
        }
    }
    if out.is_empty() {
        out.push(ctx.config.target.clone());
    }
    out.truncate(MAX_TARGETS);
    out
}

/// `Access-Control-Allow-Origin` of an answer.
pub(crate) fn allow_origin(ex: &Exchange) -> Option<&str> {
    ex.response.header("access-control-allow-origin").map(str::trim)
}

/// Does the answer allow credentials (`Access-Control-Allow-Credentials: true`)?
pub(crate) fn allows_credentials(ex: &Exchange) -> bool {
    ex.response
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// A random origin nobody allow-lists.
pub(crate) fn foreign_origin() -> String {
    format!("https://rampart-{:08x}.example", rand::random::<u32>())
}

/// The first target whose answer to `origin` echoes it in `Access-Control-Allow-Origin`,
/// with the control answer (no `Origin`) that does not.
pub(crate) async fn reflected(ctx: &Context<'_>, origin: &str) -> Result<Option<(Response, Response)>, Error> {
    let auth = ctx.auth_headers().await?.unwrap_or_default();
    for url in targets(ctx) {
        let probe = web::authed_get(url.clone(), &auth).header("Origin", origin);
        let Some(resp) = web::send_or_skip(ctx, &probe).await? else {
            continue;
        };
        if allow_origin(&resp.exchange) != Some(origin) {
            continue;
        }
        let control = web::send_or_skip(ctx, &web::authed_get(url, &auth)).await?;
        if let Some(control) = control.filter(|c| allow_origin(&c.exchange) != Some(origin)) {
            return Ok(Some((resp, control)));
        }
    }
    Ok(None)
}

/// What an echoed origin exposes: with `Access-Control-Allow-Credentials:
/// true` a foreign page reads the visitor's authenticated answers (high);
/// without it the browser sends no cookies or credentials on the foreign
/// page's behalf, so it reads only what an anonymous request gets (info).
pub fn impact(credentials: bool) -> (Severity, &'static str) {
    if credentials {
        (Severity::High, " together with Access-Control-Allow-Credentials: true")
    } else {
        (
            Severity::Info,
            " but without Access-Control-Allow-Credentials, so a foreign page reads only what an anonymous request gets",
        )
    }
}

#[cfg(test)]
mod impact_tests {
    use super::*;

    #[test]
    fn an_echoed_origin_without_credentials_is_info() {
        assert_eq!(impact(true).0, Severity::High);
        let (severity, why) = impact(false);
        assert_eq!(severity, Severity::Info);
        assert!(why.contains("anonymous"));
    }
}
