//! Small helpers the API-category checks share: reading answers as JSON,
//! walking JSON keys, telling content from error and login pages, building
//! findings for an inventory endpoint, and listing the answers the scan
//! already holds.

use rampart_engine::http::Response;
use rampart_engine::inventory::{DocumentKind, Source};
use rampart_engine::{Context, Endpoint as Operation, Request};
use rampart_model::{Confidence, Endpoint, Exchange, Finding, Rule};
use serde_json::{Map, Value};
use url::Url;

/// Deepest JSON nesting [`keys`] walks.
const MAX_DEPTH: usize = 8;
/// Most keys [`keys`] returns.
const MAX_KEYS: usize = 5000;

/// The body as JSON, when it parses as JSON.
pub fn json(resp: &Response) -> Option<Value> {
    serde_json::from_slice(&resp.body).ok()
}

/// Every object key in `value`, dotted by path (`user.email`; array items share their parent's path).
pub fn keys(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(value, "", 0, &mut out);
    out.sort();
    out.dedup();
    out
}

fn walk(value: &Value, prefix: &str, depth: usize, out: &mut Vec<String>) {
    if depth > MAX_DEPTH || out.len() >= MAX_KEYS {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.push(path.clone());
                walk(v, &path, depth + 1, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, prefix, depth + 1, out)),
        _ => {}
    }
}

/// Every (key, scalar value as text) pair in `value`, keys being the last path segment.
pub fn fields(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect(value, "", 0, &mut out);
    out
}

fn collect(value: &Value, key: &str, depth: usize, out: &mut Vec<(String, String)>) {
    if depth > MAX_DEPTH || out.len() >= MAX_KEYS {
        return;
    }
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| collect(v, k, depth + 1, out)),
        Value::Array(items) => items.iter().for_each(|v| collect(v, key, depth + 1, out)),
        Value::String(s) => out.push((key.to_string(), s.clone())),
        Value::Null => {}
        other => out.push((key.to_string(), other.to_string())),
    }
}

/// Documentation, whose examples describe data and are not data: a spec or
/// docs page the scan knows (`documentation`), or any answer whose `body` is
/// an OpenAPI or Swagger document (one found nowhere else).
///
/// Each body is parsed only when it holds a `"paths"` key at all: the rules ask
/// this of every answer the scan saw.
pub fn is_documentation(known: &[String], url: &str, body: &[u8]) -> bool {
    known.iter().any(|u| u == url)
        || body.windows(PATHS_KEY.len()).any(|w| w == PATHS_KEY)
            && matches!(serde_json::from_slice(body), Ok(Value::Object(top))
                if (top.contains_key("openapi") || top.contains_key("swagger")) && top.contains_key("paths"))
}

const PATHS_KEY: &[u8] = b"\"paths\"";

/// URLs of the spec and documentation pages the scan knows.
pub fn documentation(ctx: &Context<'_>) -> Vec<String> {
    let docs = ctx.inventory.documents.iter();
    let mut urls: Vec<String> = docs
        .filter(|d| matches!(d.kind, DocumentKind::Spec | DocumentKind::DocsUi))
        .map(|d| d.url.to_string())
        .collect();
    if let Source::Spec { location, .. } = &ctx.inventory.source {
        urls.push(location.clone());
    }
    urls
}

/// A 2xx answer with a body that is not an error or a login page: the resource itself.
pub fn has_content(resp: &Response) -> bool {
    (200..300).contains(&resp.status) && !resp.body.is_empty() && !looks_like_error(resp) && !looks_like_login(resp)
}

/// JSON error envelopes (`{"error": …}`, `{"detail": "Not authenticated"}`) and error words in short bodies.
pub fn looks_like_error(resp: &Response) -> bool {
    if let Some(Value::Object(map)) = json(resp) {
        let only_error = map.len() <= 3
            && map
                .keys()
                .any(|k| matches!(k.as_str(), "error" | "errors" | "detail" | "message"));
        if only_error
            && map.keys().all(|k| {
                matches!(
                    k.as_str(),
                    "error" | "errors" | "detail" | "message" | "status" | "code"
                )
            })
        {
            return true;
        }
        return false;
    }
    let text = resp.text().to_ascii_lowercase();
    text.len() < 512
        && ["not found", "unauthorized", "forbidden", "not authenticated", "error"]
            .iter()
            .any(|w| text.contains(w))
}

/// An HTML page with a password field: the target sent a login form instead of the resource.
pub fn looks_like_login(resp: &Response) -> bool {
    let text = resp.text().to_ascii_lowercase();
    text.contains("<form") && text.contains("type=\"password\"")
}

/// A path under `base` that cannot exist, for negative controls.
pub fn random_path(base: &Url, near: &str) -> Url {
    let mut url = base.clone();
    let parent = near.rsplit_once('/').map_or("", |(p, _)| p);
    url.set_path(&format!("{parent}/rampart-{:08x}", rand::random::<u32>()));
    url.set_query(None);
    url
}

/// The report endpoint of an inventory operation (its concrete URL).
pub fn endpoint(op: &Operation) -> Endpoint {
    Endpoint {
        method: op.method.clone(),
        url: op.url.to_string(),
    }
}

/// A finding on `op` with its generic remediation.
pub fn finding(rule: &Rule, confidence: Confidence, op: &Operation, description: impl Into<String>) -> Finding {
    Finding::new(rule, confidence, endpoint(op), description)
}

/// `GET url` without the scan's credentials.
pub fn anon_get(url: Url) -> Request {
    Request::get(url).anonymous()
}

