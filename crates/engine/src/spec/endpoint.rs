//! From a spec's operation to an [`Endpoint`]: the server's base path under
//! the scan target's origin (the target's scheme, host and port always win),
//! the path template filled with example values, required query parameters,
//! and declared security.

use crate::inventory::{Body, Endpoint, Location, Param, ResponseShape, Security};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::Value;
use url::Url;

/// Bytes escaped in a filled path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// What an operation yields before it is placed under the target.
#[derive(Debug, Default)]
pub struct Fields {
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
}

impl Fields {
    pub fn read(op: &Value) -> Fields {
        let text = |k: &str| op.get(k).and_then(Value::as_str).map(str::to_string);
        Fields {
            operation_id: text("operationId"),
            summary: text("summary"),
            tags: op
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .take(20)
                .map(str::to_string)
                .collect(),
            deprecated: op.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
        }
    }
}

/// The path of a server URL (`https://api.example.com/v2` → `/v2`, `/api` → `/api`),
/// its `{variables}` replaced by their defaults.
pub fn server_path(raw: &str, variables: Option<&Value>) -> String {
    let mut url = raw.to_string();
    for (name, var) in variables.and_then(Value::as_object).into_iter().flatten() {
        let default = var.get("default").map(super::examples::text).unwrap_or_default();
        url = url.replace(&format!("{{{name}}}"), &default);
    }
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
        None if url.starts_with("//") => url[2..].find('/').map_or("", |j| &url[2 + j..]),
        None => url.as_str(),
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = path.trim_end_matches('/');
    match path {
        "" => String::new(),
        p if p.starts_with('/') => p.to_string(),
        p => format!("/{p}"),
    }
}

/// The base path operations live under: the spec's server path placed under the
/// target's path, without doubling a prefix the target already has.
pub fn base_path(target: &Url, server: &str) -> String {
    let target_path = target.path().trim_end_matches('/');
    if target_path.is_empty() || server.starts_with(&format!("{target_path}/")) || server == target_path {
        return server.to_string();
    }
    if target_path.ends_with(server) {
        return target_path.to_string();
    }
    format!("{target_path}{server}")
}

/// One operation as a spec declares it, before it is placed under the target.
#[derive(Debug)]
pub struct Op {
    pub method: String,
    pub template: String,
    pub fields: Fields,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub security: Security,
    pub responses: Vec<ResponseShape>,
}

/// The endpoint for `op` under `base`, its parameters filled in.
pub fn build(target: &Url, base: &str, op: Op) -> Endpoint {
    let template = if op.template.starts_with('/') {
        op.template
    } else {
        format!("/{}", op.template)
    };
    let path = format!("{base}{template}");
    let mut url = target.clone();
    url.set_fragment(None);
    url.set_query(None);
    url.set_path(&fill(&path, &op.params));
    let query: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query && p.required)
        .collect();
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for p in query {
            pairs.append_pair(&p.name, &p.example);
        }
    }
    Endpoint {
        method: op.method.to_ascii_uppercase(),
        path,
        url,
        operation_id: op.fields.operation_id,
        summary: op.fields.summary,
        tags: op.fields.tags,
        params: op.params,
        body: op.body,
        security: op.security,
        deprecated: op.fields.deprecated,
        responses: op.responses,
    }
}

/// `/users/{id}/posts` with `id` = 7 → `/users/7/posts`; an undeclared `{name}` becomes `1`.
fn fill(template: &str, params: &[Param]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..open + close];
        let value = params
            .iter()
            .find(|p| p.location == Location::Path && p.name == name)
            .map_or("1", |p| p.example.as_str());
        out.extend(utf8_percent_encode(value, SEGMENT));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// A `security` list: `[]` or an alternative that is `{}` → public; absent → `None`.
pub fn security(value: Option<&Value>) -> Option<Security> {
    let alts = value?.as_array()?;
    if alts.is_empty() || alts.iter().any(|a| a.as_object().is_some_and(|m| m.is_empty())) {
        return Some(Security::None);
    }
    let alts = alts
        .iter()
        .filter_map(Value::as_object)
        .take(20)
        .map(|req| {
            req.iter()
                .map(|(name, scopes)| {
                    let scopes = scopes.as_array().into_iter().flatten();
                    let scopes = scopes.filter_map(Value::as_str).map(str::to_string).collect();
                    (name.clone(), scopes)
                })
                .collect()
        })
        .collect();
    Some(Security::Required(alts))
}

/// The operation's own `security`, else the document's, else unknown.
pub fn effective_security(op: &Value, root: &Value) -> Security {
    security(op.get("security"))
        .or_else(|| security(root.get("security")))
        .unwrap_or_default()
}

/// `path`/`query`/`header`/`cookie`.
pub fn location(name: &str) -> Option<Location> {
    match name {
        "path" => Some(Location::Path),
        "query" => Some(Location::Query),
        "header" => Some(Location::Header),
        "cookie" => Some(Location::Cookie),
        _ => None,
    }
}

/// The media type to read among `types`: JSON first, then forms, else the first.
pub fn pick_media<'a>(types: impl Iterator<Item = &'a String> + Clone) -> Option<&'a String> {
    let find = |pred: &dyn Fn(&str) -> bool| types.clone().find(|t| pred(&t.to_ascii_lowercase()));
    find(&|t| t.starts_with("application/json"))
        .or_else(|| find(&|t| t.contains("json")))
        .or_else(|| find(&|t| t.starts_with("application/x-www-form-urlencoded")))
        .or_else(|| find(&|t| t.starts_with("multipart/form-data")))
        .or_else(|| types.clone().next())
}

/// A path id without an example: an integer-looking `1` hits real records more
/// often than a word.
pub fn id_like(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "id" || lower.ends_with("_id") || lower.ends_with("-id") || name.ends_with("Id") || name.ends_with("ID")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_paths_and_bases() {
        assert_eq!(server_path("https://api.example.com/v2/", None), "/v2");
        assert_eq!(server_path("/api", None), "/api");
        assert_eq!(server_path("api", None), "/api");
        assert_eq!(server_path("https://example.com", None), "");
        let vars = serde_json::json!({"version": {"default": "v3"}});
        assert_eq!(server_path("{scheme}://h/{version}", Some(&vars)), "/v3");
        let t = |s: &str| Url::parse(s).unwrap();
        assert_eq!(base_path(&t("http://h/"), "/api/v2"), "/api/v2");
        assert_eq!(base_path(&t("http://h/api/v2/"), "/api/v2"), "/api/v2");
        assert_eq!(base_path(&t("http://h/api"), "/api/v2"), "/api/v2");
        assert_eq!(base_path(&t("http://h/gw"), "/api"), "/gw/api");
        assert_eq!(base_path(&t("http://h/gw/api"), "/api"), "/gw/api");
        assert_eq!(base_path(&t("http://h/gw"), ""), "/gw");
    }

    #[test]
    fn fill_escapes_values() {
        let p = Param {
            name: "id".into(),
            location: Location::Path,
            required: true,
            kind: None,
            format: None,
            example: "a/b c".into(),
        };
        assert_eq!(fill("/x/{id}/{other}", &[p]), "/x/a%2Fb%20c/1");
    }
}
