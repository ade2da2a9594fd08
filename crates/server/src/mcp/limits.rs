//! What the MCP server lets an assistant do: scan only the targets its
//! address policy admits (loopback and private networks unless
//! `--allow-targets` says more; metadata addresses never), and run at most a
//! few scans at once.

use rampart_engine::http::policy::AddressPolicy;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Scans one server runs at once unless told otherwise.
pub const DEFAULT_MAX_SCANS: u16 = 2;

/// The server's scan limits, shared by every tool call.
#[derive(Debug)]
pub struct ScanLimits {
    policy: AddressPolicy,
    max_scans: usize,
    running: Semaphore,
}

impl ScanLimits {
    pub fn new(policy: AddressPolicy, max_scans: usize) -> Self {
        let max_scans = max_scans.max(1);
        ScanLimits {
            policy,
            max_scans,
            running: Semaphore::new(max_scans),
        }
    }

    pub fn policy(&self) -> &AddressPolicy {
        &self.policy
    }

    /// A slot for one scan, or `None` when every slot is taken.
    pub fn start(&self) -> Option<SemaphorePermit<'_>> {
        self.running.try_acquire().ok()
    }

    pub fn max_scans(&self) -> usize {
        self.max_scans
    }
}

impl Default for ScanLimits {
    fn default() -> Self {
        ScanLimits::new(AddressPolicy::local_only(), usize::from(DEFAULT_MAX_SCANS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_run_out_and_come_back() {
        let limits = ScanLimits::new(AddressPolicy::local_only(), 2);
        let a = limits.start().unwrap();
        let _b = limits.start().unwrap();
        assert!(limits.start().is_none());
        drop(a);
        assert!(limits.start().is_some());
    }
}
