//! The exchanges a scan already holds before any check sends anything: the
//! target's first answers, the survey, and the flow's validation run. Passive
//! authentication rules read these.

use rampart_engine::Context;
use rampart_model::{Endpoint, Exchange};

/// Every exchange seen so far, without duplicates of the same request and status.
pub fn observed<'a>(ctx: &'a Context<'a>) -> Vec<&'a Exchange> {
    let survey = ctx.survey.iter().flat_map(|s| s.responses()).map(|r| &r.exchange);
    let flow = ctx.driver.into_iter().flat_map(|d| {
        let b = d.baseline();
        let probes = b.anonymous.exchanges.iter().chain(&b.random.exchanges);
        b.exchanges().chain(probes)
    });
    let mut out: Vec<&Exchange> = Vec::new();
    for ex in ctx.seen.iter().chain(survey).chain(flow) {
        let same = |o: &&Exchange| {
            o.request.method == ex.request.method
                && o.request.url == ex.request.url
                && o.response.status == ex.response.status
        };
        if !out.iter().any(same) {
            out.push(ex);
        }
    }
    out
}

/// The exchange that shows the scan's credential: the flow's login answer, else an authenticated survey request.
pub fn credential_evidence(ctx: &Context<'_>) -> Vec<Exchange> {
    let flow = ctx.driver.filter(|_| ctx.config.headers.is_empty());
    if let Some(login) = flow.and_then(|d| d.baseline().login.trip.exchanges.last()) {
        return vec![login.clone().noted("login: the server issues the token")];
    }
    let authed = ctx.survey.iter().find_map(|s| s.authed.as_ref());
    authed
        .map(|r| r.exchange.clone().noted("a request carrying the scan's token"))
        .into_iter()
        .collect()
}

/// Where the scan's credential was issued: the flow's login step, else the target.
pub fn credential_endpoint(ctx: &Context<'_>) -> Endpoint {
    match ctx.driver.filter(|_| ctx.config.headers.is_empty()) {
        Some(d) => Endpoint {
            method: d.flow().login.method.clone(),
            url: d.url(&d.flow().login.path).to_string(),
        },
        None => Endpoint {
            method: "GET".into(),
            url: ctx.config.target.to_string(),
        },
    }
}

/// Up to `n` URLs, comma-separated, with a count of the rest.
pub fn list(urls: &[String], n: usize) -> String {
    let shown = urls.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    match urls.len().saturating_sub(n) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}
