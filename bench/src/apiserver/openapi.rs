//! The generated API's OpenAPI 3.0 document: one path item per path, shared
//! schemas under `components`, an example on every parameter.

use super::{Kind, Op};
use serde_json::{Map, Value, json};

/// The OpenAPI 3.0.3 document describing `ops`.
pub fn document(ops: &[Op]) -> Value {
    let mut paths = Map::new();
    for op in ops {
        let item = paths.entry(op.path()).or_insert_with(|| json!({}));
        item[op.method()] = operation(op);
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "rampart bench API", "version": "1.0.0",
                 "description": "Generated operations for throughput benchmarks."},
        "paths": paths,
        "components": {"schemas": schemas()},
    })
}

fn operation(op: &Op) -> Value {
    let (verb, params, ok) = match op.kind {
        Kind::Item => (
            "get",
            vec![id_param(), query("fields", "string", json!("id,name"))],
            ("200", "Resource"),
        ),
        Kind::List => ("list", page_params(), ("200", "ResourcePage")),
        Kind::Events => ("events", events_params(), ("200", "EventPage")),
        Kind::Create => ("create", vec![], ("201", "Resource")),
    };
    let mut value = json!({
        "operationId": format!("{verb}_{}", op.resource),
        "summary": format!("{verb} {}", op.resource),
        "tags": [op.resource],
        "parameters": params,
        "responses": {
            ok.0: {"description": "OK", "content": {"application/json": {"schema": schema_ref(ok.1)}}},
            "404": {"description": "Not found", "content": {"application/json": {"schema": schema_ref("Error")}}},
        },
    });
    if op.kind == Kind::Create {
        value["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": schema_ref("NewResource")}},
        });
        value["responses"]["422"] = json!({"description": "Invalid body",
            "content": {"application/json": {"schema": schema_ref("Error")}}});
    }
    value
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true,
           "schema": {"type": "integer", "format": "int64", "minimum": 1}, "example": 42})
}

fn query(name: &str, kind: &str, example: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": {"type": kind}, "example": example})
}

fn page_params() -> Vec<Value> {
    vec![
        query("limit", "integer", json!(20)),
        query("offset", "integer", json!(0)),
        query("q", "string", json!("blue")),
    ]
}

fn events_params() -> Vec<Value> {
    vec![
        id_param(),
        query("since", "string", json!("2024-01-01T00:00:00Z")),
        query("limit", "integer", json!(10)),
    ]
}

fn schemas() -> Value {
    json!({
        "Resource": {"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer", "format": "int64"},
            "type": {"type": "string"},
            "name": {"type": "string"},
            "status": {"type": "string", "enum": ["active", "archived"]},
            "createdAt": {"type": "string", "format": "date-time"},
            "ownerId": {"type": "integer", "format": "int64"},
        }},
        "NewResource": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "maxLength": 80, "example": "blue one"},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
        }},
        "ResourcePage": {"type": "object", "properties": {
            "items": {"type": "array", "items": schema_ref("Resource")},
            "limit": {"type": "integer"}, "offset": {"type": "integer"}, "total": {"type": "integer"},
        }},
        "Event": {"type": "object", "properties": {
            "event": {"type": "string"}, "at": {"type": "string", "format": "date-time"},
        }},
        "EventPage": {"type": "object", "properties": {
            "items": {"type": "array", "items": schema_ref("Event")}, "limit": {"type": "integer"},
        }},
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    })
}
