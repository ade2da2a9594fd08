//! The job queue's contract, the same scenarios on both backends: SQLite (the
//! history file, one machine) and a real PostgreSQL 15 started for the test
//! (CockroachDB's wire protocol and SQL).

use super::{
    Failed, NewAttempt, NewEvent, NewJob, NewTarget, NewWebhook, PgQueue, Queue, State, WEBHOOK_JOB, WebSession,
};
use crate::History;
use crate::tests::report;
use rampart_testpg::Server;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Jobs and claimers of the contention scenario.
const JOBS: usize = 60;
const WORKERS: usize = 6;
const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_queue_keeps_its_contract() {
    let dir = std::env::temp_dir().join(format!("rampart-queue-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let history = History::open(&dir.join("history.db")).await.unwrap();
    let saved = contract(Arc::new(history.queue())).await;
    let record = history
        .get(&saved)
        .await
        .unwrap()
        .expect("the finished scan is in the history");
    assert_eq!(record.report.target, "http://api.test/");
    assert_eq!(
        history.list(10, Some("http://api.test/")).await.unwrap().len(),
        1,
        "saved once"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_queue_keeps_its_contract() {
    let server = Server::start();
    server.create_database("queue");
    let url = server.url("postgres", "queue");
    let saved = contract(Arc::new(PgQueue::connect(&url).await.unwrap())).await;
    let rows = server.psql(
        "queue",
        "SELECT id || ' ' || target || ' ' || high FROM scan WHERE target = 'http://api.test/'",
    );
    assert_eq!(
        rows,
        format!("{saved} http://api.test/ 2"),
        "saved once, with its summary columns"
    );
    assert_eq!(
        server.psql("queue", "SELECT count(*) FROM scan_rule"),
        "6",
        "2 rules of each of 3 scans"
    );
    // Connecting again finds the schema in place; a newer one is refused.
    PgQueue::connect(&url).await.unwrap();
    server.psql("queue", "INSERT INTO schema_version (version) VALUES (99)");
    let err = PgQueue::connect(&url).await.unwrap_err();
    assert!(err.to_string().contains("newer rampart"), "{err}");
    let cockroach = url.replacen("postgres://", "cockroachdb://", 1);
    let err = PgQueue::connect(&cockroach).await.unwrap_err();
    assert!(err.to_string().contains("newer rampart"), "{err}");
}

/// Every scenario in turn; the id of the one scan saved.
async fn contract(queue: Arc<dyn Queue>) -> String {
    each_job_is_claimed_once_under_contention(&queue).await;
    an_expired_lease_passes_on_and_fences_the_old_owner(queue.as_ref()).await;
    heartbeats_keep_the_lease(queue.as_ref()).await;
    failures_are_retried_then_dead(queue.as_ref()).await;
    a_lease_lost_on_the_last_attempt_is_dead(queue.as_ref()).await;
    keys_and_kinds(queue.as_ref()).await;
    listing_and_tokens(queue.as_ref()).await;
    targets_and_one_scan_at_a_time(queue.as_ref()).await;
    deliveries_are_added_with_their_events(queue.as_ref()).await;
    webhook_secrets_rotate_and_attempts_are_logged(queue.as_ref()).await;
    dashboard_sessions_end(queue.as_ref()).await;
    a_scan_is_saved_once_by_the_lease_holder(queue.as_ref()).await
}

async fn a_scan_is_saved_once_by_the_lease_holder(queue: &dyn Queue) -> String {
    let id = queue.enqueue(&NewJob::new("finish", "{}")).await.unwrap().unwrap();
    let lost = queue
        .claim("a", &["finish"], Duration::from_millis(100))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let holder = queue.claim("b", &["finish"], MINUTE).await.unwrap().unwrap();
    let scanned = report("http://api.test/", "2026-12-05T06:00:00Z");
    assert_eq!(
        queue.finish(&lost, &scanned, &[]).await.unwrap(),
        None,
        "fenced: nothing saved"
    );
    let saved = queue.finish(&holder, &scanned, &[]).await.unwrap().expect("saved");
    assert_eq!(queue.finish(&holder, &scanned, &[]).await.unwrap(), None, "once");
    let view = queue.get(id).await.unwrap().unwrap();
    assert_eq!(
        (view.state, view.result.as_deref()),
        (State::Done, Some(saved.as_str()))
    );
    assert!(
        view.updated_ms >= view.created_ms && view.created_ms > 1_700_000_000_000,
        "{view:?}"
    );
    let report = queue.report(&saved).await.unwrap().expect("readable");
    assert_eq!((report.target.as_str(), report.findings.len()), ("http://api.test/", 3));
    assert!(queue.report("000000000000").await.unwrap().is_none());
    saved
}

async fn each_job_is_claimed_once_under_contention(queue: &Arc<dyn Queue>) {
    for i in 0..JOBS {
        let job = NewJob::new("scan", format!("{{\"n\":{i}}}"));
        queue.enqueue(&job).await.unwrap().unwrap();
    }
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let queue = Arc::clone(queue);
            tokio::spawn(async move {
                let me = format!("worker-{w}");
                let mut claimed = Vec::new();
                while let Some(job) = queue.claim(&me, &["scan"], MINUTE).await.unwrap() {
                    assert!(queue.complete(&job, &format!("by {me}")).await.unwrap());
                    claimed.push(job.id);
                }
                claimed
            })
        })
        .collect();
    let mut times: HashMap<i64, usize> = HashMap::new();
    let mut busy = 0;
    for worker in workers {
        let claimed = worker.await.unwrap();
        busy += usize::from(!claimed.is_empty());
        for id in claimed {
            *times.entry(id).or_default() += 1;
        }
    }
    assert_eq!(times.len(), JOBS, "every job claimed");
    assert!(times.values().all(|&n| n == 1), "a job claimed twice: {times:?}");
    assert!(busy > 1, "the claims were spread over several workers");
    let counts = queue.counts().await.unwrap();
    assert_eq!((counts.done, counts.queued, counts.running), (JOBS as u64, 0, 0));
}

async fn an_expired_lease_passes_on_and_fences_the_old_owner(queue: &dyn Queue) {
    let id = queue.enqueue(&NewJob::new("lease", "{}")).await.unwrap().unwrap();
    let first = queue
        .claim("a", &["lease"], Duration::from_millis(200))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.id, first.attempts), (id, 1));
    assert!(queue.claim("b", &["lease"], MINUTE).await.unwrap().is_none(), "leased");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = queue.claim("b", &["lease"], MINUTE).await.unwrap().unwrap();
    assert_eq!((second.id, second.attempts), (id, 2));
    assert!(!queue.heartbeat(&first, MINUTE).await.unwrap());
    assert!(!queue.complete(&first, "late").await.unwrap(), "fenced");
    assert_eq!(queue.fail(&first, "late", None).await.unwrap(), Failed::Lost);
    assert!(queue.complete(&second, "on time").await.unwrap());
    let view = queue.get(id).await.unwrap().unwrap();
    assert_eq!(
        (view.state, view.result.as_deref(), view.owner),
        (State::Done, Some("on time"), None)
    );
}

