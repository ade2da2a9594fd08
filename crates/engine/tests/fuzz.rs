//! Parsers of untrusted input never panic: flow files, `Set-Cookie` headers
//! and OpenAPI/Swagger documents (JSON and YAML, read through the loader).
//! A short run here; `PROPTEST_CASES=100000` for a long one (bench/README.md).

use proptest::prelude::*;
use rampart_engine::cookies::SetCookie;
use rampart_engine::{Flow, HttpLayer, Limits, spec};
use url::Url;

/// TOML built from the flow file's own keys, so the parser gets past syntax.
fn flow_text() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("path"),
        Just("method"),
        Just("cookie"),
        Just("header"),
        Just("bearer"),
        Just("logged_in_marker"),
        Just("csrf_field"),
        Just("token_json"),
        Just("form"),
        Just("json"),
    ];
    let section = prop_oneof![
        Just("session"),
        Just("preauth"),
        Just("login"),
        Just("protected"),
        Just("logout"),
        Just("stack"),
    ];
    let value = prop_oneof![
        "\"[ -~]{0,12}\"".prop_map(String::from),
        Just("true".to_string()),
        Just("{ a = \"${X}\", password = \"{{session}}\" }".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
    ];
    prop::collection::vec((section, prop::collection::vec((key, value), 0..5)), 0..6).prop_map(|sections| {
        sections
            .into_iter()
            .map(|(name, pairs)| {
                let body: String = pairs.into_iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
                format!("[{name}]\n{body}")
            })
            .collect()
    })
}

/// A JSON document shaped like a spec, with arbitrary leaves.
fn spec_json() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(serde_json::json!(null)),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        "[ -~]{0,10}".prop_map(|s| serde_json::json!(s)),
        Just(serde_json::json!({"$ref": "#/components/schemas/A"})),
        Just(serde_json::json!({"$ref": "#/"})),
        Just(serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/A"}})),
    ];
    let tree = leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("get".to_string()),
                    Just("parameters".to_string()),
                    Just("schema".to_string()),
                    "[a-z/{}]{1,6}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    (prop_oneof![Just("openapi"), Just("swagger")], tree.clone(), tree).prop_map(|(kind, paths, schemas)| {
        let version = if kind == "openapi" { "3.0.3" } else { "2.0" };
        serde_json::json!({kind: version, "paths": {"/x/{id}": paths}, "components": {"schemas": {"A": schemas}}})
            .to_string()
    })
}

fn read_spec(text: &str, name: &str) {
    let dir = std::env::temp_dir().join(format!("rampart-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let target = Url::parse("http://127.0.0.1:9/").unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let layer = HttpLayer::new(&Limits::default(), &target, Vec::new()).unwrap();
        let _ = spec::read(path.to_str().unwrap(), &target, &layer).await;
    });
}

/// The run's length: `PROPTEST_CASES` when set, else `short`.
fn cases(short: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(short)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    #[test]
    fn flow_files_never_panic(text in flow_text()) {
        let _ = Flow::parse(&text, "fuzz.toml", &|name| (name == "X").then(|| "v".to_string()));
    }

    #[test]
    fn arbitrary_flow_text_never_panics(text in ".{0,300}") {
        let _ = Flow::parse(&text, "fuzz.toml", &|_| None);
    }

    #[test]
    fn set_cookie_headers_never_panic(header in "[ -~]{0,80}", tail in "(; ?(Max-Age|Expires|Domain|Path|SameSite)=[ -~]{0,30}){0,4}") {
        let line = format!("{header}{tail}");
        if let Some(cookie) = SetCookie::parse(&line) {
            let _ = cookie.lifetime();
            let _ = cookie.is_removal();
        }
    }

    #[test]
    fn spec_documents_never_panic(text in spec_json()) {
        read_spec(&text, "spec.json");
    }

    #[test]
    fn arbitrary_yaml_never_panics(text in "(openapi: 3\\.0\\.0\n)?[ -~\n]{0,300}") {
        read_spec(&text, "spec.yaml");
    }
}
