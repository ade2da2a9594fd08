//! `rampart serve`: the monitoring API on `--listen`, over the queue `--db`
//! names, with `--workers` workers, a webhook sender and the scheduler in this process; and `rampart token
//! create`. The first start without any token prints a one-time admin token
//! (or records `RAMPART_ADMIN_TOKEN`).

use super::mcp::{allowed, webhook_destinations};
use super::worker::{open, stopped};
use crate::args::{ServeArgs, TokenAction, TokenArgs};
use anyhow::{Context, Result, anyhow};
use rampart_server::schedule;
use rampart_server::service::{ADMIN_TOKEN_VAR, AppState, app, bootstrap, new_token};
use rampart_server::worker::{DEFAULT_LEASE, Worker};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::watch;

pub async fn run(args: &ServeArgs) -> Result<ExitCode> {
    let policy = allowed(args.targets.allow_targets.as_deref())?;
    let hooks = webhook_destinations(args.webhooks.allow_webhooks.as_deref())?;
    let (queue, db) = open(&args.queue).await?;
    let admin = std::env::var(ADMIN_TOKEN_VAR).ok().filter(|t| !t.is_empty());
    if let Some(token) = bootstrap(queue.as_ref(), admin.as_deref())
        .await
        .map_err(|e| anyhow!(e))?
    {
        eprintln!("rampart serve: admin API token, shown this once (send it as x-api-key): {token}");
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    eprintln!(
        "rampart serve: listening on http://{}; queue {db}; {} worker(s) in-process",
        listener.local_addr()?,
        args.workers
    );
    let (stop, stopping) = watch::channel(false);
    let mut workers = Vec::new();
    let scanners = (0..args.workers)
        .map(|_| Worker::new(Arc::clone(&queue), policy.clone(), DEFAULT_LEASE).with_webhooks(hooks.clone()));
    // One more sends only webhooks, so a long scan never holds a delivery up.
    let sender = Worker::new(Arc::clone(&queue), policy.clone(), DEFAULT_LEASE).only_webhooks(hooks.clone());
    for worker in scanners.chain([sender]) {
        let worker = worker.map_err(|e| anyhow!(e))?;
        let mut stopping = stopping.clone();
        workers.push(tokio::spawn(async move {
            worker
                .run(async move { while stopping.changed().await.is_ok() && !*stopping.borrow() {} })
                .await;
        }));
    }
    let scheduler = {
        let queue = Arc::clone(&queue);
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            schedule::run(queue.as_ref(), async move {
                while stopping.changed().await.is_ok() && !*stopping.borrow() {}
            })
            .await;
        })
    };
    let state = AppState {
        queue,
        policy: Arc::new(policy),
        webhooks: Arc::new(hooks),
    };
    axum::serve(listener, app(state))
        .with_graceful_shutdown(stopped())
        .await?;
    let _ = stop.send(true);
    for task in workers.into_iter().chain([scheduler]) {
        let _ = task.await;
    }
    eprintln!("rampart serve: stopped");
    Ok(ExitCode::SUCCESS)
}

pub async fn token(args: &TokenArgs) -> Result<ExitCode> {
    match &args.action {
        TokenAction::Create { name, queue } => {
            if name.trim().is_empty() || name.len() > 64 {
                return Err(anyhow!("--name: 1 to 64 characters"));
            }
            let (queue, _) = open(queue).await?;
            let token = new_token(queue.as_ref(), name.trim()).await?;
            println!("{token}");
            eprintln!("rampart token: '{}' created; it is shown this once", name.trim());
            Ok(ExitCode::SUCCESS)
        }
    }
}
