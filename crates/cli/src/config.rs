//! Turning parsed arguments into the one immutable scan configuration.

use crate::args::{LimitArgs, ScanArgs};
use anyhow::{Context, Result, bail};
use base64::Engine;
use rampart_engine::{Flow, Limits, ScanConfig};
use std::time::Duration;
use url::Url;

pub fn scan_config(args: &ScanArgs) -> Result<ScanConfig> {
    let mut config = ScanConfig::new(target(&args.url)?);
    config.limits = limits(&args.limits)?;
    config.entropy_samples = args.limits.entropy_samples as usize;
    config.headers = headers(args)?;
    config.selection = args
        .checks
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    check_selection(&config.selection)?;
    config.store = args.store.clone();
    if let Some(path) = &args.flow {
        config.flow = Some(Flow::load(path)?);
    }
    Ok(config)
}

pub fn target(raw: &str) -> Result<Url> {
    let url = Url::parse(raw).with_context(|| format!("'{raw}' is not a URL (expected http://host[:port]/path)"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        bail!("'{raw}' is not an http or https URL");
    }
    Ok(url)
}

pub fn limits(args: &LimitArgs) -> Result<Limits> {
    let secs = |name: &str, v: f64| -> Result<Duration> {
        if !(v.is_finite() && v > 0.0 && v <= 86_400.0) {
            bail!("--{name} must be between 0 and 86400 seconds, not {v}");
        }
        Ok(Duration::from_secs_f64(v))
    };
    Ok(Limits {
        concurrency: args.concurrency as usize,
        rate: args.rate,
        timeout: secs("timeout", args.timeout)?,
        max_requests: args.max_requests,
        max_duration: args.max_duration.map(|v| secs("max-duration", v)).transpose()?,
        resolve: args.resolve.iter().map(|r| resolve(r)).collect::<Result<_>>()?,
        ..Limits::default()
    })
}

/// `host:port:addr` → the host and the socket address to use for it.
fn resolve(raw: &str) -> Result<(String, std::net::SocketAddr)> {
    let mut parts = raw.splitn(3, ':');
    let (Some(host), Some(port), Some(addr)) = (parts.next(), parts.next(), parts.next()) else {
        bail!("--resolve '{raw}' is not host:port:addr");
    };
    let port: u16 = port.parse().with_context(|| format!("--resolve '{raw}': bad port"))?;
    let ip: std::net::IpAddr = addr
        .trim_matches(['[', ']'])
        .parse()
        .with_context(|| format!("--resolve '{raw}': bad address"))?;
    Ok((host.to_string(), std::net::SocketAddr::new(ip, port)))
}

fn headers(args: &ScanArgs) -> Result<Vec<(String, String)>> {
    let mut headers = Vec::new();
    for raw in &args.headers {
        let (name, value) = raw
            .split_once(':')
            .with_context(|| format!("--header '{raw}' is not 'Name: value'"))?;
        let name = name.trim();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) {
            bail!("--header '{raw}' has an invalid header name");
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    if let Some(token) = &args.bearer {
        headers.push(("Authorization".into(), format!("Bearer {token}")));
    }
    if let Some(basic) = &args.basic {
        if !basic.contains(':') {
            bail!("--basic expects user:pass");
        }
        let encoded = base64::engine::general_purpose::STANDARD.encode(basic);
        headers.push(("Authorization".into(), format!("Basic {encoded}")));
    }
    if let Some(cookie) = &args.cookie {
        headers.push(("Cookie".into(), cookie.clone()));
    }
    Ok(headers)
}

/// Every `--checks` entry must name a rule, a category or `session`.
fn check_selection(selection: &[String]) -> Result<()> {
    for item in selection {
        let known = item.eq_ignore_ascii_case("session")
            || rampart_checks::CHECKS.iter().any(|c| {
                let rule = c.rule();
                rule.id.eq_ignore_ascii_case(item) || rule.category.slug().eq_ignore_ascii_case(item)
            });
        if !known {
            bail!("--checks: '{item}' is neither a rule id nor a category (see `rampart checks`)");
        }
    }
    Ok(())
}
