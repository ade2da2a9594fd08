//! The API description a documentation UI page loads: Swagger UI's `url:`
//! (FastAPI's `/docs`, drf-spectacular), ReDoc's `spec-url` and `Redoc.init`,
//! Scalar's `data-url`, Stoplight Elements' `apiDescriptionUrl`, RapiDoc's
//! `spec-url`. An app that moves its document (`openapi_url="/api/v1/openapi.json"`)
//! leaves its docs UI at the default path, naming the new place. Some UIs carry
//! the document inline instead: swagger-ui-express in the `swagger-ui-init.js`
//! its page loads, Litestar's ReDoc page in `Redoc.init({…})`.

use serde_json::Value;

/// Attribute or key names whose quoted value is the document's address, and the
/// character that separates name and value.
const KEYS: &[(&str, char)] = &[
    ("url", ':'),
    ("spec-url", '='),
    ("specUrl", ':'),
    ("data-url", '='),
    ("apiDescriptionUrl", '='),
    ("swaggerUrl", ':'),
    ("Redoc.init", '('),
];

/// Most references read from one page.
const MAX_REFS: usize = 4;
/// Longest reference taken.
const MAX_LEN: usize = 300;
/// Endings of addresses that are page assets, never a document.
const ASSETS: &[&str] = &[".js", ".css", ".png", ".svg", ".ico", ".woff2", ".map", ".html"];

/// File names of the scripts that configure a docs UI: swagger-ui-express's
/// `swagger-ui-init.js`, Swagger UI's own `swagger-initializer.js`.
const INIT_SCRIPTS: &[&str] = &["swagger-ui-init.js", "swagger-initializer.js"];
/// What an inline API description follows.
const INLINE: &[&str] = &["\"swaggerDoc\":", "Redoc.init("];

/// The `src` of a page's scripts that configure its docs UI, unresolved.
pub fn init_scripts(page: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let sources = page
        .match_indices("src")
        .filter_map(|(at, _)| value_after(page, at, "src", '='));
    for src in sources {
        let path = src.split(['?', '#']).next().unwrap_or_default();
        if INIT_SCRIPTS.iter().any(|name| path.ends_with(name)) && !out.contains(&src) && out.len() < MAX_REFS {
            out.push(src);
        }
    }
    out
}

/// An OpenAPI or Swagger document written into a page or script.
pub fn inline_document(text: &str) -> Option<Value> {
    let starts = INLINE
        .iter()
        .flat_map(|m| text.match_indices(m).map(move |(at, _)| at + m.len()));
    starts.into_iter().find_map(|start| {
        let rest = text[start..].trim_start();
        if !rest.starts_with('{') {
            return None;
        }
        let value = serde_json::Deserializer::from_str(rest)
            .into_iter::<Value>()
            .next()?
            .ok()?;
        let top = value.as_object()?;
        ((top.contains_key("openapi") || top.contains_key("swagger")) && top.contains_key("paths")).then_some(value)
    })
}

/// The references a docs UI page makes to its API description, in page order,
/// unresolved (`/api/v1/openapi.json`, `./openapi.yaml`, an absolute URL).
pub fn references(page: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = KEYS
        .iter()
        .flat_map(|&(key, sep)| {
            page.match_indices(key)
                .filter_map(move |(at, _)| value_after(page, at, key, sep).map(|v| (at, v)))
        })
        .filter(|(_, v)| plausible(v))
        .collect();
    found.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, v) in found {
        if !out.contains(&v) && out.len() < MAX_REFS {
            out.push(v);
        }
    }
    out
}

/// The quoted value after `key` at `at` (`url: '/x'`, `"url": "/x"`,
/// `spec-url="/x"`, `Redoc.init('/x'`), when `key` is a whole name there.
fn value_after(page: &str, at: usize, key: &str, sep: char) -> Option<String> {
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$');
    if page[..at].chars().next_back().is_some_and(name_char) {
        return None;
    }
    let rest = &page[at + key.len()..];
    let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest).trim_start();
    let rest = rest.strip_prefix(sep)?.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    let value = body[..end].trim();
    (end <= MAX_LEN && !value.contains(['\n', '{', '}', '<', '>', ' '])).then(|| value.to_string())
}

