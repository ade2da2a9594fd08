//! A server-rendered shop without an API document: its only inputs are HTML
//! forms. The crawl turns the page's POST search form into an operation with
//! a form body, INPUT-007 (under `--active`) proves the SQL its field is
//! pasted into, the twin that binds the value is clean, and the page's
//! sign-out form, a lone button, is never sent. The same holds when the form
//! carries a one-time anti-CSRF token bound to a cookie, as Django, Rails and
//! Laravel forms do: every probe fetches the page again for a fresh token.

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use rampart_checks::CHECKS;
use rampart_engine::{HttpLayer, Request, ScanConfig, run_scan};
use rampart_model::Report;
use sqlx::{Row, SqlitePool};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
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
    /// With per-view tokens: each token the page issued (used once) and the cookie it is bound to.
    tokens: Option<Arc<Mutex<HashMap<String, String>>>>,
    /// Lookups refused for a missing, stale or foreign token.
    refused: Arc<AtomicU64>,
}

/// The shop's page; with tokens, the lookup form carries a fresh one, bound to a fresh cookie.
async fn page(State(shop): State<Shop>) -> Response {
    let Some(tokens) = &shop.tokens else {
        return Html(PAGE).into_response();
    };
    let (token, cookie) = (
        format!("{:016x}", rand::random::<u64>()),
        format!("{:016x}", rand::random::<u64>()),
    );
    tokens.lock().unwrap().insert(token.clone(), cookie.clone());
    let hidden = format!(r#"<input type="hidden" name="csrf_token" value="{token}">"#);
    let html = PAGE.replacen(r#"<input name="sku""#, &format!(r#"{hidden}<input name="sku""#), 1);
    (
        [(header::SET_COOKIE, format!("csrftoken={cookie}; Path=/; SameSite=Lax"))],
        Html(html),
    )
        .into_response()
}

/// Does the request carry a token the page issued, unused, with its cookie?
fn token_ok(shop: &Shop, headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    let Some(tokens) = &shop.tokens else {
        return true;
    };
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let held = cookie.split(';').find_map(|c| c.trim().strip_prefix("csrftoken="));
    let issued = form.get("csrf_token").and_then(|t| tokens.lock().unwrap().remove(t));
    issued.is_some() && issued.as_deref() == held
}

async fn lookup(State(shop): State<Shop>, headers: HeaderMap, Form(form): Form<HashMap<String, String>>) -> Response {
    if !token_ok(&shop, &headers, &form) {
        shop.refused.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::FORBIDDEN, Html("<p>CSRF token missing or incorrect</p>")).into_response();
    }
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

/// A scan of the shop: its report, the requests to forms it must not send,
/// and the lookups refused for their token.
async fn scan(pasted: bool, tokens: bool) -> (Report, u64, u64) {
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
    let refused = Arc::new(AtomicU64::new(0));
    let shop = Shop {
        db,
        pasted,
        untouchable: untouchable_hits.clone(),
        tokens: tokens.then(Default::default),
        refused: refused.clone(),
    };
    let app = Router::new()
        .route("/", get(page))
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
    if tokens {
        // Control: the shop does refuse a lookup whose token it did not issue.
        let layer = HttpLayer::new(&config.limits, &config.target, Vec::new()).unwrap();
        let mut stale = Request::new("POST", config.target.join("/lookup").unwrap());
        stale
            .headers
            .push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
        stale.body = Some(b"sku=10031&csrf_token=0123456789abcdef".to_vec());
        assert_eq!(layer.send(&stale).await.unwrap().status, 403);
        assert_eq!(
            refused.fetch_sub(1, Ordering::SeqCst),
            1,
            "only the control was refused"
        );
    }
    (
        report,
        untouchable_hits.load(Ordering::SeqCst),
        refused.load(Ordering::SeqCst),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawled_post_form_is_probed_and_its_bound_twin_is_clean() {
    for tokens in [false, true] {
        let (vulnerable, touched, refused) = scan(true, tokens).await;
        let found: Vec<_> = vulnerable
            .findings
            .iter()
            .filter(|f| f.rule_id == "INPUT-007")
            .collect();
        assert_eq!(found.len(), 1, "tokens {tokens}: {:#?}", vulnerable.findings);
        assert_eq!(found[0].instance.as_deref(), Some("sku"), "never the token field");
        assert_eq!(found[0].endpoint.method, "POST");
        assert!(found[0].endpoint.url.ends_with("/lookup"), "{}", found[0].endpoint.url);
        assert_eq!(touched, 0, "the sign-out button and the login form are never sent");
        assert_eq!(refused, 0, "every probe carried a fresh token and its cookie");
        let (fixed, touched, refused) = scan(false, tokens).await;
        assert!(fixed.findings.is_empty(), "tokens {tokens}: {:#?}", fixed.findings);
        assert_eq!((touched, refused), (0, 0));
    }
}
