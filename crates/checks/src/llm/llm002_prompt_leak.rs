//! LLM-002: a system prompt shows up in answers nobody asked for it in
//! (passive): a `system` role message, a system-prompt field, or "You are …"
//! instructions in an LLM endpoint's answer.

use super::endpoints::{is_llm_json, is_llm_path};
use super::probes::reads_like_system_prompt;
use super::{LLM_TOP10, OWASP};
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};
use serde_json::Value;
use std::collections::BTreeSet;

pub struct SystemPromptLeaked;

static RULE: Rule = Rule {
    id: "LLM-002",
    title: "System prompt leaked in responses",
    category: Category::Llm,
    severity: Severity::Medium,
    cwe: &[200],
    owasp: OWASP,
    summary: "An answer carries the model's system prompt without being asked for it. The prompt reveals business rules, guard-rail wording to work around, and sometimes secrets placed in it (OWASP LLM07:2025).",
    remediation: "Never return system or developer messages to clients (filter conversation history to user and assistant turns); keep secrets and authorisation logic out of prompts.",
    references: &[LLM_TOP10, "https://cwe.mitre.org/data/definitions/200.html"],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/chat/history",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "The answer of GET https://api.example.com/api/v1/chat/history carries the model's instructions: \"You are ShopBot, the support assistant of Example Shop. Only discuss orders of the logged-in customer. Never promise refunds above 50 EUR.\".",
        evidence: &[Proof {
            request: "GET /api/v1/chat/history",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"messages":[{"role":"system","content":"You are ShopBot, the support assistant of Example Shop. Only discuss orders of the logged-in customer. Never promise refunds above 50 EUR."},{"role":"user","content":"Where is my order?"}]}"#,
            note: "answer carrying the system prompt unasked",
        }],
    }],
};

/// Keys whose string value is a system prompt.
const PROMPT_KEYS: &[&str] = &[
    "system_prompt",
    "systemPrompt",
    "system_message",
    "systemMessage",
    "preprompt",
    "pre_prompt",
    "instructions",
];
const MAX_DEPTH: usize = 8;

/// System prompts a JSON answer carries: `system`/`developer` role messages and prompt fields.
pub fn system_prompts(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(value, 0, &mut out);
    out
}

fn walk(value: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            let role = map.get("role").and_then(Value::as_str).unwrap_or_default();
            if role.eq_ignore_ascii_case("system") || role.eq_ignore_ascii_case("developer") {
                out.extend(
                    map.get("content")
                        .and_then(Value::as_str)
                        .filter(|c| !c.trim().is_empty())
                        .map(str::to_string),
                );
            }
            for (k, v) in map {
                match v.as_str() {
                    Some(s) if PROMPT_KEYS.contains(&k.as_str()) && reads_like_system_prompt(s) => {
                        out.push(s.to_string())
                    }
                    _ => walk(v, depth + 1, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, depth + 1, out)),
        _ => {}
    }
}

#[async_trait]
impl Check for SystemPromptLeaked {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut any_llm = ctx.inventory.endpoints.iter().any(|e| is_llm_path(&e.path));
        let mut seen = BTreeSet::new();
        let mut findings = Vec::new();
        for s in ctx.survey {
            let by_path = ctx
                .inventory
                .endpoints
                .get(s.endpoint)
                .is_some_and(|e| is_llm_path(&e.path));
            for resp in s.responses() {
                let json = web::json(resp);
                let llm = by_path || json.as_ref().is_some_and(is_llm_json);
                any_llm |= llm;
                let Some((confidence, prompt)) = leak(json.as_ref(), resp, llm) else {
                    continue;
                };
                if seen.insert(resp.exchange.request.url.clone()) {
                    findings.push(finding(resp, confidence, &prompt));
                }
            }
        }
        if findings.is_empty() && !any_llm {
            return Ok(Outcome::NotApplicable(
                "no LLM endpoint in the inventory or the surveyed answers".into(),
            ));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The leaked prompt in one answer: structured ones anywhere (firm); in a plain-text
/// LLM answer, text that opens like a system prompt (tentative).
fn leak(json: Option<&Value>, resp: &Response, llm: bool) -> Option<(Confidence, String)> {
    if let Some(v) = json {
        return system_prompts(v).into_iter().next().map(|p| (Confidence::Firm, p));
    }
    let text = resp.text();
    let opening = text.trim_start().split(['.', '\n']).next().unwrap_or_default();
    (llm && (200..300).contains(&resp.status) && reads_like_system_prompt(opening))
        .then(|| (Confidence::Tentative, text.trim().to_string()))
}

fn finding(resp: &Response, confidence: Confidence, prompt: &str) -> Finding {
    let request = &resp.exchange.request;
    let shown: String = prompt.chars().take(160).collect();
    let description = format!(
        "The answer of {} {} carries the model's instructions: \"{shown}{}\".",
        request.method,
        request.url,
        if shown.len() < prompt.len() { "…" } else { "" }
    );
    let endpoint = rampart_model::Endpoint {
        method: request.method.clone(),
        url: request.url.clone(),
    };
    Finding::new(&RULE, confidence, endpoint, description).with_evidence(vec![
        resp.exchange.clone().noted("answer carrying the system prompt unasked"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn system_messages_and_prompt_fields_leak() {
        let history = json!({"messages": [
            {"role": "system", "content": "You are ZooBot. Never reveal the code."},
            {"role": "user", "content": "hi"}
        ]});
        assert_eq!(system_prompts(&history), ["You are ZooBot. Never reveal the code."]);
        let config = json!({"bot": {"system_prompt": "You are a support agent for ACME."}});
        assert_eq!(system_prompts(&config).len(), 1);
    }

    #[test]
    fn user_turns_and_plain_fields_do_not() {
        let history = json!({"messages": [{"role": "user", "content": "You are great"}, {"role": "assistant", "content": "Thanks"}]});
        assert!(system_prompts(&history).is_empty());
        assert!(system_prompts(&json!({"instructions": "Press the red button."})).is_empty());
        assert!(system_prompts(&json!({"role": "system", "content": ""})).is_empty());
    }
}
