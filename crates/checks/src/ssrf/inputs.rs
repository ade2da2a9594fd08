//! Inputs that take URLs: query parameters and JSON body fields, from the
//! inventory (declared formats and URL-like names) and from query strings
//! seen in surveyed URLs (Location headers and same-origin links in bodies).

use crate::web;
use rampart_engine::inventory::Location;
use rampart_engine::{Context, Request};
use rampart_model::Endpoint;
use serde_json::Value;
use std::collections::BTreeSet;
use url::Url;

/// Parameter names that usually carry a URL the server fetches or follows.
const URL_NAMES: &[&str] = &[
    "url",
    "uri",
    "link",
    "src",
    "callback",
    "webhook",
    "image",
    "image_url",
    "fetch",
    "target",
    "dest",
    "redirect_uri",
    "feed",
];
/// Most inventory operations read.
const MAX_OPS: usize = 2000;
/// Longest string read as a link.
const MAX_LINK: usize = 2048;

/// Where an input travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Query,
    /// A JSON body field, dotted for nested objects.
    Body,
}

/// Which inputs a check wants, given the name, the declared format and a value seen in a URL.
pub type Taker = fn(&str, Option<&str>, Option<&str>) -> bool;

/// One input of one operation.
#[derive(Debug, Clone)]
pub struct UrlInput {
    pub method: String,
    /// The path template, for titles.
    pub path: String,
    /// The concrete URL the operation is sent to.
    pub url: Url,
    pub name: String,
    pub place: Place,
    /// The example body the operation is sent with, if it takes one.
    pub body: Option<Value>,
    /// Declared by the spec rather than seen in a URL.
    pub declared: bool,
    /// Index of the operation in the inventory, when it is one.
    pub endpoint: Option<usize>,
}

/// Is this a URL-taking input: declared format `uri`/`url`, a URL-like name, or a URL seen as its value?
pub fn is_url_input(name: &str, format: Option<&str>, seen: Option<&str>) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(format, Some("uri" | "url" | "iri"))
        || URL_NAMES.contains(&lower.as_str())
        || lower.ends_with("_url")
        || lower.ends_with("_uri")
        || name.ends_with("Url")
        || name.ends_with("Uri")
        || seen.is_some_and(|v| v.starts_with("http://") || v.starts_with("https://"))
}

impl UrlInput {
    /// Does sending this input write (a method other than GET/HEAD/OPTIONS)?
    pub fn writes(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    }

    /// `GET /preview (query url)`, for descriptions.
    pub fn label(&self) -> String {
        let place = match self.place {
            Place::Query => "query parameter",
            Place::Body => "body field",
        };
        format!("{} {} ({place} `{}`)", self.method, self.path, self.name)
    }

    /// The operation carrying `value` in this input, with `auth` headers when given.
    pub fn request(&self, value: &str, auth: Option<&[(String, String)]>) -> Request {
        let url = match self.place {
            Place::Query => with_query(&self.url, &self.name, value),
            Place::Body => self.url.clone(),
        };
        let mut req = Request::new(&self.method, url);
        if let Some(example) = &self.body {
            let mut body = example.clone();
            if self.place == Place::Body {
                set_field(&mut body, &self.name, value);
            }
            req = req.json(&body);
        }
        req.headers.extend(auth.unwrap_or_default().iter().cloned());
        req
    }

    /// The report endpoint of the operation.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint {
            method: self.method.clone(),
            url: self.url.to_string(),
        }
    }
}

/// `url` with query parameter `name` set to `value` (replacing any earlier value).
pub fn with_query(url: &Url, name: &str, value: &str) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut out = url.clone();
    out.set_query(None);
    let mut query = out.query_pairs_mut();
    kept.iter().for_each(|(k, v)| {
        query.append_pair(k, v);
    });
    query.append_pair(name, value);
    drop(query);
    out
}

/// Set the dotted field `path` of `body` to the string `value`, creating objects on the way.
fn set_field(body: &mut Value, path: &str, value: &str) {
    let mut node = body;
    for part in path.split('.') {
        if !node.is_object() {
            *node = Value::Object(Default::default());
        }
        node = node
            .as_object_mut()
            .expect("made an object above")
            .entry(part)
            .or_insert(Value::Null);
    }
    *node = Value::String(value.to_string());
}

