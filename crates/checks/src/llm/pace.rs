//! The scan-wide pace of LLM probing: one prompt at a time, each starting at
//! least a second after the previous one ended, and 60 s in total, shared by
//! every LLM rule of a scan, plus the benign control reply
//! of each endpoint (asked once, read by every rule).
//!
//! The LLM rules run in parallel as separate checks; the state lives in the
//! scan's shared state ([`Context::shared`]) and ends with the scan.

use super::endpoints::Target;
use crate::ssrf::try_send;
use rampart_engine::http::Response;
use rampart_engine::{Context, Error};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::OnceCell;
use tokio::time::Instant;
use url::Url;

/// Least time between the end of one prompt of a scan and the start of the next.
pub const SPACING: Duration = Duration::from_secs(1);
/// Most time a scan spends prompting, from its first prompt.
pub const CAP: Duration = Duration::from_secs(60);

/// The LLM probing state of one scan.
pub struct Session {
    gate: Gate,
    controls: Mutex<HashMap<Url, Arc<OnceCell<Option<Response>>>>>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            gate: Gate::new(SPACING, CAP),
            controls: Mutex::new(HashMap::new()),
        }
    }
}

/// What one prompt got.
pub enum Asked {
    Reply(Box<Response>),
    /// The request failed (timeout, reset); noted in the scan's events.
    Failed,
    /// The scan's LLM time cap is used up.
    Capped,
}

/// The LLM probing state of `ctx`'s scan.
pub fn session(ctx: &Context<'_>) -> Arc<Session> {
    ctx.shared()
}

impl Session {
    /// Send `text` to `target` once the pace allows, cut at the scan's LLM time cap.
    pub async fn ask(
        &self,
        ctx: &Context<'_>,
        target: &Target,
        text: &str,
        auth: Option<&[(String, String)]>,
    ) -> Result<Asked, Error> {
        let req = target.request(text, auth);
        let send = |left| tokio::time::timeout(left, try_send(ctx, &req));
        match self.gate.run(send).await {
            None | Some(Err(_)) => Ok(Asked::Capped),
            Some(Ok(Ok(Some(resp)))) => Ok(Asked::Reply(Box::new(resp))),
            Some(Ok(Ok(None))) => Ok(Asked::Failed),
            Some(Ok(Err(e))) => Err(e),
        }
    }

    /// The reply of `target` to the benign control prompt, asked once per scan.
    pub async fn control(
        &self,
        ctx: &Context<'_>,
        target: &Target,
        auth: Option<&[(String, String)]>,
    ) -> Result<Option<Response>, Error> {
        let cell = self
            .controls
            .lock()
            .unwrap()
            .entry(target.url.clone())
            .or_default()
            .clone();
        let reply = cell
            .get_or_try_init(|| async {
                match self.ask(ctx, target, super::probes::CONTROL, auth).await? {
                    Asked::Reply(resp) => Ok::<_, Error>(Some(*resp)),
                    Asked::Failed | Asked::Capped => Ok(None),
                }
            })
            .await?;
        Ok(reply.clone())
    }
}

/// Spacing and a total cap over every prompt of a scan.
struct Gate {
    spacing: Duration,
    cap: Duration,
    times: tokio::sync::Mutex<(Option<Instant>, Option<Instant>)>,
}

impl Gate {
    fn new(spacing: Duration, cap: Duration) -> Gate {
        Gate {
            spacing,
            cap,
            times: tokio::sync::Mutex::new((None, None)),
        }
    }

    /// Run `prompt` (given the time left under the cap) alone, at least `spacing` after the
    /// previous prompt ended; `None` once the cap is used up.
    async fn run<F: Future>(&self, prompt: impl FnOnce(Duration) -> F) -> Option<F::Output> {
        let mut times = self.times.lock().await;
        let first = *times.0.get_or_insert_with(Instant::now);
        if let Some(last) = times.1 {
            tokio::time::sleep_until(last + self.spacing).await;
        }
        let left = self.cap.checked_sub(first.elapsed()).filter(|d| !d.is_zero())?;
        let out = prompt(left).await;
        times.1 = Some(Instant::now());
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn prompts_are_spaced_and_capped() {
        let gate = Gate::new(Duration::from_millis(60), Duration::from_millis(150));
        let start = Instant::now();
        let slow = |_| tokio::time::sleep(Duration::from_millis(20));
        assert!(gate.run(slow).await.is_some());
        assert!(
            gate.run(|left| async move { left })
                .await
                .is_some_and(|left| left < Duration::from_millis(80))
        );
        assert!(
            start.elapsed() >= Duration::from_millis(80),
            "60 ms after the first prompt ended"
        );
        assert!(gate.run(|_| async {}).await.is_some());
        assert!(start.elapsed() >= Duration::from_millis(140));
        assert!(
            gate.run(|_| async {}).await.is_none(),
            "the cap is used up after 200 ms"
        );
    }
}
