//! Without a spec, the API's routes from what the target shows: links and GET
//! forms of HTML pages, URLs in JSON answers (hypermedia `href`/`url`/`next`
//! fields and any same-origin link), `robots.txt`, `sitemap.xml`, and the route
//! list a framework's debug page prints. A bounded breadth-first walk under the
//! target's path; URLs that differ only in id-like segments (numbers, UUIDs,
//! long hex or tokens) become one operation with a path parameter, and a route
//! that answers GET with 405 and allows POST becomes a POST operation.
//!
//! An HTML page's POST form becomes a POST operation whose form-encoded body
//! holds the form's fields (their values as the page gives them) when it
//! takes text: never a form with a password (a login, a sign-up or a password
//! change is the session flow's business), one with nothing to type (a lone
//! button is an action such as "delete"), or one whose action names a
//! state-changing word. The checks send such an operation only under
//! `--active`, as any POST.

use super::routes;
use crate::error::Result;
use crate::flow::html;
use crate::http::{FormToken, HttpLayer, Request, Response, is_token_field};
use crate::inventory::{Body, Endpoint, Location, Param};
use serde_json::Value;
use std::collections::{BTreeSet, VecDeque};
use url::Url;

/// Most pages fetched.
pub const MAX_PAGES: usize = 40;
/// Most operations kept.
const MAX_ENDPOINTS: usize = 200;
/// Longest link followed.
const MAX_LINK: usize = 2048;
/// Links to these are documents, not API operations.
const STATIC: &[&str] = &[
    ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".woff", ".woff2", ".ttf", ".map", ".pdf", ".zip",
];

/// The operations found from the target, `robots.txt`, `sitemap.xml` and the
/// routes a debug page `listed`, each page fetched with `auth` (empty: anonymously).
pub async fn run(
    target: &Url,
    layer: &HttpLayer,
    listed: &[String],
    auth: &[(String, String)],
) -> Result<Vec<Endpoint>> {
    let mut walk = Walk::new(target);
    walk.offer(target.clone());
    for path in ["robots.txt", "sitemap.xml"] {
        walk.offer(under(target, path));
    }
    for route in listed {
        walk.offer_route(route);
    }
    while let Some(url) = walk.queue.pop_front() {
        if walk.fetched >= MAX_PAGES || walk.endpoints.len() >= MAX_ENDPOINTS {
            break;
        }
        if layer.state_changing(&url).is_some() {
            if !walk.probes.contains(url.as_str()) {
                walk.record(&url);
            }
            continue;
        }
        walk.fetched += 1;
        let mut req = Request::get(url.clone());
        req.headers.extend(auth.iter().cloned());
        let resp = match layer.send(&req).await {
            Ok(resp) => resp,
            Err(e) if e.is_budget() => {
                layer.note(format!("crawl stopped early: {e}"));
                break;
            }
            Err(_) => continue,
        };
        if resp.status == 404 {
            // A debug "not found" page still lists routes (those under this path, for Django).
            for route in routes::listed(&resp.text()).map(|(_, r)| r).unwrap_or_default() {
                walk.offer_route(&route);
            }
            continue;
        }
        if resp.status == 405 {
            // GET not allowed: the methods the route takes are in `Allow` (a login is POST only).
            if allows_post(&resp) {
                walk.record_post(&url);
            }
            continue;
        }
        if resp.status >= 500 {
            continue;
        }
        let robots = url.path().ends_with("/robots.txt");
        let sitemap = url.path().ends_with("/sitemap.xml");
        if !robots && !sitemap {
            walk.record(&url);
            for form in post_forms(&resp) {
                walk.record_form(&url, &form, layer);
            }
        }
        for link in links(&resp, robots, sitemap) {
            if let Ok(next) = url.join(&link) {
                walk.offer(next);
            }
        }
    }
    Ok(walk.endpoints)
}

/// The walk's state: what is queued, what was seen, the operations so far.
struct Walk {
    target: Url,
    queue: VecDeque<Url>,
    seen: BTreeSet<String>,
    /// Missing paths asked for only for the debug page they bring: never operations.
    probes: BTreeSet<String>,
    fetched: usize,
    endpoints: Vec<Endpoint>,
}

