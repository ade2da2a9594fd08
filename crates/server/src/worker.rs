//! The worker loop: claim a scan job from the shared queue, run the scan
//! while heartbeats keep the lease, then save the report and complete the job
//! in one fenced transaction ([`Queue::finish`]), or record the failure for a
//! retry. A worker that dies mid-scan sends no more heartbeats; its lease runs
//! out and another worker runs the job again, and since only the lease holder
//! can finish it, the scan is saved once.
//!
//! A scan job's payload is the MCP tool `scan_api`'s arguments as JSON
//! ([`ScanApi`]): the same validation, and secrets only through the worker's
//! environment (`password_env`, `RAMPART_PASSWORD_<NAME>`, `${VAR}` in flow
//! files), never in the job.
//!
//! A worker given a webhook policy ([`Worker::with_webhooks`]) also sends
//! webhook deliveries ([`WEBHOOK_JOB`] jobs).

use crate::events;
use crate::mcp::ScanApi;
use crate::mcp::scan::{GRACE, budget, config, scan};
use crate::webhooks::Deliverer;
use rampart_engine::http::policy::AddressPolicy;
use rampart_model::Report;
use rampart_store::StoreError;
use rampart_store::queue::{Failed, Job, NewEvent, Queue, WEBHOOK_JOB};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// The job kind workers run.
pub const SCAN: &str = "scan";
/// How long a claim holds a job without a heartbeat.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);
/// How long an idle worker waits before looking again.
const POLL: Duration = Duration::from_secs(1);

/// One worker process's loop.
pub struct Worker {
    queue: Arc<dyn Queue>,
    name: String,
    lease: Duration,
    policy: AddressPolicy,
    /// Sends webhook deliveries, when given.
    deliverer: Option<Deliverer>,
    /// The job kinds it claims.
    kinds: &'static [&'static str],
}

/// How a job's run ended.
enum Ran {
    Report(Box<Report>),
    Failed(String),
    /// A heartbeat found the lease gone: another worker has the job now.
    LeaseLost,
}

impl Worker {
    /// A worker scanning only what `policy` admits, named after this host and process.
    pub fn new(queue: Arc<dyn Queue>, policy: AddressPolicy, lease: Duration) -> Worker {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        let host = host.trim();
        let name = format!(
            "{}-{}-{:04x}",
            if host.is_empty() { "worker" } else { host },
            std::process::id(),
            rand::random::<u16>()
        );
        Worker {
            queue,
            name,
            lease: lease.max(Duration::from_secs(1)),
            policy,
            deliverer: None,
            kinds: &[SCAN],
        }
    }

    /// Also sends webhook deliveries, to the destinations `policy` admits.
    pub fn with_webhooks(mut self, policy: AddressPolicy) -> Result<Worker, String> {
        self.deliverer = Some(Deliverer::new(policy)?);
        self.kinds = &[SCAN, WEBHOOK_JOB];
        Ok(self)
    }

