//! The survey: one anonymous GET of every safe endpoint in the inventory (and
//! one with the scan's credentials when it has any), sent once by the runner so
//! passive checks read the answers instead of asking again.

use crate::error::Result;
use crate::http::{HttpLayer, Request, Response};
use crate::inventory::Inventory;
use futures::StreamExt;
use std::sync::Arc;

/// Most endpoints the survey visits.
pub const MAX_ENDPOINTS: usize = 2000;
/// Bytes of each surveyed body kept for the checks (the exchange still records the full size).
const KEEP_BODY: usize = 256 * 1024;

/// The answers one endpoint gave.
#[derive(Debug, Clone)]
pub struct Surveyed {
    /// Index into `Inventory::endpoints`.
    pub endpoint: usize,
    /// Without any credentials.
    pub anon: Option<Response>,
    /// With the scan's credentials; `None` when the scan has none.
    pub authed: Option<Response>,
}

impl Surveyed {
    /// Every answer recorded for this endpoint.
    pub fn responses(&self) -> impl Iterator<Item = &Response> {
        self.anon.iter().chain(self.authed.iter())
    }
}

/// Survey every safe `GET` endpoint; `auth` are the headers that authenticate (if any).
pub async fn run(
    inventory: &Inventory,
    layer: &Arc<HttpLayer>,
    auth: Option<&[(String, String)]>,
) -> Result<Vec<Surveyed>> {
    let gets = inventory
        .endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| e.method == "GET")
        .take(MAX_ENDPOINTS);
    let visits = gets.map(|(i, e)| visit(i, e.url.clone(), layer, auth));
    let concurrency = layer.limits().concurrency.max(1);
    let mut out = Vec::new();
    let mut results = futures::stream::iter(visits).buffer_unordered(concurrency);
    while let Some(result) = results.next().await {
        match result {
            Ok(s) => out.push(s),
            Err(e) if e.is_budget() => {
                layer.note(format!("survey stopped early: {e}"));
                break;
            }
            Err(e) => return Err(e),
        }
    }
    out.sort_by_key(|s| s.endpoint);
    Ok(out)
}

async fn visit(
    endpoint: usize,
    url: url::Url,
    layer: &Arc<HttpLayer>,
    auth: Option<&[(String, String)]>,
) -> Result<Surveyed> {
    let anon = fetch(layer, Request::get(url.clone()).anonymous()).await?;
    let authed = match auth {
        Some(headers) => {
            let mut req = Request::get(url);
            req.headers.extend(headers.iter().cloned());
            fetch(layer, req).await?
        }
        None => None,
    };
    Ok(Surveyed { endpoint, anon, authed })
}

/// One GET; a failure of this endpoint alone (timeout, reset) is left out, the scan's budget is not.
async fn fetch(layer: &HttpLayer, req: Request) -> Result<Option<Response>> {
    match layer.send(&req).await {
        Ok(mut resp) => {
            resp.body.truncate(KEEP_BODY);
            Ok(Some(resp))
        }
        Err(e) if e.is_budget() => Err(e),
        Err(e) => {
            layer.note(format!("survey: {e}"));
            Ok(None)
        }
    }
}
