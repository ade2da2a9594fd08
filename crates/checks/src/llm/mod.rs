//! LLM / AI security (LLM-001 … LLM-007): model details and system prompts in
//! answers (passive), and, with `--llm-tier`, prompt probes for system-prompt
//! extraction, instruction override, role-play and encoded injection, and
//! data exfiltration through markdown links. Every probe asks for a
//! transformed canary and is judged against a benign control reply.

mod endpoints;
mod llm001_disclosure;
mod llm002_prompt_leak;
mod llm003_extraction;
mod llm004_override;
mod llm005_roleplay;
mod llm006_encoded;
mod llm007_exfiltration;
mod pace;
pub mod probes;

pub use llm001_disclosure::ModelDisclosure;
pub use llm002_prompt_leak::SystemPromptLeaked;
pub use llm003_extraction::SystemPromptExtraction;
pub use llm004_override::InstructionOverride;
pub use llm005_roleplay::RolePlayJailbreak;
pub use llm006_encoded::EncodedInjection;
pub use llm007_exfiltration::MarkdownExfiltration;

use endpoints::{MAX_TARGETS, Target, reply_text, targets};
use pace::Asked;
use rampart_engine::http::Response;
use rampart_engine::{Context, Error, LlmTier, Outcome, ScanConfig};
use rampart_model::{Confidence, Exchange, Finding, Rule};

/// LLM risks sit with the consumption of third-party services in the API Top 10;
/// each rule names its OWASP LLM Top 10 (2025) entry in its references.
pub(crate) const OWASP: &str = "API10:2023";
const LLM_TOP10: &str = "https://genai.owasp.org/llm-top-10/";

/// One probe of one endpoint, with the benign control reply it is judged against.
pub(crate) struct Trial<D> {
    pub target: Target,
    pub control: Response,
    pub probe: Response,
    pub text: String,
    pub data: D,
}

impl<D> Trial<D> {
    pub fn reply(&self) -> String {
        reply_text(&self.probe)
    }

    pub fn control_reply(&self) -> String {
        reply_text(&self.control)
    }

    /// The probe and control exchanges, noted.
    pub fn evidence(&self, probe_note: String) -> Vec<Exchange> {
        vec![
            self.probe.exchange.clone().noted(probe_note),
            self.control
                .exchange
                .clone()
                .noted("control: the benign prompt's reply carries no canary and is not an echo of the prompt"),
        ]
    }

    /// A finding on the probed endpoint.
    pub fn finding(
        &self,
        rule: &Rule,
        confidence: rampart_model::Confidence,
        description: String,
        note: String,
    ) -> Finding {
        Finding::new(rule, confidence, self.target.endpoint(), description).with_evidence(self.evidence(note))
    }
}

/// Most requests an active LLM rule sends: a control and `probes` per endpoint.
pub(crate) fn probe_budget(config: &ScanConfig, needs: LlmTier, probes: u64) -> u64 {
    match config.llm_tier {
        Some(tier) if tier >= needs => MAX_TARGETS as u64 * (1 + probes) + crate::ssrf::renewal(config),
        _ => 0,
    }
}

/// Probe every LLM endpoint once with the prompt `make` builds (and its data), after the
/// shared benign control; `Err(reason)` when no probe could be judged.
pub(crate) async fn trials<D>(
    ctx: &Context<'_>,
    needs: LlmTier,
    make: impl Fn(&Target) -> (String, D),
) -> Result<Result<Vec<Trial<D>>, String>, Error> {
    if ctx.config.llm_tier.is_none_or(|t| t < needs) {
        return Ok(Err(format!(
            "active LLM probes run only with --llm-tier {} or higher",
            format!("{needs:?}").to_ascii_lowercase()
        )));
    }
    let targets = targets(ctx);
    if targets.is_empty() {
        return Ok(Err(NO_ENDPOINT.into()));
    }
    let session = pace::session(ctx);
    let auth = ctx.auth_headers().await?;
    let mut out = Vec::new();
    let mut why = String::new();
    for target in targets {
        let control = match session.control(ctx, &target, auth.as_deref()).await? {
            Some(c) if (200..300).contains(&c.status) && !c.body.is_empty() => c,
            Some(c) => {
                why = format!("{} answered the benign prompt with {}", target.path, c.status);
                continue;
            }
            None => {
                why = format!("{} gave no answer to the benign prompt in time", target.path);
                continue;
            }
        };
        if echoes(&reply_text(&control), probes::CONTROL) {
            why = format!("{} echoes its input, so its replies cannot be judged", target.path);
            continue;
        }
        let (text, data) = make(&target);
        match session.ask(ctx, &target, &text, auth.as_deref()).await? {
            Asked::Reply(probe) => out.push(Trial {
                target,
                control,
                probe: *probe,
                text,
                data,
            }),
            Asked::Failed => why = format!("{} did not answer the probe", target.path),
            Asked::Capped => why = format!("the scan's {} s LLM probing time is used up", pace::CAP.as_secs()),
        }
    }
    Ok(if out.is_empty() { Err(why) } else { Ok(out) })
}

/// A probe that asks for a canary word transformed (reversed, spelled with dashes):
/// the transform appears in no prompt, so finding it in the reply, and not in the
/// benign control reply, proves the model followed the probe.
pub(crate) struct CanaryProbe {
    pub rule: &'static Rule,
    pub tier: LlmTier,
    /// The probe text asking for the canary transformed.
    pub prompt: fn(&str) -> String,
    /// The canary as a reply that obeyed carries it.
    pub transform: fn(&str) -> String,
    /// Did this reply obey, for this canary?
    pub complied: fn(&str, &str) -> bool,
    /// The finding's description from the endpoint path, the canary and its transform.
    pub describe: fn(&str, &str, &str) -> String,
    /// What the probe exchange shows, before the transform in backticks.
    pub note: &'static str,
}

impl CanaryProbe {
    /// Most requests the rule sends.
    pub fn max_requests(&self, config: &ScanConfig) -> u64 {
        probe_budget(config, self.tier, 1)
    }

    /// One probe per LLM endpoint with a fresh canary; a confirmed finding per endpoint that obeyed.
    pub async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let make = |_: &_| {
            let c = probes::canary();
            ((self.prompt)(&c), c)
        };
        let trials = match trials(ctx, self.tier, make).await? {
            Ok(t) => t,
            Err(why) => return Ok(Outcome::NotApplicable(why)),
        };
        let obeyed = trials
            .iter()
            .filter(|t| (self.complied)(&t.reply(), &t.data) && !(self.complied)(&t.control_reply(), &t.data));
        let findings = obeyed.map(|trial| {
            let (c, shown) = (&trial.data, (self.transform)(&trial.data));
            let description = (self.describe)(&trial.target.path, c, &shown);
            let note = format!("probe: {} (reply carries `{shown}`)", self.note);
            trial.finding(self.rule, Confidence::Confirmed, description, note)
        });
        Ok(Outcome::Findings(findings.collect()))
    }
}

const NO_ENDPOINT: &str =
    "no LLM endpoint found (no chat/completions/assistant-like path, no answer with choices/usage/model)";

/// Is `reply` just the prompt given back?
fn echoes(reply: &str, prompt: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let (reply, prompt) = (norm(reply), norm(prompt));
    !prompt.is_empty() && reply.contains(&prompt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_of_the_control_prompt() {
        assert!(echoes(probes::CONTROL, probes::CONTROL));
        assert!(echoes(&format!("You said: \"{}\"", probes::CONTROL), probes::CONTROL));
        assert!(!echoes("Hello! I can answer questions about the zoo.", probes::CONTROL));
    }
}
