//! `rampart worker` on a real PostgreSQL queue: a worker killed with SIGKILL
//! in the middle of a scan leaves its job to the next worker once the lease
//! runs out, and the scan is saved exactly once.

mod support;

use rampart_store::queue::{NewJob, PgQueue, Queue, State};
use rampart_testpg::Server;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

const LEASE_SECS: &str = "2";

fn worker(db: &str, log: &str) -> Child {
    let log = std::fs::File::create(std::env::temp_dir().join(log)).unwrap();
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["worker", "--db", db, "--lease-secs", LEASE_SECS])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap()
}

/// Polls the job until `done` says so, for at most `limit`.
async fn wait_for(queue: &PgQueue, id: i64, limit: Duration, done: impl Fn(State) -> bool) -> State {
    let start = Instant::now();
    loop {
        let state = queue.get(id).await.unwrap().unwrap().state;
        if done(state) || start.elapsed() > limit {
            return state;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn a_killed_workers_scan_is_finished_by_another_and_saved_once() {
    let server = Server::start();
    server.create_database("rampart");
    let demo = demo(rampart_demo::Flaws::vulnerable());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(kill_and_retry(&server, &demo));
}

async fn kill_and_retry(server: &Server, demo: &Demo) {
    let db = server.url("postgres", "rampart");
    let queue = PgQueue::connect(&db).await.unwrap();
    let flow = temp_file("worker-flow.toml", rampart_demo::FLOW);
    let payload = serde_json::json!({"url": demo.url, "flow": flow, "max_duration_secs": 120});
    let id = queue
        .enqueue(&NewJob::new("scan", payload.to_string()))
        .await
        .unwrap()
        .unwrap();

    let mut first = worker(&db, "rampart-worker-first.log");
    let running = wait_for(&queue, id, Duration::from_secs(30), |s| s != State::Queued).await;
    assert_eq!(running, State::Running, "the first worker claimed the job");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    first.kill().unwrap(); // SIGKILL, mid-scan
    first.wait().unwrap();
    let held = queue.get(id).await.unwrap().unwrap();
    assert_eq!(
        (held.state, held.attempts),
        (State::Running, 1),
        "killed mid-scan: {held:?}"
    );

    let mut second = worker(&db, "rampart-worker-second.log");
    let done = wait_for(&queue, id, Duration::from_secs(180), |s| s == State::Done).await;
    second.kill().unwrap();
    second.wait().unwrap();
    let job = queue.get(id).await.unwrap().unwrap();
    assert_eq!((done, job.attempts), (State::Done, 2), "{job:?}");
    assert_ne!(job.owner, held.owner);
    let scan = job.result.expect("the scan id");
    let saved = server.psql("rampart", "SELECT id || ' ' || target FROM scan");
    assert_eq!(
        saved,
        format!("{scan} {}", demo.url),
        "one scan saved, by the second worker"
    );
    let report = server.psql("rampart", &format!("SELECT report FROM scan WHERE id = '{scan}'"));
    assert!(
        report.contains("SESS-001"),
        "a real scan of the demo: {}",
        &report[..report.len().min(300)]
    );
    assert!(!report.contains(rampart_demo::PASSWORD), "the password is not saved");
}

#[test]
fn a_queue_that_cannot_be_opened_is_one_line_and_exit_2() {
    let typo = rampart(&["worker", "--db", "postgress://db/rampart", "--once"]);
    assert_error(&typo, "'postgress://' is no database rampart knows");
    let refused = rampart(&["worker", "--db", "postgres://rampart@127.0.0.1:1/rampart", "--once"]);
    assert_error(&refused, "Connection refused");
    let secret = rampart(&["serve", "--db", "postgres://rampart:s3cret@127.0.0.1:1/rampart"]);
    assert_error(&secret, "postgres://rampart:***@127.0.0.1:1/rampart");
    assert!(!stderr(&secret).contains("s3cret"));
}
