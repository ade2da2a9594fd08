//! The writes a scan's stateful probes (`--active`) send: each object they
//! create, change or delete, and whether cleanup removed what they created.
//! Checks record them in the scan's [`Ledger`] (`ctx.shared::<Ledger>()`);
//! after the checks, [`sweep`] deletes what a check created and left behind
//! (one cut short by the deadline), and the report lists every write in
//! `stats.writes`.

use crate::error::Result;
use crate::http::{HttpLayer, Request};
use rampart_model::{Cleanup, Write};
use std::sync::{Arc, Mutex};
use url::Url;

/// Writes recorded by the checks, kept in the order they were sent.
#[derive(Default)]
pub struct Ledger(Mutex<Vec<Write>>);

/// Who sent a write: the scan's own credentials or a named identity.
pub const SCAN: &str = "scan";

impl Ledger {
    /// Note a write that `rule` sent as `identity`: `created` is the object it
    /// created, `cleanup` what has become of it so far. Returns its index, to
    /// settle it later.
    pub fn record(
        &self,
        rule: &str,
        identity: &str,
        (req, status): (&Request, u16),
        created: Option<&Url>,
        cleanup: Cleanup,
    ) -> usize {
        let mut writes = self.0.lock().unwrap();
        writes.push(Write {
            rule_id: rule.to_string(),
            method: req.method.clone(),
            url: req.url.to_string(),
            status,
            identity: identity.to_string(),
            created: created.map(Url::to_string),
            cleanup,
        });
        writes.len() - 1
    }

    /// Say what became of write `index`'s object.
    pub fn settle(&self, index: usize, cleanup: Cleanup) {
        if let Some(write) = self.0.lock().unwrap().get_mut(index) {
            write.cleanup = cleanup;
        }
    }

    /// DELETE `url` with `auth` and settle write `index` with the outcome;
    /// only a budget error is returned, any other failure is the cleanup's.
    pub async fn delete_and_settle(
        &self,
        layer: &HttpLayer,
        index: usize,
        url: Url,
        auth: &[(String, String)],
    ) -> Result<()> {
        let cleanup = match delete(layer, url, auth).await {
            Ok(cleanup) => cleanup,
            Err(e) if e.is_budget() => return Err(e),
            Err(e) => Cleanup::Failed(e.to_string()),
        };
        self.settle(index, cleanup);
        Ok(())
    }

    /// Every write so far.
    pub fn writes(&self) -> Vec<Write> {
        self.0.lock().unwrap().clone()
    }

    /// Objects created whose cleanup is still pending, with their write's index.
    fn pending(&self) -> Vec<(usize, Url)> {
        let writes = self.0.lock().unwrap();
        let pending = writes.iter().enumerate().filter(|(_, w)| w.cleanup == Cleanup::Pending);
        pending
            .filter_map(|(i, w)| Some((i, Url::parse(w.created.as_deref()?).ok()?)))
            .collect()
    }
}

/// Delete, as the scan's own user, every object a check created and did not
/// clean up itself; whatever cannot be deleted is marked failed, with why.
pub async fn sweep(ledger: &Ledger, layer: &Arc<HttpLayer>, auth: Option<&[(String, String)]>) {
    let pending = ledger.pending();
    if pending.is_empty() {
        return;
    }
    let work = async {
        for (index, url) in pending {
            let cleanup = match auth {
                Some(auth) => delete(layer, url, auth)
                    .await
                    .unwrap_or_else(|e| Cleanup::Failed(e.to_string())),
                None => Cleanup::Failed("the scan has no credentials left to delete it".into()),
            };
            ledger.settle(index, cleanup);
        }
    };
    layer.for_phase("cleanup").run(work).await;
}

/// DELETE `url` with `auth`: gone when the server says so (2xx) or no longer knows it (404, 410).
pub async fn delete(layer: &HttpLayer, url: Url, auth: &[(String, String)]) -> Result<Cleanup> {
    let mut req = Request::new("DELETE", url);
    req.headers.extend(auth.iter().cloned());
    let resp = layer.send(&req).await?;
    Ok(match resp.status {
        200..=299 => Cleanup::Done(format!("deleted (DELETE answered {})", resp.status)),
        404 | 410 => Cleanup::Done(format!("already gone (DELETE answered {})", resp.status)),
        status => Cleanup::Failed(format!("DELETE answered {status}")),
    })
}