async fn heartbeats_keep_the_lease(queue: &dyn Queue) {
    queue.enqueue(&NewJob::new("beat", "{}")).await.unwrap().unwrap();
    let lease = Duration::from_millis(300);
    let job = queue.claim("a", &["beat"], lease).await.unwrap().unwrap();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(queue.heartbeat(&job, lease).await.unwrap());
    }
    assert!(
        queue.claim("b", &["beat"], MINUTE).await.unwrap().is_none(),
        "still held"
    );
    assert!(queue.complete(&job, "ok").await.unwrap());
}

async fn failures_are_retried_then_dead(queue: &dyn Queue) {
    let mut backing_off = NewJob::new("flaky", "{}");
    backing_off.max_attempts = 2;
    let id = queue.enqueue(&backing_off).await.unwrap().unwrap();
    let job = queue.claim("a", &["flaky"], MINUTE).await.unwrap().unwrap();
    match queue.fail(&job, "connection refused", None).await.unwrap() {
        Failed::Retrying(d) => assert!(d >= Duration::from_secs(5), "backoff {d:?}"),
        other => panic!("{other:?}"),
    }
    assert!(
        queue.claim("a", &["flaky"], MINUTE).await.unwrap().is_none(),
        "backing off"
    );
    assert_eq!(queue.counts().await.unwrap().retrying, 1);
    assert_eq!(queue.get(id).await.unwrap().unwrap().state, State::Queued);

    let mut told = NewJob::new("flaky-now", "{}");
    told.max_attempts = 2;
    let id = queue.enqueue(&told).await.unwrap().unwrap();
    let job = queue.claim("a", &["flaky-now"], MINUTE).await.unwrap().unwrap();
    let retry = queue.fail(&job, "503", Some(Duration::ZERO)).await.unwrap();
    assert_eq!(retry, Failed::Retrying(Duration::ZERO));
    let job = queue.claim("b", &["flaky-now"], MINUTE).await.unwrap().unwrap();
    assert_eq!(job.attempts, 2);
    assert_eq!(queue.fail(&job, "503 again", None).await.unwrap(), Failed::Dead);
    let view = queue.get(id).await.unwrap().unwrap();
    assert_eq!(
        (view.state, view.last_error.as_deref()),
        (State::Dead, Some("503 again"))
    );
}

