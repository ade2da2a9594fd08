//! The address policy holds after DNS resolution: a host name whose addresses
//! the policy refuses is never connected to.

use rampart_engine::http::policy::{AddressPolicy, Allowed};
use rampart_engine::{Error, HttpLayer, Limits, Request};
use std::net::TcpListener;
use url::Url;

#[tokio::test]
async fn a_name_resolving_to_a_refused_address_gets_no_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let limits = Limits {
        policy: AddressPolicy::default().allow_only(vec![Allowed::Net("10.0.0.0/8".parse().unwrap())]),
        ..Limits::default()
    };
    let home = Url::parse(&format!("http://localhost:{port}/")).unwrap();
    let layer = HttpLayer::new(&limits, &home, Vec::new()).unwrap();
    match layer.send(&Request::get(home.clone())).await {
        Err(Error::Refused { cause, .. }) => {
            assert!(cause.contains("localhost resolves to"), "{cause}");
            assert!(cause.contains("not an allowed target"), "{cause}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let accepted = listener.accept();
    assert!(
        matches!(&accepted, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "a connection reached the listener: {accepted:?}"
    );
}

/// Raw connections (the TLS checks' handshakes) obey the same policy and are
/// counted like requests.
#[tokio::test]
async fn raw_connections_are_policed_and_counted() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let home = Url::parse(&format!("http://127.0.0.1:{}/", addr.port())).unwrap();
    let layer = HttpLayer::new(&Limits::default(), &home, Vec::new()).unwrap();
    let tcp = layer.connect("127.0.0.1", addr).await.unwrap();
    drop(tcp);
    assert!(listener.accept().is_ok(), "the allowed connection arrived");

    let metadata = "169.254.169.254:443".parse().unwrap();
    match layer.connect("metadata.example", metadata).await {
        Err(Error::Refused { cause, .. }) => assert!(cause.contains("metadata"), "{cause}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(layer.requests_sent(), 1, "the refused connection was never attempted");
    assert_eq!(layer.requests_by_rule().get("setup"), Some(&1));
}
