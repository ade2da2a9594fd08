//! The protected request that tells an accepted credential from a refused one:
//! the flow's protected page and its logged-in marker, or, without a flow, a
//! surveyed endpoint whose authenticated answer differs from the anonymous one.

use super::credential::Headers;
use super::{refused, same_shape};
use crate::web;
use rampart_engine::http::Response;
use rampart_engine::{Context, Driver, Endpoint as Operation, Error, Request};
use rampart_model::{Endpoint, Exchange};

/// Requests one judgement may cost (the flow's page may redirect once).
pub const PROBE: u64 = 2;
/// Protected endpoints tried as the oracle when there is no flow.
pub const CANDIDATES: usize = 3;

/// What the target answered to one set of credentials.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub accepted: bool,
    pub exchange: Exchange,
}

impl Verdict {
    /// The exchange, annotated.
    pub fn evidence(&self, note: &str) -> Exchange {
        self.exchange.clone().noted(note)
    }
}

pub enum Oracle<'a> {
    /// The flow's protected page: accepted when it shows the logged-in marker.
    Flow(&'a Driver),
    /// A GET endpoint: accepted when it answers with content shaped like the authenticated answer.
    Endpoint { op: &'a Operation, authed: &'a Response },
}

impl<'a> Oracle<'a> {
    /// The flow when it provides the scan's credentials, else the first few endpoints that only
    /// answer with them (the first may not check the signature at all).
    pub fn candidates(ctx: &'a Context<'a>) -> Vec<Oracle<'a>> {
        if let (true, Some(d)) = (ctx.config.headers.is_empty(), ctx.driver) {
            return vec![Oracle::Flow(d)];
        }
        protected(ctx)
            .take(CANDIDATES)
            .map(|(op, _, authed)| Oracle::Endpoint { op, authed })
            .collect()
    }

    /// Send the protected request with exactly `headers` as credentials.
    pub async fn judge(&self, ctx: &Context<'_>, headers: &Headers) -> Result<Verdict, Error> {
        match self {
            Oracle::Flow(d) => {
                let step = &d.flow().protected;
                let mut req = Request::new(&step.method, d.url(&step.path)).anonymous();
                let fixed = step.headers.iter().filter(|(_, v)| !v.contains("{{"));
                req.headers.extend(fixed.cloned());
                req.headers.extend(headers.iter().cloned());
                if let Some(body) = &step.json {
                    req = req.json(body);
                }
                let probe = d.probe_request(req).await?;
                let exchange = probe.exchanges.last().cloned().unwrap_or_default();
                Ok(Verdict {
                    accepted: probe.logged_in,
                    exchange,
                })
            }
            Oracle::Endpoint { op, authed } => {
                let mut req = Request::get(op.url.clone()).anonymous();
                req.headers.extend(headers.iter().cloned());
                let resp = ctx.layer.send(&req).await?;
                Ok(Verdict {
                    accepted: web::has_content(&resp) && same_shape(authed, &resp),
                    exchange: resp.exchange,
                })
            }
        }
    }

    /// The protected request, for findings.
    pub fn endpoint(&self) -> Endpoint {
        match self {
            Oracle::Flow(d) => {
                let step = &d.flow().protected;
                Endpoint {
                    method: step.method.clone(),
                    url: d.url(&step.path).to_string(),
                }
            }
            Oracle::Endpoint { op, .. } => web::endpoint(op),
        }
    }

    /// How acceptance was judged, for descriptions.
    pub fn describe(&self) -> String {
        match self {
            Oracle::Flow(d) => format!(
                "the flow's protected page {} showed the logged-in marker '{}'",
                d.flow().protected.path,
                d.flow().logged_in_marker
            ),
            Oracle::Endpoint { op, .. } => format!(
                "{} answered with the content it only gives to authenticated requests",
                op.label()
            ),
        }
    }
}

/// GET endpoints whose surveyed anonymous answer is refused while the authenticated one has content:
/// (operation, anonymous answer, authenticated answer).
pub fn protected<'a>(ctx: &'a Context<'a>) -> impl Iterator<Item = (&'a Operation, &'a Response, &'a Response)> + 'a {
    ctx.survey.iter().filter_map(|s| {
        let (anon, authed) = (s.anon.as_ref()?, s.authed.as_ref()?);
        let differs = anon.body != authed.body && !same_shape(anon, authed);
        let op = ctx.inventory.endpoints.get(s.endpoint)?;
        (refused(anon) && web::has_content(authed) && differs).then_some((op, anon, authed))
    })
}
