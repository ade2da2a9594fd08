//! `$ref` resolution: local `#/…` pointers (with JSON-pointer and percent
//! escapes), and relative files or URLs loaded once each up front. A chain of
//! references that only leads back to itself cannot be resolved and is an error
//! naming the `$ref`; schema cycles are cut by the walker in `schema.rs`.

use super::load::{self, Origin, spec_error};
use crate::error::Result;
use crate::http::HttpLayer;
use serde_json::Value;
use url::Url;

/// Most documents one spec may pull in through `$ref`.
const MAX_DOCUMENTS: usize = 32;
/// Longest chain of `$ref` → `$ref` followed.
const MAX_HOPS: usize = 64;
/// Most nodes scanned for external references in one document.
const MAX_SCANNED: usize = 2_000_000;

/// A loaded document, by its index in [`Docs`].
pub type DocId = usize;

/// Where a `$ref` points: a document and a JSON pointer in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub doc: DocId,
    pub pointer: String,
}

/// A node reached through zero or more `$ref`s.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    pub doc: DocId,
    pub value: &'a Value,
}

/// The spec document and every document its `$ref`s name.
#[derive(Debug)]
pub struct Docs {
    docs: Vec<(Origin, Value)>,
}

impl Docs {
    /// The root document alone, with no external references resolved.
    pub fn single(origin: Origin, root: Value) -> Docs {
        Docs {
            docs: vec![(origin, root)],
        }
    }

    /// `root` and, transitively, every document its `$ref`s name.
    pub async fn load(origin: Origin, root: Value, layer: &HttpLayer, target: &Url) -> Result<Docs> {
        let mut docs = Docs::single(origin, root);
        let mut next = 0;
        while next < docs.docs.len() {
            for (reference, joined) in docs.external(next)? {
                if docs.find(&joined).is_some() {
                    continue;
                }
                if docs.docs.len() >= MAX_DOCUMENTS {
                    let at = docs.docs[next].0.to_string();
                    return Err(spec_error(
                        at,
                        format!("more than {MAX_DOCUMENTS} documents referenced"),
                    ));
                }
                let value = load::fetch(&joined, layer, target).await.map_err(|e| match e {
                    crate::Error::Spec { location, cause } => {
                        spec_error(&docs.docs[next].0, format!("$ref '{reference}': {location}: {cause}"))
                    }
                    other => other,
                })?;
                docs.docs.push((joined, value));
            }
            next += 1;
        }
        Ok(docs)
    }

    pub fn root(&self) -> Node<'_> {
        Node {
            doc: 0,
            value: &self.docs[0].1,
        }
    }

    pub fn origin(&self, doc: DocId) -> &Origin {
        &self.docs[doc].0
    }

    /// `location#pointer`, for error messages.
    pub fn at(&self, doc: DocId, pointer: &str) -> String {
        format!("{}#{pointer}", self.docs[doc].0)
    }

    fn find(&self, origin: &Origin) -> Option<DocId> {
        self.docs.iter().position(|(o, _)| o == origin)
    }

    /// Every distinct external document `doc` refers to, with the `$ref` that names it first.
    fn external(&self, doc: DocId) -> Result<Vec<(String, Origin)>> {
        let (origin, value) = &self.docs[doc];
        let mut out: Vec<(String, Origin)> = Vec::new();
        let mut stack = vec![value];
        let mut scanned = 0;
        while let Some(v) = stack.pop() {
            scanned += 1;
            if scanned > MAX_SCANNED {
                return Err(spec_error(origin, "too many nodes to scan for $ref"));
            }
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(r)) = map.get("$ref") {
                        let file = r.split('#').next().unwrap_or_default();
                        if !file.is_empty() {
                            let joined = origin
                                .join(file)
                                .map_err(|cause| spec_error(origin, format!("$ref '{r}': {cause}")))?;
                            if !out.iter().any(|(_, o)| *o == joined) {
                                out.push((r.clone(), joined));
                            }
                        }
                    }
                    stack.extend(map.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        Ok(out)
    }

    /// Where `reference`, written in document `doc`, points.
    pub fn target(&self, doc: DocId, reference: &str, at: &str) -> Result<Target> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let doc = if file.is_empty() {
            doc
        } else {
            let joined = self.docs[doc]
                .0
                .join(file)
                .map_err(|cause| spec_error(self.at(doc, at), format!("$ref '{reference}': {cause}")))?;
            self.find(&joined)
                .ok_or_else(|| spec_error(self.at(doc, at), format!("unresolvable $ref '{reference}'")))?
        };
        let pointer = percent_encoding::percent_decode_str(fragment)
            .decode_utf8_lossy()
            .into_owned();
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(spec_error(
                self.at(doc, at),
                format!("unsupported $ref '{reference}' (only JSON pointers like '#/components/…')"),
            ));
        }
        Ok(Target { doc, pointer })
    }

    /// The node at `target`, if it exists.
    pub fn get(&self, target: &Target) -> Option<&Value> {
        self.docs.get(target.doc)?.1.pointer(&target.pointer)
    }

    /// Follow `value`'s `$ref` chain to a node that is not a reference. Returns the
    /// node and the last reference followed (for cycle detection), or an error
    /// naming the `$ref` that points nowhere or only back into its own chain.
    pub fn deref<'a>(&'a self, doc: DocId, value: &'a Value, at: &str) -> Result<(Node<'a>, Option<Target>)> {
        let mut node = Node { doc, value };
        let mut last = None;
        let mut chain: Vec<Target> = Vec::new();
        while let Some(reference) = ref_of(node.value) {
            let target = self.target(node.doc, reference, at)?;
            if chain.contains(&target) || chain.len() >= MAX_HOPS {
                return Err(spec_error(
                    self.at(doc, at),
                    format!("$ref '{reference}' is a cycle of references that never reaches a definition"),
                ));
            }
            let value = self
                .get(&target)
                .ok_or_else(|| spec_error(self.at(doc, at), format!("unresolvable $ref '{reference}'")))?;
            chain.push(target.clone());
            node = Node { doc: target.doc, value };
            last = Some(target);
        }
        Ok((node, last))
    }
}

/// The `$ref` string of a reference object.
pub fn ref_of(value: &Value) -> Option<&str> {
    value.as_object()?.get("$ref")?.as_str()
}
