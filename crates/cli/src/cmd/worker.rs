//! `rampart worker`: open the queue (a history file, or PostgreSQL/CockroachDB
//! shared with other workers) and run scan jobs until Ctrl-C or SIGTERM, or,
//! with `--once`, until none is ready. Progress goes to stderr.

use super::mcp::allowed;
use crate::args::WorkerArgs;
use anyhow::{Context, Result};
use rampart_server::worker::Worker;
use rampart_store::{History, queue};
use std::process::ExitCode;
use std::time::Duration;

pub async fn run(args: &WorkerArgs) -> Result<ExitCode> {
    let policy = allowed(args.allow_targets.as_deref())?;
    let db = match &args.db {
        Some(db) => db.clone(),
        None => History::default_path().display().to_string(),
    };
    let queue = queue::open(&db)
        .await
        .with_context(|| format!("cannot open the queue {}", redacted(&db)))?;
    let worker = Worker::new(queue, policy, Duration::from_secs(args.lease_secs));
    eprintln!("rampart worker {}: queue {}", worker.name(), redacted(&db));
    if args.once {
        while worker.run_one().await? {}
        return Ok(ExitCode::SUCCESS);
    }
    worker.run(stopped()).await;
    eprintln!("rampart worker {}: stopped", worker.name());
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM.
async fn stopped() {
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
