//! Broken and hostile spec documents: each is one `Error::Spec` whose single
//! line names the file and the place (line and column, or the JSON pointer and
//! the `$ref`), never a panic or a hang; bounds hold on huge documents.

use rampart_engine::spec;
use rampart_engine::{Error, HttpLayer, Limits};
use std::path::PathBuf;
use url::Url;

fn fixture(name: &str) -> String {
    format!("{}/tests/specs/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn target() -> Url {
    Url::parse("http://127.0.0.1:9/").unwrap()
}

async fn error_of(path: &str) -> String {
    let layer = HttpLayer::new(&Limits::default(), &target(), Vec::new()).unwrap();
    match spec::read(path, &target(), &layer).await {
        Ok(inv) => panic!("{path} was read: {} endpoints", inv.endpoints.len()),
        Err(e @ Error::Spec { .. }) => {
            let line = e.to_string();
            assert!(!line.contains('\n'), "one line: {line:?}");
            line
        }
        Err(other) => panic!("{path}: not a spec error: {other}"),
    }
}

/// A file in a fresh temporary directory.
fn temp(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("rampart-spec-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[tokio::test]
async fn syntax_errors_name_line_and_column() {
    let yaml = error_of(&fixture("bad-indent.yaml")).await;
    assert!(
        yaml.starts_with(&format!("spec {}:4:", fixture("bad-indent.yaml"))),
        "{yaml}"
    );
    assert!(yaml.contains("invalid YAML"), "{yaml}");
    let json = error_of(&fixture("trailing-comma.json")).await;
    assert!(
        json.starts_with(&format!("spec {}:4:1: invalid JSON", fixture("trailing-comma.json"))),
        "{json}"
    );
}

#[tokio::test]
async fn documents_that_are_not_specs_or_not_supported() {
    let cases = [
        ("not-a-spec.yaml", "not an OpenAPI or Swagger document"),
        ("openapi4.yaml", "unsupported OpenAPI version '4.0.0'"),
        ("swagger12.yaml", "unsupported Swagger version '1.2'"),
    ];
    for (name, expected) in cases {
        let e = error_of(&fixture(name)).await;
        assert!(e.contains(&fixture(name)) && e.contains(expected), "{name}: {e}");
    }
    let missing = error_of("/nonexistent/rampart/spec.yaml").await;
    assert!(
        missing.starts_with("spec /nonexistent/rampart/spec.yaml: "),
        "{missing}"
    );
    let scalar = error_of(&temp("scalar.yaml", b"just a string\n")).await;
    assert!(scalar.contains("top level is not an object"), "{scalar}");
}

#[tokio::test]
async fn unresolvable_refs_name_the_ref_and_where_it_is() {
    let e = error_of(&fixture("missing-ref.yaml")).await;
    assert!(e.contains("missing-ref.yaml#/paths/~1things/get"), "{e}");
    assert!(e.contains("unresolvable $ref '#/components/parameters/Nope'"), "{e}");
    let e = error_of(&fixture("missing-file.json")).await;
    assert!(
        e.contains("$ref 'schemas/absent.json#/X'") && e.contains("absent.json"),
        "{e}"
    );
    let e = error_of(&fixture("ref-loop.yaml")).await;
    assert!(e.contains("$ref '#/components/schemas/") && e.contains("cycle"), "{e}");
}

#[tokio::test]
async fn hostile_documents_are_bounded() {
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = error_of(&temp("deep.json", deep_json.as_bytes())).await;
    assert!(e.contains("invalid JSON"), "{e}");
    let deep_yaml = format!(
        "openapi: 3.0.0\npaths: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = error_of(&temp("deep.yaml", deep_yaml.as_bytes())).await;
    assert!(e.contains("invalid YAML"), "{e}");
    let bomb = "openapi: 3.0.0\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    let e = error_of(&temp("bomb.yaml", bomb.as_bytes())).await;
    assert!(e.contains("invalid YAML"), "{e}");
    let mut big = b"{\"openapi\": \"3.0.0\", \"x\": \"".to_vec();
    big.resize(65 * 1024 * 1024, b'a');
    let e = error_of(&temp("big.json", &big)).await;
    assert!(e.contains("larger than the 64 MiB rampart reads"), "{e}");
}

#[tokio::test]
async fn operations_are_capped() {
    let paths: serde_json::Map<String, serde_json::Value> = (0..6000)
        .map(|i| (format!("/r{i}"), serde_json::json!({"get": {"responses": {}}})))
        .collect();
    let doc = serde_json::json!({"openapi": "3.1.0", "paths": paths});
    let layer = HttpLayer::new(&Limits::default(), &target(), Vec::new()).unwrap();
    let path = temp("many.json", doc.to_string().as_bytes());
    let inv = spec::read(&path, &target(), &layer).await.unwrap();
    assert_eq!(inv.endpoints.len(), spec::MAX_OPERATIONS);
    assert!(layer.events().iter().any(|e| e.contains("more than 5000 operations")));
}
