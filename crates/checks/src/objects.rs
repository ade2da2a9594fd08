//! Objects the stateful probes (`--active`) create to test, and delete again.
//! rampart writes only to objects it created: a collection qualifies when the
//! inventory lets the scan's user create an object there (a POST with a JSON
//! body) and read and delete it (GET and DELETE on `{collection}/{id}`). The
//! new object's id comes from the answer (its `id`, or `Location`); every
//! write goes into the scan's ledger (`stats.writes`), and the runner deletes
//! whatever a probe cut short left behind.

use crate::bola::ids::{IdSlot, id_slot};
use crate::web;
use rampart_engine::http::{Request, Response};
use rampart_engine::writes::{Ledger, SCAN};
use rampart_engine::{Context, Endpoint as Operation, Error};
use rampart_model::{Cleanup, Exchange};
use serde_json::{Map, Value};
use url::Url;

/// Keys that carry a new object's id in the answer that created it.
const ID_KEYS: &[&str] = &["id", "uuid", "pk", "_id", "guid", "slug"];

/// Where the scan can create, read and delete objects.
pub struct Collection<'a> {
    pub create: &'a Operation,
    /// Operations on one object of the collection (`{collection}/{id}`), by method.
    items: Vec<IdSlot<'a>>,
}

/// An object the scan created, as its creator read it back.
pub struct Created {
    pub url: Url,
    pub id: String,
    pub object: Map<String, Value>,
    /// The create and the first read (the probes' control).
    pub evidence: Vec<Exchange>,
    /// Its write in the ledger, settled by [`Collection::remove`].
    write: usize,
}

/// The collections of the inventory where the scan can create and delete objects.
pub fn collections<'a>(ctx: &Context<'a>) -> Vec<Collection<'a>> {
    let endpoints = &ctx.inventory.endpoints;
    let creates = endpoints
        .iter()
        .filter(|op| op.method == "POST" && json_body(op).is_some());
    let creates = creates.filter(|op| ctx.layer.state_changing(&op.url).is_none());
    // Accounts are made and removed by their own probes (see `accounts`).
    let creates = creates.filter(|op| {
        let keys = json_body(op).into_iter().flat_map(|b| b.keys().map(String::as_str));
        !crate::accounts::makes_account(&op.path, keys)
    });
    creates
        .filter_map(|create| {
            let path = create.path.trim_end_matches('/');
            let items: Vec<IdSlot<'a>> = endpoints
                .iter()
                .filter_map(id_slot)
                .filter(|slot| slot.is_last() && slot.parent.trim_end_matches('/') == path)
                .collect();
            let collection = Collection { create, items };
            (collection.item("GET").is_some() && collection.item("DELETE").is_some()).then_some(collection)
        })
        .collect()
}

/// The JSON object `op` takes as its body (its example).
pub fn json_body(op: &Operation) -> Option<&Map<String, Value>> {
    let body = op.body.as_ref().filter(|b| b.content_type.contains("json"))?;
    body.example.as_object()
}

