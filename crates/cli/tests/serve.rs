//! `rampart serve` driven the way middleBrick's clients drive it: submit a
//! scan of the demo API with `x-api-key`, poll it every 2 s until it is
//! completed, list it; refused keys, refused targets and unknown scans get
//! JSON errors. One machine: the history file's queue, a worker in-process.

mod support;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

const ADMIN: &str = "rmp_test-admin-token-0123456789abcdefghij";

/// A running `rampart serve`, killed on drop.
struct Serve {
    child: Child,
    addr: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &std::path::Path) -> Serve {
    serve_with(db, &[])
}

fn serve_with(db: &std::path::Path, env: &[(&str, &str)]) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .env("RAMPART_ADMIN_TOKEN", ADMIN)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        assert!(
            !line.contains("shown this once"),
            "no token is generated when RAMPART_ADMIN_TOKEN is set"
        );
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split(';').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || lines.for_each(drop)); // keep stderr drained
    Serve { child, addr }
}

/// One HTTP/1.1 request; the status and the JSON body.
fn call(addr: &str, method: &str, path: &str, key: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let key = key.map(|k| format!("x-api-key: {k}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{key}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let status = raw.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let json = raw.split("\r\n\r\n").nth(1).unwrap_or_default();
    if json.is_empty() {
        return (status, Value::Null);
    }
    (
        status,
        serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}): {raw}")),
    )
}

#[test]
fn middlebrick_clients_submit_poll_and_list() {
    let demo = demo(rampart_demo::Flaws::vulnerable());
    let db = temp_file("serve-history.db", "").with_extension("d").join("history.db");
    let server = serve(&db);
    let addr = server.addr.as_str();
    let submit = json!({"apiUrl": demo.url, "method": "GET", "headers": {"X-Trace": "e2e"}});

    let (status, body) = call(addr, "POST", "/api/scan", None, Some(submit.clone()));
    assert_eq!((status, body["error"].is_string()), (401, true), "{body}");
    let (status, _) = call(addr, "POST", "/api/scan", Some("rmp_wrong"), Some(submit.clone()));
    assert_eq!(status, 401);
    let metadata = json!({"apiUrl": "http://169.254.169.254/latest/"});
    let (status, body) = call(addr, "POST", "/api/scan", Some(ADMIN), Some(metadata));
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("metadata"), "{body}");

    let (status, body) = call(addr, "POST", "/api/scan", Some(ADMIN), Some(submit));
    assert_eq!(status, 200, "{body}");
    let id = body["scanId"].as_str().expect("scanId").to_string();
    let start = Instant::now();
    let mut seen = Vec::new();
    let scan = loop {
        let (status, scan) = call(addr, "GET", &format!("/api/scans/{id}"), Some(ADMIN), None);
        assert_eq!(status, 200, "{scan}");
        let now = scan["status"].as_str().unwrap().to_string();
        if seen.last() != Some(&now) {
            seen.push(now.clone());
        }
        if now == "completed" || now == "failed" || start.elapsed() > Duration::from_secs(180) {
            break scan;
        }
        std::thread::sleep(Duration::from_secs(2));
    };
    assert_eq!(scan["status"], "completed", "statuses {seen:?}: {scan}");
    assert!(
        seen.iter()
            .all(|s| ["queued", "processing", "completed"].contains(&s.as_str())),
        "{seen:?}"
    );
    assert_eq!(
        (scan["id"].as_str(), scan["apiUrl"].as_str()),
        (Some(id.as_str()), Some(demo.url.as_str()))
    );
    assert_eq!(scan["method"], "GET");
    assert!(scan["errorMessage"].is_null() && scan["completedAt"].is_string() && scan["createdAt"].is_string());
    let overall = scan["overall"].as_u64().expect("overall");
    assert!(overall < 100 && scan["letterGrade"].is_string(), "{scan}");
    assert!(scan["categories"].as_object().is_some_and(|c| !c.is_empty()));
    let findings = scan["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "the vulnerable demo has findings");
    for f in findings {
        for key in ["id", "severity", "category", "title", "description", "remediation"] {
            assert!(f[key].is_string(), "{key} in {f}");
        }
    }

    let (status, list) = call(
        addr,
        "GET",
        "/api/scans?limit=10&offset=0&status=completed",
        Some(ADMIN),
        None,
    );
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        (list["total"].as_u64(), list["limit"].as_u64(), list["offset"].as_u64()),
        (Some(1), Some(10), Some(0))
    );
    let row = &list["scans"][0];
    assert_eq!(
        (row["id"].as_str(), row["riskScore"].as_u64()),
        (Some(id.as_str()), Some(overall))
    );
    assert_eq!(row["status"], "completed");
    let (status, none) = call(addr, "GET", "/api/scans?status=failed", Some(ADMIN), None);
    assert_eq!((status, none["total"].as_u64()), (200, Some(0)));
    let (status, body) = call(addr, "GET", "/api/scans?status=bogus", Some(ADMIN), None);
    assert_eq!((status, body["error"].is_string()), (400, true));
    let (status, body) = call(addr, "GET", "/api/scans/999999", Some(ADMIN), None);
    assert_eq!((status, body["error"].is_string()), (404, true));
}