async fn a_lease_lost_on_the_last_attempt_is_dead(queue: &dyn Queue) {
    let mut once = NewJob::new("once", "{}");
    once.max_attempts = 1;
    let id = queue.enqueue(&once).await.unwrap().unwrap();
    queue
        .claim("a", &["once"], Duration::from_millis(100))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(queue.claim("b", &["once"], MINUTE).await.unwrap().is_none());
    let view = queue.get(id).await.unwrap().unwrap();
    assert_eq!(view.state, State::Dead);
    assert!(view.last_error.unwrap().contains("lease ran out"));
}

async fn keys_and_kinds(queue: &dyn Queue) {
    let mut due = NewJob::new("scheduled", "{}");
    due.key = Some("scan:nightly:2026-12-05T02:00:00Z".into());
    assert!(queue.enqueue(&due).await.unwrap().is_some());
    assert!(queue.enqueue(&due).await.unwrap().is_none(), "the same due run twice");
    let asked = [due.key.clone().unwrap(), "scan:nightly:never".to_string()];
    assert_eq!(queue.existing_keys(&asked).await.unwrap(), [asked[0].clone()]);
    let mut later = NewJob::new("scheduled", "{}");
    later.delay = Duration::from_secs(3600);
    queue.enqueue(&later).await.unwrap().unwrap();
    assert!(queue.claim("a", &["webhook"], MINUTE).await.unwrap().is_none());
    let job = queue
        .claim("a", &["webhook", "scheduled"], MINUTE)
        .await
        .unwrap()
        .unwrap();
    assert!(queue.complete(&job, "ok").await.unwrap());
    assert!(
        queue.claim("a", &["scheduled"], MINUTE).await.unwrap().is_none(),
        "not due yet"
    );
    assert!(queue.enqueue(&NewJob::new(&"k".repeat(65), "{}")).await.is_err());
}

