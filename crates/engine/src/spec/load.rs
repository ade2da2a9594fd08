//! Reading one spec document: a file, or an http(s) URL fetched through the
//! scan's HTTP layer so its limits apply; capped in size and parsed as JSON or
//! YAML by its content. Errors name the file (and line and column).

use crate::error::{Error, Result};
use crate::http::{HttpLayer, Request};
use serde_json::Value;
use std::path::PathBuf;
use url::Url;

/// Largest spec document rampart reads.
pub const MAX_BYTES: usize = crate::input::SPEC_CAP as usize;
/// Deepest nesting kept when a YAML document is turned into JSON values.
const MAX_NESTING: usize = 256;

/// Where a document lives; relative `$ref`s resolve against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Url(Url),
}

impl Origin {
    /// `http(s)://…` is a URL, anything else a file path.
    pub fn parse(source: &str) -> Result<Origin> {
        let lower = source.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let url = Url::parse(source).map_err(|e| spec_error(source, format!("not a valid URL: {e}")))?;
            return Ok(Origin::Url(url));
        }
        Ok(Origin::File(normalise(PathBuf::from(source))))
    }

    /// The document `reference` (the part of a `$ref` before `#`) names, relative to this one.
    /// A remote document may only refer to documents on its own origin (never to
    /// local files or other hosts: a target's spec must not steer rampart elsewhere).
    pub fn join(&self, reference: &str) -> std::result::Result<Origin, String> {
        let lower = reference.to_ascii_lowercase();
        match self {
            Origin::Url(base) => match base.join(reference) {
                Ok(url) if url.origin() == base.origin() => Ok(Origin::Url(url)),
                Ok(url) => Err(format!("a remote spec may only refer to its own origin, not {url}")),
                Err(e) => Err(e.to_string()),
            },
            Origin::File(_) if lower.starts_with("http://") || lower.starts_with("https://") => {
                Url::parse(reference).map(Origin::Url).map_err(|e| e.to_string())
            }
            Origin::File(path) => {
                let decoded = percent_encoding::percent_decode_str(reference).decode_utf8_lossy();
                let dir = path.parent().map(PathBuf::from).unwrap_or_default();
                Ok(Origin::File(normalise(dir.join(decoded.as_ref()))))
            }
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Url(url) => write!(f, "{url}"),
        }
    }
}

/// `a/b/../c` → `a/c`, so one file reached by two relative paths is loaded once.
fn normalise(path: PathBuf) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Read and parse the document at `origin`. Credentials configured for the scan
/// travel only to the target's own origin.
pub async fn fetch(origin: &Origin, layer: &HttpLayer, target: &Url) -> Result<Value> {
    let bytes = match origin {
        Origin::File(path) => read_file(path).map_err(|cause| spec_error(origin, cause))?,
        Origin::Url(url) => download(url, layer, target).await?,
    };
    parse(&bytes, &origin.to_string())
}

fn read_file(path: &std::path::Path) -> std::result::Result<Vec<u8>, String> {
    crate::input::read_bounded(path, MAX_BYTES as u64).map_err(|e| match e {
        crate::input::InputError::File { cause, .. } => cause,
        other => other.to_string(),
    })
}

async fn download(url: &Url, layer: &HttpLayer, target: &Url) -> Result<Vec<u8>> {
    let mut req = Request::get(url.clone()).header(
        "Accept",
        "application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5",
    );
    if url.origin() != target.origin() {
        req = req.anonymous();
    }
    let resp = match layer.send_capped(&req, MAX_BYTES).await {
        Ok(resp) => resp,
        Err(e) if e.is_budget() => return Err(e),
        Err(e) => return Err(spec_error(url, e.to_string())),
    };
    if !(200..300).contains(&resp.status) {
        return Err(spec_error(
            url,
            format!("answered HTTP {} instead of a document", resp.status),
        ));
    }
    if resp.truncated {
        return Err(spec_error(url, format!("larger than {} MiB", MAX_BYTES >> 20)));
    }
    Ok(resp.body)
}

/// Parse a document: JSON when it starts with `{` or `[`, YAML otherwise.
pub fn parse(bytes: &[u8], location: &str) -> Result<Value> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| spec_error(location, format!("not UTF-8 text: {e}")))?;
    let first = text.trim_start().chars().next();
    if matches!(first, Some('{' | '[')) {
        return serde_json::from_str(text).map_err(|e| {
            let at = format!("{location}:{}:{}", e.line(), e.column());
            spec_error(at, format!("invalid JSON: {}", strip_position(&e.to_string())))
        });
    }
    if let Some((line, column)) = super::nesting::too_deep(text, super::nesting::MAX_FLOW_DEPTH) {
        let depth = super::nesting::MAX_FLOW_DEPTH;
        return Err(spec_error(
            format!("{location}:{line}:{column}"),
            format!("invalid YAML: brackets nested deeper than {depth} levels"),
        ));
    }
    let mut yaml: yaml_serde::Value = yaml_serde::from_str(text).map_err(|e| yaml_error(location, &e))?;
    yaml.apply_merge().map_err(|e| yaml_error(location, &e))?;
    to_json(yaml, 0).map_err(|cause| spec_error(location, cause))
}

fn yaml_error(location: &str, e: &yaml_serde::Error) -> Error {
    let at = match e.location() {
        Some(l) => format!("{location}:{}:{}", l.line(), l.column()),
        None => location.to_string(),
    };
    spec_error(at, format!("invalid YAML: {}", strip_position(&e.to_string())))
}

/// Parser messages end with their own position, which the location already names.
fn strip_position(message: &str) -> String {
    let head = message.split(" at line ").next().unwrap_or(message);
    head.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A YAML value as JSON: scalar keys become strings, tags are dropped.
fn to_json(value: yaml_serde::Value, depth: usize) -> std::result::Result<Value, String> {
    use yaml_serde::Value as Y;
    if depth > MAX_NESTING {
        return Err(format!("nested deeper than {MAX_NESTING} levels"));
    }
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => number(&n),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(|v| to_json(v, depth + 1))
                .collect::<std::result::Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                out.insert(key(k), to_json(v, depth + 1)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => to_json(tagged.value, depth + 1)?,
    })
}

fn number(n: &yaml_serde::Number) -> Value {
    if let Some(i) = n.as_i64() {
        return Value::from(i);
    }
    if let Some(u) = n.as_u64() {
        return Value::from(u);
    }
    n.as_f64()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

fn key(k: yaml_serde::Value) -> String {
    use yaml_serde::Value as Y;
    match k {
        Y::String(s) => s,
        Y::Bool(b) => b.to_string(),
        Y::Number(n) => n.to_string(),
        Y::Null => "null".into(),
        Y::Tagged(t) => key(t.value),
        other => yaml_serde::to_string(&other).unwrap_or_default().trim().to_string(),
    }
}

/// A spec error at `location`, its cause kept on one line.
pub fn spec_error(location: impl ToString, cause: impl Into<String>) -> Error {
    let cause: String = cause.into();
    Error::Spec {
        location: location.to_string(),
        cause: cause.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}