/// Polls a scan until it is completed or failed (at most 3 minutes).
fn settled(addr: &str, id: &str) -> Value {
    let start = Instant::now();
    loop {
        let (status, scan) = call(addr, "GET", &format!("/api/scans/{id}"), Some(ADMIN), None);
        assert_eq!(status, 200, "{scan}");
        let now = scan["status"].as_str().unwrap_or_default();
        if now == "completed" || now == "failed" || start.elapsed() > Duration::from_secs(180) {
            return scan;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Completed scans the service lists.
fn completed(addr: &str) -> u64 {
    let (_, list) = call(addr, "GET", "/api/scans?status=completed&limit=1", Some(ADMIN), None);
    list["total"].as_u64().unwrap_or(0)
}

#[test]
fn targets_are_scanned_now_and_on_schedule_with_secrets_kept_out() {
    let demo = demo(rampart_demo::Flaws::vulnerable());
    let db = temp_file("serve-targets.db", "").with_extension("d").join("history.db");
    let secret = "e2e-key-3f9a7c1d5b";
    let server = serve_with(&db, &[("RAMPART_E2E_KEY", secret)]);
    let addr = server.addr.as_str();

    let literal = json!({"name": "clear", "url": demo.url, "headers": ["Authorization: Bearer abc"]});
    let (status, body) = call(addr, "POST", "/api/v1/targets", Some(ADMIN), Some(literal));
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("${RAMPART_"), "{body}");
    let other_var = json!({"name": "home", "url": demo.url, "headers": ["Authorization: Bearer ${HOME}"]});
    let (status, body) = call(addr, "POST", "/api/v1/targets", Some(ADMIN), Some(other_var));
    assert_eq!(status, 400, "only RAMPART_ variables: {body}");
    let bad_cron = json!({"name": "bad", "url": demo.url, "schedule": "every day"});
    let (status, body) = call(addr, "POST", "/api/v1/targets", Some(ADMIN), Some(bad_cron));
    assert_eq!(status, 400, "{body}");
    let (status, _) = call(addr, "GET", "/api/v1/targets", None, None);
    assert_eq!(status, 401);

    let keyed = json!({"name": "keyed", "url": demo.url, "checks": ["AUTH-009"],
                       "headers": ["X-Api-Key: ${RAMPART_E2E_KEY}"]});
    let (status, target) = call(addr, "POST", "/api/v1/targets", Some(ADMIN), Some(keyed.clone()));
    assert_eq!(status, 201, "{target}");
    assert_eq!(
        (target["name"].as_str(), target["nextRunAt"].is_null()),
        (Some("keyed"), true)
    );
    assert_eq!(target["scan"]["headers"][0], "X-Api-Key: ${RAMPART_E2E_KEY}");
    let (status, body) = call(addr, "POST", "/api/v1/targets", Some(ADMIN), Some(keyed));
    assert_eq!(status, 400, "the name is taken: {body}");
    let id = target["id"].as_str().unwrap();
    let (status, queued) = call(addr, "POST", &format!("/api/v1/targets/{id}/scans"), Some(ADMIN), None);
    assert_eq!(status, 202, "{queued}");
    let (status, body) = call(addr, "POST", &format!("/api/v1/targets/{id}/scans"), Some(ADMIN), None);
    assert_eq!(status, 409, "one scan of a target at a time: {body}");
    let scan = settled(addr, queued["jobId"].as_str().unwrap());
    assert_eq!(scan["status"], "completed", "{scan}");

    let every = json!({"name": "every-3s", "url": demo.url, "checks": ["AUTH-009"], "schedule": "*/3 * * * * *"});
    let (status, scheduled) = call(addr, "POST", "/api/v1/targets", Some(ADMIN), Some(every));
    assert_eq!(status, 201, "{scheduled}");
    assert!(scheduled["nextRunAt"].is_string(), "{scheduled}");
    let start = Instant::now();
    while completed(addr) < 3 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(
        completed(addr) >= 3,
        "two scheduled scans completed besides the one asked for"
    );
    let every_id = scheduled["id"].as_str().unwrap();
    let (status, events) = call(
        addr,
        "GET",
        &format!("/api/v1/events?target={every_id}"),
        Some(ADMIN),
        None,
    );
    assert_eq!(status, 200, "{events}");
    let completions: Vec<&Value> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "scan.completed")
        .collect();
    assert!(completions.len() >= 2, "{events}");
    assert!(
        completions[0]["data"]["previousScanId"].is_null(),
        "the first scan is the baseline"
    );
    assert_eq!(completions[1]["data"]["previousScanId"], completions[0]["scanId"]);
    assert_eq!(completions[1]["data"]["scoreDrift"], 0, "the same API scanned twice");
    assert!(completions.iter().all(|e| e["targetId"] == every_id));
    let after: i64 = completions[0]["id"].as_str().unwrap().parse().unwrap();
    let (_, later) = call(
        addr,
        "GET",
        &format!("/api/v1/events?after={after}&target={every_id}"),
        Some(ADMIN),
        None,
    );
    let later = later["events"].as_array().unwrap();
    assert_eq!(
        later.first().map(|e| &e["id"]),
        events["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["id"])
            .find(|id| id.as_str().unwrap().parse::<i64>().unwrap() > after),
        "the page after an id starts right after it"
    );
    assert!(
        later
            .iter()
            .all(|e| e["id"].as_str().unwrap().parse::<i64>().unwrap() > after)
    );
    assert!(events["next"].as_i64().unwrap() >= after);
    let path = format!("/api/v1/targets/{every_id}");
    let (status, _) = call(addr, "DELETE", &path, Some(ADMIN), None);
    assert_eq!(status, 204);
    let (status, _) = call(addr, "GET", &path, Some(ADMIN), None);
    assert_eq!(status, 404);
    let (_, list) = call(addr, "GET", "/api/v1/targets", Some(ADMIN), None);
    assert_eq!(list["targets"].as_array().map(Vec::len), Some(1), "{list}");

    drop(server);
    for file in std::fs::read_dir(db.parent().unwrap()).unwrap() {
        let file = file.unwrap().path();
        let stored = std::fs::read(&file).unwrap();
        let found = stored.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(!found, "the secret reached {}", file.display());
    }
}
