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

/// One rule's detection logic. Implementations are unit structs listed once in the registry.
#[async_trait]
pub trait Check: Send + Sync {
    fn rule(&self) -> &'static Rule;

    /// The most requests one run may send under `config` (checked by the registry test).
    fn max_requests(&self, config: &ScanConfig) -> u64;

    /// Session checks log in and out as the flow's user, so they run one at a time.
    fn uses_flow(&self) -> bool {
        self.rule().needs.contains(&Need::Flow)
    }

    /// Gray-box checks that read the session store (`--store`).
    fn uses_store(&self) -> bool {
        self.rule().needs.contains(&Need::Store)
    }

    /// Checks that hand the target a URL of the scan's callback listener.
    fn uses_callback(&self) -> bool {
        self.rule().needs.contains(&Need::Callback)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome>;
}
