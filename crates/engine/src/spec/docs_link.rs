//! The API description a documentation UI page loads: Swagger UI's `url:`
//! (FastAPI's `/docs`, drf-spectacular), ReDoc's `spec-url` and `Redoc.init`,
//! Scalar's `data-url`, Stoplight Elements' `apiDescriptionUrl`, RapiDoc's
//! `spec-url`. An app that moves its document (`openapi_url="/api/v1/openapi.json"`)
//! leaves its docs UI at the default path, naming the new place.

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

/// Could `value` address a document: not empty, a fragment, a script or an asset?
fn plausible(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or_default();
    !value.is_empty()
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

    #[test]
    fn at_most_a_few_references_each_once() {
        let page = (0..10)
            .map(|i| format!("url: '/s{}.json', url: '/s{}.json'\n", i % 6, i % 6))
            .collect::<String>();
        assert_eq!(references(&page), ["/s0.json", "/s1.json", "/s2.json", "/s3.json"]);
    }
}
