//! The scan's own callback listener: SSRF and exfiltration probes point the
//! target at it, and a request that arrives carrying a probe's token proves the
//! target fetched the URL. Every answer carries a script marker so a target
//! that relays the fetched body verbatim can be recognised too.

use crate::error::{Error, Result};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// Most bytes of a request head the listener reads.
const HEAD_LIMIT: usize = 16 * 1024;
/// Most hits kept for a scan.
const HIT_CAP: usize = 1000;
/// Path prefix of every probe URL.
const PREFIX: &str = "/rampart-cb/";

/// One request the listener received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub token: String,
    pub method: String,
    pub path: String,
    pub peer: SocketAddr,
    /// The request head as received (request line and headers).
    pub head: String,
}

/// A running listener; it stops when dropped.
pub struct Listener {
    base: Url,
    hits: Arc<Mutex<Vec<Hit>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Listener {
    /// Bind `listen`; `public` is the base URL the target should use when it differs.
    pub async fn start(listen: SocketAddr, public: Option<Url>) -> Result<Listener> {
        let socket = TcpListener::bind(listen)
            .await
            .map_err(|e| Error::Callback(format!("cannot listen on {listen}: {e}")))?;
        let bound = socket.local_addr().map_err(|e| Error::Callback(e.to_string()))?;
        let base = match public {
            Some(url) => url,
            None => Url::parse(&format!("http://{bound}/")).map_err(|e| Error::Callback(e.to_string()))?,
        };
        let hits = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(accept(socket, hits.clone()));
        Ok(Listener { base, hits, task })
    }

    /// A fresh token to tell one probe's hits from another's.
    pub fn token(&self) -> String {
        format!("{:016x}", rand::random::<u64>())
    }

    /// The URL a probe hands the target for `token`.
    pub fn url_for(&self, token: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!("{}{PREFIX}{token}", self.base.path().trim_end_matches('/')));
        url
    }

    /// The marker every answer of the listener carries for `token`.
    pub fn marker(token: &str) -> String {
        format!("<script>rampart-{token}</script>")
    }

    /// Hits for `token` so far.
    pub fn hits(&self, token: &str) -> Vec<Hit> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.token == token)
            .cloned()
            .collect()
    }

    /// Wait up to `within` for a hit carrying `token`.
    pub async fn wait_hit(&self, token: &str, within: Duration) -> Option<Hit> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(hit) = self.hits(token).into_iter().next() {
                return Some(hit);
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(socket: TcpListener, hits: Arc<Mutex<Vec<Hit>>>) {
    while let Ok((stream, peer)) = socket.accept().await {
        let hits = hits.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(5), serve(stream, peer, hits)).await;
        });
    }
}

async fn serve(mut stream: TcpStream, peer: SocketAddr, hits: Arc<Mutex<Vec<Hit>>>) -> std::io::Result<()> {
    let head = read_head(&mut stream).await?;
    let mut words = head.lines().next().unwrap_or_default().split_whitespace();
    let method = words.next().unwrap_or_default().to_string();
    let path = words.next().unwrap_or_default().to_string();
    let token = token_in(&path);
    let body = Listener::marker(token.as_deref().unwrap_or("none"));
    if let Some(token) = token {
        let mut hits = hits.lock().unwrap();
        if hits.len() < HIT_CAP {
            hits.push(Hit {
                token,
                method,
                path,
                peer,
                head: head.clone(),
            });
        }
    }
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(answer.as_bytes()).await?;
    stream.shutdown().await
}

async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while buf.len() < HEAD_LIMIT && !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// The token in a probe path: `/rampart-cb/<token>` followed by anything.
fn token_in(path: &str) -> Option<String> {
    let rest = &path[path.find(PREFIX)? + PREFIX.len()..];
    let token: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_fetch_of_the_probe_url_is_recorded_and_answered_with_the_marker() {
        let listener = Listener::start(SocketAddr::from(([127, 0, 0, 1], 0)), None)
            .await
            .unwrap();
        let token = listener.token();
        let other = listener.token();
        let url = listener.url_for(&token);
        let body = reqwest::get(url.clone()).await.unwrap().text().await.unwrap();
        assert_eq!(body, Listener::marker(&token));
        let hit = listener
            .wait_hit(&token, Duration::from_secs(2))
            .await
            .expect("hit recorded");
        assert_eq!(hit.method, "GET");
        assert!(hit.path.ends_with(&token));
        assert!(listener.hits(&other).is_empty());
        assert!(listener.wait_hit(&other, Duration::from_millis(100)).await.is_none());
    }

    #[test]
    fn tokens_are_read_from_probe_paths_only() {
        assert_eq!(token_in("/rampart-cb/00ff?x=1").as_deref(), Some("00ff"));
        assert_eq!(token_in("/other/00ff"), None);
        assert_eq!(token_in("/rampart-cb/"), None);
    }
}
