//! Specs over HTTP and discovery: the demo API's own `/openapi.json` read as
//! `--spec URL` and found by discovery (unless served only after login),
//! relative `$ref`s of a remote spec fetched as URLs (only from its own
//! origin), a spec URL that answers 404, and a catch-all server whose every
//! path answers 200 with the same page.

use rampart_demo::Flaws;
use rampart_engine::inventory::{DocumentKind, Inventory, Location, Security, Source};
use rampart_engine::{Error, HttpLayer, Limits, ScanConfig, spec};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

fn layer() -> Arc<HttpLayer> {
    let limits = Limits {
        rate: 0,
        ..Limits::default()
    };
    Arc::new(HttpLayer::new(&limits, &Url::parse("http://127.0.0.1/").unwrap(), Vec::new()).unwrap())
}

fn labels(inv: &Inventory) -> Vec<String> {
    inv.endpoints.iter().map(|e| e.label()).collect()
}

/// What the demo's document declares, in its order.
const DEMO_OPERATIONS: [&str; 10] = [
    "GET /",
    "GET /login",
    "POST /login",
    "GET /profile",
    "GET /admin/createdb",
    "POST /logout",
    "POST /password",
    "GET /products",
    "GET /products/{id}",
    "GET /go",
];

#[tokio::test]
async fn the_demo_spec_read_by_url() {
    let server = rampart_demo::serve(Flaws::vulnerable()).await.unwrap();
    let target = Url::parse(&server.url()).unwrap();
    let url = format!("{}openapi.json", server.url());
    let inv = spec::read(&url, &target, &layer()).await.unwrap();
    assert_eq!(labels(&inv), DEMO_OPERATIONS);
    let profile = inv.endpoints.iter().find(|e| e.path == "/profile").unwrap();
    assert_eq!(
        profile.security,
        Security::Required(vec![vec![("session".into(), vec![])]])
    );
    let login = inv.endpoints.iter().find(|e| e.label() == "POST /login").unwrap();
    let body = login.body.as_ref().unwrap();
    assert_eq!(body.content_type, "application/x-www-form-urlencoded");
    assert_eq!(body.example["username"], "alice");
    assert_eq!(inv.schemes[0].param, Some((Location::Cookie, "sid".into())));
    let missing = spec::read(&format!("{}nope.json", server.url()), &target, &layer()).await;
    match missing {
        Err(e @ Error::Spec { .. }) => assert_eq!(
            e.to_string(),
            format!(
                "spec {}nope.json: answered HTTP 404 instead of a document",
                server.url()
            )
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn discovery_finds_the_public_demo_spec() {
    let server = rampart_demo::serve(Flaws::vulnerable()).await.unwrap();
    let config = ScanConfig::new(Url::parse(&server.url()).unwrap());
    let layer = layer();
    let inv = spec::inventory(&config, &layer).await.unwrap();
    let spec_url = format!("{}openapi.json", server.url());
    assert_eq!(
        inv.source,
        Source::Spec {
            location: spec_url.clone(),
            version: "3.0.3".into()
        }
    );
    let mut expected = DEMO_OPERATIONS.to_vec();
    expected.push("GET /openapi.json");
    assert_eq!(
        labels(&inv),
        expected,
        "the spec's operations, then the discovered document"
    );
    let docs: Vec<_> = inv
        .documents
        .iter()
        .map(|d| (d.url.as_str(), d.kind, d.status))
        .collect();
    assert_eq!(docs, [(spec_url.as_str(), DocumentKind::Spec, 200)]);
    let sent = layer.requests_sent() as usize;
    assert_eq!(
        sent,
        spec::discover::PATHS.len() + 1,
        "one GET per path and one random path"
    );
    assert!(spec::discover::PATHS.len() <= 30);
}

#[tokio::test]
async fn a_spec_behind_login_is_not_discovered_and_the_links_are_crawled() {
    let server = rampart_demo::serve(Flaws::fixed()).await.unwrap();
    let config = ScanConfig::new(Url::parse(&server.url()).unwrap());
    let inv = spec::inventory(&config, &layer()).await.unwrap();
    assert_eq!(inv.source, Source::Discovery);
    assert!(inv.documents.is_empty(), "{:?}", inv.documents);
    assert_eq!(
        labels(&inv),
        ["GET /", "GET /login", "GET /products", "GET /go"],
        "the root's links"
    );
    let search = &inv.endpoints[2].params[0];
    assert_eq!(
        (search.name.as_str(), search.location, search.example.as_str()),
        ("q", Location::Query, "tea")
    );
}

#[tokio::test]
async fn a_given_spec_wins_and_discovered_documents_are_listed() {
    let server = rampart_demo::serve(Flaws::vulnerable()).await.unwrap();
    let mut config = ScanConfig::new(Url::parse(&server.url()).unwrap());
    config.spec = Some(format!("{}/tests/specs/petstore.yaml", env!("CARGO_MANIFEST_DIR")));
    let inv = spec::inventory(&config, &layer()).await.unwrap();
    assert!(matches!(&inv.source, Source::Spec { version, .. } if version == "3.0.3"));
    assert_eq!(
        inv.endpoints.len(),
        6 + 1,
        "petstore operations, then the discovered document"
    );
    assert_eq!(inv.endpoints[6].label(), "GET /openapi.json");
    assert_eq!(inv.documents.len(), 1);
}

/// Serve `dir`'s files (or, with `catch_all`, one page for every path) on
/// loopback, as static file servers do: a directory's `index.html`, and a
/// directory named without its trailing slash redirected to it.
async fn serve(dir: PathBuf, catch_all: bool) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = vec![0u8; 8192];
            let n = stream.read(&mut buf).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let mut file = dir.join(path.trim_start_matches('/'));
            let mut location = String::new();
            if !catch_all && file.is_dir() && path != "/" {
                match path.ends_with('/') {
                    true => file = file.join("index.html"),
                    false => location = format!("Location: {path}/\r\n"),
                }
            }
            let (status, body) = match (catch_all, std::fs::read(&file)) {
                (true, _) => ("200 OK", b"<html>welcome</html>".to_vec()),
                _ if !location.is_empty() => ("301 Moved Permanently", Vec::new()),
                (false, Ok(body)) if file.is_file() => ("200 OK", body),
                _ => ("404 Not Found", b"not found".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\n{location}Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
        }
    });
    addr
}

#[tokio::test]
async fn a_remote_spec_resolves_relative_refs_as_urls() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/specs");
    let addr = serve(dir, false).await;
    let target = Url::parse(&format!("http://{addr}/")).unwrap();
    let inv = spec::read(&format!("http://{addr}/openapi31.json"), &target, &layer())
        .await
        .unwrap();
    let get = inv
        .endpoints
        .iter()
        .find(|e| e.label() == "GET /v2/users/{user_id}")
        .unwrap();
    let shape = get.responses[0].properties.clone().unwrap();
    assert!(shape.contains(&"address.city".to_string()) && shape.contains(&"meta.created".to_string()));
    let broken = spec::read(&format!("http://{addr}/missing-file.json"), &target, &layer()).await;
    let e = broken.unwrap_err().to_string();
    assert!(
        e.contains("$ref 'schemas/absent.json#/X'") && e.contains("HTTP 404"),
        "{e}"
    );
    let layer = layer();
    let foreign = spec::read(&format!("http://{addr}/foreign-ref.json"), &target, &layer).await;
    let e = foreign.unwrap_err().to_string();
    assert!(e.contains("may only refer to its own origin"), "{e}");
    assert_eq!(layer.requests_sent(), 1, "nothing is fetched from another origin");
}

