//! A kept-alive connection the server drops just as it is reused: a safe
//! request is sent once more on a new connection; any other request never
//! rides a kept-alive connection, and one the server drops anyway fails with
//! the cause, never sent twice. (No framework drops on demand, hence a raw
//! listener.)

use rampart_engine::{HttpLayer, Limits, Request};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// What the server saw.
#[derive(Default)]
struct Seen {
    /// Requests that came on the kept-alive connection after its first, each dropped unread.
    dropped: AtomicUsize,
    /// Requests that came on a later connection.
    later: AtomicUsize,
}

impl Seen {
    fn counts(&self) -> (usize, usize) {
        (self.dropped.load(Ordering::SeqCst), self.later.load(Ordering::SeqCst))
    }
}

/// Serves one keep-alive answer on the first connection, then drops it when
/// the next request arrives on it (unread, so the kernel resets it); every
/// later connection reads its request and answers once and closes, or, with
/// `crash`, closes without an answer.
async fn dropping_server(crash: bool) -> (Url, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let seen = Arc::new(Seen::default());
    let counts = seen.clone();
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut conn, _)) = listener.accept().await {
            let seen = counts.clone();
            let kept = std::mem::replace(&mut first, false);
            tokio::spawn(async move {
                read_head(&mut conn).await;
                if kept {
                    answer(&mut conn, "keep-alive", "first").await;
                    let mut byte = [0u8; 1];
                    if conn.peek(&mut byte).await.unwrap_or(0) > 0 {
                        seen.dropped.fetch_add(1, Ordering::SeqCst);
                    }
                } else {
                    seen.later.fetch_add(1, Ordering::SeqCst);
                    if !crash {
                        answer(&mut conn, "close", "fresh").await;
                    }
                }
            });
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

fn post(url: &Url) -> Request {
    Request::new("POST", url.clone()).json(&serde_json::json!({"n": 1}))
}

#[tokio::test]
async fn a_safe_request_on_a_dropped_connection_is_sent_once_more() {
    let (url, seen) = dropping_server(false).await;
    let layer = HttpLayer::new(&Limits::default(), &url, Vec::new()).unwrap();
    assert_eq!(layer.send(&Request::get(url.clone())).await.unwrap().text(), "first");

    let again = layer.send(&Request::get(url.clone())).await.unwrap();

    assert_eq!(again.text(), "fresh");
    assert_eq!(
        seen.counts(),
        (1, 1),
        "dropped on the kept-alive connection, answered on a new one"
    );
    let events = layer.events().join("\n");
    assert!(events.contains("dropped the connection before answering"), "{events}");
}

#[tokio::test]
async fn a_post_never_rides_a_kept_alive_connection() {
    let (url, seen) = dropping_server(false).await;
    let layer = HttpLayer::new(&Limits::default(), &url, Vec::new()).unwrap();
    assert_eq!(layer.send(&post(&url)).await.unwrap().text(), "first");

    let answered = layer.send(&post(&url)).await.unwrap();

    assert_eq!(answered.text(), "fresh");
    assert_eq!(
        seen.counts(),
        (0, 1),
        "the second POST went once, on a connection of its own"
    );
    assert!(layer.events().is_empty(), "{:?}", layer.events());
}

#[tokio::test]
async fn a_post_the_server_drops_is_not_repeated() {
    let (url, seen) = dropping_server(true).await;
    let layer = HttpLayer::new(&Limits::default(), &url, Vec::new()).unwrap();
    layer.send(&post(&url)).await.unwrap();

    let failed = layer.send(&post(&url)).await;

    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(seen.counts(), (0, 1), "the second POST reached the server once");
    assert!(layer.events().iter().all(|e| !e.contains("sent once more")));
}
