//! What the server counts for benchmarks: answers in all, answers per
//! operation, and answers per 10 ms since the last reset (so a benchmark can
//! see when a client was sending, without instrumenting the client).

use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::time::Instant;

/// Width of one timeline bucket.
const BUCKET_MS: u64 = 10;
/// Buckets kept (two minutes); later answers are counted but not placed.
const BUCKETS: usize = 12_000;

/// Counters shared by every handler.
pub struct Tally {
    started: Instant,
    /// Milliseconds from `started` to the last reset.
    epoch_ms: AtomicU64,
    answers: AtomicU64,
    per_op: Vec<AtomicU64>,
    timeline: Vec<AtomicU32>,
}

impl Tally {
    /// Counters for `ops` operations, all zero.
    pub fn new(ops: usize) -> Self {
        Tally {
            started: Instant::now(),
            epoch_ms: AtomicU64::new(0),
            answers: AtomicU64::new(0),
            per_op: (0..ops).map(|_| AtomicU64::new(0)).collect(),
            timeline: (0..BUCKETS).map(|_| AtomicU32::new(0)).collect(),
        }
    }

    /// One answer sent (any route).
    pub fn answer(&self) {
        self.answers.fetch_add(1, Relaxed);
        let since = self.now_ms().saturating_sub(self.epoch_ms.load(Relaxed));
        if let Some(bucket) = self.timeline.get((since / BUCKET_MS) as usize) {
            bucket.fetch_add(1, Relaxed);
        }
    }

    /// One request routed to operation `op`.
    pub fn operation(&self, op: usize) {
        self.per_op[op].fetch_add(1, Relaxed);
    }

    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// The counts as JSON, operations reached grouped by `method_of(index)`. With
    /// `reset`, every count starts again from zero (and then counts the answer to this request).
    pub fn snapshot(&self, method_of: impl Fn(usize) -> &'static str, reset: bool) -> Value {
        let take32 = |c: &AtomicU32| if reset { c.swap(0, Relaxed) } else { c.load(Relaxed) };
        let take = |c: &AtomicU64| if reset { c.swap(0, Relaxed) } else { c.load(Relaxed) };
        let per_op: Vec<u64> = self.per_op.iter().map(take).collect();
        let mut timeline: Vec<u32> = self.timeline.iter().map(take32).collect();
        let used = timeline.iter().rposition(|&n| n > 0).map_or(0, |i| i + 1);
        timeline.truncate(used);
        if reset {
            self.epoch_ms.store(self.now_ms(), Relaxed);
        }
        let reached = |method: &str| {
            let ops: Vec<u64> = (0..per_op.len())
                .filter(|&i| method_of(i) == method)
                .map(|i| per_op[i])
                .collect();
            json!({ "reached": ops.iter().filter(|&&n| n > 0).count(), "of": ops.len() })
        };
        json!({
            "requests": take(&self.answers),
            "operations": per_op.len(),
            "get": reached("get"),
            "post": reached("post"),
            "opRequests": per_op.iter().sum::<u64>(),
            "bucketMs": BUCKET_MS,
            "timeline": timeline,
        })
    }
}