/// Could `value` address a document: not empty, the site's root (a server URL
/// in an inline document), a fragment, a script or an asset?
fn plausible(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or_default();
    !matches!(value, "" | "/" | "." | "./")
        && !value.starts_with('#')
        && !lower.starts_with("javascript:")
        && !lower.starts_with("data:")
        && !ASSETS.iter().any(|a| path.ends_with(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FastAPI 0.165's `get_swagger_ui_html(openapi_url="/api/v1/openapi.json")`, trimmed.
    const FASTAPI_SWAGGER: &str = r##"<link type="text/css" rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
    <script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
    <script>
    const ui = SwaggerUIBundle({
        url: '/api/v1/openapi.json',
    "dom_id": "#swagger-ui",
"layout": "BaseLayout",
"deepLinking": true,
    presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
        ],
    })
    </script>"##;

    /// FastAPI 0.165's `get_redoc_html(openapi_url="/api/v1/openapi.json")`, trimmed.
    const FASTAPI_REDOC: &str = r#"<link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    <redoc spec-url="/api/v1/openapi.json"></redoc>
    <script src="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"> </script>"#;

    #[test]
    fn the_document_a_fastapi_docs_page_loads() {
        assert_eq!(references(FASTAPI_SWAGGER), ["/api/v1/openapi.json"]);
        assert_eq!(references(FASTAPI_REDOC), ["/api/v1/openapi.json"]);
    }

    #[test]
    fn other_docs_uis() {
        let scalar = r#"<script id="api-reference" data-url="/v1/spec.yaml"></script>"#;
        assert_eq!(references(scalar), ["/v1/spec.yaml"]);
        let elements = r#"<elements-api apiDescriptionUrl="./reference/api.json" router="hash" />"#;
        assert_eq!(references(elements), ["./reference/api.json"]);
        let redoc_js = r#"Redoc.init('/schema/v2.json', { scrollYOffset: 50 }, document.getElementById('r'))"#;
        assert_eq!(references(redoc_js), ["/schema/v2.json"]);
        let json_config = r#"{"configUrl":"/v3/api-docs/swagger-config","url":"/v3/api-docs","validatorUrl":""}"#;
        assert_eq!(references(json_config), ["/v3/api-docs"]);
    }

    #[test]
    fn assets_scripts_and_other_names_are_not_documents() {
        let page = r#"<style>body { background: url('/bg.png') }</style>
            <script>const baseurl = '/nope'; const logo = { url: '/logo.svg' }; cfg.url = "x";</script>
            <a data-href="/x" href="/docs">docs</a>
            <script>SwaggerUIBundle({ url: "{{ schema_url }}" })</script>"#;
        assert!(references(page).is_empty(), "{:?}", references(page));
    }

    /// swagger-ui-express 5's page and init script for `setup(document)`, trimmed.
    const EXPRESS_PAGE: &str = r#"<div id="swagger-ui"></div>
<script src="./swagger-ui-bundle.js"> </script>
<script src="./swagger-ui-standalone-preset.js"> </script>
<script src="./swagger-ui-init.js"> </script>"#;
    const EXPRESS_INIT: &str = r#"
window.onload = function() {
  var url = window.location.search.match(/url=([^&]+)/);
  var options = {
  "swaggerDoc": {
    "openapi": "3.0.0",
    "info": {"title": "shop", "version": "1.0.0"},
    "paths": {"/api/items": {"get": {"responses": {"200": {"description": "ok"}}}}}
  },
  "customOptions": {}
};
  url = options.swaggerUrl || url
  var spec1 = options.swaggerDoc
  var swaggerOptions = { spec: spec1, url: url, dom_id: '#swagger-ui' }
}"#;

    #[test]
    fn a_document_inline_in_swagger_ui_express_init_script() {
        assert_eq!(init_scripts(EXPRESS_PAGE), ["./swagger-ui-init.js"]);
        let doc = inline_document(EXPRESS_INIT).unwrap();
        assert_eq!(doc["info"]["title"], "shop");
        assert!(references(EXPRESS_INIT).is_empty(), "`url: url` names nothing");
    }

    #[test]
    fn a_document_inline_in_a_redoc_page() {
        // Litestar 2.25's /schema, trimmed.
        let page = r#"<body><div id='redoc-container'/><script type='text/javascript'>Redoc.init({"info":{"title":"Litestar API","version":"1.0.0"},"openapi":"3.1.0","servers":[{"url":"/"}],"paths":{"/":{"get":{"summary":"Index"}}}}, {}, document.getElementById('redoc-container'))</script></body>"#;
        let doc = inline_document(page).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(references(page).is_empty(), "{:?}", references(page));
    }

    #[test]
    fn inline_objects_that_are_no_document() {
        assert!(inline_document(r#"var options = {"swaggerDoc": {"customOptions": {}}};"#).is_none());
        assert!(inline_document(r#"Redoc.init('/openapi.json')"#).is_none());
        assert!(
            inline_document(r#""swaggerDoc": {"openapi": "3.0.0", "paths": {"#).is_none(),
            "cut short"
        );
        assert!(init_scripts(r#"<script src="/static/app.js"></script>"#).is_empty());
    }

    #[test]
    fn at_most_a_few_references_each_once() {
        let page = (0..10)
            .map(|i| format!("url: '/s{}.json', url: '/s{}.json'\n", i % 6, i % 6))
            .collect::<String>();
        assert_eq!(references(&page), ["/s0.json", "/s1.json", "/s2.json", "/s3.json"]);
    }
}