impl Walk {
    fn new(target: &Url) -> Walk {
        Walk {
            target: target.clone(),
            queue: VecDeque::new(),
            seen: BTreeSet::new(),
            probes: BTreeSet::new(),
            fetched: 0,
            endpoints: Vec::new(),
        }
    }

    /// Queue `url` when it is new, on the target's origin and under its path, and not a static file.
    fn offer(&mut self, mut url: Url) {
        url.set_fragment(None);
        let path = url.path().to_ascii_lowercase();
        let wanted = self.inside(&url) && !STATIC.iter().any(|ext| path.ends_with(ext));
        if wanted && self.seen.len() < 20 * MAX_PAGES && self.seen.insert(url.to_string()) {
            self.queue.push_back(url);
        }
    }

    /// On the target's origin, under its path, and of a sane length.
    fn inside(&self, url: &Url) -> bool {
        let base = self.target.path().trim_end_matches('/');
        url.origin() == self.target.origin() && url.path().starts_with(base) && url.as_str().len() <= MAX_LINK
    }

    /// `form` of the page at `page` as a POST operation with a form body, when
    /// its action is inside the target and names no state-changing word.
    fn record_form(&mut self, page: &Url, form: &html::Form, layer: &HttpLayer) {
        let Ok(mut action) = page.join(form.action.as_deref().unwrap_or("")) else {
            return;
        };
        action.set_fragment(None);
        if !self.inside(&action) || layer.state_changing(&action).is_some() || self.endpoints.len() >= MAX_ENDPOINTS {
            return;
        }
        let (template, mut params) = template(action.path());
        for (name, value) in action.query_pairs() {
            params.push(param(&name, Location::Query, &value));
        }
        let body = form_body(form, page);
        match self
            .endpoints
            .iter_mut()
            .find(|e| e.method == "POST" && e.path == template)
        {
            // A POST the walk knew only from a 405 learns its body.
            Some(known) if known.body.is_none() => known.body = Some(body),
            Some(_) => {}
            None => {
                let mut e = Endpoint::get(action);
                e.method = "POST".into();
                e.path = template;
                e.params = params;
                e.body = Some(body);
                self.endpoints.push(e);
            }
        }
    }

    /// A route a debug page listed, when it has no parameters (a guessed value
    /// would pass for an observed one); for a prefix (`/api/v1/`) also a missing
    /// path under it, whose debug page lists the routes below (Django lists only
    /// the patterns it tried at that level).
    fn offer_route(&mut self, route: &str) {
        if route.contains('{') {
            return;
        }
        let target = self.target.clone();
        let relative = route.trim_start_matches('/');
        self.offer(under(&target, relative));
        let prefix = route.ends_with('/') && route.len() > 1;
        if prefix && self.seen.insert(format!("missing under {route}")) {
            let missing = under(&target, &format!("{relative}rampart-{:08x}", rand::random::<u32>()));
            self.probes.insert(missing.to_string());
            self.offer(missing);
        }
    }

    /// `POST url`, body unknown: a route that refused GET and allows POST.
    fn record_post(&mut self, url: &Url) {
        let (template, params) = template(url.path());
        if !self.endpoints.iter().any(|e| e.method == "POST" && e.path == template) {
            let mut e = Endpoint::get(url.clone());
            e.method = "POST".into();
            e.path = template;
            e.params = params;
            self.endpoints.push(e);
        }
    }

    /// `GET url` as an operation: merged into the one of its template when known.
    fn record(&mut self, url: &Url) {
        let (template, path_params) = template(url.path());
        let query: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
        let known = self
            .endpoints
            .iter_mut()
            .find(|e| e.method == "GET" && e.path == template);
        let endpoint = match known {
            Some(e) => e,
            None => {
                let mut e = Endpoint::get(url.clone());
                e.path = template.clone();
                e.params = path_params;
                self.endpoints.push(e);
                self.endpoints.last_mut().expect("just pushed")
            }
        };
        for (name, value) in query {
            if !endpoint
                .params
                .iter()
                .any(|p| p.name == name && p.location == Location::Query)
            {
                endpoint.params.push(param(&name, Location::Query, &value));
            }
        }
    }
}

/// Input types a person types into; a form without one is a button.
const TYPED: &[&str] = &["text", "search", "email", "number", "tel", "url", "textarea"];

