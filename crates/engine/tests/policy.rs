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
