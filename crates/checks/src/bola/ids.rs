//! Object ids in URLs: the path parameter of an operation that names an object
//! (`/users/{id}`, or a numeric segment of a discovered URL), and the same URL
//! with another id in its place.

use rampart_engine::Endpoint as Operation;
use rampart_engine::inventory::Location;
use url::Url;

/// Words in the segment before an id that say the id is a user's.
const USER_WORDS: &[&str] = &["user", "account", "member", "customer", "profile", "people", "person"];

/// A path parameter holding an object id.
#[derive(Debug, Clone)]
pub struct IdSlot<'a> {
    pub op: &'a Operation,
    /// The parameter's name (`id` for a numeric segment of a discovered URL).
    pub name: String,
    /// The value the inventory URL carries.
    pub example: String,
    /// Declared as an integer by the spec.
    pub integer: bool,
    /// Position of the segment counted from the end of the path.
    from_end: usize,
    /// The path segment before the id (`users` in `/users/{id}`).
    pub collection: String,
    /// The path template up to the id (`/api/users` for `/api/users/{id}`).
    pub parent: String,
}

/// Whether a parameter name names an id (`id`, `user_id`, `orderId`, Django's `pk`, `uuid`, `slug`).
pub fn is_id_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(lower.as_str(), "id" | "pk" | "uuid" | "guid" | "slug")
        || lower.ends_with("_id")
        || lower.ends_with("-id")
        || name.ends_with("Id")
        || (lower.ends_with("id") && lower.len() <= 3)
}

/// The last id-like path parameter of `op` (from the spec, or a numeric segment without one).
pub fn id_slot(op: &Operation) -> Option<IdSlot<'_>> {
    let template: Vec<&str> = op.path.trim_end_matches('/').split('/').collect();
    let declared = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path && is_id_name(&p.name))
        .filter_map(|p| {
            let at = template.iter().rposition(|s| *s == format!("{{{}}}", p.name))?;
            Some((at, p.name.clone(), p.kind.as_deref() == Some("integer")))
        })
        .max_by_key(|(at, ..)| *at);
    let (at, name, integer) = match declared {
        Some(found) => found,
        None if op.params.is_empty() => {
            let at = template
                .iter()
                .rposition(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))?;
            (at, "id".to_string(), false)
        }
        None => return None,
    };
    let from_end = template.len() - 1 - at;
    let segments: Vec<&str> = op.url.path().trim_end_matches('/').split('/').collect();
    let example = segments.get(segments.len().checked_sub(1 + from_end)?)?.to_string();
    Some(IdSlot {
        op,
        name,
        example,
        integer,
        from_end,
        collection: at.checked_sub(1).map(|i| template[i].to_string()).unwrap_or_default(),
        parent: template[..at].join("/"),
    })
}

impl IdSlot<'_> {
    /// The id is the path's last segment (`/orders/{id}`, not `/orders/{id}/items`).
    pub fn is_last(&self) -> bool {
        self.from_end == 0
    }

    /// The operation's URL with `value` in the id's place.
    pub fn url(&self, value: &str) -> Url {
        let mut url = self.op.url.clone();
        let trailing = url.path().ends_with('/');
        let mut segments: Vec<String> = url
            .path()
            .trim_end_matches('/')
            .split('/')
            .map(str::to_string)
            .collect();
        let at = segments.len() - 1 - self.from_end;
        segments[at] = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        let mut path = segments.join("/");
        if trailing {
            path.push('/');
        }
        url.set_path(&path);
        url
    }

    /// The example as an integer, when it is one.
    pub fn integer_example(&self) -> Option<i64> {
        self.example.parse().ok()
    }

    /// The id addresses users (`/users/{id}`, `/accounts/{account_id}`).
    pub fn user_scoped(&self) -> bool {
        let context = format!("{} {}", self.collection, self.name).to_ascii_lowercase();
        USER_WORDS.iter().any(|w| context.contains(w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_engine::inventory::Param;

    fn op(path: &str, url: &str, params: &[(&str, &str)]) -> Operation {
        let mut op = Operation::get(Url::parse(url).unwrap());
        op.path = path.into();
        op.params = params
            .iter()
            .map(|(name, kind)| Param {
                name: name.to_string(),
                location: Location::Path,
                required: true,
                kind: Some(kind.to_string()),
                format: None,
                example: "1".into(),
            })
            .collect();
        op
    }

    #[test]
    fn finds_declared_and_discovered_ids() {
        let users = op(
            "/api/users/{user_id}/orders/{id}",
            "http://h/api/users/1/orders/5",
            &[("user_id", "integer"), ("id", "integer")],
        );
        let slot = id_slot(&users).unwrap();
        assert_eq!(
            (slot.name.as_str(), slot.example.as_str(), slot.integer),
            ("id", "5", true)
        );
        assert_eq!(slot.url("6").as_str(), "http://h/api/users/1/orders/6");
        assert!(!slot.user_scoped());
        assert_eq!(slot.parent, "/api/users/{user_id}/orders");
        let me = op("/users/{id}", "http://h/users/abc", &[("id", "string")]);
        assert!(id_slot(&me).unwrap().user_scoped() && id_slot(&me).unwrap().integer_example().is_none());
        let found = op("/items/42/", "http://h/items/42/", &[]);
        assert_eq!(id_slot(&found).unwrap().url("43").as_str(), "http://h/items/43/");
        assert!(id_slot(&op("/health", "http://h/health", &[])).is_none());
        assert!(id_slot(&op("/files/{name}", "http://h/files/a", &[("name", "string")])).is_none());
    }

    #[test]
    fn id_names() {
        for name in ["id", "user_id", "orderId", "uid", "pid", "pk", "uuid", "slug"] {
            assert!(is_id_name(name), "{name}");
        }
        for name in ["valid", "name", "paid", "android"] {
            assert!(!is_id_name(name), "{name}");
        }
    }
}
