//! Global rate limit, request budget and scan deadline.

use crate::error::{Error, Result};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::time::sleep_until;

/// Spaces requests evenly at `rate` per second (0 = unlimited).
pub struct RateLimiter {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl RateLimiter {
    pub fn new(rate: u32) -> Self {
        let interval = (rate > 0).then(|| Duration::from_secs_f64(1.0 / f64::from(rate)));
        RateLimiter {
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    pub async fn wait(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let slot = {
            let mut next = self.next.lock().unwrap();
            let slot = (*next).max(Instant::now());
            *next = slot + interval;
            slot
        };
        sleep_until(slot.into()).await;
    }
}

/// Set from outside the scan (Ctrl-C): every request from then on is refused,
/// so the scan ends with what it has.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    pub fn interrupt(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The whole scan's request budget and deadline.
pub struct Budget {
    max_requests: Option<u64>,
    max_duration: Option<Duration>,
    started: Instant,
    sent: AtomicU64,
    interrupt: Interrupt,
}

impl Budget {
    pub fn new(max_requests: Option<u64>, max_duration: Option<Duration>) -> Self {
        Budget {
            max_requests,
            max_duration,
            started: Instant::now(),
            sent: AtomicU64::new(0),
            interrupt: Interrupt::default(),
        }
    }

    /// Refuse every request once `interrupt` is set.
    pub fn with_interrupt(mut self, interrupt: Interrupt) -> Self {
        self.interrupt = interrupt;
        self
    }

    /// Count one request against the budget and return the timeout it may use.
    pub fn admit(&self, timeout: Duration) -> Result<Duration> {
        if self.interrupt.is_set() {
            return Err(Error::Interrupted);
        }
        let remaining = match self.max_duration {
            Some(max) => {
                let left = max.saturating_sub(self.started.elapsed());
                if left.is_zero() {
                    return Err(Error::Deadline(max.as_secs()));
                }
                left
            }
            None => timeout,
        };
        let sent = self.sent.fetch_add(1, Ordering::SeqCst);
        if let Some(max) = self.max_requests {
            if sent >= max {
                self.sent.fetch_sub(1, Ordering::SeqCst);
                return Err(Error::Budget(max));
            }
        }
        Ok(timeout.min(remaining))
    }

    /// Time left before the deadline; `None` without one.
    pub fn remaining(&self) -> Option<Duration> {
        self.max_duration.map(|max| max.saturating_sub(self.started.elapsed()))
    }

    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }
}

/// `Retry-After` as seconds (the HTTP-date form counts from now).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    let secs = (when - time::OffsetDateTime::now_utc()).whole_seconds().max(0);
    Some(Duration::from_secs(secs as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_stops_at_max_requests() {
        let budget = Budget::new(Some(2), None);
        assert!(budget.admit(Duration::from_secs(1)).is_ok());
        assert!(budget.admit(Duration::from_secs(1)).is_ok());
        assert!(matches!(budget.admit(Duration::from_secs(1)), Err(Error::Budget(2))));
        assert_eq!(budget.sent(), 2);
    }

    #[test]
    fn deadline_shortens_the_timeout_then_refuses() {
        let budget = Budget::new(None, Some(Duration::from_millis(50)));
        assert!(budget.admit(Duration::from_secs(10)).unwrap() <= Duration::from_millis(50));
        std::thread::sleep(Duration::from_millis(60));
        assert!(matches!(budget.admit(Duration::from_secs(10)), Err(Error::Deadline(_))));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[tokio::test]
    async fn rate_limiter_spaces_requests() {
        let limiter = RateLimiter::new(100);
        let start = Instant::now();
        for _ in 0..6 {
            limiter.wait().await;
        }
        assert!(start.elapsed() >= Duration::from_millis(45));
    }
}