/// Discovery's inventory of the files under `fixture` (a path in this crate),
/// served on loopback, and the layer that asked.
async fn discover_in(fixture: &str) -> (SocketAddr, Inventory, Arc<HttpLayer>) {
    let addr = serve(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(fixture), false).await;
    let config = ScanConfig::new(Url::parse(&format!("http://{addr}/")).unwrap());
    let layer = layer();
    let inv = spec::inventory(&config, &layer).await.unwrap();
    (addr, inv, layer)
}

fn assert_spec_at(inv: &Inventory, layer: &HttpLayer, location: &str) {
    assert!(
        matches!(&inv.source, Source::Spec { location: at, .. } if at == location),
        "{:?} {:?} {:?}",
        inv.source,
        inv.documents,
        layer.events()
    );
}

#[tokio::test]
async fn a_document_only_its_docs_ui_names_is_found_there_on_the_origin_only() {
    let (addr, inv, layer) = discover_in("tests/docs-ui").await;
    assert_spec_at(&inv, &layer, &format!("http://{addr}/api/v1/openapi.json"));
    assert_eq!(
        labels(&inv),
        [
            "GET /api/v1/items",
            "GET /api/v1/items/{id}",
            "GET /docs",
            "GET /api/v1/openapi.json"
        ]
    );
    let docs: Vec<_> = inv.documents.iter().map(|d| (d.url.path(), d.kind)).collect();
    assert_eq!(
        docs,
        [
            ("/docs", DocumentKind::DocsUi),
            ("/api/v1/openapi.json", DocumentKind::Spec)
        ]
    );
    assert_eq!(
        layer.requests_sent() as usize,
        spec::discover::PATHS.len() + 2,
        "the well-known paths, a random path and the one same-origin document the page names: \
         neither the metadata address nor another host it names is asked"
    );
    assert!(
        layer
            .events()
            .iter()
            .any(|e| e.contains("found through the documentation UI"))
    );
}

/// swagger-ui-express: `/api-docs` redirects to `/api-docs/`, whose page loads
/// `swagger-ui-init.js`, which holds the document itself.
#[tokio::test]
async fn a_document_inline_in_a_docs_ui_script_is_read() {
    let (addr, inv, layer) = discover_in("tests/docs-ui-express").await;
    assert_spec_at(&inv, &layer, &format!("http://{addr}/api-docs/swagger-ui-init.js"));
    assert_eq!(
        labels(&inv),
        [
            "GET /api/items",
            "GET /api/items/{id}",
            "GET /api-docs/",
            "GET /api-docs/swagger-ui-init.js"
        ]
    );
    assert_eq!(
        layer.requests_sent() as usize,
        spec::discover::PATHS.len() + 3,
        "the well-known paths, a random path, /api-docs/ after the redirect and the init script"
    );
    assert!(
        layer.events().iter().any(|e| e.contains("written into")),
        "{:?}",
        layer.events()
    );
}

#[tokio::test]
async fn a_catch_all_page_is_not_a_discovery() {
    let addr = serve(PathBuf::new(), true).await;
    let config = ScanConfig::new(Url::parse(&format!("http://{addr}/")).unwrap());
    let inv = spec::inventory(&config, &layer()).await.unwrap();
    assert!(inv.documents.is_empty(), "{:?}", inv.documents);
    assert_eq!(inv.source, Source::Discovery);
    assert_eq!(labels(&inv), ["GET /"]);
}
