//! The inspector against the real Firestore emulator started for the test:
//! locating session documents by id (verbatim or hashed) and by field, reading
//! them, auditing expiry, the anonymous-read probe under security rules, and
//! clear errors.

use rampart_inspect::{ExpiryAudit, Inspector, sha256_hex};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PROJECT: &str = "rampart-test";

/// The emulator's JVM, killed on drop (also on panic).
struct Emulator {
    child: Child,
    host: String,
}

impl Emulator {
    fn start() -> Emulator {
        let out = Command::new("gcloud")
            .args(["info", "--format=value(installation.sdk_root)"])
            .output()
            .expect("gcloud is installed");
        let sdk = String::from_utf8(out.stdout).unwrap().trim().to_string();
        let jar = format!("{sdk}/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar");
        let port = free_port();
        let child = Command::new("java")
            .args([
                "-cp",
                &jar,
                "com.google.cloud.datastore.emulator.firestore.CloudFirestore",
                "start",
            ])
            .arg("--host=127.0.0.1")
            .arg(format!("--port={port}"))
            .arg(format!("--project_id={PROJECT}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("java starts");
        let emulator = Emulator {
            child,
            host: format!("127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(&emulator.host).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the emulator did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        emulator
    }

    fn url(&self, collection: &str) -> String {
        format!("firestore://{PROJECT}?emulator={}&collection={collection}", self.host)
    }

    fn documents(&self) -> String {
        format!(
            "http://{}/v1/projects/{PROJECT}/databases/(default)/documents",
            self.host
        )
    }

    /// Wait until the REST API answers (the port opens a little before it).
    async fn ready(&self) {
        let started = Instant::now();
        loop {
            let answer = reqwest::get(format!("http://{}/", self.host)).await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the emulator does not answer"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Create `collection/id` with `fields`, as the administrator.
    async fn seed(&self, collection: &str, id: &str, fields: Value) {
        let url = format!("{}/{collection}/{id}", self.documents());
        let response = reqwest::Client::new()
            .patch(url)
            .bearer_auth("owner")
            .header("content-type", "application/json")
            .body(json!({ "fields": fields }).to_string())
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
    }

    /// Replace the security rules for the project.
    async fn rules(&self, allow: &str) {
        let content = format!(
            "rules_version = '2'; service cloud.firestore {{ match /databases/{{db}}/documents {{ match /{{doc=**}} {{ {allow} }} }} }}"
        );
        let url = format!("http://{}/emulator/v1/projects/{PROJECT}:securityRules", self.host);
        let body = json!({"rules": {"files": [{"content": content}]}});
        let response = reqwest::Client::new()
            .put(url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn string(s: &str) -> Value {
    json!({ "stringValue": s })
}

fn timestamp(s: &str) -> Value {
    json!({ "timestampValue": s })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspects_firestore_sessions() {
    let emu = Emulator::start();
    emu.ready().await;
    let future = "2099-01-01T00:00:00Z";
    let past = "2001-01-01T00:00:00Z";
    let none = json!({ "nullValue": null });
    emu.seed(
        "sessions",
        "live-token-1",
        json!({"user_id": none.clone(), "expires_at": timestamp(future), "data": string("{}")}),
    )
    .await;
    emu.seed(
        "sessions",
        "old-token",
        json!({"user_id": string("alice"), "expires_at": timestamp(past)}),
    )
    .await;
    emu.seed(
        "sessions",
        "noexp-token",
        json!({"user_id": string("bob"), "data": string("x")}),
    )
    .await;
    let hashed_id = sha256_hex("hashed-secret");
    emu.seed(
        "sessions",
        &hashed_id,
        json!({"user_id": string("carol"), "expires_at": timestamp(future)}),
    )
    .await;
    emu.seed(
        "web_sessions",
        "doc1",
        json!({"sid": string("field-token"), "uid": none.clone(), "count": {"integerValue": "3"}}),
    )
    .await;

    let store = Inspector::connect(&emu.url("sessions")).await.unwrap();
    assert_eq!(store.kind(), "firestore");

    // Verbatim document id.
    let at = store.locate("live-token-1").await.unwrap().expect("verbatim doc found");
    assert_eq!(at.container, "sessions");
    assert_eq!((at.token_field.as_str(), at.hashed), ("__name__", false));
    assert_eq!(at.user_field.as_deref(), Some("user_id"));
    assert_eq!(at.expiry_field.as_deref(), Some("expires_at"));
    assert!(
        at.fields.contains(&("expires_at".to_string(), "timestamp".to_string())),
        "{:?}",
        at.fields
    );
    let lookup = store.describe_lookup(&at);
    assert!(
        lookup.starts_with("GET ") && lookup.ends_with("/documents/sessions/{id}"),
        "{lookup}"
    );
    assert!(!lookup.contains("live-token-1"));

    let record = store.record(&at, "live-token-1").await.unwrap().expect("record");
    assert_eq!(record["user_id"], None);
    assert_eq!(record["expires_at"].as_deref(), Some(future));
    assert_eq!(record["data"].as_deref(), Some("{}"));
    assert!(store.record(&at, "gone").await.unwrap().is_none());

    // Expiry: 4 documents, one without expiry, one already expired.
    let audit = store.expiry_audit(&at).await.unwrap();
    let expected = ExpiryAudit {
        rows: 4,
        without_expiry: 1,
        already_expired: 1,
    };
    assert_eq!(audit, Some(expected));
    assert_eq!(
        store.expired_tokens(&at, 5).await.unwrap(),
        vec!["old-token".to_string()]
    );

    // Hashed document id.
    let hashed = store.locate("hashed-secret").await.unwrap().expect("hashed doc found");
    assert_eq!((hashed.token_field.as_str(), hashed.hashed), ("__name__", true));
    let record = store.record(&hashed, "hashed-secret").await.unwrap().expect("record");
    assert_eq!(record["user_id"].as_deref(), Some("carol"));
    assert!(
        store.expired_tokens(&hashed, 5).await.unwrap().is_empty(),
        "hashed stores reveal no tokens"
    );

    assert!(store.locate("no-such-token").await.unwrap().is_none());

    // Token in a field of a document with another id.
    let by_field = Inspector::connect(&emu.url("web_sessions")).await.unwrap();
    let at_field = by_field.locate("field-token").await.unwrap().expect("found by field");
    assert_eq!(
        (at_field.container.as_str(), at_field.token_field.as_str()),
        ("web_sessions", "sid")
    );
    assert!(!at_field.hashed);
    assert_eq!(at_field.user_field.as_deref(), Some("uid"));
    let record = by_field
        .record(&at_field, "field-token")
        .await
        .unwrap()
        .expect("record");
    assert_eq!(record["count"].as_deref(), Some("3"));
    assert_eq!(record["uid"], None);
    assert!(by_field.describe_lookup(&at_field).contains(":runQuery"));
    assert_eq!(by_field.expiry_audit(&at_field).await.unwrap(), None);

    // Security rules: world-readable sessions are a fact; denied reads are not.
    emu.rules("allow read: if true;").await;
    let facts = store.facts(&at).await.unwrap();
    assert_eq!(facts.len(), 1, "{facts:?}");
    assert_eq!(facts[0].id, "firestore-anonymous-read");
    assert!(facts[0].detail.contains("without credentials"), "{}", facts[0].detail);
    assert!(facts[0].query.starts_with("GET http://"), "{}", facts[0].query);
    assert!(!facts[0].query.contains("live-token-1"));

    emu.rules("allow get: if true; allow list: if false;").await;
    let facts = store.facts(&at).await.unwrap();
    assert_eq!(facts.len(), 1, "a readable document is enough: {facts:?}");
    assert!(facts[0].query.ends_with("/sessions/{id}"), "{}", facts[0].query);

    emu.rules("allow read, write: if false;").await;
    assert!(store.facts(&at).await.unwrap().is_empty());
    // The inspector itself is the administrator: still reads under closed rules.
    assert!(store.locate("live-token-1").await.unwrap().is_some());
}

#[tokio::test]
async fn clear_one_line_errors() {
    let port = free_port();
    let refused = Inspector::connect(&format!("firestore://{PROJECT}?emulator=127.0.0.1:{port}"))
        .await
        .err()
        .expect("nothing listens there")
        .to_string();
    assert!(
        refused.starts_with("session store: cannot reach Firestore at http://127.0.0.1:"),
        "{refused}"
    );
    assert!(!refused.contains('\n'), "{refused}");

    let unknown = Inspector::connect("firestore://p?colection=x")
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(
        unknown.contains("unknown firestore URL parameter 'colection'"),
        "{unknown}"
    );

    if std::env::var_os("RAMPART_FIRESTORE_TOKEN").is_none() {
        let missing = Inspector::connect("firestore://some-project")
            .await
            .err()
            .unwrap()
            .to_string();
        assert!(missing.contains("RAMPART_FIRESTORE_TOKEN"), "{missing}");
    }
}
