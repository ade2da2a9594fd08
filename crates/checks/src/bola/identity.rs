//! Who the scan's credentials belong to, and whose an object is: identity
//! fields (id, owner/user_id, email, username, role) read from JSON answers.
//! Ownership is always judged on these fields, never on sizes.

use crate::web::{self, pick};
use rampart_engine::http::{Request, Response};
use rampart_engine::identity::Other;
use rampart_engine::{Context, Error};
use rampart_model::Exchange;
use serde_json::Value;

/// Keys that name the object's own id.
pub const ID_KEYS: &[&str] = &["id", "user_id", "userId", "uid", "uuid"];
/// Keys that name the user an object belongs to.
pub const OWNER_KEYS: &[&str] = &[
    "user_id",
    "userId",
    "owner_id",
    "ownerId",
    "owner",
    "account_id",
    "accountId",
    "customer_id",
    "customerId",
];
const USERNAME_KEYS: &[&str] = &["username", "user_name", "login", "handle"];
/// Last path segments of endpoints that describe the caller.
pub const SELF_PATHS: &[&str] = &[
    "me", "whoami", "profile", "account", "self", "current", "user", "session",
];

/// The identity fields of one JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub id: Option<String>,
    pub owner: Option<String>,
    pub email: Option<String>,
    pub username: Option<String>,
    pub role: Option<String>,
    pub admin: Option<bool>,
}

/// The caller: its record and the exchange it was read from.
#[derive(Debug, Clone)]
pub struct Me {
    pub record: Record,
    pub source: Exchange,
}

impl Record {
    /// The identity fields of `value` (an object, or one wrapped in `user`/`data`).
    pub fn of(value: &Value) -> Option<Record> {
        let map = value.as_object()?;
        let inner = ["user", "data"].iter().find_map(|k| map.get(*k)?.as_object());
        let map = match inner {
            Some(inner) if pick(map, ID_KEYS).is_none() => inner,
            _ => map,
        };
        let record = Record {
            id: pick(map, ID_KEYS),
            // Without its own `id`, a `user_id` is the object's id, not its owner.
            owner: pick(map, &["id"]).and_then(|_| pick(map, OWNER_KEYS)),
            email: pick(map, &["email"]),
            username: pick(map, USERNAME_KEYS),
            role: pick(map, &["role"]),
            admin: ["is_admin", "isAdmin", "admin", "is_superuser", "is_staff"]
                .iter()
                .find_map(|k| map.get(*k)?.as_bool()),
        };
        (record != Record::default()).then_some(record)
    }

    /// Why this object belongs to someone other than `me` (a differing owner, email or username).
    pub fn foreign_to(&self, me: &Record) -> Option<String> {
        let differs = |field: &str, theirs: &Option<String>, mine: &Option<String>| match (theirs, mine) {
            (Some(t), Some(m)) if t != m => Some(format!("{field} is {t} (yours: {m})")),
            _ => None,
        };
        differs("owner", &self.owner, &me.id)
            .or_else(|| differs("email", &self.email, &me.email))
            .or_else(|| differs("username", &self.username, &me.username))
    }

    /// Whether the caller looks like an administrator (role admin/superuser, or an admin flag).
    pub fn is_admin(&self) -> Option<bool> {
        let role = self.role.as_deref().map(|r| {
            let r = r.to_ascii_lowercase();
            r.contains("admin") || r.contains("superuser") || r == "root"
        });
        match (role, self.admin) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), _) | (_, Some(false)) => Some(false),
            _ => None,
        }
    }
}

