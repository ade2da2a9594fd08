//! Whether the target can reach the scan's callback listener: it can when
//! both are on loopback, when the listener binds a routable address, or when
//! the user names the listener's public URL (`--callback-url`).

use rampart_engine::callback::Listener;
use rampart_engine::{Context, ScanConfig};
use std::net::IpAddr;

/// The listener a probe may hand the target, or why there is none (a one-line reason).
pub fn listener<'a>(ctx: &'a Context<'_>) -> Result<&'a Listener, String> {
    let Some(listener) = ctx.callback else {
        return Err("the callback listener could not start (see the scan events); pass --callback-listen ADDR:PORT with a free address".into());
    };
    if reachable(ctx.config) {
        Ok(listener)
    } else {
        Err(format!(
            "the target {} is not on loopback and cannot reach the callback listener on {}: pass --callback-url with an address the target can reach (and --callback-listen to bind it)",
            ctx.config.target.host_str().unwrap_or("?"),
            ctx.config.callback_listen
        ))
    }
}

/// Can the target reach the listener as configured?
pub fn reachable(config: &ScanConfig) -> bool {
    let bound = config.callback_listen.ip();
    config.callback_url.is_some() || is_loopback_target(config) || !(bound.is_loopback() || bound.is_unspecified())
}

/// Is the target on this machine: a loopback address, `localhost`, or a `--resolve` pin to loopback?
fn is_loopback_target(config: &ScanConfig) -> bool {
    let Some(host) = config.target.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || config
            .limits
            .resolve
            .iter()
            .any(|(name, addr)| name.eq_ignore_ascii_case(&host) && addr.ip().is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn config(target: &str) -> ScanConfig {
        ScanConfig::new(Url::parse(target).unwrap())
    }

    #[test]
    fn loopback_targets_reach_the_default_listener() {
        assert!(reachable(&config("http://127.0.0.1:8080/")));
        assert!(reachable(&config("http://[::1]:8080/")));
        assert!(reachable(&config("http://localhost/")));
        let mut pinned = config("http://app.test/");
        pinned.limits.resolve = vec![("app.test".into(), "127.0.0.1:80".parse().unwrap())];
        assert!(reachable(&pinned));
    }

    #[test]
    fn remote_targets_need_a_callback_url_or_a_routable_bind() {
        let mut remote = config("https://api.example.com/");
        assert!(!reachable(&remote));
        remote.callback_listen = "0.0.0.0:9000".parse().unwrap();
        assert!(!reachable(&remote));
        remote.callback_listen = "10.0.0.5:9000".parse().unwrap();
        assert!(reachable(&remote));
        remote.callback_url = Some(Url::parse("http://scanner.example:9000/").unwrap());
        assert!(reachable(&remote));
    }
}
