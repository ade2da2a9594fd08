//! rampart's own TLS handshake: a verifier that records the certificate chain
//! the server presents (and lets the handshake finish), then a separate
//! evaluation of that chain for expiry, host name and trust.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;

/// Most certificates of a chain kept.
const MAX_CHAIN: usize = 10;

/// The certificates a server presented, end entity first.
pub type Chain = Vec<CertificateDer<'static>>;

/// The crypto provider rampart's handshakes use.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Records the chain instead of judging it; handshake signatures are still checked.
#[derive(Debug)]
struct Recorder {
    chain: Mutex<Chain>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = self.chain.lock().unwrap();
        chain.clear();
        let all = std::iter::once(end_entity).chain(intermediates).take(MAX_CHAIN);
        chain.extend(all.map(|c| c.clone().into_owned()));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// Over `tcp` (a connection the HTTP layer opened), present `name` (SNI) and
/// return the chain the server sent, within `timeout` for the whole exchange.
pub async fn fetch_chain(tcp: TcpStream, name: ServerName<'static>, timeout: Duration) -> Result<Chain, String> {
    let provider = provider();
    let recorder = Arc::new(Recorder {
        chain: Mutex::new(Vec::new()),
        provider: provider.clone(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let handshake = async { connector.connect(name, tcp).await.map(drop).map_err(|e| e.to_string()) };
    let outcome = tokio::time::timeout(timeout, handshake)
        .await
        .unwrap_or_else(|_| Err(format!("no TLS handshake within {} s", timeout.as_secs())));
    let chain = recorder.chain.lock().unwrap().clone();
    match outcome {
        _ if !chain.is_empty() => Ok(chain),
        Err(e) => Err(e),
        Ok(()) => Err("the server sent no certificate".into()),
    }
}
