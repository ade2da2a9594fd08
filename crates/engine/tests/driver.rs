//! The flow driver against the demo API: isolated agents, and the shared
//! session renewed (and counted) when another login ends it.

use rampart_demo::Flaws;
use rampart_engine::redact::Redactor;
use rampart_engine::{Driver, Flow, HttpLayer, Limits};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

async fn driver(flaws: Flaws, recheck: Duration) -> (Driver, rampart_demo::DemoServer) {
    let server = rampart_demo::serve(flaws).await.unwrap();
    let layer = Arc::new(
        HttpLayer::new(
            &Limits {
                rate: 0,
                ..Limits::default()
            },
            &Url::parse(&server.url()).unwrap(),
            Vec::new(),
        )
        .unwrap(),
    );
    let flow = Flow::parse(rampart_demo::FLOW, "demo", &|_| None).unwrap();
    let base = Url::parse(&server.url()).unwrap();
    let d = Driver::establish(flow, base, layer, Arc::new(Redactor::default()), recheck)
        .await
        .unwrap();
    (d, server)
}

#[tokio::test]
async fn lost_shared_session_is_renewed_and_counted() {
    // The fixed demo keeps one session per user: any new login ends the shared one.
    let (d, _server) = driver(Flaws::fixed(), Duration::ZERO).await;
    let first = d.credentials().await.unwrap();
    assert_eq!(d.relogins(), 0);
    d.fresh_session().await.unwrap();
    let renewed = d.credentials().await.unwrap();
    assert_eq!(d.relogins(), 1);
    assert_ne!(first, renewed);
    let cookie = renewed.iter().find(|(n, _)| n == "Cookie").unwrap().1.clone();
    let token = cookie.strip_prefix("sid=").unwrap();
    assert!(
        d.probe(token).await.unwrap().logged_in,
        "renewed credentials authenticate"
    );
}

#[tokio::test]
async fn live_shared_session_is_not_renewed() {
    let (d, _server) = driver(Flaws::vulnerable(), Duration::ZERO).await;
    d.fresh_session().await.unwrap();
    d.credentials().await.unwrap();
    assert_eq!(d.relogins(), 0);
}

#[tokio::test]
async fn agents_do_not_share_cookies() {
    let (d, _server) = driver(Flaws::vulnerable(), Duration::from_secs(60)).await;
    let (logged_in, _) = d.fresh_session().await.unwrap();
    assert!(logged_in.token().is_some());
    let mut stranger = d.agent();
    assert!(stranger.token().is_none());
    assert!(!d.probe_agent(&mut stranger).await.unwrap().logged_in);
}
