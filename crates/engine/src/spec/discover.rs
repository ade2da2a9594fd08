//! Discovery: one anonymous GET of each of a short, fixed list of well-known
//! paths (spec documents, docs UIs, health, debug and admin pages), under the
//! target's path. A hit is a 2xx answer with content that differs from the
//! answer to a random path (so a catch-all page is not mistaken for a hit).
//! A path that redirects below itself (`/api-docs` → `/api-docs/`) is
//! followed once. Without a spec among them, the document a docs UI page
//! found there loads is read: inline in the page or its init script, else
//! asked for (on the target's origin only).

use super::{docs_link, load};
use crate::error::Result;
use crate::http::{HttpLayer, Request, Response};
use crate::inventory::{Document, DocumentKind};
use futures::StreamExt;
use serde_json::Value;
use url::Url;

/// The well-known paths tried, in order of preference (the first spec found is used).
pub const PATHS: &[(&str, DocumentKind)] = &[
    ("/openapi.json", DocumentKind::Spec),
    ("/openapi.yaml", DocumentKind::Spec),
    ("/swagger.json", DocumentKind::Spec),
    ("/v3/api-docs", DocumentKind::Spec),
    ("/v2/api-docs", DocumentKind::Spec),
    ("/api-docs", DocumentKind::Spec),
    ("/swagger/v1/swagger.json", DocumentKind::Spec),
    ("/schema/openapi.json", DocumentKind::Spec),
    ("/api/schema/", DocumentKind::Spec),
    ("/openapi/v1.json", DocumentKind::Spec),
    ("/docs", DocumentKind::DocsUi),
    ("/redoc", DocumentKind::DocsUi),
    ("/swagger-ui/", DocumentKind::DocsUi),
    ("/swagger-ui.html", DocumentKind::DocsUi),
    ("/schema", DocumentKind::DocsUi),
    ("/graphql", DocumentKind::Other),
    ("/health", DocumentKind::Health),
    ("/healthz", DocumentKind::Health),
    ("/status", DocumentKind::Health),
    ("/metrics", DocumentKind::Debug),
    ("/debug/vars", DocumentKind::Debug),
    ("/debug/pprof/", DocumentKind::Debug),
    ("/actuator", DocumentKind::Debug),
    ("/actuator/env", DocumentKind::Debug),
    ("/server-status", DocumentKind::Debug),
    ("/admin", DocumentKind::Admin),
    ("/.well-known/security.txt", DocumentKind::Other),
];

/// Requests in flight at once during discovery.
const PARALLEL: usize = 8;
/// Most documents asked for because a docs UI page names them.
const MAX_LINKED: usize = 3;
/// Most docs UI init scripts read.
const MAX_SCRIPTS: usize = 2;

/// What discovery saw.
#[derive(Debug, Default)]
pub struct Found {
    /// Every path that answered, in [`PATHS`] order.
    pub documents: Vec<Document>,
    /// The first spec document found, parsed.
    pub spec: Option<(Url, Value)>,
    /// Route templates a framework's debug page listed for a path that does not exist.
    pub listed: Vec<String>,
}

