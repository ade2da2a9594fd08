//! TLS options against in-process rustls servers whose certificates rcgen
//! makes (self-signed, CA-issued) and a plain-HTTP port asked for https:
//! cases no lab application produces. Failures read in words.

use rampart_engine::{Error, HttpLayer, Limits, Request};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

/// A TLS server on loopback presenting `chain`; every request gets a 204.
async fn serve_tls(chain: Vec<CertificateDer<'static>>, key: &KeyPair) -> SocketAddr {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let _ = tls.read(&mut [0u8; 4096]).await;
                    let _ = tls
                        .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                        .await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    addr
}

/// A plain-HTTP server: whatever arrives gets a 400, as real servers answer a ClientHello.
async fn serve_plain() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let _ = tcp.read(&mut [0u8; 1024]).await;
            let _ = tcp
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    addr
}

fn leaf() -> CertificateParams {
    CertificateParams::new(vec!["localhost".to_string()]).unwrap()
}

async fn get(limits: &Limits, addr: SocketAddr) -> Result<u16, Error> {
    let url = Url::parse(&format!("https://localhost:{}/", addr.port())).unwrap();
    let layer = HttpLayer::new(limits, &url, Vec::new())?;
    layer.send(&Request::get(url)).await.map(|r| r.status)
}

#[tokio::test]
async fn a_self_signed_certificate_is_refused_in_words_and_insecure_skips_the_check() {
    let key = KeyPair::generate().unwrap();
    let cert = leaf().self_signed(&key).unwrap();
    let addr = serve_tls(vec![cert.der().clone()], &key).await;
    match get(&Limits::default(), addr).await {
        Err(Error::Tls { host, cause }) => {
            assert_eq!(host, format!("localhost:{}", addr.port()));
            assert!(
                cause.contains("--ca-cert FILE") && cause.contains("--insecure"),
                "{cause}"
            );
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
    let insecure = Limits {
        insecure: true,
        ..Limits::default()
    };
    assert_eq!(get(&insecure, addr).await.unwrap(), 204);
}

#[tokio::test]
async fn a_private_ca_is_trusted_with_ca_cert() {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, &ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = leaf().signed_by(&key, &issuer).unwrap();
    let addr = serve_tls(vec![cert.der().clone()], &key).await;
    assert!(matches!(get(&Limits::default(), addr).await, Err(Error::Tls { .. })));
    let trusted = Limits {
        ca_certs: ca.pem().into_bytes(),
        ..Limits::default()
    };
    assert_eq!(get(&trusted, addr).await.unwrap(), 204);
    let garbage = Limits {
        ca_certs: b"not a certificate".to_vec(),
        ..Limits::default()
    };
    let url = Url::parse("https://localhost/").unwrap();
    let refused = HttpLayer::new(&garbage, &url, Vec::new()).err().map(|e| e.to_string());
    assert!(refused.is_some_and(|e| e.contains("--ca-cert")));
}

#[tokio::test]
async fn https_to_a_plain_http_port_says_so() {
    let addr = serve_plain().await;
    match get(&Limits::default(), addr).await {
        Err(Error::Tls { cause, .. }) => assert!(
            cause.contains(&format!(
                "plain HTTP, not TLS: scan http://localhost:{}/ instead",
                addr.port()
            )),
            "{cause}"
        ),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}
