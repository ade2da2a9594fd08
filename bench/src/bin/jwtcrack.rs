//! AUTH-005's offline search for a weak HMAC secret: a full pass over every
//! candidate (a token signed with a secret that is not among them), next to
//! Python's `hmac` module computing the same HMAC-SHA256s over the same
//! candidates, measured in the same run.

use rampart_checks::auth::jwt::{Hs, Signer, decode, encode};
use rampart_checks::auth::secrets;
use serde_json::{Map, Value, json};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 3;

/// The peer: HMAC-SHA256 of the signing input under every line of stdin.
const PYTHON: &str = r#"
import hashlib, hmac, sys, time
data = sys.argv[1].encode()
words = sys.stdin.buffer.read().split(b"\n")
best = None
for _ in range(3):
    start = time.perf_counter()
    for w in words:
        hmac.new(w, data, hashlib.sha256).digest()
    took = time.perf_counter() - start
    best = took if best is None else min(best, took)
print(best)
"#;

fn main() {
    let object = |v: Value| -> Map<String, Value> { v.as_object().cloned().unwrap_or_default() };
    let header = object(json!({"typ": "JWT"}));
    let claims = object(json!({"sub": "alice", "iat": 1_700_000_000}));
    let token = encode(
        &header,
        &claims,
        &Signer::Hmac(Hs::Hs256, "k7#Qv9!not-in-any-list".into()),
    );
    let jwt = decode(&token).expect("a token just encoded decodes");
    let candidates: Vec<String> = secrets::candidates().map(|c| c.into_owned()).collect();
    let rampart = best_of(|| assert!(jwt.crack().is_none()));
    let python = python_peer(&jwt.signing_input, &candidates);
    let rate = |d: Duration| candidates.len() as f64 / d.as_secs_f64();
    println!("{:<40} {:>12} {:>16}", "HS256, full pass", "seconds", "candidates/s");
    println!(
        "{:<40} {:>12.3} {:>16.0}",
        format!("rampart ({} candidates)", candidates.len()),
        rampart.as_secs_f64(),
        rate(rampart)
    );
    match python {
        Some(d) => println!(
            "{:<40} {:>12.3} {:>16.0}",
            "python3 hmac (same candidates)",
            d.as_secs_f64(),
            rate(d)
        ),
        None => println!("python3 hmac: python3 not available"),
    }
}

fn best_of(mut run: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn python_peer(input: &str, candidates: &[String]) -> Option<Duration> {
    let mut child = Command::new("python3")
        .args(["-c", PYTHON, input])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(candidates.join("\n").as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    let secs: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some(Duration::from_secs_f64(secs))
}