/// The caller's identity: the flow's protected page when it is JSON with an id, else an
/// authenticated survey answer of a `/me`-like endpoint.
pub fn me(ctx: &Context<'_>) -> Option<Me> {
    let flow = ctx.driver.filter(|_| ctx.config.headers.is_empty());
    let page = flow.and_then(|d| d.baseline().logged_in.exchanges.last());
    if let Some(me) = page.and_then(|ex| from_text(&ex.response.body, ex)) {
        return Some(me);
    }
    ctx.survey.iter().find_map(|s| {
        let op = ctx.inventory.endpoints.get(s.endpoint)?;
        let last = op.path.trim_end_matches('/').rsplit('/').next()?.to_ascii_lowercase();
        let authed = s.authed.as_ref().filter(|_| SELF_PATHS.contains(&last.as_str()))?;
        from_response(authed)
    })
}

/// Another identity's record: the scan's user's identity page (`me.source`), read as `other`.
pub async fn record_as(ctx: &Context<'_>, other: &Other, me: &Me) -> Result<Option<Record>, Error> {
    let Ok(url) = url::Url::parse(&me.source.request.url) else {
        return Ok(None);
    };
    let resp = ctx.layer.send(&other.request(Request::get(url)).await?).await?;
    Ok(from_response(&resp).map(|m| m.record))
}

fn from_response(resp: &Response) -> Option<Me> {
    if !web::has_content(resp) {
        return None;
    }
    from_text(&resp.text(), &resp.exchange)
}

fn from_text(body: &str, ex: &Exchange) -> Option<Me> {
    let record = Record::of(&serde_json::from_str(body).ok()?)?;
    record.id.as_ref()?;
    Some(Me {
        record,
        source: ex.clone(),
    })
}

/// Every object record in an answer: the object itself, array items, or items under a list key.
pub fn records(value: &Value) -> Vec<Record> {
    let items = match value {
        Value::Array(items) => items.as_slice(),
        Value::Object(map) => match ["items", "data", "results", "orders", "records"]
            .iter()
            .find_map(|k| map.get(*k)?.as_array())
        {
            Some(items) => items.as_slice(),
            None => return Record::of(value).into_iter().collect(),
        },
        _ => &[],
    };
    items.iter().take(1000).filter_map(Record::of).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_identity_fields() {
        let me = Record::of(&json!({"id": 1, "username": "alice", "email": "a@x", "role": "user"})).unwrap();
        assert_eq!(
            (me.id.as_deref(), me.username.as_deref(), me.is_admin()),
            (Some("1"), Some("alice"), Some(false))
        );
        let wrapped = Record::of(&json!({"user": {"id": "u-1", "is_admin": true}})).unwrap();
        assert_eq!((wrapped.id.as_deref(), wrapped.is_admin()), (Some("u-1"), Some(true)));
        assert!(Record::of(&json!({"status": "ok"})).is_none());
    }

    #[test]
    fn foreign_objects_differ_in_owner_email_or_username() {
        let me = Record::of(&json!({"id": 1, "username": "alice"})).unwrap();
        let bob = Record::of(&json!({"id": 2, "username": "bob"})).unwrap();
        assert_eq!(bob.foreign_to(&me).unwrap(), "username is bob (yours: alice)");
        let theirs = Record::of(&json!({"id": 7, "user_id": 2, "total": 5})).unwrap();
        assert!(theirs.foreign_to(&me).unwrap().starts_with("owner is 2"));
        let mine = Record::of(&json!({"id": 8, "user_id": 1})).unwrap();
        assert_eq!(mine.foreign_to(&me), None);
        let anonymous = Record::of(&json!({"id": 3, "name": "x"})).unwrap();
        assert_eq!(
            anonymous.foreign_to(&me),
            None,
            "an id alone says nothing about ownership"
        );
    }

    #[test]
    fn records_of_lists_and_envelopes() {
        assert_eq!(records(&json!([{"id": 1}, {"id": 2}, 3])).len(), 2);
        assert_eq!(
            records(&json!({"items": [{"id": 1, "owner_id": 4}]}))[0]
                .owner
                .as_deref(),
            Some("4")
        );
        assert_eq!(records(&json!({"id": 5})).len(), 1);
        assert!(records(&json!("x")).is_empty());
    }
}
