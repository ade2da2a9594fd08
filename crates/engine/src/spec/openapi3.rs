//! OpenAPI 3.0 and 3.1: servers, path items and their operations, parameters,
//! request bodies, security schemes and documented 2xx response schemas.

use super::endpoint::{self, Fields, Op, id_like, pick_media};
use super::examples::{given, text};
use super::refs::{DocId, Docs};
use super::schema::{Walker, kind};
use super::{METHODS, Notes, Paths, pointer_token};
use crate::error::Result;
use crate::inventory::{Body, Location, Param, ResponseShape, SecurityScheme};
use serde_json::{Map, Value};

/// Most 2xx responses read per operation.
const MAX_RESPONSES: usize = 20;

/// Every operation of the document, with the server path each one lives under.
pub fn read(docs: &Docs, notes: &mut Notes, paths: &mut Paths) -> Result<()> {
    let root = docs.root().value;
    let root_server = server(root);
    for (template, item) in super::paths_of(docs)? {
        let at = format!("/paths/{}", pointer_token(template));
        let (item, _) = docs.deref(0, item, &at)?;
        let item_server = server(item.value).or_else(|| root_server.clone());
        for method in METHODS {
            let Some(op) = item.value.get(method) else { continue };
            if paths.full(notes) {
                return Ok(());
            }
            let at = format!("{at}/{method}");
            let mut w = Walker::new(docs, notes, at);
            let op_server = server(op).or_else(|| item_server.clone()).unwrap_or_default();
            let read = operation(&mut w, item.doc, item.value, op, root)?;
            paths.push(
                &op_server,
                Op {
                    method: method.to_ascii_uppercase(),
                    template: template.clone(),
                    ..read
                },
            );
        }
    }
    Ok(())
}

/// The path of the first of `value`'s `servers`, if it declares any.
fn server(value: &Value) -> Option<String> {
    let first = value.get("servers")?.as_array()?.first()?;
    let url = first.get("url")?.as_str()?;
    Some(endpoint::server_path(url, first.get("variables")))
}

fn operation<'a>(w: &mut Walker<'a>, doc: DocId, item: &'a Value, op: &'a Value, root: &Value) -> Result<Op> {
    let params = params(w, doc, item, op)?;
    let body = match op.get("requestBody") {
        Some(body) => request_body(w, doc, body)?,
        None => None,
    };
    Ok(Op {
        method: String::new(),
        template: String::new(),
        fields: Fields::read(op),
        params,
        body,
        security: endpoint::effective_security(op, root),
        responses: responses(w, doc, op.get("responses"))?,
    })
}

/// The operation's parameters (see [`super::merged_params`]) that name a known place.
fn params<'a>(w: &mut Walker<'a>, doc: DocId, item: &'a Value, op: &'a Value) -> Result<Vec<Param>> {
    let mut out = Vec::new();
    for node in super::merged_params(w, doc, item, op)? {
        out.extend(param(w, node.doc, node.value)?);
    }
    Ok(out)
}

fn param<'a>(w: &mut Walker<'a>, doc: DocId, p: &'a Value) -> Result<Option<Param>> {
    let (Some(name), Some(location)) = (
        p.get("name").and_then(Value::as_str),
        p.get("in").and_then(Value::as_str).and_then(endpoint::location),
    ) else {
        return Ok(None);
    };
    let schema = p.get("schema").or_else(|| {
        let content = p.get("content")?.as_object()?;
        content.get(pick_media(content.keys())?)?.get("schema")
    });
    let resolved = match schema {
        Some(s) => Some(w.docs.deref(doc, s, &w.at)?.0.value),
        None => None,
    };
    let example = match param_example(w, doc, p)? {
        Some(v) => text(&v),
        None => match (schema, resolved) {
            (Some(s), Some(r)) => synthesised(w, doc, name, location, s, r)?,
            _ => super::examples::STRING.to_string(),
        },
    };
    Ok(Some(Param {
        name: name.to_string(),
        location,
        required: location == Location::Path || p.get("required").and_then(Value::as_bool) == Some(true),
        kind: resolved.and_then(kind).map(str::to_string),
        format: resolved.and_then(|s| s.get("format")?.as_str()).map(str::to_string),
        example,
    }))
}

