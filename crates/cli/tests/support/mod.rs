//! Test support: running the real binary, the demo API on loopback, and raw
//! TCP servers for hostile answers no real app gives (slow, endless, looping,
//! malformed).

#![allow(dead_code)]

pub mod origin;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

/// Run the binary. Scans save to a per-process temporary history, never the
/// user's, unless the arguments name `--db`.
pub fn rampart(args: &[&str]) -> Output {
    let history = std::env::temp_dir().join(format!("rampart-test-{}-history.db", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .env("RAMPART_DB", history)
        .args(args)
        .output()
        .expect("run rampart")
}

/// Run the binary in `dir`, as a user inside a project would.
pub fn rampart_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run rampart")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// The rule ids of a JSON report's findings, in report order.
pub fn fired(report: &serde_json::Value) -> Vec<&str> {
    let findings = report["findings"].as_array().map(Vec::as_slice).unwrap_or_default();
    findings.iter().filter_map(|f| f["ruleId"].as_str()).collect()
}

/// Assert exit 2 with one line on stderr that contains `needle`, and no panic.
pub fn assert_error(out: &Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(err.contains(needle), "stderr should mention {needle:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line expected: {err}");
}

/// The demo API on its own runtime thread, alive while the value lives.
pub struct Demo {
    pub url: String,
    _runtime: tokio::runtime::Runtime,
    _server: rampart_demo::DemoServer,
}

pub fn demo(flaws: rampart_demo::Flaws) -> Demo {
    demo_on(flaws, 0)
}

/// The demo API on `port` (0: any free port).
pub fn demo_on(flaws: rampart_demo::Flaws, port: u16) -> Demo {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(rampart_demo::serve_on(flaws, port)).unwrap();
    Demo {
        url: server.url(),
        _runtime: runtime,
        _server: server,
    }
}

/// Write `text` to a fresh temporary file and return its path.
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rampart-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A raw HTTP server: `respond` gets the request head and the connection.
pub fn raw_server(respond: fn(&str, &mut TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
                let head = read_head(&mut stream);
                respond(&head, &mut stream);
            });
        }
    });
    format!("http://{addr}/")
}

fn read_head(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while buf.len() < 16 * 1024 && !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

pub fn reply(stream: &mut TcpStream, status: &str, headers: &[&str], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}
