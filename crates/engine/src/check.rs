//! The `Check` trait every rule implements, and the context a check runs in.

use crate::callback::Listener;
use crate::config::ScanConfig;
use crate::error::Result;
use crate::flow::Driver;
use crate::http::HttpLayer;
use crate::inventory::Inventory;
use crate::shared::Shared;
use crate::survey::Surveyed;
use async_trait::async_trait;
use rampart_inspect::Inspector;
use rampart_model::{Exchange, Finding, Fingerprint, Need, Rule};
use std::sync::Arc;

/// What a check concluded.
#[derive(Debug)]
pub enum Outcome {
    /// The check ran; an empty list means the target passed.
    Findings(Vec<Finding>),
    /// The rule does not apply to this target (the reason is reported).
    NotApplicable(String),
    /// The check ran but could not tell either way (the reason is reported);
    /// a check may also end so with [`crate::Error::Inconclusive`].
    Inconclusive(String),
}

/// Everything a check may use. Checks never print and never build their own client.
pub struct Context<'a> {
    pub config: &'a ScanConfig,
    pub layer: Arc<HttpLayer>,
    /// Present when a flow file was given and validated.
    pub driver: Option<&'a Driver>,
    pub fingerprint: &'a Fingerprint,
    /// What reaching the target returned (its root and a missing path); passive checks read it.
    pub seen: &'a [Exchange],
    /// The session store, when `--store` was given and rampart could connect (read-only).
    pub store: Option<&'a Inspector>,
    /// Every endpoint known: from `--spec`, else the target and discovery.
    pub inventory: &'a Inventory,
    /// First answers of every safe GET endpoint, sent once by the runner.
    pub survey: &'a [Surveyed],
    /// The callback listener, when a selected check asked for one and it could bind.
    pub callback: Option<&'a Listener>,
    /// State the scan's checks share (see [`Context::shared`]).
    pub shared: &'a Shared,
    /// Identities other than the scan's own (`--identity`), logged in.
    pub identities: &'a [crate::identity::Other],
    /// Secrets a check learns (the password and tokens of an account it
    /// registers) go here, to be hidden from the report like the user's own.
    pub redactor: &'a crate::redact::Redactor,
}

impl Context<'_> {
    /// Headers that authenticate: the configured ones (`--header`, `--bearer`…), else the
    /// flow's session; `None` when the scan has no credentials at all.
    pub async fn auth_headers(&self) -> Result<Option<Vec<(String, String)>>> {
        credentials(self.config, self.driver).await
    }

    /// This scan's shared value of type `T` (made on first use), for state
    /// several checks of one scan must agree on.
    pub fn shared<T: std::any::Any + Default + Send + Sync>(&self) -> Arc<T> {
        self.shared.get()
    }

    /// The surveyed answers of one endpoint, by its index in the inventory.
    pub fn surveyed(&self, endpoint: usize) -> Option<&Surveyed> {
        self.survey.iter().find(|s| s.endpoint == endpoint)
    }
}

/// Headers that authenticate: configured ones, else the flow's session (renewed if lost).
pub async fn credentials(config: &ScanConfig, driver: Option<&Driver>) -> Result<Option<Vec<(String, String)>>> {
    if !config.headers.is_empty() {
        return Ok(Some(config.headers.clone()));
    }
    match driver {
        Some(d) => Ok(Some(d.credentials().await?)),
        None => Ok(None),
    }
}

/// Why a rule that needs `need` did not run on this scan, or `None` when the
/// scan meets it. The callback listener is the rule's own to judge (whether
/// the target can reach it depends on the rule's probe).
pub fn unmet(ctx: &Context<'_>, need: Need) -> Option<&'static str> {
    let met = match need {
        Need::Flow => ctx.driver.is_some(),
        Need::Store => ctx.store.is_some(),
        Need::Callback => true,
        Need::Credentials => !ctx.config.headers.is_empty() || ctx.driver.is_some(),
        Need::Identity => !ctx.identities.is_empty(),
        Need::Active => ctx.config.active,
        Need::Spec => ctx.inventory.from_spec(),
    };
    (!met).then(|| needs_reason(need))
}

/// The one-line reason a rule needing `need` gives when the scan lacks it.
pub fn needs_reason(need: Need) -> &'static str {
    match need {
        Need::Flow => "needs a session flow (--flow or --login)",
        Need::Store => "needs read access to the session store (--store)",
        Need::Callback => "needs the scan's callback listener",
        Need::Credentials => "needs the scan's own credentials (--header, --bearer, --login or --flow)",
        Need::Identity => "needs a second user: --identity NAME=CREDENTIAL",
        Need::Active => "writes to objects the scan creates: needs --active",
        Need::Spec => "needs an API description (--spec)",
    }
}

/// One rule's detection logic. Implementations are unit structs listed once in the registry.
#[async_trait]
pub trait Check: Send + Sync {
    fn rule(&self) -> &'static Rule;

    /// The most requests one run may send under `config` (checked by the registry test).
    fn max_requests(&self, config: &ScanConfig) -> u64;

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome>;
}