/// Try every path in [`PATHS`] under `target`. Failures of single paths are
/// skipped; a used-up budget stops discovery (noted) with what it found.
pub async fn run(target: &Url, layer: &HttpLayer) -> Result<Found> {
    let mut found = Found::default();
    let missing = under(target, &format!("/rampart-{:08x}", rand::random::<u32>()));
    let baseline = match get(layer, missing, false).await {
        Ok(resp) => resp,
        Err(e) => return stopped(layer, e, found),
    };
    if let Some((_, routes)) = baseline.as_ref().and_then(|b| super::routes::listed(&b.text())) {
        found.listed = routes;
    }
    let probes = PATHS.iter().map(|&(path, kind)| async move {
        let (url, answer) = get_below(layer, under(target, path), kind).await;
        (url, kind, answer)
    });
    let mut answers: Vec<_> = futures::stream::iter(probes).buffered(PARALLEL).collect().await;
    let mut pages = Vec::new();
    for (url, kind, answer) in answers.drain(..) {
        let resp = match answer {
            Ok(Some(resp)) => resp,
            Ok(None) => continue,
            Err(e) => return stopped(layer, e, found),
        };
        if !hit(&resp, baseline.as_ref()) || found.documents.iter().any(|d| d.url == url) {
            continue;
        }
        let document = (kind == DocumentKind::Spec).then(|| spec(&resp, &url)).flatten();
        if matches!(kind, DocumentKind::Spec | DocumentKind::DocsUi) && document.is_none() {
            pages.push((url.clone(), resp.status, resp.text()));
        }
        let kind = match (kind, document) {
            (DocumentKind::Spec, Some(value)) => {
                if found.spec.is_none() {
                    found.spec = Some((url.clone(), value));
                }
                DocumentKind::Spec
            }
            (DocumentKind::Spec, None) => DocumentKind::Other,
            (other, _) => other,
        };
        found.documents.push(Document {
            url,
            kind,
            status: resp.status,
        });
    }
    if found.spec.is_none() {
        if let Err(e) = linked(target, layer, pages, &mut found).await {
            return stopped(layer, e, found);
        }
    }
    Ok(found)
}

/// The API description the docs UI `pages` (url, status, text) carry inline,
/// in the page or in an init script it loads, else the first one they name
/// that answers like one; on the target's origin only. It becomes the spec
/// and a document.
async fn linked(target: &Url, layer: &HttpLayer, pages: Vec<(Url, u16, String)>, found: &mut Found) -> Result<()> {
    let mut tried: Vec<Url> = PATHS.iter().map(|(path, _)| under(target, path)).collect();
    let named = |sources: &[(Url, u16, String)], refs: fn(&str) -> Vec<String>| -> Vec<Url> {
        let joined = sources
            .iter()
            .flat_map(|(url, _, text)| refs(text).into_iter().filter_map(|r| url.join(&r).ok()));
        joined.filter(|u| u.origin() == target.origin()).collect()
    };
    let mut sources = pages;
    for url in untried(named(&sources, docs_link::init_scripts), &mut tried, MAX_SCRIPTS) {
        if let Some(resp) = get(layer, url.clone(), true)
            .await?
            .filter(|r| (200..300).contains(&r.status))
        {
            sources.push((url, resp.status, resp.text()));
        }
    }
    for (url, status, text) in &sources {
        if let Some(value) = docs_link::inline_document(text) {
            layer.note(format!(
                "the API description is written into {url}, the documentation UI's own code"
            ));
            record(found, url.clone(), *status, value);
            return Ok(());
        }
    }
    for url in untried(named(&sources, docs_link::references), &mut tried, MAX_LINKED) {
        let Some(resp) = get(layer, url.clone(), true).await? else {
            continue;
        };
        let Some(value) = spec(&resp, &url) else {
            continue;
        };
        layer.note(format!(
            "the API description at {url} was found through the documentation UI that loads it"
        ));
        record(found, url, resp.status, value);
        break;
    }
    Ok(())
}

/// Up to `max` of `urls` not in `tried`, which then holds them.
fn untried(urls: Vec<Url>, tried: &mut Vec<Url>, max: usize) -> Vec<Url> {
    let mut out = Vec::new();
    for url in urls {
        if out.len() < max && !tried.contains(&url) {
            tried.push(url.clone());
            out.push(url);
        }
    }
    out
}

/// `value`, read at `url`, is the spec; `url` is a spec document.
fn record(found: &mut Found, url: Url, status: u16, value: Value) {
    found.documents.retain(|d| d.url != url);
    found.spec = Some((url.clone(), value));
    found.documents.push(Document {
        url,
        kind: DocumentKind::Spec,
        status,
    });
}

