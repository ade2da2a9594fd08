//! The inputs of the API that probing checks send values to: path and query
//! parameters and JSON or form body fields declared by the inventory, and query
//! parameters seen in surveyed URLs (Location headers and same-origin links in
//! bodies). Each check picks the ones it wants with a [`Taker`] (for example
//! [`is_url_input`], inputs that take URLs).

use crate::web::{self, with_query};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use rampart_engine::http::FormToken;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// A segment of the path (`/items/{id}`).
    Path,
    Query,
    /// A body field (JSON, dotted for nested objects; or a form field).
    Body,
}

/// Which inputs a check wants, given the name, the declared format and a value seen in a URL.
pub type Taker = fn(&str, Option<&str>, Option<&str>) -> bool;

/// One input of one operation.
#[derive(Debug, Clone)]
pub struct Input {
    pub method: String,
    /// The path template, for titles.
    pub path: String,
    /// The concrete URL the operation is sent to.
    pub url: Url,
    pub name: String,
    pub place: Place,
    /// The value the operation is normally sent with (the example, or the value seen).
    pub value: String,
    /// The declared schema type (`integer`, `string`…), when known.
    pub kind: Option<String>,
    /// The example body the operation is sent with, if it takes one.
    pub body: Option<Value>,
    /// The body travels form-encoded (`application/x-www-form-urlencoded`), not as JSON.
    pub form: bool,
    /// The form's per-view anti-CSRF field, fetched anew before every send.
    pub token: Option<FormToken>,
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

/// The inputs that take URLs ([`is_url_input`]) and can hold one: an input
/// declared as an integer, number or boolean (an id named `target`) cannot.
pub fn url_inputs(ctx: &Context<'_>) -> Vec<Input> {
    inputs(ctx, is_url_input)
        .into_iter()
        .filter(Input::can_hold_text)
        .collect()
}

impl Input {
    /// Whether a string can go in it: not declared as an integer, number or boolean.
    pub fn can_hold_text(&self) -> bool {
        !matches!(self.kind.as_deref(), Some("integer" | "number" | "boolean"))
    }

    /// Does sending this input write (a method other than GET/HEAD/OPTIONS)?
    pub fn writes(&self) -> bool {
        !rampart_engine::http::is_safe_method(&self.method)
    }

    /// May a probe send this input? Reads always; writes only with `--active`, and
    /// only POSTs that address no existing object (a PUT, PATCH or DELETE, or a
    /// POST to `/orders/{id}/cancel`, would change an object the scan did not
    /// create) and make no account or password (which cannot be undone).
    pub fn sendable(&self, active: bool) -> bool {
        if !self.writes() {
            return true;
        }
        let keys = self
            .body
            .as_ref()
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|b| b.keys());
        active
            && self.method == "POST"
            && !crate::objects::names_object(&self.path)
            && !crate::accounts::makes_account(&self.path, keys.map(String::as_str))
    }

    /// `GET /preview (query url)`, for descriptions.
    pub fn label(&self) -> String {
        let place = match self.place {
            Place::Path => "path parameter",
            Place::Query => "query parameter",
            Place::Body => "body field",
        };
        format!("{} {} ({place} `{}`)", self.method, self.path, self.name)
    }