/// Every input `take` accepts, declared ones first, without duplicates.
pub fn inputs(ctx: &Context<'_>, take: Taker) -> Vec<UrlInput> {
    let mut out = Vec::new();
    for (i, op) in ctx.inventory.endpoints.iter().enumerate().take(MAX_OPS) {
        declared(i, op, take, &mut out);
    }
    for url in seen_urls(ctx) {
        observed(&url, take, &mut out);
    }
    let mut keys = BTreeSet::new();
    out.retain(|i| keys.insert((i.method.clone(), i.path.clone(), i.name.clone(), i.place == Place::Body)));
    out
}

fn declared(index: usize, op: &rampart_engine::Endpoint, take: Taker, out: &mut Vec<UrlInput>) {
    let body = op
        .body
        .as_ref()
        .filter(|b| b.content_type.contains("json"))
        .map(|b| b.example.clone());
    let input = |name: &str, place| UrlInput {
        method: op.method.clone(),
        path: op.path.clone(),
        url: op.url.clone(),
        name: name.to_string(),
        place,
        body: body.clone(),
        declared: true,
        endpoint: Some(index),
    };
    for p in op.params.iter().filter(|p| p.location == Location::Query) {
        if take(&p.name, p.format.as_deref(), None) {
            out.push(input(&p.name, Place::Query));
        }
    }
    for (k, v) in op.url.query_pairs() {
        if take(&k, None, Some(&v)) {
            out.push(input(&k, Place::Query));
        }
    }
    let Some(spec) = op.body.as_ref().filter(|_| body.is_some()) else {
        return;
    };
    for field in &spec.properties {
        let last = field.rsplit('.').next().unwrap_or(field);
        let format = spec.url_fields.contains(field).then_some("uri");
        if take(last, format, None) {
            out.push(input(field, Place::Body));
        }
    }
}

fn observed(url: &Url, take: Taker, out: &mut Vec<UrlInput>) {
    for (k, v) in url.query_pairs() {
        if take(&k, None, Some(&v)) {
            out.push(UrlInput {
                method: "GET".into(),
                path: url.path().to_string(),
                url: url.clone(),
                name: k.into_owned(),
                place: Place::Query,
                body: None,
                declared: false,
                endpoint: None,
            });
        }
    }
}

/// Same-origin URLs with a query string seen in redirects and JSON bodies of the survey and first contact.
fn seen_urls(ctx: &Context<'_>) -> Vec<Url> {
    let target = &ctx.config.target;
    let mut texts: Vec<String> = Vec::new();
    for ex in ctx.seen {
        texts.extend(ex.response.header("location").map(str::to_string));
    }
    for resp in ctx.survey.iter().flat_map(|s| s.responses()) {
        texts.extend(resp.header("location").map(str::to_string));
        if let Some(json) = web::json(resp) {
            texts.extend(web::fields(&json).into_iter().map(|(_, v)| v));
        }
    }
    texts
        .iter()
        .filter(|t| t.contains('?') && t.len() <= MAX_LINK && (t.starts_with('/') || t.starts_with("http")))
        .filter_map(|t| target.join(t).ok())
        .filter(|u| u.origin() == target.origin())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn url_inputs_by_format_name_or_value() {
        assert!(is_url_input("u", Some("uri"), None));
        assert!(is_url_input("webhook", None, None));
        assert!(is_url_input("avatar_url", None, None));
        assert!(is_url_input("imageUrl", None, None));
        assert!(is_url_input("x", None, Some("https://a.example/")));
        assert!(!is_url_input("name", Some("string"), Some("alice")));
        assert!(!is_url_input("curly", None, None));
    }

    #[test]
    fn query_values_are_replaced_and_others_kept() {
        let url = Url::parse("http://h/p?a=1&url=x").unwrap();
        let out = with_query(&url, "url", "http://c/?q=1&r");
        assert_eq!(out.as_str(), "http://h/p?a=1&url=http%3A%2F%2Fc%2F%3Fq%3D1%26r");
        assert_eq!(
            with_query(&Url::parse("http://h/p").unwrap(), "n", "v").as_str(),
            "http://h/p?n=v"
        );
    }

    #[test]
    fn body_fields_are_set_by_dotted_path() {
        let mut body = json!({"name": "x", "hook": {"url": "https://a"}});
        set_field(&mut body, "hook.url", "http://b/");
        set_field(&mut body, "new.deep", "v");
        assert_eq!(
            body,
            json!({"name": "x", "hook": {"url": "http://b/"}, "new": {"deep": "v"}})
        );
    }
}
