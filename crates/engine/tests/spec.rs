//! Spec files to inventory: OpenAPI 3.0 YAML, 3.1 JSON with a relative-file
//! `$ref`, Swagger 2.0, a cyclic schema, and one-line errors naming the
//! location for every kind of broken document.

use rampart_engine::inventory::{Endpoint, Inventory, Location, Security, Source};
use rampart_engine::spec;
use rampart_engine::{Error, HttpLayer, Limits};
use serde_json::json;
use url::Url;

fn fixture(name: &str) -> String {
    format!("{}/tests/specs/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn layer() -> HttpLayer {
    HttpLayer::new(
        &Limits::default(),
        &Url::parse("http://127.0.0.1/").unwrap(),
        Vec::new(),
    )
    .unwrap()
}

async fn read_at(name: &str, target: &str) -> Result<Inventory, Error> {
    spec::read(&fixture(name), &Url::parse(target).unwrap(), &layer()).await
}

async fn read(name: &str) -> Inventory {
    read_at(name, "http://127.0.0.1:9/").await.unwrap()
}

fn op<'a>(inv: &'a Inventory, method: &str, path: &str) -> &'a Endpoint {
    let found = inv.endpoints.iter().find(|e| e.method == method && e.path == path);
    found.unwrap_or_else(|| panic!("no {method} {path} in {:?}", labels(inv)))
}

fn labels(inv: &Inventory) -> Vec<String> {
    inv.endpoints.iter().map(Endpoint::label).collect()
}

fn required(alts: &[&[(&str, &[&str])]]) -> Security {
    let alts = alts.iter().map(|alt| {
        alt.iter()
            .map(|(n, s)| (n.to_string(), s.iter().map(|s| s.to_string()).collect()))
            .collect()
    });
    Security::Required(alts.collect())
}

fn props(e: &Endpoint, status: &str) -> Vec<String> {
    let shape = e.responses.iter().find(|r| r.status == status).unwrap();
    shape
        .properties
        .clone()
        .unwrap_or_else(|| panic!("{} {status}: no properties", e.label()))
}

#[tokio::test]
async fn openapi30_yaml_petstore() {
    let inv = read("petstore.yaml").await;
    assert_eq!(
        inv.source,
        Source::Spec {
            location: fixture("petstore.yaml"),
            version: "3.0.3".into()
        }
    );
    assert_eq!(
        labels(&inv),
        [
            "GET /api/v1/pets",
            "POST /api/v1/pets",
            "GET /api/v1/pets/{petId}",
            "DELETE /api/v1/pets/{petId}",
            "GET /api/v1/owners/{ownerUuid}",
            "GET /api/v1/search"
        ]
    );
    let list = op(&inv, "GET", "/api/v1/pets");
    assert_eq!(list.url.as_str(), "http://127.0.0.1:9/api/v1/pets?status=available");
    assert_eq!(list.security, Security::None, "security: [] makes it public");
    assert_eq!(list.operation_id.as_deref(), Some("listPets"));
    assert_eq!(list.tags, ["pets"]);
    assert_eq!(list.responses.len(), 1, "only 2xx responses: {:?}", list.responses);
    assert!(list.responses[0].is_array);
    let shape = props(list, "200");
    for p in ["id", "name", "photos", "owner", "owner.email", "owner.since"] {
        assert!(shape.contains(&p.to_string()), "{p} in {shape:?}");
    }
    let create = op(&inv, "POST", "/api/v1/pets");
    assert_eq!(
        create.security,
        required(&[&[("bearerAuth", &[])]]),
        "global security inherited"
    );
    let body = create.body.as_ref().unwrap();
    assert_eq!(body.content_type, "application/json");
    assert_eq!(body.example["name"], "Rex");
    assert_eq!(body.example["id"], 1);
    assert_eq!(body.example["photos"], json!(["https://example.com/"]));
    assert_eq!(body.example["owner"]["email"], "rampart@example.com");
    assert_eq!(body.read_only, ["id"]);
    assert_eq!(body.url_fields, ["callback_url", "photos"]);
    assert_eq!(
        op(&inv, "GET", "/api/v1/pets/{petId}").url.as_str(),
        "http://127.0.0.1:9/api/v1/pets/1"
    );
    let delete = op(&inv, "DELETE", "/api/v1/pets/{petId}");
    assert!(delete.deprecated);
    assert_eq!(delete.params[0].location, Location::Path);
    assert_eq!(
        delete.security,
        required(&[&[("oauth", &["write:pets"])], &[("apiKey", &[])]])
    );
    let owner = op(&inv, "GET", "/api/v1/owners/{ownerUuid}");
    assert!(owner.url.path().ends_with(rampart_engine_uuid()), "{}", owner.url);
    let header = owner.params.iter().find(|p| p.location == Location::Header).unwrap();
    assert_eq!(header.example, "req-1");
    assert_eq!(
        owner.responses[0].properties, None,
        "a free-form object has no property list"
    );
    let search = op(&inv, "GET", "/api/v1/search");
    assert_eq!(search.url.query(), Some("q=dogs&since=2024-01-01T00%3A00%3A00Z"));
    let schemes: Vec<_> = inv.schemes.iter().map(|s| (s.name.as_str(), s.kind.as_str())).collect();
    assert_eq!(
        schemes,
        [("bearerAuth", "http"), ("apiKey", "apiKey"), ("oauth", "oauth2")]
    );
    assert_eq!(inv.schemes[0].scheme.as_deref(), Some("bearer"));
    assert_eq!(inv.schemes[1].param, Some((Location::Header, "X-API-Key".into())));
}

