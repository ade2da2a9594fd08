//! Walking JSON schemas through their `$ref`s: a schema that refers back to
//! itself is cut where the cycle closes (and noted), and every walk is bounded
//! in depth and in nodes visited. Flattening property names lives here;
//! example synthesis in `examples.rs`.

use super::Notes;
use super::refs::{DocId, Docs, Target};
use crate::error::Result;
use serde_json::Value;

/// Deepest schema nesting followed.
pub const MAX_DEPTH: usize = 12;
/// Most schema nodes one walk visits.
const MAX_NODES: usize = 5_000;
/// Most property names one flattened schema yields.
const MAX_PROPERTIES: usize = 500;

/// A schema walk: the documents, the references being expanded (for cycles),
/// and the notes the walk leaves.
pub struct Walker<'a> {
    pub docs: &'a Docs,
    pub notes: &'a mut Notes,
    /// Pointer of the object being read, for error messages.
    pub at: String,
    stack: Vec<Target>,
    nodes: usize,
}

/// Property names of a schema, flattened (`address.city`; array items take their array's name).
#[derive(Debug, Default)]
pub struct Flat {
    pub properties: Vec<String>,
    pub read_only: Vec<String>,
    pub url_fields: Vec<String>,
    /// Whether any `properties` were declared at all (else the schema is free-form).
    pub declared: bool,
}

impl<'a> Walker<'a> {
    pub fn new(docs: &'a Docs, notes: &'a mut Notes, at: String) -> Self {
        Walker {
            docs,
            notes,
            at,
            stack: Vec::new(),
            nodes: 0,
        }
    }

    /// Enter `schema`: follow its references. `None` when the walk must stop
    /// here (a cycle closes, or the depth or node bound is reached).
    pub fn enter(&mut self, doc: DocId, schema: &'a Value, depth: usize) -> Result<Option<(DocId, &'a Value, bool)>> {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > MAX_NODES {
            return Ok(None);
        }
        let (node, via) = self.docs.deref(doc, schema, &self.at)?;
        let Some(target) = via else {
            return Ok(Some((node.doc, node.value, false)));
        };
        if self.stack.contains(&target) {
            let at = self.docs.at(target.doc, &target.pointer);
            self.notes.push(format!("spec: schema cycle through '{at}' cut"));
            return Ok(None);
        }
        self.stack.push(target);
        Ok(Some((node.doc, node.value, true)))
    }

    /// Leave a schema [`Walker::enter`] returned with `pushed` set.
    pub fn leave(&mut self, pushed: bool) {
        if pushed {
            self.stack.pop();
        }
    }

    /// Flatten `schema`'s property names.
    pub fn flatten(&mut self, doc: DocId, schema: &'a Value) -> Result<Flat> {
        let mut flat = Flat::default();
        self.flatten_into(doc, schema, "", &mut flat, 0)?;
        Ok(flat)
    }

    fn flatten_into(
        &mut self,
        doc: DocId,
        schema: &'a Value,
        prefix: &str,
        flat: &mut Flat,
        depth: usize,
    ) -> Result<()> {
        let Some((doc, schema, pushed)) = self.enter(doc, schema, depth)? else {
            return Ok(());
        };
        let result = self.flatten_node(doc, schema, prefix, flat, depth);
        self.leave(pushed);
        result
    }

    fn flatten_node(
        &mut self,
        doc: DocId,
        schema: &'a Value,
        prefix: &str,
        flat: &mut Flat,
        depth: usize,
    ) -> Result<()> {
        for key in ["allOf", "oneOf", "anyOf"] {
            for sub in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
                self.flatten_into(doc, sub, prefix, flat, depth + 1)?;
            }
        }
        if let Some(items) = schema.get("items") {
            self.flatten_into(doc, items, prefix, flat, depth + 1)?;
        }
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return Ok(());
        };
        flat.declared = true;
        for (name, sub) in props {
            if flat.properties.len() >= MAX_PROPERTIES {
                break;
            }
            let full = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            if flat.properties.contains(&full) {
                continue;
            }
            flat.properties.push(full.clone());
            let resolved = self.docs.deref(doc, sub, &self.at)?.0.value;
            if resolved.get("readOnly").and_then(Value::as_bool) == Some(true) {
                flat.read_only.push(full.clone());
            }
            if url_like(name, resolved) {
                flat.url_fields.push(full.clone());
            }
            self.flatten_into(doc, sub, &full, flat, depth + 1)?;
        }
        Ok(())
    }
}

/// The schema's `type`; for a 3.1 list of types, the first that is not `null`.
pub fn kind(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(s) => Some(s),
        Value::Array(list) => list.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// A property that takes a URL: by format (`uri`, `url`…) of it or its items, or by its name.
pub fn url_like(name: &str, schema: &Value) -> bool {
    let is_url_format = |s: &Value| {
        matches!(
            s.get("format").and_then(Value::as_str),
            Some("uri" | "url" | "uri-reference" | "iri" | "iri-reference")
        )
    };
    is_url_format(schema) || schema.get("items").is_some_and(is_url_format) || url_name(name)
}

/// `callback_url`, `webhookUrl`, `href`, `redirect-uri`… but not `security` or `curly`.
pub fn url_name(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "url", "uri", "urls", "uris", "href", "link", "callback", "webhook", "redirect", "endpoint", "website",
        "homepage",
    ];
    words(name).iter().any(|w| WORDS.contains(&w.as_str()))
}

/// `imageURL_v2` → `image`, `url`, `v2`.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            out.push(std::mem::take(&mut word));
            continue;
        }
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev_lower = i > 0 && chars[i - 1].is_lowercase();
        if c.is_uppercase() && (prev_lower || next_lower) && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    out.push(word);
    out.retain(|w| !w.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_names_are_words_not_substrings() {
        for yes in [
            "url",
            "callback_url",
            "webhookUrl",
            "imageURL",
            "redirect-uri",
            "href",
            "avatar_url",
        ] {
            assert!(url_name(yes), "{yes}");
        }
        for no in ["security", "curly", "urlencoded_flag_x", "hurl", "name"] {
            assert!(!url_name(no), "{no}");
        }
    }
}
