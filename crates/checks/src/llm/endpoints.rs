//! Recognising LLM endpoints (paths like `/chat` or `/completions`, answers
//! with `choices`/`usage`/`model`), building prompt requests in the shape the
//! spec declares, and reading the model's reply out of an answer.

use crate::web;
use rampart_engine::http::Response;
use rampart_engine::{Context, Request};
use serde_json::{Value, json};
use url::Url;

/// Path words that name an LLM endpoint.
const PATH_WORDS: &[&str] = &[
    "chat",
    "completions",
    "llm",
    "ai",
    "assistant",
    "prompt",
    "ask",
    "generate",
];
/// Request fields that carry the user's text, in order of preference.
const TEXT_FIELDS: &[&str] = &["message", "prompt", "input", "query", "content", "question", "text"];
/// Answer fields that carry the model's reply.
const REPLY_FIELDS: &[&str] = &[
    "reply",
    "response",
    "answer",
    "content",
    "output",
    "text",
    "message",
    "completion",
    "result",
];
/// Most endpoints the active rules probe.
pub const MAX_TARGETS: usize = 3;

/// Is `path` an LLM endpoint by its words (`/api/chat`, `/v1/completions`, `/ai/ask`)?
pub fn is_llm_path(path: &str) -> bool {
    path.split('/')
        .filter(|seg| !seg.starts_with('{'))
        .flat_map(|seg| seg.split(['-', '_', '.']))
        .map(str::to_ascii_lowercase)
        .any(|w| {
            PATH_WORDS.contains(&w.as_str())
                || ["chat", "completion", "assistant", "prompt", "generat"]
                    .iter()
                    .any(|p| w.starts_with(p))
        })
}

/// Does a JSON answer look like a model completion (`choices`, or `model` with `usage`)?
pub fn is_llm_json(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    map.get("choices").is_some_and(Value::is_array) || map.contains_key("model") && map.contains_key("usage")
}

/// Surveyed answers of LLM endpoints: by path, or by the shape of their JSON.
pub fn surveyed_llm_answers<'a>(ctx: &'a Context<'_>) -> impl Iterator<Item = &'a Response> + 'a {
    ctx.survey.iter().flat_map(move |s| {
        let by_path = ctx
            .inventory
            .endpoints
            .get(s.endpoint)
            .is_some_and(|e| is_llm_path(&e.path));
        s.responses()
            .filter(move |r| by_path || web::json(r).is_some_and(|v| is_llm_json(&v)))
    })
}

/// Where the prompt goes in a request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A top-level string field (`message`, `prompt` …).
    Named(String),
    /// An OpenAI-style `messages` array.
    Messages,
}

/// An LLM endpoint rampart can send prompts to.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    /// The path template, for titles.
    pub path: String,
    pub field: Field,
    /// The spec's example body, kept for its other required fields.
    pub example: Option<Value>,
}

impl Target {
    /// `POST` of `text` in the declared field, with `auth` headers when given.
    pub fn request(&self, text: &str, auth: Option<&[(String, String)]>) -> Request {
        let mut body = match &self.example {
            Some(Value::Object(map)) => Value::Object(map.clone()),
            _ => json!({}),
        };
        match &self.field {
            Field::Named(name) => body[name.as_str()] = json!(text),
            Field::Messages => body["messages"] = json!([{"role": "user", "content": text}]),
        }
        let mut req = Request::new("POST", self.url.clone()).json(&body);
        req.headers.extend(auth.unwrap_or_default().iter().cloned());
        req
    }

    /// The report endpoint.
    pub fn endpoint(&self) -> rampart_model::Endpoint {
        rampart_model::Endpoint {
            method: "POST".into(),
            url: self.url.to_string(),
        }
    }
}

