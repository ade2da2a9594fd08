//! LLM-001: an LLM endpoint discloses its model or token usage.
//!
//! Passive: the surveyed answers of LLM endpoints; with `--llm-tier`, also the
//! reply to the benign control prompt (shared with the other LLM rules).

use super::endpoints::{surveyed_llm_answers, targets};
use super::{LLM_TOP10, OWASP, pace};
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};
use serde_json::Value;
use std::collections::BTreeSet;

pub struct ModelDisclosure;

static RULE: Rule = Rule {
    id: "LLM-001",
    title: "LLM endpoint discloses model or usage details",
    category: Category::Llm,
    severity: Severity::Low,
    cwe: &[200],
    owasp: OWASP,
    summary: "Answers of the LLM endpoint name the model behind it or its token usage. Attackers pick jailbreaks known to work on that model and measure prompts by cost; clients learn internals they do not need (OWASP LLM02:2025).",
    remediation: "Return only the reply text to clients; keep the provider's model name and usage accounting server-side (logs, billing).",
    references: &[LLM_TOP10, "https://cwe.mitre.org/data/definitions/200.html"],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "POST /api/v1/chat",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "The reply to the benign control prompt of POST https://api.example.com/api/v1/chat discloses model `gpt-4o-mini` and token usage (completion_tokens, prompt_tokens, total_tokens).",
        evidence: &[Proof {
            request: "POST /api/v1/chat",
            headers: &["Authorization: Bearer [redacted]", "Content-Type: application/json"],
            body: Some(r#"{"message":"Hello, what can you help me with today?"}"#),
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"reply":"Hi! I can help you track orders, returns and deliveries.","model":"gpt-4o-mini","usage":{"prompt_tokens":412,"completion_tokens":18,"total_tokens":430}}"#,
            note: "answer disclosing model `gpt-4o-mini` and token usage (completion_tokens, prompt_tokens, total_tokens)",
        }],
    }],
};

/// Model families recognised in a `model` field.
const FAMILIES: &[&str] = &[
    "gpt-",
    "gpt4",
    "claude",
    "llama",
    "mistral",
    "mixtral",
    "gemini",
    "gemma",
    "command-r",
    "qwen",
    "deepseek",
    "text-davinci",
];
/// Keys that name the model.
const MODEL_KEYS: &[&str] = &["model", "model_name", "modelName", "model_id", "modelId", "engine"];

/// What an answer discloses: the model names and whether it reports token usage.
pub fn disclosed(json: &Value) -> Vec<String> {
    let mut out: Vec<String> = web::fields(json)
        .into_iter()
        .filter(|(k, v)| {
            let v = v.to_ascii_lowercase();
            MODEL_KEYS.contains(&k.as_str()) && FAMILIES.iter().any(|f| v.contains(f))
        })
        .map(|(_, v)| format!("model `{v}`"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let usage: Vec<String> = web::keys(json)
        .into_iter()
        .filter_map(|k| {
            let (parent, leaf) = k.rsplit_once('.')?;
            (parent.ends_with("usage") && leaf.ends_with("tokens")).then(|| leaf.to_string())
        })
        .collect();
    if !usage.is_empty() {
        out.push(format!("token usage ({})", usage.join(", ")));
    }
    out
}

#[async_trait]
impl Check for ModelDisclosure {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, config: &ScanConfig) -> u64 {
        super::probe_budget(config, rampart_engine::LlmTier::Quick, 0)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let mut answers: Vec<(Response, &str)> = surveyed_llm_answers(ctx).map(|r| (r.clone(), "survey")).collect();
        let probed = if ctx.config.llm_tier.is_some() {
            targets(ctx)
        } else {
            Vec::new()
        };
        if answers.is_empty() && probed.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no LLM endpoint among the surveyed answers (run with --llm-tier to prompt POST endpoints)".into(),
            ));
        }
        if !probed.is_empty() {
            let session = pace::session(ctx);
            let auth = ctx.auth_headers().await?;
            for target in &probed {
                if let Some(reply) = session.control(ctx, target, auth.as_deref()).await? {
                    answers.push((reply, "reply to the benign control prompt"));
                }
            }
        }
        let mut seen = BTreeSet::new();
        let findings = answers
            .into_iter()
            .filter_map(|(resp, source)| {
                let what = disclosed(&web::json(&resp)?);
                let key = (resp.exchange.request.method.clone(), resp.exchange.request.url.clone());
                (!what.is_empty() && seen.insert(key)).then(|| finding(resp, source, &what))
            })
            .collect();
        Ok(Outcome::Findings(findings))
    }
}

fn finding(resp: Response, source: &str, what: &[String]) -> Finding {
    let request = &resp.exchange.request;
    let endpoint = rampart_model::Endpoint {
        method: request.method.clone(),
        url: request.url.clone(),
    };
    let description = format!(
        "The {source} of {} {} discloses {}.",
        request.method,
        request.url,
        what.join(" and ")
    );
    let note = format!("answer disclosing {}", what.join(" and "));
    Finding::new(&RULE, Confidence::Firm, endpoint, description).with_evidence(vec![resp.exchange.noted(note)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn model_names_and_usage_are_disclosures() {
        let v = json!({"model": "gpt-4o-mini", "choices": [], "usage": {"prompt_tokens": 9, "total_tokens": 20}});
        assert_eq!(
            disclosed(&v),
            ["model `gpt-4o-mini`", "token usage (prompt_tokens, total_tokens)"]
        );
    }

    #[test]
    fn other_models_and_counts_are_not() {
        assert!(disclosed(&json!({"model": "Corolla", "tokens": 3})).is_empty());
        assert!(disclosed(&json!({"choices": [{"message": {"content": "hi"}}]})).is_empty());
    }
}
