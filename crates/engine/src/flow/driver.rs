//! The session-flow driver: validates the logged-in oracle before any
//! verdict, hands checks fresh isolated agents, performs flow steps, probes
//! tokens against the protected page, and keeps one shared session alive for
//! checks that only need credentials.

use super::file::{Flow, Step};
pub use super::step::StepOutcome;
use super::step::{self, url_for};
use crate::agent::{Agent, Carrier};
use crate::error::{Error, Result};
use crate::http::{HttpLayer, Request, Response};
use crate::redact::Redactor;
use rampart_model::Exchange;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use url::Url;

/// The answer of the protected page to one token or request.
#[derive(Debug, Clone)]
pub struct Probe {
    pub logged_in: bool,
    pub exchanges: Vec<Exchange>,
}

impl Probe {
    /// The final exchange, annotated.
    pub fn evidence(&self, note: &str) -> Exchange {
        self.exchanges.last().cloned().unwrap_or_default().noted(note)
    }
}

/// What validating the flow observed; passive checks read it instead of sending again.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub anonymous: Probe,
    pub preauth: StepOutcome,
    pub login: StepOutcome,
    pub token: String,
    pub logged_in: Probe,
    pub random: Probe,
}

impl Baseline {
    /// Every exchange of the baseline run, in order.
    pub fn exchanges(&self) -> impl Iterator<Item = &Exchange> {
        let steps = self.preauth.trip.exchanges.iter().chain(&self.login.trip.exchanges);
        steps.chain(&self.logged_in.exchanges)
    }
}

struct Shared {
    agent: Agent,
    checked: Instant,
}

pub struct Driver {
    flow: Flow,
    base: Url,
    layer: Arc<HttpLayer>,
    redactor: Arc<Redactor>,
    carrier: Carrier,
    baseline: OnceLock<Baseline>,
    shared: Mutex<Option<Shared>>,
    relogins: AtomicU64,
    recheck: Duration,
    /// Another identity's driver: its agents send none of the scan's configured credentials.
    bare: bool,
}

impl Driver {
    /// Detect the carrier if needed and validate the oracle; every failure names its step.
    pub async fn establish(
        flow: Flow,
        base: Url,
        layer: Arc<HttpLayer>,
        redactor: Arc<Redactor>,
        recheck: Duration,
    ) -> Result<Driver> {
        Driver::start(flow, base, layer, redactor, recheck, false).await
    }

    /// [`Driver::establish`]; a `bare` driver (another identity's) sends
    /// none of the scan's configured credentials.
    pub(crate) async fn start(
        flow: Flow,
        base: Url,
        layer: Arc<HttpLayer>,
        redactor: Arc<Redactor>,
        recheck: Duration,
        bare: bool,
    ) -> Result<Driver> {
        for secret in &flow.secrets {
            redactor.secret(secret);
        }
        let carrier = match &flow.carrier {
            Some(c) => c.clone(),
            None => detect_carrier(&flow, &base, &layer).await?,
        };
        let driver = Driver {
            baseline: OnceLock::new(),
            shared: Mutex::new(None),
            flow,
            base,
            layer,
            redactor,
            carrier,
            relogins: AtomicU64::new(0),
            recheck,
            bare,
        };
        let (baseline, agent) = driver.validate().await?;
        driver.baseline.get_or_init(|| baseline);
        *driver.shared.lock().await = Some(Shared {
            agent,
            checked: Instant::now(),
        });
        Ok(driver)
    }

    async fn validate(&self) -> Result<(Baseline, Agent)> {
        let marker = &self.flow.logged_in_marker;
        let anonymous = self.probe_agent(&mut self.agent()).await?;
        if anonymous.logged_in {
            let cause =
                format!("the marker '{marker}' appears without logging in; choose text only a logged-in page shows");
            return Err(Error::flow("protected", cause));
        }
        let mut victim = self.agent();
        let preauth = self.preauth(&mut victim).await?;
        let login = self.login(&mut victim).await?;
        let Some(token) = login.token_after.clone() else {
            let cause = format!(
                "no session token after logging in (status {}, {} not set; {})",
                login.trip.response.status,
                self.carrier.describe(),
                cookies_set(&victim)
            );
            return Err(Error::flow("login", cause));
        };
        let logged_in = self.probe(&token).await?;
        if !logged_in.logged_in {
            return Err(self.login_failure(&mut victim, &login, &logged_in).await);
        }
        let random = self.probe(&self.carrier.forge(&token)).await?;
        if random.logged_in {
            let cause = format!(
                "a random {} also shows the marker '{marker}'; the page does not check the session",
                self.carrier.describe()
            );
            return Err(Error::flow("protected", cause));
        }
        Ok((
            Baseline {
                anonymous,
                preauth,
                login,
                token,
                logged_in,
                random,
            },
            victim,
        ))
    }