fn rampart_engine_uuid() -> &'static str {
    "3f2b8c1e-6d4a-4e5f-9a7b-0c1d2e3f4a5b"
}

#[tokio::test]
async fn the_target_origin_wins_and_prefixes_are_not_doubled() {
    let same = read_at("petstore.yaml", "http://127.0.0.1:9/api/v1/").await.unwrap();
    assert_eq!(
        op(&same, "GET", "/api/v1/pets/{petId}").url.as_str(),
        "http://127.0.0.1:9/api/v1/pets/1"
    );
    let gateway = read_at("petstore.yaml", "https://gw.example.test:8443/edge")
        .await
        .unwrap();
    let e = op(&gateway, "GET", "/edge/api/v1/pets/{petId}");
    assert_eq!(e.url.as_str(), "https://gw.example.test:8443/edge/api/v1/pets/1");
}

#[tokio::test]
async fn openapi31_json_with_relative_file_refs() {
    let inv = read("openapi31.json").await;
    assert_eq!(
        labels(&inv),
        [
            "GET /v2/users/{user_id}",
            "PATCH /v2/users/{user_id}",
            "GET /v2/health",
            "GET /v2/files/{name}"
        ]
    );
    let get = op(&inv, "GET", "/v2/users/{user_id}");
    assert_eq!(
        get.url.as_str(),
        "http://127.0.0.1:9/v2/users/1",
        "optional query left out"
    );
    let fields = get.params.iter().find(|p| p.name == "fields").unwrap();
    assert_eq!(
        (fields.kind.as_deref(), fields.example.as_str()),
        (Some("string"), "name,email")
    );
    assert_eq!(get.security, required(&[&[("session", &[])]]));
    let shape = props(get, "200");
    for p in ["id", "role", "email", "address.city", "address.zip", "meta.created"] {
        assert!(shape.contains(&p.to_string()), "{p} in {shape:?}");
    }
    let patch = op(&inv, "PATCH", "/v2/users/{user_id}");
    let body = patch.body.as_ref().unwrap();
    assert_eq!(body.read_only, ["id", "role"]);
    assert_eq!(body.url_fields, ["homepage"]);
    assert_eq!(body.example["role"], "user");
    assert_eq!(body.example["meta"]["created"], "2024-01-01T00:00:00Z");
    assert_eq!(patch.security, Security::Unknown, "no security declared anywhere");
    assert_eq!(
        op(&inv, "GET", "/v2/health").security,
        Security::None,
        "[{{}}] is optional auth"
    );
    let file = op(&inv, "GET", "/v2/files/{name}");
    assert_eq!(file.url.path(), "/v2/files/a%20b%2Fc.txt");
    assert_eq!(file.responses[0].properties, None);
    assert_eq!(inv.schemes[0].param, Some((Location::Cookie, "sid".into())));
}

