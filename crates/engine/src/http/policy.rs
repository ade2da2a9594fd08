//! Where a scan may send requests. Cloud metadata and link-local addresses are
//! never reached (checked on the URL and again on every address DNS returns),
//! unless the user named such a host as the scan target; an allow-list, when
//! given (the MCP server), admits only the hosts and networks it names.

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

/// The address rules one scan obeys.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    /// Hosts the user named as the target: exempt from the metadata rule.
    trusted: Vec<String>,
    /// `None` admits every address the metadata rule does not refuse.
    allow: Option<Vec<Allowed>>,
}

/// One entry of an allow-list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    /// Every address (but metadata ones).
    Any,
    Net(IpNet),
    /// A host name, matched case-insensitively.
    Host(String),
    /// Every public (globally routed) address: not loopback, private,
    /// shared, unique-local, documentation, multicast or reserved.
    Public,
}

/// Host names of cloud metadata services.
const METADATA_HOSTS: &[&str] = &[
    "metadata",
    "metadata.google.internal",
    "metadata.goog",
    "metadata.azure.internal",
    "instance-data",
    "instance-data.ec2.internal",
];

impl AddressPolicy {
    /// Exempt `host` (the target the user named) from the metadata rule.
    pub fn trust(mut self, host: &str) -> Self {
        self.trusted.push(normalise(host));
        self
    }

    /// Admit only what `allow` names (plus nothing metadata).
    pub fn allow_only(mut self, allow: Vec<Allowed>) -> Self {
        self.allow = Some(allow);
        self
    }

    /// Admit `more` besides what the allow-list already admits.
    pub fn allow_also(mut self, more: Vec<Allowed>) -> Self {
        if let Some(list) = &mut self.allow {
            list.extend(more);
        }
        self
    }

    /// The MCP default: loopback and private networks, and `localhost`.
    pub fn local_only() -> Self {
        let nets = [
            "127.0.0.0/8",
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "::1/128",
            "fc00::/7",
        ];
        let mut allow: Vec<Allowed> = nets
            .iter()
            .map(|n| Allowed::Net(n.parse().expect("valid CIDR")))
            .collect();
        allow.push(Allowed::Host("localhost".into()));
        AddressPolicy::default().allow_only(allow)
    }

    /// Where outgoing webhooks may go: public addresses only (a private or
    /// loopback destination must be allowed by name, with [`Self::allow_also`]).
    pub fn public_only() -> Self {
        AddressPolicy::default().allow_only(vec![Allowed::Public])
    }

    /// Refuse a URL's host before any connection (names and literal addresses).
    pub fn check_host(&self, host: &str) -> Result<(), String> {
        let host = normalise(host);
        if self.trusted.contains(&host) {
            return Ok(());
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self.check_addr(&host, ip);
        }
        if METADATA_HOSTS.contains(&host.as_str()) {
            return Err(format!(
                "{host} is a cloud metadata host; rampart never sends requests there"
            ));
        }
        Ok(())
    }

    /// Refuse an address `host` resolved to.
    pub fn check_addr(&self, host: &str, ip: IpAddr) -> Result<(), String> {
        let host = normalise(host);
        if self.trusted.contains(&host) {
            return Ok(());
        }
        let ip = canonical(ip);
        if let Some(kind) = metadata_kind(ip) {
            return Err(if host == ip.to_string() {
                format!("{ip} is {kind}; rampart never sends requests there")
            } else {
                format!("{host} resolves to {ip}, {kind}; rampart never sends requests there")
            });
        }
        match &self.allow {
            None => Ok(()),
            Some(list) if list.iter().any(|a| admits(a, &host, ip)) => Ok(()),
            Some(_) if host == ip.to_string() => Err(format!("{ip} is not an allowed target (see --allow-targets)")),
            Some(_) => Err(format!(
                "{host} resolves to {ip}, which is not an allowed target (see --allow-targets)"
            )),
        }
    }
}

fn admits(entry: &Allowed, host: &str, ip: IpAddr) -> bool {
    match entry {
        Allowed::Any => true,
        Allowed::Net(net) => net.contains(&ip),
        Allowed::Host(h) => h == host,
        Allowed::Public => is_public(ip),
    }
}

/// Whether `ip` (canonical) is globally routed.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b)))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first == 0x2001 && v6.segments()[1] == 0x0db8))
        }
    }
}

/// Lower case, without IPv6 brackets or a trailing dot.
fn normalise(host: &str) -> String {
    host.trim_matches(['[', ']']).trim_end_matches('.').to_ascii_lowercase()
}

