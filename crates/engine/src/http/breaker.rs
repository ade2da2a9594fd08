//! Per-host circuit breaker: after repeated connection failures a host is
//! given up on for the rest of the scan instead of costing a timeout per check.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::sync::Mutex;

pub struct Breaker {
    threshold: u32,
    failures: Mutex<HashMap<String, u32>>,
}

impl Breaker {
    pub fn new(threshold: u32) -> Self {
        Breaker {
            threshold: threshold.max(1),
            failures: Mutex::new(HashMap::new()),
        }
    }

    pub fn check(&self, host: &str) -> Result<()> {
        let failures = self.failures.lock().unwrap();
        match failures.get(host) {
            Some(&n) if n >= self.threshold => Err(Error::CircuitOpen(host.to_string())),
            _ => Ok(()),
        }
    }

    /// Count connection failures and timeouts; any answer closes the circuit again.
    pub fn record<T>(&self, host: &str, outcome: &Result<T>) {
        let mut failures = self.failures.lock().unwrap();
        match outcome {
            Ok(_) => {
                failures.remove(host);
            }
            Err(Error::Connect { .. } | Error::Timeout { .. } | Error::Tls { .. }) => {
                *failures.entry(host.to_string()).or_insert(0) += 1;
            }
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_threshold_and_closes_on_success() {
        let breaker = Breaker::new(2);
        let fail: Result<()> = Err(Error::Connect {
            host: "h".into(),
            cause: "refused".into(),
        });
        breaker.record("h", &fail);
        assert!(breaker.check("h").is_ok());
        breaker.record("h", &fail);
        assert!(matches!(breaker.check("h"), Err(Error::CircuitOpen(_))));
        assert!(breaker.check("other").is_ok());
        breaker.record("h", &Ok(()));
        assert!(breaker.check("h").is_ok());
    }
}