/// `GET url` with `auth` headers added (the layer adds configured ones on its own).
pub fn authed_get(url: Url, auth: &[(String, String)]) -> Request {
    let mut req = Request::get(url);
    req.headers.extend(auth.iter().cloned());
    req
}

/// `url` with query parameter `name` set to `value` (replaced if present).
pub fn with_query(url: &Url, name: &str, value: &str) -> Url {
    let mut out = url.clone();
    let others: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    out.query_pairs_mut()
        .clear()
        .extend_pairs(others)
        .append_pair(name, value);
    out
}

/// Send `req`; a failure of this request alone (reset, timeout) is noted and
/// gives `None`, so one flaky URL does not end a check that tries several.
/// A used-up scan budget still ends it.
pub async fn send_or_skip(ctx: &Context<'_>, req: &Request) -> Result<Option<Response>, rampart_engine::Error> {
    match ctx.layer.send(req).await {
        Ok(resp) => Ok(Some(resp)),
        Err(e) if e.is_budget() => Err(e),
        Err(e) => {
            ctx.layer.note(format!("{} {} skipped: {e}", req.method, req.url));
            Ok(None)
        }
    }
}

/// The survey's anonymous answer to `GET url`, when `url` is an inventory endpoint.
pub fn surveyed_anon<'a>(ctx: &'a Context<'_>, url: &Url) -> Option<&'a Response> {
    let index = ctx
        .inventory
        .endpoints
        .iter()
        .position(|op| op.method == "GET" && op.url == *url)?;
    ctx.surveyed(index)?.anon.as_ref()
}

/// One answer the scan already holds: first contact, the flow's baseline or the survey.
pub struct Observed<'a> {
    pub exchange: &'a Exchange,
    /// The body as received (survey answers keep more than the evidence copy).
    pub body: &'a [u8],
    /// Sent without any credentials.
    pub anonymous: bool,
}

impl Observed<'_> {
    /// The report endpoint of this answer's request.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint {
            method: self.exchange.request.method.clone(),
            url: self.exchange.request.url.clone(),
        }
    }

    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.body)
    }
}

/// Every answer received before the checks ran, for passive rules: the survey
/// (anonymous, then authenticated), first contact with the target and the flow's baseline.
pub fn observed<'a>(ctx: &Context<'a>) -> Vec<Observed<'a>> {
    let survey: &'a [rampart_engine::Surveyed] = ctx.survey;
    let seen: &'a [Exchange] = ctx.seen;
    let uncredentialed = ctx.config.headers.is_empty();
    let mut out = Vec::new();
    for s in survey {
        let answers = [(s.anon.as_ref(), true), (s.authed.as_ref(), false)];
        for (resp, anonymous) in answers {
            if let Some(r) = resp {
                out.push(Observed {
                    exchange: &r.exchange,
                    body: &r.body,
                    anonymous,
                });
            }
        }
    }
    let flow = ctx.driver.into_iter().flat_map(|d| d.baseline().exchanges());
    for (exchange, anonymous) in seen.iter().map(|e| (e, uncredentialed)).chain(flow.map(|e| (e, false))) {
        out.push(Observed {
            exchange,
            body: exchange.response.body.as_bytes(),
            anonymous,
        });
    }
    out
}

/// `body` with each spelling of `sent` replaced by the same spelling of `original`.
pub fn echo_as(body: &str, sent: &str, original: &str) -> String {
    let spell: [fn(&str) -> String; 5] = [
        |v| {
            serde_json::to_string(v)
                .unwrap_or_default()
                .trim_matches('"')
                .to_string()
        },
        |v| v.replace('\'', "&#39;"),
        |v| v.replace('\'', "&#x27;"),
        |v| url::form_urlencoded::byte_serialize(v.as_bytes()).collect(),
        |v| v.to_string(),
    ];
    let mut out = body.to_string();
    for spelling in spell {
        let from = spelling(sent);
        if !from.is_empty() && from != spelling(original) {
            out = out.replace(&from, &spelling(original));
        }
    }
    out
}

/// A string or number as text.
pub fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The first of `keys` the object holds as a string or number, as text.
pub fn pick(map: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| scalar(map.get(*k)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    #[test]
    fn echoed_values_are_put_back_in_every_spelling() {
        let sent = "alice' AND 'r'='r";
        let echoed = format!("{{\"q\":{}}}", serde_json::to_string(sent).unwrap());
        assert_eq!(echo_as(&echoed, sent, "alice"), "{\"q\":\"alice\"}");
        assert_eq!(
            echo_as("<p>alice&#39; AND &#39;r&#39;=&#39;r</p>", sent, "alice"),
            "<p>alice</p>"
        );
        assert_eq!(
            echo_as("/search?q=alice%27+AND+%27r%27%3D%27r", sent, "alice"),
            "/search?q=alice"
        );
        assert_eq!(echo_as("5 results", "5 AND 1=1", "5"), "5 results");
    }

    #[test]
    fn keys_are_dotted_and_arrays_share_a_path() {
        let v = json!({"user": {"email": "a@b.c", "roles": [{"name": "x"}]}, "items": [{"id": 1}, {"id": 2, "extra": true}]});
        assert_eq!(
            keys(&v),
            [
                "items",
                "items.extra",
                "items.id",
                "user",
                "user.email",
                "user.roles",
                "user.roles.name"
            ]
        );
    }

    #[test]
    fn fields_pair_leaf_keys_with_values() {
        let v = json!({"a": {"b": "x"}, "n": [1, 2], "z": null});
        assert_eq!(
            fields(&v),
            [
                ("b".into(), "x".into()),
                ("n".into(), "1".into()),
                ("n".into(), "2".into())
            ]
        );
    }
}
