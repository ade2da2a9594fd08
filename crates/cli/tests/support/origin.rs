//! Two origins on loopback for the credential-scoping tests: a login app that
//! redirects one chosen flow step to another origin, and a recorder there that
//! keeps every request it receives, head and body.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Arrived {
    pub method: String,
    pub path: String,
    pub head: String,
    pub body: String,
}

impl Arrived {
    pub fn cookie(&self, name: &str) -> Option<String> {
        let line = self
            .head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("cookie:"))?;
        line[7..]
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
}

/// Serve `handler` on a loopback port in background threads; returns the base URL.
pub fn serve(handler: impl Fn(&Arrived) -> String + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handler = Arc::new(handler);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = handler.clone();
            std::thread::spawn(move || answer(stream, &*handler));
        }
    });
    format!("http://{addr}")
}

fn answer(mut stream: TcpStream, handler: &dyn Fn(&Arrived) -> String) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    while let Some(req) = read(&mut stream) {
        if stream.write_all(handler(&req).as_bytes()).is_err() {
            return;
        }
    }
}

fn read(stream: &mut TcpStream) -> Option<Arrived> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? != 1 || head.len() > 64 * 1024 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1 << 20)];
    stream.read_exact(&mut body).ok()?;
    let mut first = head.split_whitespace();
    Some(Arrived {
        method: first.next()?.to_string(),
        path: first.next()?.to_string(),
        body: String::from_utf8_lossy(&body).into_owned(),
        head,
    })
}

/// An HTTP/1.1 response with a body and extra header lines.
pub fn response(status: &str, headers: &[String], body: &str) -> String {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for h in headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(body);
    out
}

/// A server that answers 200 to everything and keeps what it received.
pub fn recorder() -> (String, Arc<Mutex<Vec<Arrived>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = seen.clone();
    let url = serve(move |req| {
        keep.lock().unwrap().push(req.clone());
        response("200 OK", &[], "recorded")
    });
    (url, seen)
}

/// The flow step a [`login_app`] redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Preauth,
    Login,
    Protected,
    Logout,
}

pub const PASSWORD: &str = "pw-Secret-42";

/// A cookie-session login app (`GET /`, `POST /login`, `GET /profile`,
/// `/logout`) that answers `step` (if any) with a `status` redirect to `away`.
pub fn login_app(step: Option<Step>, status: u16, away: String) -> String {
    let logged_in = Arc::new(Mutex::new(HashSet::<String>::new()));
    let counter = Arc::new(Mutex::new(0u64));
    serve(move |req| {
        let redirect = || {
            let location = format!("Location: {away}/steal");
            response(&format!("{status} Moved"), &[location], "")
        };
        let mut n = counter.lock().unwrap();
        *n += 1;
        let sid = req.cookie("sid").unwrap_or_default();
        let is_in = logged_in.lock().unwrap().contains(&sid);
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/") if step == Some(Step::Preauth) => redirect(),
            ("GET", "/") => response("200 OK", &[format!("Set-Cookie: sid=anon{n:08}; Path=/")], "welcome"),
            ("POST", "/login") if step == Some(Step::Login) => redirect(),
            ("POST", "/login") if req.body.contains(&format!("password={PASSWORD}")) => {
                let fresh = format!("auth{n:08}");
                logged_in.lock().unwrap().insert(fresh.clone());
                let headers = [format!("Set-Cookie: sid={fresh}; Path=/"), "Location: /profile".into()];
                response("302 Found", &headers, "")
            }
            ("POST", "/login") => response("200 OK", &[], "wrong password"),
            ("GET", "/profile") if is_in && step == Some(Step::Protected) => redirect(),
            ("GET", "/profile") if is_in => response("200 OK", &[], "hello alice"),
            ("GET", "/profile") => response("200 OK", &[], "please log in"),
            (_, "/logout") if step == Some(Step::Logout) => redirect(),
            (_, "/logout") => {
                logged_in.lock().unwrap().remove(&sid);
                response("200 OK", &[], "bye")
            }
            _ => response("404 Not Found", &[], "not here"),
        }
    })
}
