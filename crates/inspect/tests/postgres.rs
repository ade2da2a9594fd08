//! The inspector against a real PostgreSQL 15 started for the test (the lab's
//! CockroachDB stand-in): locating tokens stored verbatim or hashed, reading
//! rows, auditing expiry and configuration, clear errors, and never writing.

use rampart_inspect::postgres::{Flavor, PgInspector};
use rampart_inspect::sha256_hex;
use rampart_testpg::Server;
use std::net::TcpListener;

fn seed(server: &Server) {
    server.create_database("lab");
    let hashed = sha256_hex("tok-hashed-789");
    server.psql(
        "lab",
        &format!(
            "CREATE TABLE sessions (token text PRIMARY KEY, user_id text, expires_at timestamptz, data text);
         INSERT INTO sessions VALUES ('tok-anon-123', NULL, now() + interval '1 hour', 'a'),
                                     ('tok-user-456', 'alice', now() - interval '1 hour', 'b'),
                                     ('tok-forever-1', 'bob', NULL, 'c');
         CREATE TABLE notes (id serial PRIMARY KEY, body text);
         INSERT INTO notes (body) VALUES ('nothing to see');
         CREATE TABLE hashed_sessions (token_hash text PRIMARY KEY, user_id text);
         INSERT INTO hashed_sessions VALUES ('{hashed}', 'carol');
         CREATE ROLE ro LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ro;
         CREATE ROLE rw LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA public TO rw;
         CREATE ROLE nobody LOGIN;"
        ),
    );
}

fn snapshot(server: &Server) -> String {
    server.psql(
        "lab",
        "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (
           SELECT s::text AS t FROM sessions s UNION ALL SELECT n::text FROM notes n UNION ALL SELECT h::text FROM hashed_sessions h) x",
    )
}

#[tokio::test]
async fn inspects_a_real_postgresql_read_only() {
    let server = Server::start();
    seed(&server);

    let ro = PgInspector::connect(&server.url("ro", "lab")).await.unwrap();
    assert_eq!(ro.flavor(), Flavor::Postgres);
    assert!(ro.version().starts_with("PostgreSQL 15"));

    let at = ro.locate("tok-anon-123").await.unwrap().expect("token found");
    assert_eq!(
        (at.container.as_str(), at.token_field.as_str(), at.hashed),
        ("public.sessions", "token", false)
    );
    assert_eq!(
        (at.user_field.as_deref(), at.expiry_field.as_deref()),
        (Some("user_id"), Some("expires_at"))
    );
    let record = ro.record(&at, "tok-anon-123").await.unwrap().unwrap();
    assert_eq!(record["user_id"], None);
    assert_eq!(record["data"].as_deref(), Some("a"));
    assert!(ro.record(&at, "tok-missing").await.unwrap().is_none());

    let hashed = ro.locate("tok-hashed-789").await.unwrap().expect("hash found");
    assert_eq!(
        (hashed.container.as_str(), hashed.hashed),
        ("public.hashed_sessions", true)
    );
    assert_eq!(
        ro.record(&hashed, "tok-hashed-789").await.unwrap().unwrap()["user_id"].as_deref(),
        Some("carol")
    );
    assert!(ro.locate("never-issued-token").await.unwrap().is_none());

    let audit = ro.expiry_audit(&at).await.unwrap().unwrap();
    assert_eq!((audit.rows, audit.without_expiry, audit.already_expired), (3, 1, 1));
    assert!(ro.expiry_audit(&hashed).await.unwrap().is_none(), "no expiry column");
    assert_eq!(ro.expired_tokens(&at, 5).await.unwrap(), ["tok-user-456"]);
    let facts: Vec<&str> = ro.facts(&at).await.unwrap().iter().map(|f| f.id).collect();
    assert_eq!(facts, ["rls-disabled", "idle-timeout-unset"]);

    server.psql(
        "lab",
        "ALTER TABLE sessions ENABLE ROW LEVEL SECURITY; ALTER ROLE ro SET idle_in_transaction_session_timeout = '30s'",
    );
    let ro = PgInspector::connect(&server.url("ro", "lab")).await.unwrap();
    assert!(ro.facts(&at).await.unwrap().is_empty());
    server.psql("lab", "ALTER TABLE sessions DISABLE ROW LEVEL SECURITY");

    // A writable user: everything above runs, and the tables are unchanged.
    let before = snapshot(&server);
    let rw = PgInspector::connect(&server.url("rw", "lab")).await.unwrap();
    let at = rw.locate("tok-user-456").await.unwrap().unwrap();
    rw.record(&at, "tok-user-456").await.unwrap();
    rw.expiry_audit(&at).await.unwrap();
    rw.facts(&at).await.unwrap();
    assert_eq!(snapshot(&server), before, "inspection changed the store");

    // Clear one-line causes.
    let denied = PgInspector::connect(&server.url("nobody", "lab"))
        .await
        .unwrap()
        .locate("tok-anon-123")
        .await
        .unwrap_err();
    assert!(
        denied
            .to_string()
            .contains("lacks SELECT on 3 table(s) (e.g. public.hashed_sessions)"),
        "{denied}"
    );
    let missing = PgInspector::connect(&format!("postgres://ghost@127.0.0.1:{}/lab", server.port))
        .await
        .err()
        .unwrap();
    assert!(
        missing.to_string().contains("role \"ghost\" does not exist"),
        "{missing}"
    );
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let refused = PgInspector::connect(&format!("postgres://ro@127.0.0.1:{port}/lab"))
        .await
        .err()
        .unwrap();
    assert!(
        refused.to_string().starts_with("session store: cannot connect"),
        "{refused}"
    );

    // --store-table: only that table is searched; a missing or unreadable one is a clear cause.
    let only = PgInspector::connect(&server.url("ro", "lab"))
        .await
        .unwrap()
        .restrict("public.sessions")
        .await
        .unwrap();
    assert_eq!(
        only.locate("tok-anon-123").await.unwrap().unwrap().container,
        "public.sessions"
    );
    assert!(
        only.locate("tok-hashed-789").await.unwrap().is_none(),
        "other tables are not searched"
    );
    let elsewhere = PgInspector::connect(&server.url("ro", "lab"))
        .await
        .unwrap()
        .restrict("hashed_sessions")
        .await
        .unwrap();
    assert!(elsewhere.locate("tok-hashed-789").await.unwrap().unwrap().hashed);
    let ghost = PgInspector::connect(&server.url("ro", "lab"))
        .await
        .unwrap()
        .restrict("ghosts")
        .await
        .err()
        .unwrap();
    assert!(ghost.to_string().contains("no table ghosts in the store"), "{ghost}");
    let locked = PgInspector::connect(&server.url("nobody", "lab"))
        .await
        .unwrap()
        .restrict("sessions")
        .await
        .err()
        .unwrap();
    assert!(
        locked.to_string().contains("lacks SELECT on public.sessions"),
        "{locked}"
    );
}
