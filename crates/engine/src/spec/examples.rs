//! Example values synthesised from schemas: the spec's own `example`,
//! `examples`, `default`, `const` or first `enum` value first; otherwise a
//! plausible value of the type and format (integer 1, a fixed UUID, a date-time,
//! an e-mail address, `https://example.com/`, `"rampart"`).

use super::refs::DocId;
use super::schema::{MAX_DEPTH, Walker, kind};
use crate::error::Result;
use serde_json::{Map, Value, json};

/// The UUID rampart sends wherever one is expected.
pub const UUID: &str = "3f2b8c1e-6d4a-4e5f-9a7b-0c1d2e3f4a5b";
/// The string rampart sends when nothing more specific fits.
pub const STRING: &str = "rampart";
/// Most properties of one object example.
const MAX_FIELDS: usize = 64;

impl<'a> Walker<'a> {
    /// An example value for `schema`.
    pub fn example(&mut self, doc: DocId, schema: &'a Value) -> Result<Value> {
        self.example_at(doc, schema, 0)
    }

    fn example_at(&mut self, doc: DocId, schema: &'a Value, depth: usize) -> Result<Value> {
        if depth >= MAX_DEPTH {
            return Ok(Value::Null);
        }
        let Some((doc, schema, pushed)) = self.enter(doc, schema, depth)? else {
            return Ok(Value::Null);
        };
        let result = self.example_of(doc, schema, depth);
        self.leave(pushed);
        result
    }

    fn example_of(&mut self, doc: DocId, schema: &'a Value, depth: usize) -> Result<Value> {
        if let Some(given) = given(schema) {
            return Ok(given);
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            let mut last = Value::Null;
            for sub in all {
                match self.example_at(doc, sub, depth + 1)? {
                    Value::Object(map) => merged.extend(map),
                    other => last = other,
                }
            }
            return Ok(if merged.is_empty() { last } else { Value::Object(merged) });
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|a| a.first()) {
                return self.example_at(doc, first, depth + 1);
            }
        }
        let kind = kind(schema).or_else(|| {
            if schema.get("properties").is_some() {
                Some("object")
            } else {
                schema.get("items").map(|_| "array")
            }
        });
        Ok(match kind {
            Some("object") => self.object(doc, schema, depth)?,
            Some("array") => match schema.get("items") {
                Some(items) => match self.example_at(doc, items, depth + 1)? {
                    Value::Null => json!([]),
                    item => json!([item]),
                },
                None => json!([]),
            },
            Some("integer") => json!(integer(schema)),
            Some("number") => json!(integer(schema)),
            Some("boolean") => json!(true),
            Some("null") => Value::Null,
            _ => Value::String(string(schema)),
        })
    }

    fn object(&mut self, doc: DocId, schema: &'a Value, depth: usize) -> Result<Value> {
        let mut out = Map::new();
        let props = schema.get("properties").and_then(Value::as_object);
        for (name, sub) in props.into_iter().flatten().take(MAX_FIELDS) {
            let value = self.example_at(doc, sub, depth + 1)?;
            out.insert(name.clone(), value);
        }
        Ok(Value::Object(out))
    }
}

/// A value the schema gives itself: `example`, `x-example`, the first of
/// `examples` (a 3.1 list), `default`, `const`, or the first non-null `enum`.
pub fn given(schema: &Value) -> Option<Value> {
    for key in ["example", "x-example"] {
        if let Some(v) = schema.get(key) {
            return Some(v.clone());
        }
    }
    if let Some(first) = schema.get("examples").and_then(Value::as_array).and_then(|a| a.first()) {
        return Some(first.clone());
    }
    for key in ["default", "const"] {
        if let Some(v) = schema.get(key) {
            return Some(v.clone());
        }
    }
    let values = schema.get("enum").and_then(Value::as_array)?;
    values.iter().find(|v| !v.is_null()).cloned()
}

/// 1, unless `minimum`/`maximum` rule it out.
fn integer(schema: &Value) -> i64 {
    let min = schema.get("minimum").and_then(Value::as_f64);
    let max = schema.get("maximum").and_then(Value::as_f64);
    match (min, max) {
        (Some(min), _) if min > 1.0 => min.ceil().min(i64::MAX as f64) as i64,
        (_, Some(max)) if max < 1.0 => max.floor().max(i64::MIN as f64) as i64,
        _ => 1,
    }
}

/// A string of the schema's format, stretched or cut to its length bounds.
fn string(schema: &Value) -> String {
    let format = schema.get("format").and_then(Value::as_str).unwrap_or_default();
    let mut s = match format {
        "uuid" => UUID.to_string(),
        "date-time" => "2024-01-01T00:00:00Z".into(),
        "date" => "2024-01-01".into(),
        "time" => "12:00:00".into(),
        "email" | "idn-email" => "rampart@example.com".into(),
        "uri" | "url" | "uri-reference" | "iri" | "iri-reference" => "https://example.com/".into(),
        "hostname" | "idn-hostname" => "example.com".into(),
        "ipv4" => "192.0.2.1".into(),
        "ipv6" => "2001:db8::1".into(),
        "byte" => "cmFtcGFydA==".into(),
        "int32" | "int64" | "integer" => "1".into(),
        _ => STRING.into(),
    };
    let len = |key: &str| schema.get(key).and_then(Value::as_u64).map(|n| n.min(256) as usize);
    if let Some(min) = len("minLength") {
        while s.chars().count() < min {
            s.push('x');
        }
    }
    if let Some(max) = len("maxLength") {
        s = s.chars().take(max).collect();
    }
    s
}

/// How an example travels in a URL or header: strings as they are, arrays
/// comma-joined, objects as JSON.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        Value::Object(_) => value.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_bounds() {
        assert_eq!(string(&json!({"format": "uuid"})), UUID);
        assert_eq!(string(&json!({"format": "uri"})), "https://example.com/");
        assert_eq!(string(&json!({"minLength": 10})), "rampartxxx");
        assert_eq!(string(&json!({"maxLength": 3})), "ram");
        assert_eq!(integer(&json!({"minimum": 10})), 10);
        assert_eq!(integer(&json!({"maximum": 0})), 0);
        assert_eq!(given(&json!({"enum": [null, "b"]})), Some(json!("b")));
        assert_eq!(text(&json!([1, "a"])), "1,a");
    }
}