#[tokio::test]
async fn swagger20_with_base_path_and_security_definitions() {
    let inv = read("swagger2.yaml").await;
    assert!(matches!(&inv.source, Source::Spec { version, .. } if version == "2.0"));
    let list = op(&inv, "GET", "/api/v1/users");
    assert_eq!(list.url.as_str(), "http://127.0.0.1:9/api/v1/users?role=admin");
    assert_eq!(list.security, required(&[&[("basicAuth", &[])]]));
    assert!(list.responses[0].is_array);
    assert_eq!(props(list, "200"), ["id", "name", "webhookUrl", "tags", "tags.label"]);
    let create = op(&inv, "POST", "/api/v1/users");
    assert_eq!(create.security, required(&[&[("oauth", &["admin"])]]));
    let body = create.body.as_ref().unwrap();
    assert_eq!(body.content_type, "application/json");
    assert_eq!(
        body.example,
        json!({"id": 1, "name": "rampart", "webhookUrl": "rampart", "tags": [{"label": "rampart"}]})
    );
    assert_eq!(
        (body.read_only.as_slice(), body.url_fields.as_slice()),
        (&["id".to_string()][..], &["webhookUrl".to_string()][..])
    );
    let get = op(&inv, "GET", "/api/v1/users/{userId}");
    assert_eq!(get.url.path(), "/api/v1/users/1");
    assert_eq!(get.params[0].format.as_deref(), Some("int64"));
    assert_eq!(get.responses.len(), 1);
    let upload = op(&inv, "POST", "/api/v1/users/{userId}/avatar");
    let form = upload.body.as_ref().unwrap();
    assert_eq!(form.content_type, "multipart/form-data");
    assert_eq!(form.properties, ["file", "source_url"]);
    assert_eq!(form.url_fields, ["source_url"]);
    assert_eq!(upload.params.len(), 1, "form fields are the body, not parameters");
    let legacy = op(&inv, "GET", "/api/v1/legacy/{key}");
    assert!(legacy.deprecated);
    assert_eq!(legacy.security, Security::None);
    assert_eq!(legacy.url.path(), "/api/v1/legacy/k-7");
    assert_eq!(legacy.params[1].example, "1");
    let kinds: Vec<_> = inv
        .schemes
        .iter()
        .map(|s| (s.name.as_str(), s.kind.as_str(), s.scheme.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("basicAuth", "http", Some("basic")),
            ("key", "apiKey", None),
            ("oauth", "oauth2", None)
        ]
    );
    assert_eq!(inv.schemes[1].param, Some((Location::Query, "api_key".into())));
}

#[tokio::test]
async fn a_cyclic_schema_is_cut_and_noted() {
    let layer = layer();
    let target = Url::parse("http://127.0.0.1:9/").unwrap();
    let inv = spec::read(&fixture("cyclic.yaml"), &target, &layer).await.unwrap();
    let get = op(&inv, "GET", "/nodes");
    assert_eq!(props(get, "200"), ["name", "parent", "children"]);
    let body = op(&inv, "POST", "/nodes").body.clone().unwrap();
    assert_eq!(body.example, json!({"name": "rampart", "parent": null, "children": []}));
    let events = layer.events();
    assert!(
        events
            .iter()
            .any(|e| e.contains("schema cycle") && e.contains("#/components/schemas/Node")),
        "{events:?}"
    );
}

/// A path item's `limit` overridden by the operation's own, and its `id` kept: in
/// OpenAPI 3 and in Swagger 2.0 alike, one parameter per name and place.
#[tokio::test]
async fn operation_parameters_replace_the_path_items_of_the_same_name_and_place() {
    let id = json!({"name": "id", "in": "path", "required": true, "type": "integer", "schema": {"type": "integer"}});
    let limit = |example: u64| {
        json!({"name": "limit", "in": "query", "required": true, "example": example,
                                      "x-example": example, "type": "integer", "schema": {"type": "integer"}})
    };
    let header = json!({"name": "limit", "in": "header", "type": "string", "schema": {"type": "string"}});
    let item = json!({"parameters": [id, limit(5)],
                      "get": {"parameters": [limit(7), header], "responses": {"200": {"description": "ok"}}}});
    let docs = [
        (
            "merge3.json",
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/w/{id}": item}}),
        ),
        (
            "merge2.json",
            json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/w/{id}": item}}),
        ),
    ];
    let dir = std::env::temp_dir().join(format!("rampart-spec-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, doc) in docs {
        let path = dir.join(name);
        std::fs::write(&path, doc.to_string()).unwrap();
        let target = Url::parse("http://127.0.0.1:9/").unwrap();
        let inv = spec::read(path.to_str().unwrap(), &target, &layer()).await.unwrap();
        let get = op(&inv, "GET", "/w/{id}");
        let named: Vec<(&str, Location)> = get.params.iter().map(|p| (p.name.as_str(), p.location)).collect();
        assert_eq!(
            named,
            [
                ("id", Location::Path),
                ("limit", Location::Query),
                ("limit", Location::Header)
            ],
            "{name}"
        );
        assert_eq!(get.params[1].example, "7", "{name}: the operation's limit wins");
        assert_eq!(get.url.query(), Some("limit=7"), "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