    async fn login_failure(&self, victim: &mut Agent, login: &StepOutcome, protected: &Probe) -> Error {
        let status = protected.exchanges.last().map_or(0, |e| e.response.status);
        if matches!(status, 404 | 405 | 410) {
            let step = &self.flow.protected;
            let cause = format!(
                "{} {} answers {status} even logged in; check its path and method",
                step.method, step.path
            );
            return Error::flow("protected", cause);
        }
        let whole_jar = self.probe_agent(victim).await.map(|p| p.logged_in).unwrap_or(false);
        if whole_jar {
            let set = Carrier::cookie(self.carrier.name(), victim.jar().names());
            let hint = match &set {
                Carrier::Cookies(names) if set != self.carrier => {
                    format!(
                        " (cookies = [\"{}\"] when several cookies carry it)",
                        names.join("\", \"")
                    )
                }
                _ => String::new(),
            };
            let cause = format!(
                "logged in with the whole cookie jar but not with {} alone; name the session carrier in [session]{hint}",
                self.carrier.describe()
            );
            return Error::flow("session", cause);
        }
        let cause = format!(
            "after logging in (status {}), [protected] (status {status}) does not show the marker '{}'; check the credentials and the marker",
            login.trip.response.status, self.flow.logged_in_marker
        );
        Error::flow("login", cause)
    }

    /// A fresh, isolated agent using the session carrier.
    pub fn agent(&self) -> Agent {
        Agent::new(self.layer.clone(), self.carrier.clone())
            .bare(self.bare)
            .refresh_in_cookie(self.flow.login.refresh_cookie.clone())
    }

    pub fn carrier(&self) -> &Carrier {
        &self.carrier
    }

    pub fn flow(&self) -> &Flow {
        &self.flow
    }

