//! OpenAPI 3.0/3.1 and Swagger 2.0 ingestion, and discovery of well-known
//! paths: both yield the [`Inventory`] checks iterate.

mod crawl;
pub mod discover;
mod docs_link;
mod endpoint;
mod examples;
pub mod load;
mod nesting;
mod openapi3;
pub mod refs;
pub mod routes;
mod schema;
mod swagger2;

use crate::config::ScanConfig;
use crate::error::Result;
use crate::http::HttpLayer;
use crate::inventory::{Endpoint, Inventory, Location, ResponseShape, Source};
use endpoint::Op;
use load::{Origin, spec_error};
use refs::{DocId, Docs};
use schema::{Walker, kind};
use serde_json::Value;
use std::sync::Arc;
use url::Url;

/// Most operations read from one spec.
pub const MAX_OPERATIONS: usize = 5_000;
/// The HTTP methods a path item may hold, in the order they are listed.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Most parameters read per operation.
const MAX_PARAMS: usize = 100;

/// The parameters that apply to `op`, resolved: the path item's, then the
/// operation's, which replace a path-item parameter of the same name and place
/// (both OpenAPI versions and Swagger 2.0 merge them this way).
fn merged_params<'a>(w: &Walker<'a>, doc: DocId, item: &'a Value, op: &'a Value) -> Result<Vec<refs::Node<'a>>> {
    let key = |v: &Value| (v.get("name").cloned(), v.get("in").cloned());
    let lists = [item.get("parameters"), op.get("parameters")];
    let listed = lists.into_iter().flatten().filter_map(Value::as_array).flatten();
    let mut out: Vec<refs::Node<'a>> = Vec::new();
    for p in listed.take(2 * MAX_PARAMS) {
        let (node, _) = w.docs.deref(doc, p, &w.at)?;
        match out.iter().position(|q| key(q.value) == key(node.value)) {
            Some(i) => out[i] = node,
            None if out.len() < MAX_PARAMS => out.push(node),
            None => {}
        }
    }
    Ok(out)
}

/// The inventory for this scan: the `--spec` document's operations, else a
/// spec that discovery found, else what a crawl of the target finds (at least
/// the target itself); plus every well-known document discovery saw answer,
/// each also as a `GET` endpoint.
pub async fn inventory(config: &ScanConfig, layer: &Arc<HttpLayer>) -> Result<Inventory> {
    let target = &config.target;
    let given = match &config.spec {
        Some(source) => Some(read(source, target, layer).await?),
        None => None,
    };
    let found = discover::run(target, layer).await?;
    let mut inventory = match (given, found.spec) {
        (Some(inventory), _) => inventory,
        (None, Some((url, value))) => match from_value(Origin::Url(url.clone()), value, target, layer).await {
            Ok(inventory) => inventory,
            Err(e) if e.is_budget() => return Err(e),
            Err(e) => {
                layer.note(format!("discovered spec at {url} not used: {e}"));
                Inventory::root(target)
            }
        },
        (None, None) => crawled(target, layer, &found.listed).await?,
    };
    for doc in &found.documents {
        if !inventory
            .endpoints
            .iter()
            .any(|e| e.method == "GET" && e.url == doc.url)
        {
            inventory.endpoints.push(Endpoint::get(doc.url.clone()));
        }
    }
    inventory.documents = found.documents;
    Ok(inventory)
}

/// Without a spec: the operations a crawl of the target finds, else the target itself.
async fn crawled(target: &Url, layer: &HttpLayer, listed: &[String]) -> Result<Inventory> {
    let mut endpoints = crawl::run(target, layer, listed, &[]).await?;
    if !endpoints.iter().any(|e| e.url == *target) {
        endpoints.insert(0, Endpoint::get(target.clone()));
    }
    Ok(Inventory {
        endpoints,
        ..Inventory::default()
    })
}

/// Without a spec, look for one again with the scan's credentials: an API
/// that documents itself to signed-in users only. A document found replaces
/// the discovered operations (those the spec lacks are kept, after its own);
/// the well-known documents stay. Returns where the spec was found.
pub async fn read_signed_in(
    target: &Url,
    layer: &HttpLayer,
    inventory: &mut Inventory,
    auth: &[(String, String)],
) -> Result<Option<Url>> {
    let Some((url, value)) = discover::signed_in(target, layer, auth).await? else {
        return Ok(None);
    };
    let mut found = match from_value(Origin::Url(url.clone()), value, target, layer).await {
        Ok(found) => found,
        Err(e) if e.is_budget() => return Err(e),
        Err(e) => {
            layer.note(format!("spec at {url} (read signed in) not used: {e}"));
            return Ok(None);
        }
    };
    for old in inventory.endpoints.drain(..) {
        let known = found
            .endpoints
            .iter()
            .any(|e| e.method == old.method && e.path == old.path);
        if !known && found.endpoints.len() < MAX_OPERATIONS {
            found.endpoints.push(old);
        }
    }
    found.documents = std::mem::take(&mut inventory.documents);
    *inventory = found;
    Ok(Some(url))
}

/// Without a spec, crawl again with the scan's credentials: what only a
/// signed-in user sees (`GET /orders/` that answered 401, the links to each
/// order) joins the inventory. Returns how many operations were added.
pub async fn crawl_signed_in(
    target: &Url,
    layer: &HttpLayer,
    inventory: &mut Inventory,
    auth: &[(String, String)],
) -> Result<usize> {
    let before = inventory.endpoints.len();
    for found in crawl::run(target, layer, &[], auth).await? {
        let known = inventory
            .endpoints
            .iter()
            .any(|e| e.method == found.method && e.path == found.path);
        // The anonymous crawl already reported the state-changing GETs it met.
        let left_out = found.is_safe() && layer.state_changing(&found.url).is_some();
        if !known && !left_out && inventory.endpoints.len() < MAX_OPERATIONS {
            inventory.endpoints.push(found);
        }
    }
    Ok(inventory.endpoints.len() - before)
}

