//! Where a target lives: the addresses its host stands for (pinned with
//! `--resolve`, literal, or from DNS) and whether they are internal.

use rampart_engine::ScanConfig;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use url::{Host, Url};

/// Longest a DNS lookup may take.
const LOOKUP: Duration = Duration::from_secs(5);

/// Loopback, private, link-local, carrier-grade NAT, unique-local or unspecified.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            match v6.to_ipv4_mapped() {
                Some(v4) => is_internal(IpAddr::V4(v4)),
                None => {
                    v6.is_loopback() || v6.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
                }
            }
        }
    }
}

/// The socket addresses of `url`'s host and port; empty when it cannot be resolved.
pub async fn addresses(config: &ScanConfig, url: &Url) -> Vec<SocketAddr> {
    let Some(port) = url.port_or_known_default() else {
        return Vec::new();
    };
    match url.host() {
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(name)) => {
            let pinned: Vec<SocketAddr> = config
                .limits
                .resolve
                .iter()
                .filter(|(host, _)| host.eq_ignore_ascii_case(name))
                .map(|(_, addr)| SocketAddr::new(addr.ip(), port))
                .collect();
            if !pinned.is_empty() {
                return pinned;
            }
            match tokio::time::timeout(LOOKUP, tokio::net::lookup_host((name, port))).await {
                Ok(Ok(found)) => found.collect(),
                _ => Vec::new(),
            }
        }
        None => Vec::new(),
    }
}

/// Does `url`'s host stand for an internal address (any of them)?
pub async fn is_internal_target(config: &ScanConfig, url: &Url) -> bool {
    addresses(config, url).await.iter().any(|a| is_internal(a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "100.128.0.1"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn pinned_and_literal_hosts() {
        let mut config = ScanConfig::new(Url::parse("http://api.example/").unwrap());
        config.limits.resolve = vec![("api.example".into(), "10.0.0.7:1".parse().unwrap())];
        let pinned = addresses(&config, &Url::parse("https://api.example/x").unwrap()).await;
        assert_eq!(pinned, ["10.0.0.7:443".parse::<SocketAddr>().unwrap()]);
        assert!(is_internal_target(&config, &config.target).await);
        let literal = addresses(&config, &Url::parse("http://[::1]:8080/").unwrap()).await;
        assert_eq!(literal, ["[::1]:8080".parse::<SocketAddr>().unwrap()]);
    }
}