    pub fn baseline(&self) -> &Baseline {
        self.baseline
            .get()
            .expect("a driver is only handed out once established")
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    pub fn url(&self, path: &str) -> Url {
        url_for(&self.base, path)
    }

    pub fn relogins(&self) -> u64 {
        self.relogins.load(Ordering::SeqCst)
    }

    /// A never-issued token of the same shape as a real one.
    pub fn forge(&self) -> String {
        self.carrier.forge(&self.baseline().token)
    }

    pub async fn preauth(&self, agent: &mut Agent) -> Result<StepOutcome> {
        self.run(&self.flow.preauth, agent, &[]).await
    }

    pub async fn login(&self, agent: &mut Agent) -> Result<StepOutcome> {
        self.run(&self.flow.login, agent, &[]).await
    }

    /// Log in with extra body fields (an attacker-chosen session id, say).
    pub async fn login_with(&self, agent: &mut Agent, extra: &[(String, String)]) -> Result<StepOutcome> {
        self.run(&self.flow.login, agent, extra).await
    }

    /// Send a variant of one of the flow's steps (the login with other
    /// credentials, say), with the flow's CSRF handling.
    pub async fn send_step(&self, step: &Step, agent: &mut Agent) -> Result<StepOutcome> {
        self.run(step, agent, &[]).await
    }

    /// Preauth then login: a fresh logged-in session.
    pub async fn fresh_session(&self) -> Result<(Agent, Vec<Exchange>)> {
        let mut agent = self.agent();
        let pre = self.preauth(&mut agent).await?;
        let login = self.login(&mut agent).await?;
        let trail = pre.trip.exchanges.into_iter().chain(login.trip.exchanges).collect();
        Ok((agent, trail))
    }

    pub async fn logout(&self, agent: &mut Agent) -> Result<Option<StepOutcome>> {
        match &self.flow.logout {
            Some(step) => self.run(step, agent, &[]).await.map(Some),
            None => Ok(None),
        }
    }

    pub async fn password_change(&self, agent: &mut Agent) -> Result<Option<StepOutcome>> {
        match &self.flow.password_change {
            Some(step) => self.run(step, agent, &[]).await.map(Some),
            None => Ok(None),
        }
    }

    async fn run(&self, step: &Step, agent: &mut Agent, extra: &[(String, String)]) -> Result<StepOutcome> {
        let csrf_page = if self.flow.preauth.method == "GET" {
            &self.flow.preauth.path
        } else {
            "/"
        };
        let outcome = step::run(&self.base, csrf_page, step, agent, extra).await?;
        let tokens = outcome.token_before.iter().chain(&outcome.token_after);
        for token in tokens.flat_map(|t| self.carrier.token_parts(t)) {
            self.redactor.token(token);
        }
        if let Some(token) = &outcome.refresh_after {
            self.redactor.token(token);
        }
        Ok(outcome)
    }

    /// Does `token` alone, from a fresh client, reach the protected page logged in?
    pub async fn probe(&self, token: &str) -> Result<Probe> {
        for part in self.carrier.token_parts(token) {
            self.redactor.token(part);
        }
        let mut agent = Agent::with_token(self.layer.clone(), self.carrier.clone(), token).bare(self.bare);
        self.probe_agent(&mut agent).await
    }

    /// The protected page as `agent` sees it.
    pub async fn probe_agent(&self, agent: &mut Agent) -> Result<Probe> {
        let outcome = self.run(&self.flow.protected, agent, &[]).await?;
        Ok(Probe {
            logged_in: self.shows_marker(&outcome.trip.response),
            exchanges: outcome.trip.exchanges,
        })
    }

    /// Send a hand-built request from a fresh anonymous agent and judge it with the oracle.
    pub async fn probe_request(&self, req: Request) -> Result<Probe> {
        let trip = self.agent().send(req, true).await?;
        Ok(Probe {
            logged_in: self.shows_marker(&trip.response),
            exchanges: trip.exchanges,
        })
    }

    /// The logged-in oracle: a successful answer that shows the marker.
    pub fn shows_marker(&self, resp: &Response) -> bool {
        resp.status < 400 && resp.text().contains(&self.flow.logged_in_marker)
    }

    /// Headers that authenticate as the flow's user, logging in again if the shared session was lost.
    pub async fn credentials(&self) -> Result<Vec<(String, String)>> {
        let mut guard = self.shared.lock().await;
        let shared = guard.as_mut().expect("established");
        if shared.checked.elapsed() >= self.recheck && !self.probe_agent(&mut shared.agent).await?.logged_in {
            let (agent, _) = self.fresh_session().await?;
            shared.agent = agent;
            self.relogins.fetch_add(1, Ordering::SeqCst);
        }
        shared.checked = Instant::now();
        Ok(auth_headers(&shared.agent))
    }
}

fn auth_headers(agent: &Agent) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if let Some(cookies) = agent.jar().header() {
        headers.push(("Cookie".to_string(), cookies));
    }
    match (agent.carrier(), agent.token()) {
        (Carrier::Header(name), Some(t)) => headers.push((name.clone(), t)),
        (Carrier::Bearer, Some(t)) => headers.push(("Authorization".into(), format!("Bearer {t}"))),
        _ => {}
    }
    headers
}

/// The cookies the server set so far, for an error that names a carrier it did not.
fn cookies_set(agent: &Agent) -> String {
    let names: Vec<&str> = agent.jar().names().collect();
    if names.is_empty() {
        "the server set no cookie".into()
    } else {
        format!("the server set: {}", names.join(", "))
    }
}

/// Without `[session]`: a JSON token means bearer, else the session-like cookie the login left.
async fn detect_carrier(flow: &Flow, base: &Url, layer: &Arc<HttpLayer>) -> Result<Carrier> {
    if flow.login.token_json.is_some() || flow.preauth.token_json.is_some() {
        return Ok(Carrier::Bearer);
    }
    let mut agent = Agent::new(layer.clone(), Carrier::Cookie(String::new()));
    let csrf_page = flow.preauth.path.clone();
    step::run(base, &csrf_page, &flow.preauth, &mut agent, &[]).await?;
    step::run(base, &csrf_page, &flow.login, &mut agent, &[]).await?;
    let names: Vec<&str> = agent.jar().names().collect();
    let name = names
        .iter()
        .find(|n| crate::cookies::is_session_name(n))
        .or_else(|| names.iter().find(|n| !n.to_ascii_lowercase().contains("csrf")));
    name.map(|n| Carrier::cookie(n, names.iter().copied())).ok_or_else(|| {
        Error::flow(
            "session",
            "no cookie was set by [preauth] or [login]; name the carrier in [session]",
        )
    })
}
