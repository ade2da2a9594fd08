//! A kept-alive connection the server drops just as it is reused: a safe or
//! replayable request is sent once more on a new connection, anything else fails
//! with the cause. (No framework drops on demand, hence a raw listener.)

use rampart_engine::{HttpLayer, Limits, Request};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// Requests that reached a connection after the first one.
#[derive(Default)]
struct Seen(AtomicUsize);

/// Serves one keep-alive answer on the first connection, then drops it when
/// the next request arrives (unread, so the kernel resets it); every later
/// connection answers once and closes.
async fn dropping_server() -> (Url, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let seen = Arc::new(Seen::default());
    let later = seen.clone();
    tokio::spawn(async move {
        let (mut first, _) = listener.accept().await.unwrap();
        read_head(&mut first).await;
        answer(&mut first, "keep-alive", "first").await;
        let mut byte = [0u8; 1];
        let _ = first.peek(&mut byte).await;
        drop(first);
        loop {
            let (mut conn, _) = listener.accept().await.unwrap();
            read_head(&mut conn).await;
            later.0.fetch_add(1, Ordering::SeqCst);
            answer(&mut conn, "close", "fresh").await;
        }
    });
    (url, seen)
}

async fn read_head(conn: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = conn.read(&mut buf).await.unwrap();
        assert!(n > 0, "the client closed before sending a request");
        head.extend_from_slice(&buf[..n]);
    }
}

async fn answer(conn: &mut TcpStream, connection: &str, body: &str) {
    let text = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: {connection}\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(text.as_bytes()).await.unwrap();
}

#[tokio::test]
async fn a_safe_request_on_a_dropped_connection_is_sent_once_more() {
    let (url, seen) = dropping_server().await;
    let layer = HttpLayer::new(&Limits::default(), &url, Vec::new()).unwrap();
    assert_eq!(layer.send(&Request::get(url.clone())).await.unwrap().text(), "first");

    let again = layer.send(&Request::get(url.clone())).await.unwrap();

    assert_eq!(again.text(), "fresh");
    assert_eq!(seen.0.load(Ordering::SeqCst), 1);
    let events = layer.events().join("\n");
    assert!(events.contains("dropped the connection before answering"), "{events}");
}

#[tokio::test]
async fn a_post_on_a_dropped_connection_is_not_repeated() {
    let (url, seen) = dropping_server().await;
    let layer = HttpLayer::new(&Limits::default(), &url, Vec::new()).unwrap();
    layer.send(&Request::get(url.clone())).await.unwrap();

    let post = Request::new("POST", url.clone()).json(&serde_json::json!({"n": 1}));
    let failed = layer.send(&post).await;

    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(
        seen.0.load(Ordering::SeqCst),
        0,
        "the POST reached the server a second time"
    );
    assert!(layer.events().iter().all(|e| !e.contains("sent once more")));
}

#[tokio::test]
async fn a_replayable_post_on_a_dropped_connection_is_sent_once_more() {
    let (url, seen) = dropping_server().await;
    let layer = HttpLayer::new(&Limits::default(), &url, Vec::new()).unwrap();
    layer.send(&Request::get(url.clone())).await.unwrap();

    let prompt = Request::new("POST", url.clone())
        .json(&serde_json::json!({"message": "hello"}))
        .replayable();
    let again = layer.send(&prompt).await.unwrap();

    assert_eq!(again.text(), "fresh");
    assert_eq!(seen.0.load(Ordering::SeqCst), 1);
    assert!(layer.events().iter().any(|e| e.contains("sent once more")));
}