async fn listing_and_tokens(queue: &dyn Queue) {
    let (done, total) = queue.list("scan", Some(State::Done), 10, 5).await.unwrap();
    assert_eq!((done.len(), total), (10, JOBS as u64));
    assert!(done.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let (all, total) = queue.list("flaky", None, 10, 0).await.unwrap();
    assert_eq!((all.len(), total), (1, 1));
    assert!(queue.list("scan", Some(State::Dead), 10, 0).await.unwrap().0.is_empty());

    let (ci, other) = ("a".repeat(64), "b".repeat(64));
    assert!(!queue.has_tokens().await.unwrap());
    queue.add_token("ci", "rmp_abcdefgh", &ci).await.unwrap();
    assert!(queue.has_tokens().await.unwrap());
    assert_eq!(queue.token_name(&ci).await.unwrap().as_deref(), Some("ci"));
    assert_eq!(queue.token_name(&other).await.unwrap(), None);
    assert!(
        queue.add_token("again", "rmp_abcdefgh", &ci).await.is_err(),
        "one row per token"
    );
}

async fn targets_and_one_scan_at_a_time(queue: &dyn Queue) {
    let shop = NewTarget {
        name: "shop".into(),
        url: "https://shop.test/".into(),
        scan: r#"{"url":"https://shop.test/"}"#.into(),
        schedule: Some("0 3 * * *".into()),
    };
    let id = queue.add_target(&shop).await.unwrap();
    let err = queue.add_target(&shop).await.unwrap_err();
    assert!(err.to_string().contains("a target of this name exists"), "{err}");
    let nameless = NewTarget {
        name: " ".into(),
        ..shop.clone()
    };
    assert!(queue.add_target(&nameless).await.is_err());
    let blog = NewTarget {
        name: "blog".into(),
        schedule: None,
        ..shop.clone()
    };
    let other = queue.add_target(&blog).await.unwrap();
    let listed = queue.targets().await.unwrap();
    assert_eq!(listed.iter().map(|t| t.id).collect::<Vec<_>>(), vec![id, other]);
    let stored = queue.target(id).await.unwrap().unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.schedule.as_deref()),
        ("shop", Some("0 3 * * *"))
    );
    assert!(stored.created_ms > 1_700_000_000_000, "{}", stored.created_ms);

    let mut scan = NewJob::new("target-scan", shop.scan.clone());
    scan.target = Some(id);
    let first = queue.enqueue(&scan).await.unwrap().expect("the target's first scan");
    assert!(
        queue.enqueue(&scan).await.unwrap().is_none(),
        "a second while one waits"
    );
    let mut elsewhere = scan.clone();
    elsewhere.target = Some(other);
    assert!(
        queue.enqueue(&elsewhere).await.unwrap().is_some(),
        "another target's scan"
    );
    let job = queue.claim("a", &["target-scan"], MINUTE).await.unwrap().unwrap();
    assert_eq!(job.id, first);
    assert!(queue.enqueue(&scan).await.unwrap().is_none(), "a second while one runs");
    assert!(queue.complete(&job, "ok").await.unwrap());
    let elsewhere = queue.claim("a", &["target-scan"], MINUTE).await.unwrap().unwrap();
    assert_eq!(elsewhere.target, Some(other));
    assert!(queue.complete(&elsewhere, "ok").await.unwrap());
    let next = queue.enqueue(&scan).await.unwrap().expect("the next once it is done");

    assert_eq!(queue.latest_scan(id).await.unwrap(), None, "no scan saved yet");
    let job = queue.claim("a", &["target-scan"], MINUTE).await.unwrap().unwrap();
    assert_eq!((job.id, job.target), (next, Some(id)));
    let completed = NewEvent {
        kind: "scan.completed".into(),
        data: r#"{"overall":61}"#.into(),
    };
    let scanned = report("https://shop.test/", "2026-12-05T07:00:00Z");
    let saved = queue.finish(&job, &scanned, &[completed]).await.unwrap().unwrap();
    let scans = queue.target_scans(id, 10).await.unwrap();
    let listed: Vec<(i64, Option<&str>, Option<i64>)> = scans
        .iter()
        .map(|s| (s.job.id, s.letter_grade.as_deref(), s.findings))
        .collect();
    assert_eq!(
        listed,
        [
            (next, Some(scanned.letter_grade.as_str()), Some(3)),
            (first, None, None)
        ],
        "newest first; a job that saved no scan has no summary"
    );
    let (latest, latest_report) = queue.latest_scan(id).await.unwrap().unwrap();
    assert_eq!(
        (latest.as_str(), latest_report.target.as_str()),
        (saved.as_str(), "https://shop.test/")
    );
    let failed = NewEvent {
        kind: "scan.failed".into(),
        data: "{}".into(),
    };
    queue.add_events(Some(other), &[failed]).await.unwrap();
    let all = queue.events(None, 0, 10).await.unwrap();
    let kinds: Vec<&str> = all.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["scan.completed", "scan.failed"]);
    assert_eq!(
        (all[0].target, all[0].scan_id.as_deref(), all[0].data.as_str()),
        (Some(id), Some(saved.as_str()), r#"{"overall":61}"#)
    );
    assert_eq!((all[1].target, all[1].scan_id.as_deref()), (Some(other), None));
    assert_eq!(queue.events(Some(other), 0, 10).await.unwrap().len(), 1, "one target's");
    assert_eq!(
        queue.events(None, all[0].id, 10).await.unwrap()[0].id,
        all[1].id,
        "after an id"
    );
    assert!(all[0].created_ms > 1_700_000_000_000);
    let recent = queue.recent_events(None, 1).await.unwrap();
    assert_eq!(
        recent.iter().map(|e| e.id).collect::<Vec<_>>(),
        [all[1].id],
        "newest first"
    );
    assert_eq!(queue.recent_events(Some(id), 10).await.unwrap()[0].id, all[0].id);

    assert!(queue.remove_target(id).await.unwrap());
    assert!(!queue.remove_target(id).await.unwrap());
    assert_eq!(queue.target(id).await.unwrap(), None);
}

