//! Turning parsed arguments into the one immutable scan configuration.

use crate::args::{LimitArgs, ScanArgs};
use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use rampart_engine::flow::discover::{Credentials, PASSWORD_VAR};
use rampart_engine::http::policy::AddressPolicy;
use rampart_engine::identity::{self, Credential};
use rampart_engine::{Flow, Limits, ScanConfig, input};
use std::time::Duration;
use url::Url;

pub fn scan_config(args: &ScanArgs) -> Result<ScanConfig> {
    let mut config = ScanConfig::new(target(args.url.as_deref().unwrap_or_default())?);
    config.limits = limits(&args.limits)?;
    let named = config.target.host_str().unwrap_or_default();
    config.limits.policy = AddressPolicy::default().trust(named);
    config.entropy_samples = args.limits.entropy_samples.unwrap_or(DEFAULT_ENTROPY_SAMPLES) as usize;
    config.headers = headers(args)?;
    config.selection = input::selection(&args.checks, rampart_checks::CHECKS)
        .map_err(|e| anyhow!("--checks: {e} (see `rampart checks`)"))?;
    config.store = args.store.clone();
    config.store_table = args.store_table.clone();
    config.spec = args.spec.clone();
    config.active = args.active;
    config.llm_tier = args.llm_tier;
    if let Some(addr) = &args.callback_listen {
        config.callback_listen = addr
            .parse()
            .with_context(|| format!("--callback-listen '{addr}' is not ADDR:PORT"))?;
    }
    config.callback_url = args.callback_url.as_deref().map(callback_url).transpose()?;
    if let Some(path) = &args.auth.flow {
        config.flow = Some(Flow::load(path)?);
    }
    let env = |name: &str| std::env::var(name).ok();
    if let Some(login) = &args.auth.login {
        config.login = Some(credentials(login, args.auth.password_env.as_deref(), &env)?);
    }
    identities(&mut config, &args.auth.identities, &env)?;
    Ok(config)
}

/// `--identity NAME=CREDENTIAL`, repeatable; without other credentials, the
/// first identity is the scan's own.
fn identities(config: &mut ScanConfig, raw: &[String], env: &dyn Fn(&str) -> Option<String>) -> Result<()> {
    let mut parsed = identity::parse_all(raw, env).map_err(|e| anyhow!("--identity {e}"))?;
    let has_own = !config.headers.is_empty() || config.flow.is_some() || config.login.is_some();
    if !has_own && !parsed.is_empty() {
        match parsed.remove(0).credential {
            Credential::Headers(headers) => config.headers = headers,
            Credential::Login(creds) => config.login = Some(creds),
        }
    }
    config.identities = parsed;
    Ok(())
}

/// `--login USER[:PASSWORD]`: the password after the first ':', else from
/// `--password-env VAR`, else from `RAMPART_PASSWORD`.
fn credentials(login: &str, var: Option<&str>, env: &dyn Fn(&str) -> Option<String>) -> Result<Credentials> {
    let (user, inline) = match login.split_once(':') {
        Some((user, password)) => (user, Some(password.to_string())),
        None => (login, None),
    };
    if user.is_empty() {
        bail!("--login needs a user name: --login USER[:PASSWORD]");
    }
    let var = var.unwrap_or(PASSWORD_VAR);
    let password = inline.or_else(|| env(var)).filter(|p| !p.is_empty()).ok_or_else(|| {
        anyhow!(
            "--login {} needs a password: set {var} (or name another variable with --password-env), or give USER:PASSWORD",
            input::quote(user)
        )
    })?;
    Ok(Credentials {
        user: user.to_string(),
        password,
    })
}