/// IPv4-mapped IPv6 addresses (`::ffff:169.254.169.254`) as the IPv4 they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// What kind of forbidden address `ip` is, if it is one.
fn metadata_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) if v4.is_link_local() => Some("a link-local address (cloud metadata)"),
        IpAddr::V4(v4) if v4 == Ipv4Addr::new(100, 100, 100, 200) => Some("a cloud metadata address"),
        IpAddr::V4(v4) if v4 == Ipv4Addr::new(168, 63, 129, 16) => Some("a cloud platform address"),
        IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80 => Some("a link-local address"),
        IpAddr::V6(v6) if v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) => Some("a cloud metadata address"),
        _ => None,
    }
}

/// Parse `--allow-targets`: CIDRs, addresses, host names or `*`, comma-separated.
pub fn parse_allow_list(raw: &str) -> Result<Vec<Allowed>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| {
            if entry == "*" {
                return Ok(Allowed::Any);
            }
            if let Ok(net) = entry.parse::<IpNet>() {
                return Ok(Allowed::Net(net));
            }
            if let Ok(ip) = entry.trim_matches(['[', ']']).parse::<IpAddr>() {
                return Ok(Allowed::Net(IpNet::from(ip)));
            }
            let host = normalise(entry);
            let valid = !host.is_empty()
                && host.len() <= 253
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'));
            if valid {
                Ok(Allowed::Host(host))
            } else {
                Err(format!(
                    "'{}' is not a CIDR, an address, a host name or *",
                    crate::input::quote(entry)
                ))
            }
        })
        .collect()
}

/// A DNS resolver that refuses names resolving to a forbidden address.
pub struct Resolver {
    pub policy: Arc<AddressPolicy>,
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            for addr in &addrs {
                policy
                    .check_addr(&host, addr.ip())
                    .map_err(|cause| Box::new(Refusal(cause)) as Box<dyn std::error::Error + Send + Sync>)?;
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The policy's refusal, carried through the HTTP client's error chain.
#[derive(Debug)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn public_only_admits_global_addresses_and_what_is_named() {
        let p = AddressPolicy::public_only();
        for public in ["93.184.215.14", "1.1.1.1", "2606:4700::1111"] {
            assert!(p.check_addr(public, ip(public)).is_ok(), "{public}");
        }
        let private = [
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "192.0.2.1",
            "198.18.0.1",
            "::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ];
        for address in private {
            assert!(p.check_addr(address, ip(address)).is_err(), "{address}");
        }
        assert!(p.check_addr("hooks.internal", ip("10.0.0.7")).is_err());
        let named = AddressPolicy::public_only().allow_also(parse_allow_list("127.0.0.1,hooks.internal").unwrap());
        assert!(named.check_addr("127.0.0.1", ip("127.0.0.1")).is_ok());
        assert!(named.check_addr("hooks.internal", ip("10.0.0.7")).is_ok());
        assert!(named.check_addr("10.0.0.7", ip("10.0.0.7")).is_err());
        assert!(named.check_addr("169.254.169.254", ip("169.254.169.254")).is_err());
    }

    #[test]
    fn metadata_addresses_are_refused_in_every_spelling() {
        let p = AddressPolicy::default();
        for host in [
            "169.254.169.254",
            "[fd00:ec2::254]",
            "::ffff:169.254.169.254",
            "100.100.100.200",
            "[fe80::1]",
        ] {
            assert!(p.check_host(host).is_err(), "{host}");
        }
        assert!(p.check_host("metadata.google.internal.").is_err());
        assert!(p.check_host("127.0.0.1").is_ok());
        assert!(p.check_host("example.com").is_ok());
        let err = p.check_addr("evil.example", ip("169.254.169.254")).unwrap_err();
        assert!(err.contains("evil.example resolves to 169.254.169.254"), "{err}");
    }

    #[test]
    fn a_named_target_is_exempt() {
        let p = AddressPolicy::default().trust("169.254.169.254");
        assert!(p.check_host("169.254.169.254").is_ok());
        assert!(p.check_host("169.254.169.253").is_err());
    }

    #[test]
    fn the_local_allow_list_admits_loopback_and_private_only() {
        let p = AddressPolicy::local_only();
        assert!(p.check_addr("localhost", ip("127.0.0.1")).is_ok());
        assert!(p.check_addr("db", ip("10.1.2.3")).is_ok());
        assert!(p.check_addr("example.com", ip("93.184.216.34")).is_err());
        assert!(p.check_addr("x", ip("169.254.169.254")).is_err());
    }

    #[test]
    fn allow_lists_parse_and_refuse_nonsense() {
        let list = parse_allow_list("10.0.0.0/8, api.example.com,*,::1").unwrap();
        assert_eq!(list.len(), 4);
        assert!(parse_allow_list("a b").is_err());
        let p = AddressPolicy::default().allow_only(list);
        assert!(p.check_addr("anything", ip("93.184.216.34")).is_ok());
        assert!(p.check_addr("anything", ip("169.254.0.1")).is_err());
    }
}