/// The endpoints to probe: POST operations on LLM paths, else surveyed GET endpoints
/// that answered like a model or refused GET on an LLM path (405).
pub fn targets(ctx: &Context<'_>) -> Vec<Target> {
    let mut out: Vec<Target> = ctx
        .inventory
        .endpoints
        .iter()
        .filter(|e| e.method == "POST" && is_llm_path(&e.path))
        .map(|e| Target {
            url: e.url.clone(),
            path: e.path.clone(),
            field: field_of(e.body.as_ref().map(|b| b.properties.as_slice()).unwrap_or_default()),
            example: e.body.as_ref().map(|b| b.example.clone()),
        })
        .collect();
    if out.is_empty() {
        for s in ctx.survey {
            let Some(e) = ctx.inventory.endpoints.get(s.endpoint) else {
                continue;
            };
            let llm = s
                .responses()
                .any(|r| web::json(r).is_some_and(|v| is_llm_json(&v)) || r.status == 405 && is_llm_path(&e.path));
            if llm {
                out.push(Target {
                    url: e.url.clone(),
                    path: e.path.clone(),
                    field: Field::Named("message".into()),
                    example: None,
                });
            }
        }
    }
    let mut urls = std::collections::BTreeSet::new();
    out.retain(|t| urls.insert(t.url.clone()));
    out.truncate(MAX_TARGETS);
    out
}

/// The field a request body declares for the prompt (`message` when it declares none).
pub fn field_of(properties: &[String]) -> Field {
    if properties.iter().any(|p| p == "messages") {
        return Field::Messages;
    }
    TEXT_FIELDS
        .iter()
        .find(|f| properties.iter().any(|p| p == *f))
        .map_or(Field::Named("message".into()), |f| Field::Named(f.to_string()))
}

/// The model's reply in an answer: `choices[].message.content`/`choices[].text`, reply-like
/// fields, else the whole body.
pub fn reply_text(resp: &Response) -> String {
    let Some(json) = web::json(resp) else {
        return resp.text();
    };
    reply_of(&json).unwrap_or_else(|| resp.text())
}

fn reply_of(json: &Value) -> Option<String> {
    if let Some(choices) = json.get("choices").and_then(Value::as_array) {
        let texts: Vec<&str> = choices
            .iter()
            .filter_map(|c| c.pointer("/message/content").or_else(|| c.get("text")))
            .filter_map(Value::as_str)
            .collect();
        if !texts.is_empty() {
            return Some(texts.join("\n"));
        }
    }
    let texts: Vec<String> = web::fields(json)
        .into_iter()
        .filter(|(k, _)| REPLY_FIELDS.contains(&k.as_str()))
        .map(|(_, v)| v)
        .collect();
    (!texts.is_empty()).then(|| texts.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llm_paths_by_word() {
        for p in [
            "/api/v2/chat",
            "/v1/chat/completions",
            "/ai/ask",
            "/assistant",
            "/api/generate-text",
            "/chatbot",
        ] {
            assert!(is_llm_path(p), "{p}");
        }
        for p in [
            "/api/v2/users/{id}",
            "/email",
            "/details",
            "/tasks",
            "/api/v2/airports",
            "/{ai}",
        ] {
            assert!(!is_llm_path(p), "{p}");
        }
    }

    #[test]
    fn completion_shapes() {
        assert!(is_llm_json(&json!({"choices": [], "id": "x"})));
        assert!(is_llm_json(&json!({"model": "m", "usage": {}})));
        assert!(!is_llm_json(&json!({"model": "Corolla", "year": 2020})));
        assert!(!is_llm_json(&json!([{"choices": []}])));
    }

    #[test]
    fn the_declared_field_carries_the_prompt() {
        assert_eq!(field_of(&["model".into(), "messages".into()]), Field::Messages);
        assert_eq!(
            field_of(&["session".into(), "prompt".into()]),
            Field::Named("prompt".into())
        );
        assert_eq!(field_of(&[]), Field::Named("message".into()));
    }

    #[test]
    fn replies_are_read_from_completions_and_reply_fields() {
        let openai = json!({"model": "gpt-4o-mini", "choices": [{"message": {"role": "assistant", "content": "hi"}}]});
        assert_eq!(reply_of(&openai).as_deref(), Some("hi"));
        assert_eq!(reply_of(&json!({"answer": "yes", "id": 3})).as_deref(), Some("yes"));
        assert_eq!(reply_of(&json!({"id": 3})), None);
    }
}
