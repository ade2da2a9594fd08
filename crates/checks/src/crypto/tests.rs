//! The TLS rules' handshakes against in-process rustls servers whose
//! certificates rcgen makes (expired, self-signed, wrong name, CA-issued:
//! cases no lab application produces), and the legacy-version probe against a
//! rustls server and a canned TLS 1.0 ServerHello.

use super::cert::{Problem, Roots, evaluate};
use super::legacy::{Answer, Legacy, client_hello, probe, read_answer};
use super::tls::{fetch_chain, provider};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, date_time_ymd};
use rustls::RootCertStore;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const WAIT: Duration = Duration::from_secs(5);

/// A TLS server on loopback presenting `chain` with `key`; it answers each handshake with a tiny HTTP reply.
async fn serve(chain: Vec<CertificateDer<'static>>, key: &KeyPair) -> SocketAddr {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(provider())
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
                    let _ = tls.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    addr
}

fn params(names: &[&str]) -> CertificateParams {
    CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap()
}

fn localhost() -> ServerName<'static> {
    ServerName::try_from("localhost").unwrap()
}

/// Serve a self-signed certificate made from `p` and judge what a client connecting as localhost sees.
async fn judge_self_signed(p: CertificateParams) -> Vec<Problem> {
    let key = KeyPair::generate().unwrap();
    let cert = p.self_signed(&key).unwrap();
    let addr = serve(vec![cert.der().clone()], &key).await;
    let chain = fetch_chain(connect(addr).await, localhost(), WAIT).await.unwrap();
    assert_eq!(
        chain,
        [cert.der().clone()],
        "the recorded chain is what the server sent"
    );
    evaluate(&chain, &localhost(), UnixTime::now(), &Roots::load())
        .unwrap()
        .1
}

#[tokio::test]
async fn self_signed_certificate() {
    assert_eq!(judge_self_signed(params(&["localhost"])).await, [Problem::SelfSigned]);
}

#[tokio::test]
async fn expired_certificate() {
    let mut p = params(&["localhost"]);
    p.not_before = date_time_ymd(2020, 1, 1);
    p.not_after = date_time_ymd(2021, 1, 1);
    assert_eq!(judge_self_signed(p).await, [Problem::Expired, Problem::SelfSigned]);
}

#[tokio::test]
async fn not_yet_valid_certificate() {
    let mut p = params(&["localhost"]);
    p.not_before = date_time_ymd(2090, 1, 1);
    p.not_after = date_time_ymd(2091, 1, 1);
    assert_eq!(judge_self_signed(p).await, [Problem::NotYetValid, Problem::SelfSigned]);
}

#[tokio::test]
async fn certificate_for_another_name() {
    let problems = judge_self_signed(params(&["api.other.example"])).await;
    assert_eq!(problems, [Problem::HostnameMismatch, Problem::SelfSigned]);
}

#[tokio::test]
async fn chain_to_a_public_root_passes_to_a_local_one_is_private_to_none_untrusted() {
    let mut ca = params(&[]);
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "rampart test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = params(&["localhost"]);
    leaf.distinguished_name.push(DnType::CommonName, "localhost");
    let leaf = leaf.signed_by(&leaf_key, &issuer).unwrap();
    let addr = serve(vec![leaf.der().clone(), ca_cert.der().clone()], &leaf_key).await;
    let chain = fetch_chain(connect(addr).await, localhost(), WAIT).await.unwrap();
    assert_eq!(chain.len(), 2);
    let mut with_ca = RootCertStore::empty();
    with_ca.add(ca_cert.der().clone()).unwrap();
    let judge = |public: RootCertStore, local: RootCertStore| {
        evaluate(&chain, &localhost(), UnixTime::now(), &Roots { public, local }).unwrap()
    };
    let (summary, problems) = judge(with_ca.clone(), RootCertStore::empty());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(summary.names, ["localhost"]);
    let (_, problems) = judge(RootCertStore::empty(), with_ca);
    assert_eq!(problems, [Problem::PrivateCa]);
    let (_, problems) = evaluate(&chain, &localhost(), UnixTime::now(), &Roots::load()).unwrap();
    assert!(matches!(problems.as_slice(), [Problem::Untrusted(_)]), "{problems:?}");
}

