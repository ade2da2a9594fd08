//! Swagger 2.0: `basePath`, operations, parameters (a `body` parameter or
//! `formData` fields become the request body), `securityDefinitions`, and
//! documented 2xx response schemas.

use super::endpoint::{self, Fields, Op, id_like};
use super::examples::{given, text};
use super::refs::DocId;
use super::schema::{Walker, url_like};
use super::{METHODS, Notes, Paths, pointer_token};
use crate::error::Result;
use crate::inventory::{Body, Location, Param, ResponseShape, SecurityScheme};
use serde_json::{Map, Value};

/// Most 2xx responses read per operation.
const MAX_RESPONSES: usize = 20;

/// Every operation of the document, under its `basePath`.
pub fn read(docs: &super::Docs, notes: &mut Notes, paths: &mut Paths) -> Result<()> {
    let root = docs.root().value;
    let base = root.get("basePath").and_then(Value::as_str).unwrap_or_default();
    let base = endpoint::server_path(base, None);
    for (template, item) in super::paths_of(docs)? {
        let at = format!("/paths/{}", pointer_token(template));
        let (item, _) = docs.deref(0, item, &at)?;
        for method in METHODS {
            let Some(op) = item.value.get(method) else { continue };
            if paths.full(notes) {
                return Ok(());
            }
            let mut w = Walker::new(docs, notes, format!("{at}/{method}"));
            let params = collect(&w, item.doc, item.value, op)?;
            let consumes = consumes(op, root);
            let body = body(&mut w, &params, &consumes)?;
            let mut plain = Vec::new();
            for (doc, p) in params.iter().filter(|(_, p)| !matches!(place(p), "body" | "formData")) {
                if let Some(param) = param(&mut w, *doc, p)? {
                    plain.push(param);
                }
            }
            let responses = responses(&mut w, item.doc, op.get("responses"))?;
            let op = Op {
                method: method.to_ascii_uppercase(),
                template: template.clone(),
                fields: Fields::read(op),
                params: plain,
                body,
                security: endpoint::effective_security(op, root),
                responses,
            };
            paths.push(&base, op);
        }
    }
    Ok(())
}

fn place(p: &Value) -> &str {
    p.get("in").and_then(Value::as_str).unwrap_or_default()
}

/// Path-item and operation parameters, resolved (see [`super::merged_params`]).
fn collect<'a>(w: &Walker<'a>, doc: DocId, item: &'a Value, op: &'a Value) -> Result<Vec<(DocId, &'a Value)>> {
    let merged = super::merged_params(w, doc, item, op)?;
    Ok(merged.into_iter().map(|node| (node.doc, node.value)).collect())
}

/// A Swagger 2.0 parameter carries its schema fields (type, format, enum, items) itself.
fn param<'a>(w: &mut Walker<'a>, doc: DocId, p: &'a Value) -> Result<Option<Param>> {
    let (Some(name), Some(location)) = (p.get("name").and_then(Value::as_str), endpoint::location(place(p))) else {
        return Ok(None);
    };
    let kind = p.get("type").and_then(Value::as_str);
    let format = p.get("format").and_then(Value::as_str);
    let plain_string = matches!(kind, None | Some("string")) && format.is_none();
    let example = if location == Location::Path && plain_string && given(p).is_none() && id_like(name) {
        "1".to_string()
    } else {
        text(&w.example(doc, p)?)
    };
    Ok(Some(Param {
        name: name.to_string(),
        location,
        required: location == Location::Path || p.get("required").and_then(Value::as_bool) == Some(true),
        kind: kind.map(str::to_string),
        format: format.map(str::to_string),
        example,
    }))
}

/// The operation's `consumes`, else the document's.
fn consumes(op: &Value, root: &Value) -> Vec<String> {
    let list = op.get("consumes").or_else(|| root.get("consumes"));
    let list = list.and_then(Value::as_array).into_iter().flatten();
    list.filter_map(Value::as_str).take(20).map(str::to_string).collect()
}

/// The request body: the `in: body` parameter's schema, or the `formData` fields.
fn body<'a>(w: &mut Walker<'a>, params: &[(DocId, &'a Value)], consumes: &[String]) -> Result<Option<Body>> {
    if let Some((doc, p)) = params.iter().find(|(_, p)| place(p) == "body") {
        let content_type = endpoint::pick_media(consumes.iter())
            .filter(|t| t.contains("json"))
            .cloned()
            .unwrap_or_else(|| "application/json".into());
        let Some(schema) = p.get("schema") else {
            return Ok(None);
        };
        let example = match given(p) {
            Some(v) => v,
            None => w.example(*doc, schema)?,
        };
        let flat = w.flatten(*doc, schema)?;
        return Ok(Some(Body {
            content_type,
            example,
            properties: flat.properties,
            read_only: flat.read_only,
            url_fields: flat.url_fields,
            token: None,
        }));
    }
    let fields: Vec<&(DocId, &Value)> = params.iter().filter(|(_, p)| place(p) == "formData").collect();
    if fields.is_empty() {
        return Ok(None);
    }
    let multipart = consumes.iter().any(|t| t.starts_with("multipart/form-data"))
        && !consumes
            .iter()
            .any(|t| t.starts_with("application/x-www-form-urlencoded"));
    let mut example = Map::new();
    let (mut properties, mut url_fields) = (Vec::new(), Vec::new());
    for (doc, p) in fields {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        example.insert(name.to_string(), w.example(*doc, p)?);
        properties.push(name.to_string());
        if url_like(name, p) {
            url_fields.push(name.to_string());
        }
    }
    Ok(Some(Body {
        content_type: if multipart {
            "multipart/form-data".into()
        } else {
            "application/x-www-form-urlencoded".into()
        },
        example: Value::Object(example),
        properties,
        read_only: Vec::new(),
        url_fields,
        token: None,
    }))
}

fn responses<'a>(w: &mut Walker<'a>, doc: DocId, responses: Option<&'a Value>) -> Result<Vec<ResponseShape>> {
    let mut out = Vec::new();
    let map = responses.and_then(Value::as_object).into_iter().flatten();
    for (status, resp) in map.filter(|(s, _)| s.starts_with('2')).take(MAX_RESPONSES) {
        let (node, _) = w.docs.deref(doc, resp, &w.at)?;
        out.push(super::shape(w, node.doc, status, node.value.get("schema"))?);
    }
    Ok(out)
}

/// `securityDefinitions`; `basic` becomes an `http` scheme with `basic`.
pub fn schemes(docs: &super::Docs) -> Result<Vec<SecurityScheme>> {
    let defs = docs.root().value.get("securityDefinitions").and_then(Value::as_object);
    let mut out = Vec::new();
    for (name, def) in defs.into_iter().flatten().take(50) {
        let kind = def.get("type").and_then(Value::as_str).unwrap_or_default();
        let (kind, scheme) = match kind {
            "basic" => ("http".to_string(), Some("basic".to_string())),
            other => (other.to_string(), None),
        };
        out.push(SecurityScheme {
            name: name.clone(),
            param: super::api_key_param(def, &kind),
            kind,
            scheme,
        });
    }
    Ok(out)
}