    /// The operation carrying `value` in this input, with `auth` headers when given.
    pub fn request(&self, value: &str, auth: Option<&[(String, String)]>) -> Request {
        let url = match self.place {
            Place::Path => with_segment(&self.url, &self.path, &self.name, value),
            Place::Query => with_query(&self.url, &self.name, value),
            Place::Body => self.url.clone(),
        };
        let mut req = Request::new(&self.method, url);
        if let Some(example) = &self.body {
            let mut body = example.clone();
            if self.place == Place::Body {
                set_field(&mut body, &self.name, value);
            }
            req = if self.form { form(req, &body) } else { req.json(&body) };
            req.form_token = self.token.clone();
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

/// `url` with the path segment that `template` names `{name}` set to `value`
/// (percent-encoded); `url` unchanged when the template has no such segment.
pub fn with_segment(url: &Url, template: &str, name: &str, value: &str) -> Url {
    let wanted = format!("{{{name}}}");
    let Some(index) = template.split('/').position(|s| s == wanted) else {
        return url.clone();
    };
    let mut segments: Vec<String> = url.path().split('/').map(str::to_string).collect();
    let Some(slot) = segments.get_mut(index) else {
        return url.clone();
    };
    *slot = utf8_percent_encode(value, SEGMENT).to_string();
    let mut out = url.clone();
    out.set_path(&segments.join("/"));
    out
}

/// Bytes escaped in a path segment: controls, space, and the characters that end or split one.
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

/// `req` with the top-level fields of `body` as a form-encoded body.
fn form(mut req: Request, body: &Value) -> Request {
    let fields = body
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), scalar(v)));
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    req.body = Some(encoded.into_bytes());
    req.header("Content-Type", "application/x-www-form-urlencoded")
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
pub fn inputs(ctx: &Context<'_>, take: Taker) -> Vec<Input> {
    let mut out = Vec::new();
    for (i, op) in ctx.inventory.endpoints.iter().enumerate().take(MAX_OPS) {
        declared(i, op, take, &mut out);
    }
    for url in seen_urls(ctx) {
        observed(&url, take, &mut out);
    }
    let mut keys = BTreeSet::new();
    out.retain(|i| keys.insert((i.method.clone(), i.path.clone(), i.name.clone(), i.place)));
    out
}

fn declared(index: usize, op: &rampart_engine::Endpoint, take: Taker, out: &mut Vec<Input>) {
    let form = op
        .body
        .as_ref()
        .is_some_and(|b| b.content_type.contains("x-www-form-urlencoded"));
    let body = op
        .body
        .as_ref()
        .filter(|b| b.content_type.contains("json") || form)
        .map(|b| b.example.clone());
    let token = op.body.as_ref().and_then(|b| b.token.clone());
    let input = |name: &str, place, value: String, kind: Option<&str>| Input {
        method: op.method.clone(),
        path: op.path.clone(),
        url: op.url.clone(),
        name: name.to_string(),
        place,
        value,
        kind: kind.map(str::to_string),
        body: body.clone(),
        form,
        token: token.clone(),
        declared: true,
        endpoint: Some(index),
    };
    for p in &op.params {
        let place = match p.location {
            Location::Path => Place::Path,
            Location::Query => Place::Query,
            Location::Header | Location::Cookie => continue,
        };
        if take(&p.name, p.format.as_deref(), None) {
            out.push(input(&p.name, place, p.example.clone(), p.kind.as_deref()));
        }
    }
    for (k, v) in op.url.query_pairs() {
        if take(&k, None, Some(&v)) {
            out.push(input(&k, Place::Query, v.to_string(), None));
        }
    }
    let (Some(spec), Some(example)) = (op.body.as_ref(), body.as_ref()) else {
        return;
    };
    // The token field is the browser's to fill, not an input to probe.
    let token_field = token.as_ref().map(|t| t.field.as_str());
    for field in spec.properties.iter().filter(|f| Some(f.as_str()) != token_field) {
        let last = field.rsplit('.').next().unwrap_or(field);
        let format = spec.url_fields.contains(field).then_some("uri");
        if take(last, format, None) {
            let value = field_value(example, field);
            let text = value.map(scalar).unwrap_or_default();
            out.push(input(field, Place::Body, text, value.and_then(json_kind)));
        }
    }
}

/// The dotted field `path` of `body`.
fn field_value<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(body, |node, part| node.get(part))
}

/// A scalar JSON value as text (strings without quotes); objects and arrays as JSON.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The schema type a JSON example value stands for.
fn json_kind(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::Bool(_) => Some("boolean"),
        _ => None,
    }
}

fn observed(url: &Url, take: Taker, out: &mut Vec<Input>) {
    for (k, v) in url.query_pairs() {
        if take(&k, None, Some(&v)) {
            out.push(Input {
                method: "GET".into(),
                path: url.path().to_string(),
                url: url.clone(),
                name: k.into_owned(),
                place: Place::Query,
                value: v.into_owned(),
                kind: None,
                body: None,
                form: false,
                token: None,
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
    fn form_bodies_are_sent_form_encoded() {
        let input = Input {
            method: "POST".into(),
            path: "/login".into(),
            url: Url::parse("http://h/login").unwrap(),
            name: "username".into(),
            place: Place::Body,
            value: "alice".into(),
            kind: Some("string".into()),
            body: Some(json!({"username": "alice", "remember": true})),
            form: true,
            token: None,
            declared: true,
            endpoint: Some(0),
        };
        let req = input.request("a'b", None);
        assert_eq!(
            String::from_utf8(req.body.unwrap()).unwrap(),
            "username=a%27b&remember=true"
        );
        assert!(
            req.headers
                .iter()
                .any(|(k, v)| k == "Content-Type" && v == "application/x-www-form-urlencoded")
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