/// A path id without an example of its own is `1`; anything else comes from its schema.
fn synthesised<'a>(
    w: &mut Walker<'a>,
    doc: DocId,
    name: &str,
    location: Location,
    schema: &'a Value,
    resolved: &Value,
) -> Result<String> {
    let plain_string = matches!(kind(resolved), None | Some("string")) && resolved.get("format").is_none();
    if location == Location::Path && plain_string && given(resolved).is_none() && id_like(name) {
        return Ok("1".into());
    }
    Ok(text(&w.example(doc, schema)?))
}

/// The `example`, or the first of `examples` (Example objects, maybe `$ref`s), of a parameter or media type.
fn param_example(w: &Walker<'_>, doc: DocId, p: &Value) -> Result<Option<Value>> {
    if let Some(v) = p.get("example") {
        return Ok(Some(v.clone()));
    }
    let Some(first) = p
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|m| m.values().next())
    else {
        return Ok(None);
    };
    let (node, _) = w.docs.deref(doc, first, &w.at)?;
    Ok(node.value.get("value").cloned())
}

fn request_body<'a>(w: &mut Walker<'a>, doc: DocId, body: &'a Value) -> Result<Option<Body>> {
    let (node, _) = w.docs.deref(doc, body, &w.at)?;
    let Some(content) = node.value.get("content").and_then(Value::as_object) else {
        return Ok(None);
    };
    let Some(content_type) = pick_media(content.keys()) else {
        return Ok(None);
    };
    let media = &content[content_type];
    let schema = media.get("schema");
    let example = match (param_example(w, node.doc, media)?, schema) {
        (Some(v), _) => v,
        (None, Some(s)) => w.example(node.doc, s)?,
        (None, None) => Value::Object(Map::new()),
    };
    let flat = match schema {
        Some(s) => w.flatten(node.doc, s)?,
        None => Default::default(),
    };
    Ok(Some(Body {
        content_type: content_type.clone(),
        example,
        properties: flat.properties,
        read_only: flat.read_only,
        url_fields: flat.url_fields,
        token: None,
    }))
}

fn responses<'a>(w: &mut Walker<'a>, doc: DocId, responses: Option<&'a Value>) -> Result<Vec<ResponseShape>> {
    let mut out = Vec::new();
    let map = responses.and_then(Value::as_object).into_iter().flatten();
    for (status, resp) in map.filter(|(s, _)| s.starts_with('2')).take(MAX_RESPONSES) {
        let (node, _) = w.docs.deref(doc, resp, &w.at)?;
        let schema = node
            .value
            .get("content")
            .and_then(Value::as_object)
            .and_then(|content| {
                let media = pick_media(content.keys())?;
                content[media].get("schema")
            });
        out.push(super::shape(w, node.doc, status, schema)?);
    }
    Ok(out)
}

/// `components.securitySchemes`.
pub fn schemes(docs: &Docs) -> Result<Vec<SecurityScheme>> {
    let root = docs.root().value;
    let defs = root.pointer("/components/securitySchemes").and_then(Value::as_object);
    let mut out = Vec::new();
    for (name, def) in defs.into_iter().flatten().take(50) {
        let at = format!("/components/securitySchemes/{}", pointer_token(name));
        let (node, _) = docs.deref(0, def, &at)?;
        let def = node.value;
        let kind = def.get("type").and_then(Value::as_str).unwrap_or_default().to_string();
        let scheme = (kind == "http")
            .then(|| def.get("scheme").and_then(Value::as_str).map(str::to_ascii_lowercase))
            .flatten();
        out.push(SecurityScheme {
            name: name.clone(),
            param: super::api_key_param(def, &kind),
            kind,
            scheme,
        });
    }
    Ok(out)
}