/// GET of a well-known `url`; a spec or docs UI path that redirects below
/// itself on its origin (`/api-docs` → `/api-docs/`, as static file servers
/// send a directory) is followed once, and the answer is that page's.
async fn get_below(layer: &HttpLayer, url: Url, kind: DocumentKind) -> (Url, Result<Option<Response>>) {
    let large = kind == DocumentKind::Spec;
    let answer = get(layer, url.clone(), large).await;
    let below = match &answer {
        Ok(Some(resp)) if matches!(kind, DocumentKind::Spec | DocumentKind::DocsUi) => moved_below(&url, resp),
        _ => None,
    };
    match below {
        Some(next) => (next.clone(), get(layer, next, large).await),
        None => (url, answer),
    }
}

/// Where a redirect answer to `url` points when that stays below `url`'s path
/// on its origin: never a login page elsewhere.
fn moved_below(url: &Url, resp: &Response) -> Option<Url> {
    if !resp.is_redirect() {
        return None;
    }
    let next = url.join(resp.header("location")?).ok()?;
    let base = if url.path().ends_with('/') {
        url.path().to_string()
    } else {
        format!("{}/", url.path())
    };
    (next.origin() == url.origin() && next.path().starts_with(&base)).then_some(next)
}

fn stopped(layer: &HttpLayer, e: crate::Error, found: Found) -> Result<Found> {
    if !e.is_budget() {
        return Err(e);
    }
    layer.note(format!("discovery stopped early: {e}"));
    Ok(found)
}

/// `path` under the target's path (`http://h/api/` + `/health` → `http://h/api/health`).
fn under(target: &Url, path: &str) -> Url {
    let mut url = target.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.set_path(&format!("{}{path}", target.path().trim_end_matches('/')));
    url
}

/// The first spec document the well-known spec paths under `target` give a
/// GET with `auth`: for an API that documents itself to signed-in users only.
pub async fn signed_in(target: &Url, layer: &HttpLayer, auth: &[(String, String)]) -> Result<Option<(Url, Value)>> {
    let paths = PATHS.iter().filter(|(_, kind)| *kind == DocumentKind::Spec);
    for (path, _) in paths {
        let url = under(target, path);
        if let Some(value) = get_with(layer, url.clone(), true, auth)
            .await?
            .and_then(|r| spec(&r, &url))
        {
            return Ok(Some((url, value)));
        }
    }
    Ok(None)
}

/// One anonymous GET; `None` when this path alone failed (timeout, reset, breaker).
async fn get(layer: &HttpLayer, url: Url, large: bool) -> Result<Option<Response>> {
    get_with(layer, url, large, &[]).await
}

/// [`get`] with `auth`, the scan's credentials, when it holds any.
async fn get_with(layer: &HttpLayer, url: Url, large: bool, auth: &[(String, String)]) -> Result<Option<Response>> {
    let mut req = Request::get(url);
    match auth {
        [] => req = req.anonymous(),
        _ => req.headers.extend(auth.iter().cloned()),
    }
    let cap = if large {
        load::MAX_BYTES
    } else {
        layer.limits().max_body
    };
    match layer.send_capped(&req, cap).await {
        Ok(resp) => Ok(Some(resp)),
        Err(e) if e.is_budget() => Err(e),
        Err(_) => Ok(None),
    }
}

/// A 2xx answer with content, unlike the answer to a path that does not exist.
fn hit(resp: &Response, baseline: Option<&Response>) -> bool {
    if !(200..300).contains(&resp.status) || resp.body.iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    !baseline.is_some_and(|b| (200..300).contains(&b.status) && b.body == resp.body)
}

/// The parsed document when the answer is a 2xx OpenAPI or Swagger document.
fn spec(resp: &Response, url: &Url) -> Option<Value> {
    if resp.truncated || !(200..300).contains(&resp.status) {
        return None;
    }
    let value = load::parse(&resp.body, url.as_str()).ok()?;
    let top = value.as_object()?;
    (top.contains_key("openapi") || top.contains_key("swagger")).then_some(value)
}
