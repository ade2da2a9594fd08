//! `rampart demo`'s target: a small login API served in-process on loopback,
//! with each session flaw switchable, so the demo and the check tests have a
//! vulnerable target and its corrected twin.

pub mod api;
mod app;
mod catalog;
mod flaws;
mod limits;
mod store;

pub use flaws::Flaws;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::task::JoinHandle;

/// The demo user and password (a demo, so the flow holds it in clear).
pub const USER: &str = "alice";
pub const PASSWORD: &str = "correct-horse-7";

/// The flow file that drives the demo's login.
pub const FLOW: &str = r#"# rampart demo: the built-in API's session flow
[session]
cookie = "sid"

[preauth]
method = "GET"
path = "/login"

[login]
method = "POST"
path = "/login"
form = { username = "alice", password = "correct-horse-7" }

[protected]
method = "GET"
path = "/profile"
logged_in_marker = "alice"

[logout]
method = "POST"
path = "/logout"

[password_change]
method = "POST"
path = "/password"
form = { current = "correct-horse-7", new = "correct-horse-7" }
"#;

/// A server task that stops when dropped.
struct Serving(JoinHandle<()>);

impl Drop for Serving {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Serve `app` on loopback `port` (0: any free port): its address and the task.
async fn spawn(app: axum::Router, port: u16) -> std::io::Result<(SocketAddr, Serving)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((addr, Serving(task)))
}

/// A running demo server; dropping it stops the server.
pub struct DemoServer {
    pub addr: SocketAddr,
    _task: Serving,
    trap: Arc<AtomicU64>,
}

impl DemoServer {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Times the destructive `GET /admin/createdb` was called.
    pub fn trap_hits(&self) -> u64 {
        self.trap.load(Ordering::SeqCst)
    }
}

/// Serve the demo API with `flaws` on a free loopback port.
pub async fn serve(flaws: Flaws) -> std::io::Result<DemoServer> {
    serve_on(flaws, 0).await
}

/// Serve the demo API with `flaws` on loopback `port` (0: any free port).
pub async fn serve_on(flaws: Flaws, port: u16) -> std::io::Result<DemoServer> {
    let trap = Arc::new(AtomicU64::new(0));
    let catalog = catalog::Catalog::open(flaws.sql_injection)
        .await
        .map_err(std::io::Error::other)?;
    let (addr, task) = spawn(app::router(flaws, catalog, trap.clone()), port).await?;
    Ok(DemoServer {
        addr,
        _task: task,
        trap,
    })
}