fn callback_url(raw: &str) -> Result<Url> {
    let url = Url::parse(raw).with_context(|| format!("--callback-url '{raw}'"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("--callback-url '{raw}' must be an http(s) URL");
    }
    Ok(url)
}

/// The target URL; one without a scheme (`api.example.com:8443/v1`) means
/// https, said on stderr.
pub fn target(raw: &str) -> Result<Url> {
    if raw.contains("://") {
        return Ok(input::target(raw)?);
    }
    match input::target(&format!("https://{raw}")) {
        Ok(url) => {
            crate::say::info(&format!("{} has no scheme; scanning {url}", input::quote(raw)));
            Ok(url)
        }
        Err(_) => Ok(input::target(raw)?),
    }
}

/// The whole-scan deadline without `--max-duration` (0 means none).
pub const DEFAULT_MAX_DURATION: f64 = 900.0;

/// The most parallel requests (`--concurrency`, `concurrency` in the project file).
pub const MAX_CONCURRENCY: u32 = 1024;
/// The bounds of SESS-006's sample (`--entropy-samples`, `entropy_samples`).
pub const ENTROPY_SAMPLES: (u32, u32) = (2, 100_000);

/// Parallel requests without `--concurrency`.
const DEFAULT_CONCURRENCY: u32 = 16;
/// Requests per second without `--rate`.
const DEFAULT_RATE: u32 = 50;
/// Seconds per request without `--timeout`.
const DEFAULT_TIMEOUT: f64 = 10.0;
/// SESS-006's sample without `--entropy-samples`.
const DEFAULT_ENTROPY_SAMPLES: u32 = 100;

pub fn limits(args: &LimitArgs) -> Result<Limits> {
    let secs = |name: &str, v: f64| -> Result<Duration> {
        if !(v.is_finite() && v > 0.0 && v <= 86_400.0) {
            bail!("--{name} must be between 0 and 86400 seconds, not {v}");
        }
        Ok(Duration::from_secs_f64(v))
    };
    Ok(Limits {
        concurrency: args.concurrency.unwrap_or(DEFAULT_CONCURRENCY) as usize,
        rate: args.rate.unwrap_or(DEFAULT_RATE),
        timeout: secs("timeout", args.timeout.unwrap_or(DEFAULT_TIMEOUT))?,
        max_requests: args.max_requests,
        max_duration: match args.max_duration {
            Some(0.0) => None,
            v => Some(secs("max-duration", v.unwrap_or(DEFAULT_MAX_DURATION))?),
        },
        resolve: args.resolve.iter().map(|r| resolve(r)).collect::<Result<_>>()?,
        unsafe_words: unsafe_words(&args.unsafe_word, &args.safe_word)?,
        include_paths: path_globs("include", &args.include)?,
        exclude_paths: path_globs("exclude", &args.exclude)?,
        insecure: args.insecure,
        ca_certs: match &args.ca_cert {
            Some(path) => input::read_bounded(path, CA_CAP).map_err(|e| anyhow!("--ca-cert: {e}"))?,
            None => Vec::new(),
        },
        proxy: args.proxy.as_deref().map(proxy).transpose()?,
        ..Limits::default()
    })
}

/// `--include`/`--exclude` globs: absolute paths, at most 64 of 256 bytes each.
fn path_globs(flag: &str, globs: &[String]) -> Result<Vec<String>> {
    if globs.len() > 64 {
        bail!("--{flag} is given {} times; at most 64", globs.len());
    }
    for glob in globs {
        if !glob.starts_with('/') || glob.len() > 256 {
            bail!(
                "--{flag} {} must be a path glob starting with / (at most 256 characters), such as /admin/**",
                input::quote(glob)
            );
        }
    }
    Ok(globs.to_vec())
}

/// Largest `--ca-cert` file read.
const CA_CAP: u64 = 1024 * 1024;

/// `--proxy URL`: http, https or socks5(h), with a host.
fn proxy(raw: &str) -> Result<Url> {
    let url = Url::parse(raw).map_err(|e| anyhow!("--proxy {}: {e}", input::quote(raw)))?;
    if !matches!(url.scheme(), "http" | "https" | "socks5" | "socks5h") || url.host_str().is_none() {
        bail!(
            "--proxy {} must be http://, https://, socks5:// or socks5h:// with a host",
            input::quote(raw)
        );
    }
    Ok(url)
}

/// The default state-changing path words, with `--unsafe-word`s added and `--safe-word`s taken off.
fn unsafe_words(added: &[String], removed: &[String]) -> Result<Vec<String>> {
    let word = |w: &String| {
        let w = w.trim().to_ascii_lowercase();
        if w.is_empty() || !w.chars().all(|c| c.is_ascii_alphanumeric()) {
            bail!(
                "--unsafe-word/--safe-word {} is not a word (letters and digits)",
                input::quote(&w)
            );
        }
        Ok(w)
    };
    let removed: Vec<String> = removed.iter().map(word).collect::<Result<_>>()?;
    let mut words = rampart_engine::http::guard::default_words();
    for w in added {
        words.push(word(w)?);
    }
    words.retain(|w| !removed.contains(w));
    words.dedup();
    Ok(words)
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
    for raw in &args.auth.headers {
        headers.push(input::header(raw).map_err(|e| anyhow!("--header {e}"))?);
    }
    if let Some(token) = &args.auth.bearer {
        headers.push(("Authorization".into(), format!("Bearer {token}")));
    }
    if let Some(basic) = &args.auth.basic {
        if !basic.contains(':') {
            bail!("--basic expects user:pass");
        }
        let encoded = base64::engine::general_purpose::STANDARD.encode(basic);
        headers.push(("Authorization".into(), format!("Basic {encoded}")));
    }
    if let Some(cookie) = &args.auth.cookie {
        headers.push(("Cookie".into(), cookie.clone()));
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn the_login_password_comes_inline_or_from_the_environment() {
        let env = |name: &str| match name {
            "RAMPART_PASSWORD" => Some("from-default".to_string()),
            "MY_PW" => Some("from-mine".to_string()),
            _ => None,
        };
        let got = |login: &str, var: Option<&str>| credentials(login, var, &env).map(|c| (c.user, c.password));
        assert_eq!(got("alice:in:line", None).unwrap(), ("alice".into(), "in:line".into()));
        assert_eq!(got("alice", None).unwrap(), ("alice".into(), "from-default".into()));
        assert_eq!(
            got("alice", Some("MY_PW")).unwrap(),
            ("alice".into(), "from-mine".into())
        );
        assert!(
            got("alice", Some("UNSET"))
                .unwrap_err()
                .to_string()
                .contains("set UNSET")
        );
        assert!(got(":pw", None).is_err());
    }

    fn config(args: &[&str]) -> ScanConfig {
        let cli = crate::args::Cli::try_parse_from(args).unwrap();
        match cli.command {
            crate::args::Command::Scan(scan) => scan_config(&scan).unwrap(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn scans_have_a_deadline_unless_zero_is_asked() {
        let limits = config(&["rampart", "scan", "http://127.0.0.1:9/"]).limits;
        assert_eq!(limits.max_duration, Some(Duration::from_secs(900)));
        let limits = config(&["rampart", "scan", "http://127.0.0.1:9/", "--max-duration", "0"]).limits;
        assert_eq!(limits.max_duration, None);
    }

    #[test]
    fn the_named_target_is_exempt_from_the_metadata_rule_and_nothing_else() {
        let policy = config(&["rampart", "scan", "http://169.254.169.254/latest/"])
            .limits
            .policy;
        assert!(policy.check_host("169.254.169.254").is_ok());
        assert!(policy.check_host("169.254.170.2").is_err());
        assert!(policy.check_host("metadata.google.internal").is_err());
    }
}
