//! LLM-006: an instruction hidden in base64 is decoded and obeyed.
//!
//! Probe: the LLM-004 override, base64-encoded, with a request to decode and
//! follow it; the reply carries the reversed canary.

use super::probes::{complied_reversed, encoded_prompt, reversed};
use super::{CanaryProbe, LLM_TOP10, OWASP};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, LlmTier, Outcome, ScanConfig};
use rampart_model::{Category, Rule, Severity};

pub struct EncodedInjection;

static RULE: Rule = Rule {
    id: "LLM-006",
    title: "Encoded injection",
    category: Category::Llm,
    severity: Severity::Medium,
    cwe: &[77],
    owasp: OWASP,
    summary: "An instruction the model receives base64-encoded is decoded and followed. Input filters that look for injection phrases in plain text miss it (OWASP LLM01:2025).",
    remediation: "Do not rely on keyword filters: classify the decoded intent (guard model) or refuse to act on instructions found inside encoded content, and constrain what the reply may contain.",
    references: &[LLM_TOP10, "https://genai.owasp.org/llmrisk/llm01-prompt-injection/"],
    needs: &[],
};

static PROBE: CanaryProbe = CanaryProbe {
    rule: &RULE,
    tier: LlmTier::Standard,
    prompt: encoded_prompt,
    transform: reversed,
    complied: complied_reversed,
    describe: |path, c, shown| {
        format!(
            "POST {path} decoded a base64 instruction and obeyed it: the reply carries `{shown}`, the canary {c} reversed, which appears nowhere in the prompt."
        )
    },
    note: "encoded instruction obeyed",
};

#[async_trait]
impl Check for EncodedInjection {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, config: &ScanConfig) -> u64 {
        PROBE.max_requests(config)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        PROBE.run(ctx).await
    }
}
