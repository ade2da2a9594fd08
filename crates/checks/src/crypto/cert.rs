//! Judging a certificate chain: validity period, host name and trust in the
//! public (webpki) roots, each judged on its own so one problem does not hide
//! another; a chain only this machine's store trusts is told apart.

use super::tls::provider;
use rustls::RootCertStore;
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use std::time::Duration;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};

/// What is wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Expired,
    NotYetValid,
    HostnameMismatch,
    SelfSigned,
    Untrusted(String),
    /// No public root trusts the chain, this machine's store does (a private CA).
    PrivateCa,
}

impl Problem {
    /// The finding variant.
    pub fn variant(&self) -> &'static str {
        match self {
            Problem::Expired => "expired",
            Problem::NotYetValid => "not-yet-valid",
            Problem::HostnameMismatch => "hostname-mismatch",
            Problem::SelfSigned => "self-signed",
            Problem::Untrusted(_) => "untrusted",
            Problem::PrivateCa => "private-ca",
        }
    }
}

/// The end-entity certificate, in words, for descriptions and evidence notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// DNS names and IP addresses of the subjectAltName extension.
    pub names: Vec<String>,
}

/// The root stores a chain is judged against.
pub struct Roots {
    /// Mozilla's public roots (webpki-roots): what clients everywhere trust.
    pub public: RootCertStore,
    /// This machine's store: trusted here, perhaps nowhere else.
    pub local: RootCertStore,
}

impl Roots {
    /// Mozilla's roots and whatever this machine's store holds.
    pub fn load() -> Roots {
        let mut local = RootCertStore::empty();
        local.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        Roots {
            public: RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            },
            local,
        }
    }
}

/// Judge `chain` (end entity first) for `host` at `now` against `roots`.
pub fn evaluate(
    chain: &[CertificateDer<'_>],
    host: &ServerName<'_>,
    now: UnixTime,
    roots: &Roots,
) -> Result<(Summary, Vec<Problem>), String> {
    let end_entity = chain.first().ok_or("the server sent no certificate")?;
    let (_, x509) = X509Certificate::from_der(end_entity).map_err(|e| format!("unreadable certificate: {e}"))?;
    let validity = x509.validity();
    let (from, until) = (validity.not_before.timestamp(), validity.not_after.timestamp());
    let at = now.as_secs() as i64;
    let mut problems = Vec::new();
    if at > until {
        problems.push(Problem::Expired);
    } else if at < from {
        problems.push(Problem::NotYetValid);
    }
    let parsed = ParsedCertificate::try_from(end_entity).map_err(|e| format!("unusable certificate: {e}"))?;
    if verify_server_name(&parsed, host).is_err() {
        problems.push(Problem::HostnameMismatch);
    }
    // Trust is judged at a moment the certificate is valid, so expiry is not reported twice.
    let moment = if (from..=until).contains(&at) {
        at
    } else {
        from + (until - from) / 2
    };
    let when = UnixTime::since_unix_epoch(Duration::from_secs(moment.max(0) as u64));
    let algorithms = provider().signature_verification_algorithms.all;
    let trusted = |store| verify_server_cert_signed_by_trust_anchor(&parsed, store, &chain[1..], when, algorithms);
    if let Err(e) = trusted(&roots.public) {
        problems.push(if trusted(&roots.local).is_ok() {
            Problem::PrivateCa
        } else if is_self_signed(&x509) {
            Problem::SelfSigned
        } else {
            Problem::Untrusted(e.to_string())
        });
    }
    Ok((summary(&x509), problems))
}

/// Issued by itself: the same name as issuer and subject, and no authority key
/// identifier that names another key.
fn is_self_signed(x509: &X509Certificate<'_>) -> bool {
    let mut authority = None;
    let mut subject = None;
    for ext in x509.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(aki) => authority = aki.key_identifier.as_ref().map(|k| k.0),
            ParsedExtension::SubjectKeyIdentifier(ski) => subject = Some(ski.0),
            _ => {}
        }
    }
    let other_key = matches!((authority, subject), (Some(a), Some(s)) if a != s);
    x509.subject().as_raw() == x509.issuer().as_raw() && !other_key
}

fn summary(x509: &X509Certificate<'_>) -> Summary {
    let names = x509
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| san.value.general_names.iter().filter_map(name).collect())
        .unwrap_or_default();
    Summary {
        subject: x509.subject().to_string(),
        issuer: x509.issuer().to_string(),
        not_before: x509.validity().not_before.to_string(),
        not_after: x509.validity().not_after.to_string(),
        names,
    }
}

fn name(general: &GeneralName<'_>) -> Option<String> {
    match general {
        GeneralName::DNSName(dns) => Some(dns.to_string()),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => Some(std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*bytes).ok()?).to_string()),
            16 => Some(std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*bytes).ok()?).to_string()),
            _ => None,
        },
        _ => None,
    }
}