/// The page's POST forms that take text and no password.
fn post_forms(resp: &Response) -> Vec<html::Form> {
    if resp.status >= 300 {
        return Vec::new();
    }
    let typed = |f: &html::Form| f.inputs.iter().any(|i| TYPED.contains(&i.kind.as_str()));
    html::forms(&resp.text())
        .into_iter()
        .filter(|f| f.method == "POST" && f.password().is_none() && typed(f))
        .collect()
}

/// The form's fields as a form-encoded body: named inputs other than buttons,
/// each with the value the page gives it (a typed field without one gets a
/// word, a number field a number). A hidden anti-CSRF field is fetched anew
/// from `page` before every send.
fn form_body(form: &html::Form, page: &Url) -> Body {
    let mut example = serde_json::Map::new();
    let mut url_fields = Vec::new();
    let token = form
        .inputs
        .iter()
        .find(|i| i.kind == "hidden" && is_token_field(&i.name))
        .map(|i| FormToken {
            field: i.name.clone(),
            page: page.clone(),
        });
    for input in &form.inputs {
        if input.name.is_empty() || matches!(input.kind.as_str(), "submit" | "button" | "reset" | "image" | "file") {
            continue;
        }
        let value = match (input.value.as_str(), input.kind.as_str()) {
            ("", "number") => "1",
            ("", "email") => "rampart@example.com",
            ("", "url") => "https://example.com/",
            ("", _) => "rampart",
            (given, _) => given,
        };
        if input.kind == "url" {
            url_fields.push(input.name.clone());
        }
        example
            .entry(input.name.clone())
            .or_insert_with(|| Value::String(value.to_string()));
    }
    Body {
        content_type: "application/x-www-form-urlencoded".into(),
        properties: example.keys().cloned().collect(),
        example: Value::Object(example),
        read_only: Vec::new(),
        url_fields,
        token,
    }
}

fn allows_post(resp: &Response) -> bool {
    resp.header("allow")
        .is_some_and(|allow| allow.split(',').any(|m| m.trim().eq_ignore_ascii_case("POST")))
}

/// `path` with id-like segments as `{id}`, `{id2}` …, and those parameters.
fn template(path: &str) -> (String, Vec<Param>) {
    let mut params = Vec::new();
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| {
            if !id_like(segment) {
                return segment.to_string();
            }
            let name = match params.len() {
                0 => "id".to_string(),
                n => format!("id{}", n + 1),
            };
            params.push(param(&name, Location::Path, segment));
            format!("{{{name}}}")
        })
        .collect();
    (segments.join("/"), params)
}

fn param(name: &str, location: Location, example: &str) -> Param {
    let numeric = !example.is_empty() && example.bytes().all(|b| b.is_ascii_digit());
    Param {
        name: name.to_string(),
        location,
        required: location == Location::Path,
        kind: Some(if numeric { "integer" } else { "string" }.to_string()),
        format: None,
        example: example.to_string(),
    }
}

/// Numbers, UUIDs, long hex strings and long mixed letter-and-digit tokens.
fn id_like(segment: &str) -> bool {
    let digits = segment.bytes().filter(u8::is_ascii_digit).count();
    let hex = segment.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    let token = segment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    !segment.is_empty()
        && (digits == segment.len()
            || (hex && segment.len() >= 16 && digits > 0)
            || (token && segment.len() >= 20 && digits > 0 && digits < segment.len()))
}

/// `path` under the target's path.
fn under(target: &Url, path: &str) -> Url {
    let mut url = target.clone();
    url.set_query(None);
    url.set_path(&format!("{}/{}", target.path().trim_end_matches('/'), path));
    url
}

