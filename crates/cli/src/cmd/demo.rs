//! `rampart demo`: serve the built-in vulnerable API (or, with `--fixed`, its
//! corrected twin) on loopback and scan it with its own flow. With `--api`,
//! the bearer-token API instead, scanned as a second user too, with write
//! probes and the LLM prompts.

use crate::args::DemoArgs;
use crate::{output, progress};
use anyhow::{Context, Result};
use rampart_demo::Flaws;
use rampart_demo::api::{self, ApiFlaws};
use rampart_engine::identity::Identity;
use rampart_engine::{Flow, LlmTier, ScanConfig};
use rampart_report::Format;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub async fn run(args: &DemoArgs) -> Result<ExitCode> {
    let plan = if args.output.format.is_none() && args.output.output.is_empty() {
        output::Plan::Stdout(Format::Summary)
    } else {
        output::plan(&args.output, Format::Summary)?
    };
    output::validate(&args.output)?;
    let server = Server::start(args).await?;
    if args.serve {
        return serve_only(&server).await;
    }
    // The API serves its document to signed-in callers only; the scan reads it from a file.
    let spec = args
        .api
        .then(|| Scratch::write("openapi.json", api::OPENAPI))
        .transpose()?;
    let config = match &spec {
        Some(spec) => api_config(&server.url(), &spec.0)?,
        None => demo_config(&server.url())?,
    };
    let variant = if args.fixed { "fixed" } else { "vulnerable" };
    crate::say::info(&format!(
        "{} ({variant}) listening on {}; scanning it with its built-in flow",
        server.name(),
        server.url()
    ));
    let bar = progress::Bar::new();
    let result = rampart_engine::run_scan(&config, rampart_checks::CHECKS, &bar).await;
    bar.finish();
    let report = result?;
    output::write(&report, &plan, output::color(&args.output))?;
    output::write_har(&report, &args.output)?;
    crate::say::details(&report);
    if let Some(db) = &args.db {
        crate::history::save(&report, db, true).await;
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo scans its own loopback server, so it runs without a rate limit.
pub fn demo_config(url: &str) -> Result<ScanConfig> {
    let mut config = ScanConfig::new(crate::config::target(url)?);
    config.flow = Some(Flow::parse(rampart_demo::FLOW, "built-in demo flow", &|_| None)?);
    config.limits.rate = 0;
    Ok(config)
}

/// The bearer-token API's scan: its flow as alice, bob as the second
/// identity, write probes, every LLM prompt and its document (`spec`).
fn api_config(url: &str, spec: &std::path::Path) -> Result<ScanConfig> {
    let mut config = ScanConfig::new(crate::config::target(url)?);
    config.flow = Some(Flow::parse(api::FLOW, "built-in demo API flow", &|_| None)?);
    let (name, password, _) = api::USERS[1];
    let bob = Identity::parse(&format!("{name}=login:{name}:{password}"), &|_| None).map_err(anyhow::Error::msg)?;
    config.identities = vec![bob];
    config.spec = Some(spec.display().to_string());
    config.active = true;
    config.llm_tier = Some(LlmTier::Deep);
    config.limits.rate = 0;
    Ok(config)
}

/// The server a demo run scans: the session demo or the bearer-token API.
enum Server {
    Session(rampart_demo::DemoServer),
    Api(api::ApiServer),
}

impl Server {
    async fn start(args: &DemoArgs) -> Result<Server> {
        let port = args.port.unwrap_or(0);
        let server = if args.api {
            let flaws = if args.fixed {
                ApiFlaws::fixed()
            } else {
                ApiFlaws::vulnerable()
            };
            api::serve_on(flaws, port).await.map(Server::Api)
        } else {
            let flaws = if args.fixed {
                Flaws::fixed()
            } else {
                Flaws::vulnerable()
            };
            rampart_demo::serve_on(flaws, port).await.map(Server::Session)
        };
        server.with_context(|| format!("cannot start the {} on loopback", Server::named(args.api)))
    }

    fn named(api: bool) -> &'static str {
        if api { "demo bearer-token API" } else { "demo API" }
    }

    fn name(&self) -> &'static str {
        Server::named(matches!(self, Server::Api(_)))
    }

    fn url(&self) -> String {
        match self {
            Server::Session(s) => s.url(),
            Server::Api(s) => s.url(),
        }
    }

    fn flow(&self) -> &'static str {
        match self {
            Server::Session(_) => rampart_demo::FLOW,
            Server::Api(_) => api::FLOW,
        }
    }

    /// What `rampart scan` needs besides the URL and the flow file.
    fn scan_args(&self) -> String {
        match self {
            Server::Session(_) => String::new(),
            Server::Api(_) => {
                let (name, password, _) = api::USERS[1];
                format!(" --identity {name}=login:{name}:{password} --active --llm-tier deep")
            }
        }
    }
}

/// A file in the temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn write(name: &str, text: &str) -> Result<Scratch> {
        let path = std::env::temp_dir().join(format!("rampart-demo-{}-{name}", std::process::id()));
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Keep the demo server up for scans from outside; the flow file is written to the temp dir.
async fn serve_only(server: &Server) -> Result<ExitCode> {
    let flow = Scratch::write("flow.toml", server.flow())?;
    // A reader that stops early (`| head -1`) is no reason to stop serving.
    let _ = writeln!(std::io::stdout(), "{}\n{}", server.url(), flow.0.display());
    eprintln!(
        "rampart: serving the {}; scan it with: rampart scan {} --flow {}{}",
        server.name(),
        server.url(),
        flow.0.display(),
        server.scan_args()
    );
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    Ok(ExitCode::SUCCESS)
}