    /// Sends webhook deliveries only (so a long scan never holds them up).
    pub fn only_webhooks(mut self, policy: AddressPolicy) -> Result<Worker, String> {
        self = self.with_webhooks(policy)?;
        self.kinds = &[WEBHOOK_JOB];
        Ok(self)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs jobs until `stop` completes (checked between jobs and while idle;
    /// a job cut short is retried by another worker once its lease runs out).
    pub async fn run(&self, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            let worked = tokio::select! {
                _ = &mut stop => return,
                worked = self.run_one() => worked,
            };
            match worked {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => eprintln!("rampart worker {}: queue: {e}", self.name),
            }
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Runs one ready job; `false` when there was none.
    pub async fn run_one(&self) -> Result<bool, StoreError> {
        let Some(job) = self.queue.claim(&self.name, self.kinds, self.lease).await? else {
            return Ok(false);
        };
        if let (WEBHOOK_JOB, Some(deliverer)) = (job.kind.as_str(), &self.deliverer) {
            let outcome = deliverer.run(self.queue.as_ref(), &job).await?;
            eprintln!("rampart worker {}: {outcome}", self.name);
            return Ok(true);
        }
        let what = format!("job {} (attempt {} of {})", job.id, job.attempts, job.max_attempts);
        match self.scan_job(&job).await {
            Ran::Report(report) => match self
                .queue
                .finish(&job, &report, &self.events(&job, &report).await?)
                .await?
            {
                Some(id) => eprintln!("rampart worker {}: {what}: saved scan {id}", self.name),
                None => eprintln!("rampart worker {}: {what}: lease lost before saving", self.name),
            },
            Ran::Failed(why) => {
                let outcome = self.queue.fail(&job, &why, None).await?;
                if let (Failed::Dead, Some(target)) = (outcome, job.target) {
                    let failed = events::failed(target, job.id, &why);
                    self.queue.add_events(Some(target), &[failed]).await?;
                }
                eprintln!("rampart worker {}: {what}: {why}; {outcome}", self.name);
            }
            Ran::LeaseLost => eprintln!("rampart worker {}: {what}: lease lost mid-scan", self.name),
        }
        Ok(true)
    }

    /// The events a target's finished scan records (none for other jobs).
    async fn events(&self, job: &Job, report: &Report) -> Result<Vec<NewEvent>, StoreError> {
        let Some(target) = job.target else {
            return Ok(Vec::new());
        };
        let previous = self.queue.latest_scan(target).await?;
        Ok(events::after_scan(target, previous.as_ref(), report))
    }

    /// The job's scan, raced against the heartbeats that keep its lease.
    async fn scan_job(&self, job: &Job) -> Ran {
        let args: ScanApi = match serde_json::from_str(&job.payload) {
            Ok(args) => args,
            Err(e) => return Ran::Failed(format!("invalid scan job: {e}")),
        };
        let secs = budget(&args);
        let mut config = match config(&args, secs) {
            Ok(config) => config,
            Err(e) => return Ran::Failed(e.to_string()),
        };
        config.limits.policy = self.policy.clone();
        let deadline = Duration::from_secs(secs) + GRACE;
        tokio::select! {
            ran = tokio::time::timeout(deadline, scan(config)) => match ran {
                Ok(Ok(report)) => Ran::Report(Box::new(report)),
                Ok(Err(e)) => Ran::Failed(e.to_string()),
                Err(_) => Ran::Failed(format!("scan did not finish within {secs} s")),
            },
            () = self.heartbeats(job) => Ran::LeaseLost,
        }
    }

    /// Extends the lease every third of it; returns once the lease is gone.
    async fn heartbeats(&self, job: &Job) {
        loop {
            tokio::time::sleep(self.lease / 3).await;
            match self.queue.heartbeat(job, self.lease).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => eprintln!("rampart worker {}: heartbeat of job {}: {e}", self.name, job.id),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_store::queue::{NewJob, NewTarget, State};

    /// A target's scan that fails on its last attempt records `scan.failed`
    /// with the cause; a failure with attempts left records nothing.
    #[tokio::test]
    async fn a_targets_scan_targets_is_an_event() {
        let dir = std::env::temp_dir().join(format!("rampart-worker-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let history = rampart_store::History::open(&dir.join("history.db")).await.unwrap();
        let queue: Arc<dyn Queue> = Arc::new(history.queue());
        let worker = Worker::new(Arc::clone(&queue), AddressPolicy::default(), DEFAULT_LEASE);
        let scan = r#"{"url":"http://127.0.0.1:9/","headers":["X-Api-Key: ${RAMPART_TEST_WORKER_UNSET}"]}"#;
        let mut targets = Vec::new();
        for (name, attempts) in [("retried", 2), ("dead", 1)] {
            let target = NewTarget {
                name: name.into(),
                url: "http://127.0.0.1:9/".into(),
                scan: scan.into(),
                schedule: None,
            };
            let target = queue.add_target(&target).await.unwrap();
            let mut job = NewJob::new(SCAN, scan);
            (job.target, job.max_attempts) = (Some(target), attempts);
            let job = queue.enqueue(&job).await.unwrap().unwrap();
            assert!(worker.run_one().await.unwrap());
            let state = queue.get(job).await.unwrap().unwrap().state;
            assert_eq!(state, if attempts == 1 { State::Dead } else { State::Queued });
            targets.push(target);
        }
        let events = queue.events(None, 0, 10).await.unwrap();
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(
            (events[0].kind.as_str(), events[0].target),
            (events::SCAN_FAILED, Some(targets[1]))
        );
        assert!(
            events[0].data.contains("RAMPART_TEST_WORKER_UNSET is not set"),
            "{}",
            events[0].data
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