impl<'a> Collection<'a> {
    /// The operation on one object with `method`.
    pub fn item(&self, method: &str) -> Option<&IdSlot<'a>> {
        self.items.iter().find(|slot| slot.op.method == method)
    }

    /// Create an object as the scan's user: the spec's example body with
    /// `extra` on top, then read it back. `None` when the server refused it
    /// or it cannot be read (what was made is deleted again).
    pub async fn create(
        &self,
        ctx: &Context<'_>,
        rule: &str,
        auth: &[(String, String)],
        extra: &Map<String, Value>,
    ) -> Result<Option<Created>, Error> {
        let mut body = json_body(self.create).cloned().unwrap_or_default();
        body.extend(extra.clone());
        let req = with_auth(
            Request::new("POST", self.create.url.clone()).json(&Value::Object(body)),
            auth,
        );
        let Some(made) = web::send_or_skip(ctx, &req).await? else {
            return Ok(None);
        };
        let ledger = ctx.shared::<Ledger>();
        let sent = (&req, made.status);
        if !(200..300).contains(&made.status) {
            ledger.record(rule, SCAN, sent, None, Cleanup::NotNeeded);
            return Ok(None);
        }
        let Some((id, url)) = self.new_id(&made) else {
            let why = "rampart could not tell the new object's id";
            ledger.record(rule, SCAN, sent, None, Cleanup::Failed(why.into()));
            return Ok(None);
        };
        let write = ledger.record(rule, SCAN, sent, Some(&url), Cleanup::Pending);
        let read = web::send_or_skip(ctx, &web::authed_get(url.clone(), auth)).await?;
        let object = read.as_ref().and_then(|r| object(r, &id));
        let created = Created {
            url,
            id,
            object: object.unwrap_or_default(),
            evidence: [Some(&made), read.as_ref()]
                .into_iter()
                .flatten()
                .map(|r| r.exchange.clone())
                .collect(),
            write,
        };
        if created.object.is_empty() {
            self.remove(ctx, &created, auth).await?;
            return Ok(None);
        }
        Ok(Some(created))
    }

    /// Delete `created` as its creator and settle its write.
    pub async fn remove(&self, ctx: &Context<'_>, created: &Created, auth: &[(String, String)]) -> Result<(), Error> {
        let ledger = ctx.shared::<Ledger>();
        ledger
            .delete_and_settle(&ctx.layer, created.write, created.url.clone(), auth)
            .await
    }

    /// The new object's id and URL: the answer's id field, else its `Location`.
    fn new_id(&self, made: &Response) -> Option<(String, Url)> {
        let slot = self.item("GET")?;
        let from_body = web::json(made).and_then(|v| {
            let map = v.as_object()?;
            web::pick(map, ID_KEYS)
        });
        let from_location = || {
            let location = made.header("location")?;
            let url = self.create.url.join(location).ok()?;
            let last = url.path().trim_end_matches('/').rsplit('/').next()?.to_string();
            (!last.is_empty()).then_some(last)
        };
        let id = from_body.or_else(from_location)?;
        Some((id.clone(), slot.url(&id)))
    }
}

/// Whether a path addresses one existing object: an id-like `{parameter}`
/// (`/orders/{id}/cancel`) or a numeric segment of a discovered URL.
pub fn names_object(path: &str) -> bool {
    path.split('/').any(|segment| {
        let param = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
        param.is_some_and(crate::bola::ids::is_id_name)
            || (!segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Send a write `rule` makes to an object the scan created, and note it in the ledger.
pub async fn write(ctx: &Context<'_>, rule: &str, identity: &str, req: &Request) -> Result<Option<Response>, Error> {
    let resp = web::send_or_skip(ctx, req).await?;
    if let Some(resp) = &resp {
        let sent = (req, resp.status);
        ctx.shared::<Ledger>()
            .record(rule, identity, sent, None, Cleanup::NotNeeded);
    }
    Ok(resp)
}

/// `req` with `auth` headers added.
fn with_auth(mut req: Request, auth: &[(String, String)]) -> Request {
    req.headers.extend(auth.iter().cloned());
    req
}

/// The answer's JSON object when it is the object with `id`.
pub fn object(resp: &Response, id: &str) -> Option<Map<String, Value>> {
    if !(200..300).contains(&resp.status) {
        return None;
    }
    let map = web::json(resp)?.as_object()?.clone();
    let same = ID_KEYS
        .iter()
        .any(|k| map.get(*k).and_then(web::scalar).as_deref() == Some(id));
    same.then_some(map)
}

/// Another value of the same type for `field`: the negation of a flag, n + 1,
/// `admin` for a role, a marked string.
pub fn other_value(field: &str, now: &Value) -> Option<Value> {
    match now {
        Value::Bool(b) => Some(Value::Bool(!b)),
        Value::String(s) if field.to_ascii_lowercase().contains("role") && s != "admin" => Some(Value::from("admin")),
        Value::String(s) => Some(Value::from(format!("{s}-rampart"))),
        Value::Number(n) => n.as_i64().map(|n| Value::from(n + 1)),
        _ => None,
    }
}

/// Each of `fields` the object holds (with a value) paired with its value now
/// and another of the same type to change it to.
pub fn changes<'a>(
    fields: impl Iterator<Item = &'a String> + 'a,
    object: &'a Map<String, Value>,
) -> impl Iterator<Item = (String, Value, Value)> + 'a {
    fields.filter_map(|field| {
        let now = object
            .get(field)
            .filter(|v| !matches!(v, Value::String(s) if s.is_empty()))?;
        Some((field.clone(), now.clone(), other_value(field, now)?))
    })
}