#[tokio::test]
async fn a_peer_that_closes_at_once_is_an_error_not_a_verdict() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { drop(listener.accept().await) });
    assert!(fetch_chain(connect(addr).await, localhost(), WAIT).await.is_err());
}

async fn connect(addr: std::net::SocketAddr) -> tokio::net::TcpStream {
    tokio::net::TcpStream::connect(addr).await.unwrap()
}

#[tokio::test]
async fn rustls_refuses_tls_1_0_and_1_1() {
    let key = KeyPair::generate().unwrap();
    let cert = params(&["localhost"]).self_signed(&key).unwrap();
    let addr = serve(vec![cert.der().clone()], &key).await;
    for version in [Legacy::Tls10, Legacy::Tls11] {
        let answer = probe(connect(addr).await, Some("localhost"), version, WAIT).await;
        assert!(matches!(answer, Answer::Refused(_)), "{version:?}: {answer:?}");
    }
}

/// A ServerHello record for `version` choosing `suite` (random and session id as a server would send).
fn server_hello(version: u16, suite: u16) -> Vec<u8> {
    let mut body = version.to_be_bytes().to_vec();
    body.extend([7u8; 32]);
    body.push(4);
    body.extend([9u8; 4]);
    body.extend(suite.to_be_bytes());
    body.push(0);
    let mut handshake = vec![2, 0, 0, body.len() as u8];
    handshake.extend(body);
    let mut record = vec![0x16, 0x03, 0x01, 0, handshake.len() as u8];
    record.extend(handshake);
    record
}

#[tokio::test]
async fn a_server_that_accepts_tls_1_0_is_recognised() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut tcp, _) = listener.accept().await.unwrap();
        let mut head = [0u8; 11];
        tcp.read_exact(&mut head).await.unwrap();
        let rest = u16::from_be_bytes([head[3], head[4]]) as usize + 5 - head.len();
        tcp.read_exact(&mut vec![0u8; rest]).await.unwrap();
        tcp.write_all(&server_hello(0x0301, 0xc014)).await.unwrap();
        let _ = tcp.read(&mut [0u8; 64]).await;
        head
    });
    let answer = probe(connect(addr).await, Some("api.example"), Legacy::Tls10, WAIT).await;
    assert_eq!(
        answer,
        Answer::Accepted {
            version: 0x0301,
            suite: 0xc014
        }
    );
    let head = server.await.unwrap();
    assert_eq!(&head[..3], &[0x16, 0x03, 0x01], "a handshake record");
    assert_eq!(head[5], 1, "a ClientHello");
    assert_eq!(&head[9..11], &[0x03, 0x01], "offering TLS 1.0 only");
}

#[test]
fn answers_are_read_by_version() {
    assert_eq!(
        read_answer(&server_hello(0x0302, 0x002f), Legacy::Tls11),
        Answer::Accepted {
            version: 0x0302,
            suite: 0x002f
        }
    );
    assert!(matches!(
        read_answer(&server_hello(0x0303, 0xc02f), Legacy::Tls10),
        Answer::Refused(_)
    ));
    assert!(matches!(read_answer(&[0x15, 3, 1, 0, 2, 2, 70], Legacy::Tls10), Answer::Refused(e) if e == "alert 70"));
    assert!(matches!(
        read_answer(b"HTTP/1.1 400 Bad Request", Legacy::Tls10),
        Answer::Refused(_)
    ));
    assert!(matches!(read_answer(&[], Legacy::Tls10), Answer::Refused(_)));
}

#[test]
fn client_hello_lengths_are_consistent() {
    let hello = client_hello(Legacy::Tls11, Some("api.example"));
    let record_len = u16::from_be_bytes([hello[3], hello[4]]) as usize;
    assert_eq!(record_len, hello.len() - 5);
    let handshake_len = u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize;
    assert_eq!(handshake_len, hello.len() - 9);
    assert_eq!(&hello[9..11], &[0x03, 0x02]);
    let sni = b"api.example";
    assert!(hello.windows(sni.len()).any(|w| w == sni), "SNI present");
    let without = client_hello(Legacy::Tls10, None);
    assert!(!without.windows(sni.len()).any(|w| w == sni));
}
