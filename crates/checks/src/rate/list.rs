//! Reading list answers: how many items a JSON answer holds, and which query
//! parameter sets the page size.

use rampart_engine::Endpoint as Operation;
use rampart_engine::inventory::Location;
use serde_json::Value;

/// Query parameter names that set a page size, in the order they are preferred.
pub const PAGE_PARAMS: &[&str] = &[
    "limit",
    "page_size",
    "per_page",
    "pageSize",
    "perPage",
    "size",
    "max_results",
    "maxResults",
    "count",
    "top",
    "$top",
    "take",
];

/// Keys under which envelopes usually put their items.
const ENVELOPES: &[&str] = &[
    "items", "data", "results", "records", "rows", "entries", "list", "content", "objects", "hits",
];

/// The number of items a list answer holds: a top-level array, or the array an
/// envelope object holds (`{"items": […]}`, `{"data": {"items": […]}}`).
pub fn items(value: &Value) -> Option<usize> {
    match value {
        Value::Array(a) => Some(a.len()),
        Value::Object(map) => {
            let named = ENVELOPES.iter().find_map(|k| map.get(*k)).and_then(|v| match v {
                Value::Array(a) => Some(a.len()),
                Value::Object(_) => items(v).filter(|_| !v.as_object().is_some_and(|o| o.is_empty())),
                _ => None,
            });
            named.or_else(|| {
                let arrays: Vec<usize> = map.values().filter_map(Value::as_array).map(Vec::len).collect();
                (arrays.len() == 1).then(|| arrays[0])
            })
        }
        _ => None,
    }
}

/// The page-size parameter the operation declares, if any.
pub fn page_param(op: &Operation) -> Option<&str> {
    PAGE_PARAMS.iter().find_map(|name| {
        op.params
            .iter()
            .find(|p| p.location == Location::Query && p.name.eq_ignore_ascii_case(name))
            .map(|p| p.name.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::items;
    use serde_json::json;

    #[test]
    fn counts_arrays_and_envelopes() {
        assert_eq!(items(&json!([1, 2, 3])), Some(3));
        assert_eq!(items(&json!({"items": [1, 2], "total": 500})), Some(2));
        assert_eq!(items(&json!({"data": {"items": [1]}})), Some(1));
        assert_eq!(items(&json!({"events": [1, 2, 3, 4], "limit": 4})), Some(4));
        assert_eq!(items(&json!({"id": 1, "name": "x"})), None);
        assert_eq!(items(&json!({"a": [1], "b": [2, 3]})), None, "ambiguous");
        assert_eq!(items(&json!("text")), None);
    }
}
