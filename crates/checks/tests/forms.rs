//! A server-rendered shop without an API document: its only inputs are HTML
//! forms. The crawl turns the page's POST search form into an operation with
//! a form body, INPUT-007 (under `--active`) proves the SQL its field is
//! pasted into, the twin that binds the value is clean, and the page's
//! sign-out form, a lone button, is never sent.

use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use rampart_checks::CHECKS;
use rampart_engine::{ScanConfig, run_scan};
use rampart_model::Report;
use sqlx::{Row, SqlitePool};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use url::Url;

const PAGE: &str = r#"<!DOCTYPE html><title>Shop</title><h1>Shop</h1>
<form method="post" action="/lookup"><input name="sku" value="10031"><button>Find</button></form>
<form method="post" action="/signout"><button>Sign out</button></form>
<form method="post" action="/login"><input name="user"><input name="password" type="password"></form>"#;

#[derive(Clone)]
struct Shop {
    db: SqlitePool,
    /// Whether the SKU is pasted into the SQL text (else bound).
    pasted: bool,
    /// Requests to the sign-out and login forms: the scan must send none.
    untouchable: Arc<AtomicU64>,
}

async fn lookup(State(shop): State<Shop>, Form(form): Form<HashMap<String, String>>) -> Response {
    let sku = form.get("sku").cloned().unwrap_or_default();
    let row = if shop.pasted {
        let sql = format!("SELECT name FROM products WHERE sku = {sku}");
        sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_optional(&shop.db).await
    } else {
        sqlx::query("SELECT name FROM products WHERE sku = ?")
            .bind(&sku)
            .fetch_optional(&shop.db)
            .await
    };
    match row {
        Ok(Some(row)) => Html(format!("<p>{}</p>", row.get::<String, _>("name"))).into_response(),
        // Every miss and every error is the same page.
        _ => (StatusCode::NOT_FOUND, Html("<p>No such product</p>")).into_response(),
    }
}

async fn untouchable(State(shop): State<Shop>) -> Response {
    shop.untouchable.fetch_add(1, Ordering::SeqCst);
    Html("<p>done</p>").into_response()
}

async fn scan(pasted: bool) -> (Report, u64) {
    let db = SqlitePool::connect("sqlite::memory:").await.unwrap();
    sqlx::query("CREATE TABLE products (sku INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("INSERT INTO products VALUES (10031, 'Teapot'), (10032, 'Kettle')")
        .execute(&db)
        .await
        .unwrap();
    let untouchable_hits = Arc::new(AtomicU64::new(0));
    let shop = Shop {
        db,
        pasted,
        untouchable: untouchable_hits.clone(),
    };
    let app = Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/lookup", post(lookup))
        .route("/signout", post(untouchable))
        .route("/login", post(untouchable))
        .with_state(shop);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mut config = ScanConfig::new(Url::parse(&format!("http://{addr}/")).unwrap());
    config.limits.rate = 0;
    config.active = true;
    config.selection = vec!["INPUT-007".into()];
    let report = run_scan(&config, CHECKS, &()).await.unwrap();
    assert!(report.stats.errors.is_empty(), "{:?}", report.stats.errors);
    (report, untouchable_hits.load(Ordering::SeqCst))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawled_post_form_is_probed_and_its_bound_twin_is_clean() {
    let (vulnerable, touched) = scan(true).await;
    let found: Vec<_> = vulnerable
        .findings
        .iter()
        .filter(|f| f.rule_id == "INPUT-007")
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", vulnerable.findings);
    assert_eq!(found[0].instance.as_deref(), Some("sku"));
    assert_eq!(found[0].endpoint.method, "POST");
    assert!(found[0].endpoint.url.ends_with("/lookup"), "{}", found[0].endpoint.url);
    assert_eq!(touched, 0, "the sign-out button and the login form are never sent");
    let (fixed, touched) = scan(false).await;
    assert!(fixed.findings.is_empty(), "{:#?}", fixed.findings);
    assert_eq!(touched, 0);
}