fn event(kind: &str) -> NewEvent {
    NewEvent {
        kind: kind.into(),
        data: "{}".into(),
    }
}

/// The (webhook, event) of every delivery job ready now, claimed and completed.
async fn deliveries(queue: &dyn Queue) -> Vec<(i64, i64)> {
    let mut found = Vec::new();
    while let Some(job) = queue.claim("d", &[WEBHOOK_JOB], MINUTE).await.unwrap() {
        let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap();
        assert!(payload["id"].as_str().unwrap().starts_with("msg_"), "{payload}");
        found.push((payload["webhook"].as_i64().unwrap(), payload["event"].as_i64().unwrap()));
        assert!(queue.complete(&job, "delivered").await.unwrap());
    }
    found.sort_unstable();
    found
}

/// Each event goes to the enabled endpoints subscribed to its type and
/// target, as jobs added in the transaction that records it: a finish that
/// lost its lease adds neither.
async fn deliveries_are_added_with_their_events(queue: &dyn Queue) {
    let target = |name: &str| NewTarget {
        name: name.into(),
        url: format!("https://{name}.test/"),
        scan: "{}".into(),
        schedule: None,
    };
    let (watched, other) = (
        queue.add_target(&target("watched")).await.unwrap(),
        queue.add_target(&target("unwatched")).await.unwrap(),
    );
    let hook = |events: &[&str], target| NewWebhook {
        url: "https://hooks.test/in".into(),
        events: events.iter().map(|e| e.to_string()).collect(),
        target,
        secret: "whsec_dGVzdA==".into(),
    };
    let all = queue.add_webhook(&hook(&[], None)).await.unwrap();
    let new_here = queue.add_webhook(&hook(&["finding.new"], Some(watched))).await.unwrap();
    let off = queue.add_webhook(&hook(&[], None)).await.unwrap();
    assert!(queue.disable_webhook(off, Some("410 Gone")).await.unwrap());

    let mut scan = NewJob::new("outbox-scan", "{}");
    scan.target = Some(watched);
    queue.enqueue(&scan).await.unwrap().unwrap();
    let lost = queue
        .claim("a", &["outbox-scan"], Duration::from_millis(100))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let holder = queue.claim("b", &["outbox-scan"], MINUTE).await.unwrap().unwrap();
    let scanned = report("https://watched.test/", "2026-12-05T08:00:00Z");
    let events = [event("scan.completed"), event("finding.new")];
    assert_eq!(queue.finish(&lost, &scanned, &events).await.unwrap(), None);
    assert_eq!(deliveries(queue).await, [], "a fenced finish adds no delivery");
    queue.finish(&holder, &scanned, &events).await.unwrap().unwrap();
    let recorded = queue.events(Some(watched), 0, 10).await.unwrap();
    let (completed, new) = (recorded[0].id, recorded[1].id);
    assert_eq!(deliveries(queue).await, [(all, completed), (all, new), (new_here, new)]);
    queue.add_events(Some(other), &[event("finding.new")]).await.unwrap();
    let elsewhere = queue.events(Some(other), 0, 10).await.unwrap()[0].id;
    assert_eq!(deliveries(queue).await, [(all, elsewhere)], "another target's event");
    assert_eq!(queue.event(elsewhere).await.unwrap().unwrap().kind, "finding.new");
    assert_eq!(queue.event(0).await.unwrap(), None);

    assert!(queue.disable_webhook(off, None).await.unwrap(), "enabled again");
    queue.add_events(Some(other), &[event("scan.failed")]).await.unwrap();
    assert_eq!(deliveries(queue).await.len(), 2, "to both endpoints of all events");
    for id in [all, new_here, off] {
        assert!(queue.remove_webhook(id).await.unwrap());
    }
    assert!(!queue.remove_webhook(all).await.unwrap());
    queue.add_events(Some(watched), &[event("finding.new")]).await.unwrap();
    assert_eq!(deliveries(queue).await, [], "no endpoint left");
}