/// The links an answer holds, as written (relative or absolute).
fn links(resp: &Response, robots: bool, sitemap: bool) -> Vec<String> {
    let text = resp.text();
    if robots {
        return robots_paths(&text);
    }
    if sitemap {
        return text
            .split("<loc>")
            .skip(1)
            .filter_map(|s| s.split("</loc>").next())
            .map(|s| s.trim().to_string())
            .collect();
    }
    if let Ok(json) = serde_json::from_str::<Value>(&text) {
        let mut out = Vec::new();
        json_links(&json, &mut out);
        return out;
    }
    let mut out: Vec<String> = html::links(&text).into_iter().map(|l| l.href).collect();
    for form in html::forms(&text).into_iter().filter(|f| f.method == "GET") {
        let action = form.action.clone().unwrap_or_default();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.inputs.iter().filter(|i| !i.name.is_empty()).map(|i| {
                let value = if i.value.is_empty() { "1" } else { i.value.as_str() };
                (i.name.as_str(), value)
            }))
            .finish();
        out.push(format!("{action}?{query}"));
    }
    out
}

/// Paths of `Allow`/`Disallow` lines (up to a wildcard) and `Sitemap` URLs.
fn robots_paths(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .filter_map(|(key, value)| {
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "allow" | "disallow" => {
                    let path = value.split(['*', '$']).next().unwrap_or_default();
                    (path.starts_with('/') && path.len() > 1).then(|| path.to_string())
                }
                "sitemap" => Some(value.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// Strings of a JSON answer that are links: absolute http(s) URLs and absolute paths.
fn json_links(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if is_link(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().take(100).for_each(|v| json_links(v, out)),
        Value::Object(map) => map.values().for_each(|v| json_links(v, out)),
        _ => {}
    }
}

fn is_link(s: &str) -> bool {
    let path_like = s.starts_with('/') && !s.starts_with("//");
    let url_like = s.starts_with("http://") || s.starts_with("https://");
    (path_like || url_like) && s.len() <= MAX_LINK && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_like_segments_become_parameters() {
        let (path, params) = template("/api/products/42/reviews/3f2b6c1e-9a4d-4e1b-8c2a-1b2c3d4e5f60");
        assert_eq!(path, "/api/products/{id}/reviews/{id2}");
        assert_eq!(
            (params[0].example.as_str(), params[0].kind.as_deref()),
            ("42", Some("integer"))
        );
        assert_eq!(params[1].kind.as_deref(), Some("string"));
        assert_eq!(template("/api/products/teapot/").0, "/api/products/teapot/");
        assert_eq!(template("/v2/users/me").0, "/v2/users/me");
    }

    #[test]
    fn robots_gives_paths_and_sitemaps() {
        let text =
            "User-agent: *\nDisallow: /admin/\nDisallow: /\nAllow: /api/public*\nSitemap: https://h/sitemap.xml\n";
        assert_eq!(robots_paths(text), ["/admin/", "/api/public", "https://h/sitemap.xml"]);
    }

    #[test]
    fn json_answers_give_their_links() {
        let json = serde_json::json!({"products": "http://h/api/products/", "next": "/api/products/?page=2", "name": "a b", "count": 3});
        let mut out = Vec::new();
        json_links(&json, &mut out);
        assert_eq!(out, ["http://h/api/products/", "/api/products/?page=2"]);
    }

    #[test]
    fn post_forms_that_take_text_become_bodies() {
        let page = r#"<form method=post action=/search><input name=term><input type=hidden name=csrf value=t1>
            <input type=number name=limit><button name=go>Go</button></form>
            <form method=post action=/login><input name=user><input type=password name=pw></form>
            <form method=post action=/items/7/delete><button>Delete</button></form>
            <form action=/find><input name=q></form>"#;
        let forms: Vec<html::Form> = html::forms(page)
            .into_iter()
            .filter(|f| f.method == "POST" && f.password().is_none())
            .collect();
        assert_eq!(forms.len(), 2, "the login form is left to the flow");
        let typed = |f: &html::Form| f.inputs.iter().any(|i| TYPED.contains(&i.kind.as_str()));
        assert!(
            typed(&forms[0]) && !typed(&forms[1]),
            "a lone button is an action, not an input"
        );
        let page = Url::parse("http://h/shop").unwrap();
        let body = form_body(&forms[0], &page);
        assert_eq!(body.content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            body.example,
            serde_json::json!({"term": "rampart", "csrf": "t1", "limit": "1"})
        );
        assert_eq!(body.properties, ["term", "csrf", "limit"]);
        assert_eq!(
            body.token,
            Some(FormToken {
                field: "csrf".into(),
                page
            }),
            "the hidden token is fetched anew from the form's page"
        );
    }
}
