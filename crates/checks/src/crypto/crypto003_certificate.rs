//! CRYPTO-003: the TLS certificate is invalid (expired, not yet valid, for
//! another host name, self-signed or untrusted), judged on rampart's own handshake.

use super::OWASP;
use super::cert::{Problem, Roots, Summary, evaluate};
use super::net::addresses;
use super::tls::fetch_chain;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Finding, Proof, Rule, Severity};
use rustls::pki_types::{ServerName, UnixTime};
use url::{Host, Url};

pub struct InvalidCertificate;

static RULE: Rule = Rule {
    id: "CRYPTO-003",
    title: "TLS certificate invalid",
    category: Category::Encryption,
    severity: Severity::High,
    cwe: &[295],
    owasp: OWASP,
    summary: "The server's certificate fails validation: expired, not yet valid, issued for another name, self-signed or chained to no publicly trusted root. Clients either refuse the API or are taught to skip validation, which opens them to interception.",
    remediation: "Install a certificate from a publicly trusted CA that covers the API's host name, serve the full intermediate chain, and renew it automatically (e.g. ACME) well before expiry.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/",
        "https://cwe.mitre.org/data/definitions/295.html",
    ],
    needs: &[],
    variants: &[
        "expired",
        "not-yet-valid",
        "hostname-mismatch",
        "self-signed",
        "untrusted",
        "private-ca",
    ],
    examples: &[Example {
        endpoint: "GET /",
        variant: Some("expired"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "The certificate of api.example.com expired on Mar 15 23:59:59 2024 +00:00.",
        evidence: &[Proof {
            request: "GET /",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"name":"example-api","version":"1.4.2"}"#,
            note: "certificate presented: subject CN=api.example.com, issuer C=US, O=Let's Encrypt, CN=R3, valid Dec 16 00:00:00 2023 +00:00 to Mar 15 23:59:59 2024 +00:00, names [api.example.com]",
        }],
    }],
};

#[async_trait]
impl Check for InvalidCertificate {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    /// One TLS connection.
    fn max_requests(&self, _: &ScanConfig) -> u64 {
        1
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let target = &ctx.config.target;
        if target.scheme() != "https" {
            return Ok(Outcome::NotApplicable("the target is not served over HTTPS".into()));
        }
        let host = target.host_str().unwrap_or_default().to_string();
        let tls_error = |cause: String| Error::Tls {
            host: host.clone(),
            cause,
        };
        let name = server_name(target).ok_or_else(|| tls_error("no usable host name".into()))?;
        let addr = *addresses(ctx.config, target)
            .await
            .first()
            .ok_or_else(|| tls_error("the host name does not resolve".into()))?;
        let tcp = ctx.layer.connect(&host, addr).await?;
        let chain = fetch_chain(tcp, name.clone(), ctx.config.limits.timeout)
            .await
            .map_err(&tls_error)?;
        let (summary, problems) = evaluate(&chain, &name, UnixTime::now(), &Roots::load()).map_err(&tls_error)?;
        let endpoint = Endpoint {
            method: "GET".into(),
            url: target.to_string(),
        };
        let note = format!(
            "certificate presented: subject {}, issuer {}, valid {} to {}, names [{}]",
            summary.subject,
            summary.issuer,
            summary.not_before,
            summary.not_after,
            summary.names.join(", ")
        );
        let evidence: Vec<_> = ctx.seen.first().map(|ex| ex.clone().noted(note)).into_iter().collect();
        let findings = problems
            .iter()
            .map(|p| {
                Finding::new(
                    &RULE,
                    Confidence::Confirmed,
                    endpoint.clone(),
                    describe(p, &summary, &host),
                )
                .with_variant(p.variant())
                .with_evidence(evidence.clone())
            })
            .collect();
        Ok(Outcome::Findings(findings))
    }
}

/// The name rampart presents and checks: the host's DNS name or IP address.
pub(crate) fn server_name(url: &Url) -> Option<ServerName<'static>> {
    match url.host()? {
        Host::Domain(d) => ServerName::try_from(d.to_string()).ok(),
        Host::Ipv4(ip) => Some(ServerName::IpAddress(std::net::IpAddr::V4(ip).into())),
        Host::Ipv6(ip) => Some(ServerName::IpAddress(std::net::IpAddr::V6(ip).into())),
    }
}

fn describe(problem: &Problem, s: &Summary, host: &str) -> String {
    match problem {
        Problem::Expired => format!("The certificate of {host} expired on {}.", s.not_after),
        Problem::NotYetValid => format!("The certificate of {host} is not valid before {}.", s.not_before),
        Problem::HostnameMismatch => format!(
            "The certificate of {host} is issued for [{}] ({}), not for {host}.",
            s.names.join(", "),
            s.subject
        ),
        Problem::SelfSigned => format!(
            "The certificate of {host} is self-signed ({}); no client trusts it without an exception.",
            s.subject
        ),
        Problem::Untrusted(cause) => format!(
            "The certificate chain of {host} (issuer {}) leads to no trusted root: {cause}.",
            s.issuer
        ),
        Problem::PrivateCa => format!(
            "The certificate chain of {host} (issuer {}) is trusted by this machine's store but by no public root: clients elsewhere reject it.",
            s.issuer
        ),
    }
}