async fn webhook_secrets_rotate_and_attempts_are_logged(queue: &dyn Queue) {
    let new = NewWebhook {
        url: "https://hooks.test/rotating".into(),
        events: vec!["scan.completed".into()],
        target: None,
        secret: "whsec_Zmlyc3Q=".into(),
    };
    let id = queue.add_webhook(&new).await.unwrap();
    let stored = queue.webhook(id).await.unwrap().unwrap();
    assert_eq!(
        (
            stored.url.as_str(),
            stored.events.clone(),
            stored.previous_secret,
            stored.disabled
        ),
        (
            "https://hooks.test/rotating",
            vec!["scan.completed".to_string()],
            None,
            None
        )
    );
    assert!(stored.created_ms > 1_700_000_000_000);
    assert!(queue.rotate_secret(id, "whsec_c2Vjb25k", MINUTE).await.unwrap());
    let rotated = queue.webhook(id).await.unwrap().unwrap();
    assert_eq!(
        (rotated.secret.as_str(), rotated.previous_secret.as_deref()),
        ("whsec_c2Vjb25k", Some("whsec_Zmlyc3Q="))
    );
    assert!(queue.rotate_secret(id, "whsec_dGhpcmQ=", Duration::ZERO).await.unwrap());
    let rotated = queue.webhook(id).await.unwrap().unwrap();
    assert_eq!(rotated.previous_secret, None, "the old secret stopped signing");
    assert!(!queue.rotate_secret(-1, "whsec_eA==", MINUTE).await.unwrap());
    assert_eq!(queue.webhooks().await.unwrap().len(), 1);

    for (attempt, status) in [(1, Some(503)), (2, Some(204))] {
        let logged = NewAttempt {
            webhook: id,
            event: 7,
            job: 9,
            attempt,
            status,
            error: (attempt == 1).then(|| "503 Service Unavailable".to_string()),
            duration_ms: 12,
        };
        queue.add_attempt(&logged).await.unwrap();
    }
    let attempts = queue.attempts(id, 10).await.unwrap();
    let seen: Vec<(u32, Option<u16>)> = attempts.iter().map(|a| (a.logged.attempt, a.logged.status)).collect();
    assert_eq!(seen, [(2, Some(204)), (1, Some(503))], "newest first");
    assert_eq!(attempts[1].logged.error.as_deref(), Some("503 Service Unavailable"));
    assert_eq!(queue.attempts(id, 1).await.unwrap().len(), 1);
    assert!(queue.remove_webhook(id).await.unwrap());
}

async fn dashboard_sessions_end(queue: &dyn Queue) {
    let anonymous = WebSession {
        user: None,
        csrf: "c1".into(),
    };
    let signed_in = WebSession {
        user: Some("admin".into()),
        csrf: "c2".into(),
    };
    queue.add_session("aa", &anonymous, MINUTE).await.unwrap();
    queue.add_session("bb", &signed_in, MINUTE).await.unwrap();
    queue
        .add_session("cc", &signed_in, Duration::from_millis(50))
        .await
        .unwrap();
    assert_eq!(queue.session("aa").await.unwrap(), Some(anonymous));
    assert_eq!(queue.session("bb").await.unwrap(), Some(signed_in.clone()));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(queue.session("cc").await.unwrap(), None, "ended");
    assert!(queue.remove_session("bb").await.unwrap());
    assert_eq!(queue.session("bb").await.unwrap(), None, "signed out");
    assert!(!queue.remove_session("bb").await.unwrap());
    assert!(
        queue.add_session("aa", &signed_in, MINUTE).await.is_err(),
        "ids are unique"
    );
}
