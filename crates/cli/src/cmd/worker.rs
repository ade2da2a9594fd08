//! `rampart worker`: open the queue (a history file, or PostgreSQL/CockroachDB
//! shared with other workers) and run scan jobs and webhook deliveries until Ctrl-C or SIGTERM, or,
//! with `--once`, until none is ready. Progress goes to stderr.

use super::mcp::{allowed, webhook_destinations};
use crate::args::{QueueDb, WorkerArgs};
use anyhow::{Context, Result, anyhow};
use rampart_server::worker::Worker;
use rampart_store::History;
use rampart_store::queue::{self, Queue};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

pub async fn run(args: &WorkerArgs) -> Result<ExitCode> {
    let policy = allowed(args.targets.allow_targets.as_deref())?;
    let (queue, db) = open(&args.queue).await?;
    let hooks = webhook_destinations(args.webhooks.allow_webhooks.as_deref())?;
    let worker = Worker::new(queue, policy, Duration::from_secs(args.lease_secs))
        .with_webhooks(hooks)
        .map_err(|e| anyhow!(e))?;
    eprintln!("rampart worker {}: queue {db}", worker.name());
    if args.once {
        while worker.run_one().await? {}
        return Ok(ExitCode::SUCCESS);
    }
    worker.run(stopped()).await;
    eprintln!("rampart worker {}: stopped", worker.name());
    Ok(ExitCode::SUCCESS)
}

/// The queue `--db` names (or the default history file), and how to show where it is.
pub async fn open(db: &QueueDb) -> Result<(Arc<dyn Queue>, String)> {
    let db = match &db.db {
        Some(db) => db.clone(),
        None => History::default_path().display().to_string(),
    };
    let shown = redacted(&db);
    let queue = queue::open(&db)
        .await
        .with_context(|| format!("cannot open the queue {shown}"))?;
    Ok((queue, shown))
}

/// Ctrl-C or SIGTERM.
pub async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// A database URL without its password (`postgres://user:***@host/db`).
fn redacted(db: &str) -> String {
    match url::Url::parse(db) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => db.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redacted("postgres://app:s3cret@db:5432/rampart"),
            "postgres://app:***@db:5432/rampart"
        );
        assert_eq!(redacted("/var/lib/rampart/history.db"), "/var/lib/rampart/history.db");
    }
}
