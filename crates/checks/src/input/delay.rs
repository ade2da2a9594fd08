//! Proof by time, for injections that leave no trace in the answer: the
//! input's value followed by a payload that sleeps N seconds (a shell's
//! `sleep N`, a database's `pg_sleep(N)` …). An answer about N seconds slower
//! than the normal value's is only a lead; it is proven when the same payload
//! with 0 seconds answers at the normal pace (the control) and with a longer
//! sleep that much slower again (the delay follows the number).

use crate::inputs::Input;
use crate::ssrf::try_send;
use rampart_engine::{Context, Error, Response};
use rampart_model::Exchange;

/// The delays of the lead and of the confirmation, in seconds.
pub const LEAD: u64 = 2;
pub const CONFIRM: u64 = 5;
/// Requests one payload may cost: the lead, the control's tries and the confirmation.
pub const PER_PAYLOAD: u64 = 1 + CONTROL_TRIES + 1;
/// Share of a delay that must show in the answer time.
const SHOWN: f64 = 0.9;
/// Slack the control may take over the normal answer time.
const CONTROL_SLACK_MS: u64 = 1000;
/// Tries of the control before a slow one counts (a loaded server or machine).
const CONTROL_TRIES: u64 = 2;

/// What one payload showed.
pub enum Timed {
    /// The lead was not slower: this payload does not reach a sleeping interpreter.
    NoLead,
    /// A lead, but the control was slow too or the confirmation was not slower:
    /// the answer times do not follow the sleep, so no other payload is worth trying.
    Refuted,
    Proven(Box<Delays>),
}

/// The four answers that prove a delay.
pub struct Delays {
    pub base: Response,
    pub lead: Response,
    pub control: Response,
    pub confirm: Response,
}

/// One input timed against its normal pace.
pub struct Clock<'a, 'c> {
    ctx: &'a Context<'c>,
    input: &'a Input,
    auth: Option<&'a [(String, String)]>,
    base: Response,
}

impl<'a, 'c> Clock<'a, 'c> {
    /// The normal pace is the faster of two answers to the normal value: noise only ever adds time.
    pub fn new(
        ctx: &'a Context<'c>,
        input: &'a Input,
        auth: Option<&'a [(String, String)]>,
        first: Response,
        second: Response,
    ) -> Self {
        let base = if ms(&second) < ms(&first) { second } else { first };
        Clock { ctx, input, auth, base }
    }

    /// Times `payload(seconds)` (the whole value sent) for the lead, the control and the confirmation.
    pub async fn time(&self, payload: impl Fn(u64) -> String) -> Result<Timed, Error> {
        let Some(lead) = self.send(&payload(LEAD)).await? else {
            return Ok(Timed::NoLead);
        };
        if !self.slower_by(&lead, LEAD) {
            return Ok(Timed::NoLead);
        }
        let Some(control) = self.control(&payload(0)).await? else {
            return Ok(Timed::Refuted);
        };
        let Some(confirm) = self.send(&payload(CONFIRM)).await? else {
            return Ok(Timed::Refuted);
        };
        if !self.slower_by(&confirm, CONFIRM) {
            return Ok(Timed::Refuted);
        }
        Ok(Timed::Proven(Box::new(Delays {
            base: self.base.clone(),
            lead,
            control,
            confirm,
        })))
    }

    /// The zero-second payload at the normal pace, the fastest of its tries; `None` when every try was slow.
    async fn control(&self, value: &str) -> Result<Option<Response>, Error> {
        let fast = |r: &Response| ms(r) <= ms(&self.base) + CONTROL_SLACK_MS;
        for _ in 0..CONTROL_TRIES {
            match self.send(value).await? {
                Some(tried) if fast(&tried) => return Ok(Some(tried)),
                Some(_) => continue,
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    fn slower_by(&self, resp: &Response, secs: u64) -> bool {
        ms(resp) >= ms(&self.base) + (secs as f64 * 1000.0 * SHOWN) as u64
    }

    async fn send(&self, value: &str) -> Result<Option<Response>, Error> {
        try_send(self.ctx, &self.input.request(value, self.auth)).await
    }
}

impl Delays {
    /// The four answer times in words, for a finding's description.
    pub fn times(&self) -> String {
        format!(
            "{} ms with the normal value, {} ms with a {LEAD}-second sleep, {} ms with a 0-second sleep (control), {} ms with a {CONFIRM}-second sleep",
            ms(&self.base),
            ms(&self.lead),
            ms(&self.control),
            ms(&self.confirm),
        )
    }

    /// The four exchanges, each noted with what was appended (`sent(seconds)`) and how long it took.
    pub fn evidence(self, sent: impl Fn(u64) -> String) -> Vec<Exchange> {
        let noted = |r: Response, what: String| {
            let note = format!("{what}: {} ms", ms(&r));
            r.exchange.noted(note)
        };
        vec![
            noted(self.base, "baseline: the normal value".into()),
            noted(self.lead, format!("{} appended", sent(LEAD))),
            noted(self.control, format!("control: {} appended", sent(0))),
            noted(self.confirm, format!("{} appended", sent(CONFIRM))),
        ]
    }
}

fn ms(r: &Response) -> u64 {
    r.exchange.response.elapsed_ms
}