/// The inventory of the spec at `source` (a file path or an http(s) URL), its
/// operations placed under `target`. Notes (cycles cut, bounds reached) go to the layer.
pub async fn read(source: &str, target: &Url, layer: &HttpLayer) -> Result<Inventory> {
    let origin = Origin::parse(source)?;
    let value = load::fetch(&origin, layer, target).await?;
    from_value(origin, value, target, layer).await
}

async fn from_value(origin: Origin, value: Value, target: &Url, layer: &HttpLayer) -> Result<Inventory> {
    let docs = Docs::load(origin, value, layer, target).await?;
    let mut notes = Notes::default();
    let inventory = build(&docs, target, &mut notes)?;
    for note in notes.0 {
        layer.note(note);
    }
    Ok(inventory)
}

/// The inventory of loaded documents.
pub fn build(docs: &Docs, target: &Url, notes: &mut Notes) -> Result<Inventory> {
    let root = docs.root().value;
    let origin = docs.origin(0).to_string();
    let Some(top) = root.as_object() else {
        return Err(spec_error(
            origin,
            "not an OpenAPI or Swagger document: the top level is not an object",
        ));
    };
    let mut paths = Paths::new(target);
    let (version, schemes) = if let Some(v) = top.get("openapi") {
        let version = version_text(v);
        if !(version.starts_with("3.0") || version.starts_with("3.1")) {
            return Err(unsupported(origin, "OpenAPI", &version));
        }
        openapi3::read(docs, notes, &mut paths)?;
        (version, openapi3::schemes(docs)?)
    } else if let Some(v) = top.get("swagger") {
        let version = version_text(v);
        if version != "2.0" && version != "2" {
            return Err(unsupported(origin, "Swagger", &version));
        }
        swagger2::read(docs, notes, &mut paths)?;
        ("2.0".to_string(), swagger2::schemes(docs)?)
    } else {
        return Err(spec_error(
            origin,
            "not an OpenAPI or Swagger document: no 'openapi' or 'swagger' version field",
        ));
    };
    Ok(Inventory {
        source: Source::Spec {
            location: origin,
            version,
        },
        endpoints: paths.endpoints,
        schemes,
        documents: Vec::new(),
    })
}

fn version_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    }
}

fn unsupported(origin: String, what: &str, version: &str) -> crate::Error {
    spec_error(
        origin,
        format!("unsupported {what} version '{version}' (rampart reads OpenAPI 3.0, 3.1 and Swagger 2.0)"),
    )
}

/// What a spec read left to say: cycles cut, bounds reached. Deduplicated and capped.
#[derive(Debug, Default)]
pub struct Notes(pub Vec<String>);

impl Notes {
    pub fn push(&mut self, note: String) {
        if self.0.len() < 50 && !self.0.contains(&note) {
            self.0.push(note);
        }
    }
}

/// The endpoints read so far, placed under the target, at most [`MAX_OPERATIONS`].
struct Paths<'t> {
    target: &'t Url,
    endpoints: Vec<Endpoint>,
}

impl<'t> Paths<'t> {
    fn new(target: &'t Url) -> Self {
        Paths {
            target,
            endpoints: Vec::new(),
        }
    }

    /// True (and noted) once no further operation is taken.
    fn full(&self, notes: &mut Notes) -> bool {
        let full = self.endpoints.len() >= MAX_OPERATIONS;
        if full {
            notes.push(format!(
                "spec: more than {MAX_OPERATIONS} operations; the rest are ignored"
            ));
        }
        full
    }

    fn push(&mut self, server_path: &str, op: Op) {
        let base = endpoint::base_path(self.target, server_path);
        self.endpoints.push(endpoint::build(self.target, &base, op));
    }
}

/// The document's `paths` object, in document order.
fn paths_of(docs: &Docs) -> Result<Vec<(&String, &Value)>> {
    match docs.root().value.get("paths") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => Ok(map.iter().collect()),
        Some(_) => Err(spec_error(docs.at(0, "/paths"), "'paths' is not an object")),
    }
}

/// A path template as one JSON-pointer token (`/pets/{id}` → `~1pets~1{id}`).
fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// The shape of one documented response.
fn shape<'a>(w: &mut Walker<'a>, doc: DocId, status: &str, schema: Option<&'a Value>) -> Result<ResponseShape> {
    let Some(schema) = schema else {
        return Ok(ResponseShape {
            status: status.to_string(),
            properties: None,
            is_array: false,
        });
    };
    let (resolved, _) = w.docs.deref(doc, schema, &w.at)?;
    let flat = w.flatten(doc, schema)?;
    Ok(ResponseShape {
        status: status.to_string(),
        properties: flat.declared.then_some(flat.properties),
        is_array: kind(resolved.value) == Some("array"),
    })
}

/// Where an `apiKey` scheme's key travels.
fn api_key_param(def: &Value, kind: &str) -> Option<(Location, String)> {
    if kind != "apiKey" {
        return None;
    }
    let location = endpoint::location(def.get("in")?.as_str()?)?;
    Some((location, def.get("name")?.as_str()?.to_string()))
}
