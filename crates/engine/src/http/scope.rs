//! Which rule a request is sent for. The runner runs each check inside the
//! scope [`super::HttpLayer::for_check`] returns; every request sent from it
//! (directly, through an agent, the flow driver or a raw TLS connect) is
//! counted against the rule's declared allowance and attributed to the rule
//! in `stats.requestsByRule`. Requests outside any check (reaching the
//! target, loading the spec, validating the flow) are attributed to
//! [`SETUP`].

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// What requests outside every check are attributed to.
pub const SETUP: &str = "setup";

tokio::task_local! {
    static CURRENT: Arc<Scope>;
}

/// One check's (or phase's) share of the scan's requests.
#[derive(Debug)]
pub struct Scope {
    name: &'static str,
    /// Most requests the check may send; `None` for a phase of the scan.
    allowance: Option<u64>,
    admitted: AtomicU64,
}

impl Scope {
    pub(super) fn new(name: &'static str, allowance: Option<u64>) -> Arc<Scope> {
        Arc::new(Scope {
            name,
            allowance,
            admitted: AtomicU64::new(0),
        })
    }

    /// Run `work` with every request it sends counted in this scope.
    pub async fn run<F: Future>(self: Arc<Self>, work: F) -> F::Output {
        CURRENT.scope(self, work).await
    }
}

/// Admit one request of the current scope (a retry after 429 is the same
/// request): refused once a check has sent what it declared.
pub(super) fn admit() -> Result<()> {
    CURRENT
        .try_with(|scope| {
            let admitted = scope.admitted.fetch_add(1, Ordering::SeqCst);
            match scope.allowance {
                Some(max) if admitted >= max => Err(Error::CheckBudget {
                    rule: scope.name.to_string(),
                    allowance: max,
                }),
                _ => Ok(()),
            }
        })
        .unwrap_or(Ok(()))
}

/// The name requests sent now are attributed to.
fn current() -> &'static str {
    CURRENT.try_with(|scope| scope.name).unwrap_or(SETUP)
}

/// Requests on the wire per scope name.
#[derive(Debug, Default)]
pub(super) struct Tally(Mutex<BTreeMap<&'static str, u64>>);

impl Tally {
    /// Count one request sent on the wire for the current scope.
    pub(super) fn count(&self) {
        *self.0.lock().unwrap().entry(current()).or_default() += 1;
    }

    pub(super) fn snapshot(&self) -> BTreeMap<String, u64> {
        let tally = self.0.lock().unwrap();
        tally.iter().map(|(name, n)| (name.to_string(), *n)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_is_stopped_at_its_allowance_and_its_requests_attributed() {
        let tally = Tally::default();
        let scope = Scope::new("SESS-001", Some(2));
        let results = scope
            .run(async {
                let mut results = Vec::new();
                for _ in 0..3 {
                    let admitted = admit();
                    if admitted.is_ok() {
                        tally.count();
                    }
                    results.push(admitted);
                }
                results
            })
            .await;
        assert!(results[0].is_ok() && results[1].is_ok());
        assert!(matches!(&results[2], Err(Error::CheckBudget { allowance: 2, .. })));
        assert!(admit().is_ok(), "outside a check nothing is capped");
        tally.count();
        let counts = tally.snapshot();
        assert_eq!(counts.get("SESS-001"), Some(&2));
        assert_eq!(counts.get(SETUP), Some(&1));
    }

    #[tokio::test]
    async fn concurrent_checks_in_one_task_keep_their_own_counts() {
        let tally = Tally::default();
        let work = |name, n| {
            let tally = &tally;
            Scope::new(name, None).run(async move {
                for _ in 0..n {
                    tokio::task::yield_now().await;
                    admit().unwrap();
                    tally.count();
                }
            })
        };
        futures::join!(work("AUTH-001", 3), work("RATE-001", 5));
        let counts = tally.snapshot();
        assert_eq!((counts["AUTH-001"], counts["RATE-001"]), (3, 5));
    }
}
