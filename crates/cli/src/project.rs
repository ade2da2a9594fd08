//! The project file: `rampart.toml` in the working directory, or the one
//! `--config FILE` names. It holds the scan options everyone who scans the
//! project shares (flow, spec, checks, limits, scope, gate) and its
//! suppressions; what the command line gives wins over it, and lists
//! (headers, checks, globs) given on the command line replace the file's.
//!
//! ```toml
//! [scan]
//! flow = "security/flow.toml"     # paths are relative to this file
//! spec = "openapi.yaml"
//! rate = 20
//! exclude = ["/admin/**"]
//! fail_on = "high"
//!
//! [[ignore]]                      # as in .rampart-ignore.toml
//! rule = "SESS-008"
//! reason = "TLS ends at the gateway"
//! ```

use crate::args::ScanArgs;
use crate::config::{self, ENTROPY_SAMPLES};
use anyhow::{Result, anyhow, bail};
use rampart_model::Severity;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The project file read without `--config`, when it exists.
pub const DEFAULT_FILE: &str = "rampart.toml";
/// Largest project file read.
const CAP: u64 = 256 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    scan: Defaults,
    #[serde(default)]
    ignore: Vec<crate::ignore::Entry>,
}

/// `[scan]`: the options of `rampart scan`, by their long names in snake case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    flow: Option<PathBuf>,
    login: Option<String>,
    password_env: Option<String>,
    spec: Option<String>,
    checks: Option<Vec<String>>,
    headers: Option<Vec<String>>,
    active: Option<bool>,
    llm_tier: Option<String>,
    ignore: Option<PathBuf>,
    concurrency: Option<u32>,
    rate: Option<u32>,
    timeout: Option<f64>,
    max_requests: Option<u64>,
    max_duration: Option<f64>,
    unsafe_words: Option<Vec<String>>,
    safe_words: Option<Vec<String>>,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    insecure: Option<bool>,
    ca_cert: Option<PathBuf>,
    proxy: Option<String>,
    entropy_samples: Option<u32>,
    threshold: Option<u8>,
    fail_on: Option<String>,
}

/// `args` with the project file's defaults filled in: the file `--config`
/// names, else `rampart.toml` here unless `--no-config`.
pub fn apply(args: &ScanArgs) -> Result<ScanArgs> {
    let default = Path::new(DEFAULT_FILE);
    let path = match &args.project.config {
        Some(path) => path.as_path(),
        None if !args.project.no_config && default.is_file() => default,
        None => return Ok(args.clone()),
    };
    let label = path.display().to_string();
    let bytes = rampart_engine::input::read_bounded(path, CAP).map_err(|e| anyhow!("--config: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| anyhow!("{label} is not UTF-8"))?;
    let file: File = toml::from_str(&text).map_err(|e| anyhow!("{label}: {}", e.message().trim_end()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut merged = args.clone();
    fill(&mut merged, file.scan, dir).map_err(|e| anyhow!("{label}: [scan] {e}"))?;
    merged.project_ignores = (label, file.ignore);
    Ok(merged)
}

/// Fill what the command line left unset; paths resolve against `dir`.
fn fill(args: &mut ScanArgs, d: Defaults, dir: &Path) -> Result<()> {
    let at = |p: PathBuf| if p.is_absolute() { p } else { dir.join(p) };
    if d.flow.is_some() && d.login.is_some() {
        bail!("flow and login do not combine; keep one");
    }
    let auth = &mut args.auth;
    if auth.flow.is_none() && auth.login.is_none() {
        auth.flow = d.flow.map(at);
        auth.login = d.login;
        auth.password_env = auth.password_env.take().or(d.password_env);
    }
    replace_if_empty(&mut auth.headers, d.headers);
    args.spec = args.spec.take().or(d.spec.map(|s| spec_location(s, dir)));
    args.ignore = args.ignore.take().or(d.ignore.map(at));
    args.active |= d.active.unwrap_or(false);
    if args.llm_tier.is_none() {
        args.llm_tier = d
            .llm_tier
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e| anyhow!("llm_tier: {e}"))?;
    }
    replace_if_empty(&mut args.checks, d.checks);
    let limits = &mut args.limits;
    limits.concurrency = limits
        .concurrency
        .or(within("concurrency", d.concurrency, 1, config::MAX_CONCURRENCY)?);
    limits.rate = limits.rate.or(d.rate);
    limits.timeout = limits.timeout.or(d.timeout);
    limits.max_requests = limits.max_requests.or(d.max_requests);
    limits.max_duration = limits.max_duration.or(d.max_duration);
    limits.entropy_samples = limits.entropy_samples.or(within(
        "entropy_samples",
        d.entropy_samples,
        ENTROPY_SAMPLES.0,
        ENTROPY_SAMPLES.1,
    )?);
    replace_if_empty(&mut limits.unsafe_word, d.unsafe_words);
    replace_if_empty(&mut limits.safe_word, d.safe_words);
    replace_if_empty(&mut limits.include, d.include);
    replace_if_empty(&mut limits.exclude, d.exclude);
    limits.insecure |= d.insecure.unwrap_or(false);
    limits.ca_cert = limits.ca_cert.take().or(d.ca_cert.map(at));
    limits.proxy = limits.proxy.take().or(d.proxy);
    let gate = &mut args.gate;
    gate.threshold = gate.threshold.or(within("threshold", d.threshold, 0, 100)?);
    if gate.fail_on.is_none() {
        gate.fail_on = d.fail_on.as_deref().map(severity).transpose()?;
    }
    Ok(())
}

/// A spec path relative to the project file; URLs as they are.
fn spec_location(spec: String, dir: &Path) -> String {
    let remote = spec.starts_with("http://") || spec.starts_with("https://");
    if remote || Path::new(&spec).is_absolute() {
        return spec;
    }
    dir.join(spec).to_string_lossy().into_owned()
}

fn replace_if_empty(given: &mut Vec<String>, file: Option<Vec<String>>) {
    if given.is_empty() {
        *given = file.unwrap_or_default();
    }
}

fn within<T: PartialOrd + std::fmt::Display + Copy>(name: &str, v: Option<T>, lo: T, hi: T) -> Result<Option<T>> {
    match v {
        Some(v) if v < lo || v > hi => bail!("{name} = {v} is outside {lo}..={hi}"),
        v => Ok(v),
    }
}

fn severity(raw: &str) -> Result<Severity> {
    raw.parse::<Severity>().map_err(|e| anyhow!("fail_on: {e}"))
}
