//! The api-zoo lab target's two descriptions of one API: the OpenAPI 3.1
//! document FastAPI generates and the hand-converted Swagger 2.0 file must
//! yield the same operations, and agree on what each one declares.

use rampart_engine::inventory::{Endpoint, Inventory, Security};
use rampart_engine::{HttpLayer, Limits, spec};
use std::collections::BTreeMap;
use url::Url;

fn zoo(file: &str) -> String {
    format!("{}/../../lab/targets/api-zoo/{file}", env!("CARGO_MANIFEST_DIR"))
}

async fn read(file: &str) -> Inventory {
    let target = Url::parse("http://127.0.0.1:8000/").unwrap();
    let layer = HttpLayer::new(&Limits::default(), &target, Vec::new()).unwrap();
    spec::read(&zoo(file), &target, &layer)
        .await
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// `METHOD /path` → what the checks rely on: the filled URL, whether auth is declared, deprecation.
fn operations(inv: &Inventory) -> BTreeMap<String, (String, bool, bool)> {
    let summary = |e: &Endpoint| (e.url.to_string(), e.security.is_required(), e.deprecated);
    inv.endpoints.iter().map(|e| (e.label(), summary(e))).collect()
}

#[tokio::test]
async fn openapi31_and_swagger20_describe_the_same_operations() {
    let v3 = read("vulnerable/openapi.json").await;
    let v2 = read("swagger.json").await;
    assert!(v3.endpoints.len() >= 20, "{} operations", v3.endpoints.len());
    assert_eq!(v3.endpoints.len(), operations(&v3).len(), "no operation twice");
    let (a, b) = (operations(&v3), operations(&v2));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "same (method, path) set"
    );
    for (op, v3_view) in &a {
        assert_eq!(v3_view, &b[op], "{op}: OpenAPI 3.1 vs Swagger 2.0");
    }
    assert!(v3.endpoints.iter().any(|e| e.security != Security::Unknown));
    assert!(
        v3.endpoints.iter().any(|e| e.deprecated),
        "the legacy operation is deprecated"
    );
}

#[tokio::test]
async fn the_fixed_document_is_read_too() {
    let fixed = read("fixed/openapi.json").await;
    assert!(fixed.endpoints.iter().all(|e| e.url.path().starts_with("/api/v2/")));
    assert!(
        !fixed.endpoints.iter().any(|e| e.deprecated),
        "no deprecated operation in the fixed API"
    );
}
