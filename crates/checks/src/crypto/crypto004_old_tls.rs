//! CRYPTO-004: the server completes a TLS 1.0 or 1.1 handshake.

use super::OWASP;
use super::legacy::{Answer, Legacy, probe, version_name, version_variant};
use super::net::addresses;
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Finding, Proof, Rule, Severity};
use url::Host;

pub struct OldTls;

static RULE: Rule = Rule {
    id: "CRYPTO-004",
    title: "Old TLS protocol accepted",
    category: Category::Encryption,
    severity: Severity::Medium,
    cwe: &[326],
    owasp: OWASP,
    summary: "The server still negotiates TLS 1.0 or 1.1, deprecated by RFC 8996: they rely on weak constructions (CBC with implicit IVs, SHA-1 and MD5 in the handshake) and let an attacker downgrade clients that support them.",
    remediation: "Disable TLS 1.0 and 1.1 at the server or load balancer; accept TLS 1.2 and 1.3 only.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc8996",
        "https://cwe.mitre.org/data/definitions/326.html",
    ],
    needs: &[],
    variants: &["ssl3.0", "tls1.0", "tls1.1", "unknown"],
    examples: &[Example {
        endpoint: "GET /",
        variant: Some("tls1.0"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "api.example.com answered a ClientHello offering only TLS 1.0 with a ServerHello for TLS 1.0 (cipher suite 0xc014).",
        evidence: &[Proof {
            request: "GET /",
            headers: &[],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"name":"example-api","version":"1.4.2"}"#,
            note: "the same server negotiates TLS 1.0",
        }],
    }],
};

#[async_trait]
impl Check for OldTls {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    /// One TLS connection per old version offered.
    fn max_requests(&self, _: &ScanConfig) -> u64 {
        2
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let target = &ctx.config.target;
        if target.scheme() != "https" {
            return Ok(Outcome::NotApplicable("the target is not served over HTTPS".into()));
        }
        let host = target.host_str().unwrap_or_default().to_string();
        let Some(addr) = addresses(ctx.config, target).await.first().copied() else {
            return Err(Error::Connect {
                host,
                cause: "the host name does not resolve".into(),
            });
        };
        let sni = match target.host() {
            Some(Host::Domain(d)) => Some(d.to_string()),
            _ => None,
        };
        let mut accepted: Vec<(Legacy, u16, u16)> = Vec::new();
        for asked in [Legacy::Tls10, Legacy::Tls11] {
            let tcp = ctx.layer.connect(&host, addr).await?;
            if let Answer::Accepted { version, suite } =
                probe(tcp, sni.as_deref(), asked, ctx.config.limits.timeout).await
            {
                if !accepted.iter().any(|(_, v, _)| *v == version) {
                    accepted.push((asked, version, suite));
                }
            }
        }
        let endpoint = Endpoint {
            method: "GET".into(),
            url: target.to_string(),
        };
        let findings = accepted
            .into_iter()
            .map(|(asked, version, suite)| {
                let chosen = version_name(version);
                let description = format!(
                    "{host} answered a ClientHello offering only {} with a ServerHello for {chosen} (cipher suite {suite:#06x}).",
                    asked.name()
                );
                let evidence = ctx
                    .seen
                    .first()
                    .map(|ex| ex.clone().noted(format!("the same server negotiates {chosen}")));
                Finding::new(&RULE, Confidence::Confirmed, endpoint.clone(), description)
                    .with_variant(version_variant(version))
                    .with_evidence(evidence.into_iter().collect())
            })
            .collect();
        Ok(Outcome::Findings(findings))
    }
}
