//! Accounts the stateful probes (`--active`) register to test with, and delete
//! again: the API's public registration (a POST whose body takes a user name or
//! e-mail and a password, on a path that is no login), a login for them (the
//! scan's own JSON login step, else the spec's login operation), and the
//! account's own DELETE (`/users/me`-like, or `/users/{id}`) for cleanup.
//! Their passwords and tokens are redacted like the user's own.

use crate::bola::identity::{ID_KEYS, SELF_PATHS};
use crate::objects::json_body;
use crate::web;
use rampart_engine::cookies::SetCookie;
use rampart_engine::flow::discover::token_pointer;
use rampart_engine::http::{Request, Response};
use rampart_engine::writes::{Ledger, SCAN};
use rampart_engine::{Context, Endpoint as Operation, Error};
use rampart_model::{Cleanup, Exchange};
use serde_json::{Map, Value};
use url::Url;

/// Last path words of a login, never taken for a registration.
const LOGIN_WORDS: &[&str] = &["login", "signin", "sign-in", "token", "session", "authenticate"];
/// Path words of a registration.
const REGISTER_WORDS: &[&str] = &["register", "signup", "sign-up", "sign_up", "join", "users", "accounts"];

/// How an account logs in: a JSON POST with its user and password fields.
pub struct Login {
    url: Url,
    user_field: String,
    password_field: String,
    /// JSON pointer to the token in the answer (the flow's `token_json`).
    token_pointer: Option<String>,
}

/// One login attempt: the answer, and the headers that send as the account
/// when it was let in.
pub struct Attempt {
    pub resp: Response,
    pub headers: Option<Vec<(String, String)>>,
}

/// The API's public registration and the fields it takes.
pub struct Registration<'a> {
    pub op: &'a Operation,
    user_field: String,
    password_fields: Vec<String>,
}

/// An account the scan registered.
pub struct Account {
    pub user: String,
    /// Its id, when the registration's answer gives one.
    pub id: Option<String>,
    /// The registration's exchange.
    pub evidence: Exchange,
    write: usize,
}

/// A password for a registered account: long, of every character class, never reused.
pub fn new_password() -> String {
    format!("Rp-{:016x}-{:08x}!", rand::random::<u64>(), rand::random::<u32>())
}

/// The body field among `fields` that names the user (`username`, `email`, `login`).
fn user_field<'f>(fields: impl Iterator<Item = &'f str>) -> Option<String> {
    let fields: Vec<&str> = fields.collect();
    ["username", "user_name", "login", "email", "user", "name"]
        .iter()
        .find_map(|want| fields.iter().find(|f| f.to_ascii_lowercase() == *want))
        .or_else(|| fields.iter().find(|f| f.to_ascii_lowercase().contains("user")))
        .map(|f| f.to_string())
}

fn is_password_field(name: &str) -> bool {
    name.to_ascii_lowercase().contains("pass")
}

fn last_segment(path: &str) -> String {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The login: the scan's own flow when it logs in with a JSON body, else the
/// spec's JSON login operation.
pub fn login(ctx: &Context<'_>) -> Option<Login> {
    from_flow(ctx).or_else(|| {
        let ops = ctx.inventory.endpoints.iter().filter(|op| op.method == "POST");
        let op = ops
            .filter(|op| LOGIN_WORDS.iter().any(|w| last_segment(&op.path).contains(w)))
            .find(|op| op.body.as_ref().is_some_and(|b| b.content_type.contains("json")))?;
        let props = &op.body.as_ref()?.properties;
        let top = || props.iter().map(String::as_str).filter(|p| !p.contains('.'));
        Some(Login {
            url: op.url.clone(),
            user_field: user_field(top())?,
            password_field: top().find(|p| is_password_field(p))?.to_string(),
            token_pointer: None,
        })
    })
}

/// The flow's login step, when its body is JSON: the field holding a secret is the password.
fn from_flow(ctx: &Context<'_>) -> Option<Login> {
    let flow = ctx.driver?.flow();
    let body = flow.login.json.as_ref()?.as_object()?;
    let password_field = body
        .iter()
        .find(|(_, v)| v.as_str().is_some_and(|v| flow.secrets.iter().any(|s| s == v)))?
        .0
        .clone();
    let user_field = user_field(body.keys().map(String::as_str).filter(|k| **k != password_field))?;
    Some(Login {
        url: ctx.config.target.join(&flow.login.path).ok()?,
        user_field,
        password_field,
        token_pointer: flow.login.token_json.clone(),
    })
}

impl Login {
    /// Log in as `user` (anonymously); let in, it sends as the account with a
    /// token from the answer, else with the cookies it sets.
    pub async fn as_user(&self, ctx: &Context<'_>, user: &str, password: &str) -> Result<Option<Attempt>, Error> {
        let body = Map::from_iter([
            (self.user_field.clone(), Value::from(user)),
            (self.password_field.clone(), Value::from(password)),
        ]);
        let req = Request::new("POST", self.url.clone())
            .json(&Value::Object(body))
            .anonymous();
        let Some(resp) = web::send_or_skip(ctx, &req).await? else {
            return Ok(None);
        };
        let headers = (200..300)
            .contains(&resp.status)
            .then(|| self.credentials(&resp))
            .flatten();
        if let Some(headers) = &headers {
            ctx.redactor.credentials(headers);
        }
        Ok(Some(Attempt { resp, headers }))
    }

    /// A bearer token from the answer, else the cookies it sets.
    fn credentials(&self, resp: &Response) -> Option<Vec<(String, String)>> {
        let pointer = self.token_pointer.clone().or_else(|| token_pointer(&resp.body));
        let json = web::json(resp);
        let token = pointer.and_then(|p| Some(json.as_ref()?.pointer(&p)?.as_str()?.to_string()));
        if let Some(token) = token {
            return Some(vec![("Authorization".into(), format!("Bearer {token}"))]);
        }
        let cookies: Vec<String> = resp
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|h| SetCookie::parse(&h.value))
            .filter(|c| !c.is_removal())
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        (!cookies.is_empty()).then(|| vec![("Cookie".into(), cookies.join("; "))])
    }
}

/// Whether a POST to `path` with body fields `keys` makes an account or sets a
/// password (a registration, a password change or reset), which no probe
/// but the account probes' own may send: what it makes cannot be undone.
pub fn makes_account<'k>(path: &str, mut keys: impl Iterator<Item = &'k str>) -> bool {
    let is_login = LOGIN_WORDS.iter().any(|w| last_segment(path).contains(w));
    !is_login && keys.any(is_password_field)
}

/// The API's public registration: a POST on a registration-like path (not a
/// login) whose JSON body takes a user field and a password, not declared as
/// needing authentication.
pub fn registration<'a>(ctx: &Context<'a>) -> Option<Registration<'a>> {
    let ops = ctx.inventory.endpoints.iter().filter(|op| op.method == "POST");
    let ops = ops.filter(|op| !op.security.is_required());
    ops.filter(|op| {
        let last = last_segment(&op.path);
        let path = op.path.to_ascii_lowercase();
        !LOGIN_WORDS.iter().any(|w| last.contains(w))
            && !path.contains("password")
            && REGISTER_WORDS.iter().any(|w| path.split('/').any(|s| s.starts_with(w)))
    })
    .find_map(|op| {
        let keys: Vec<&str> = json_body(op)?.keys().map(String::as_str).collect();
        let password_fields: Vec<String> = keys
            .iter()
            .filter(|k| is_password_field(k))
            .map(|k| k.to_string())
            .collect();
        let user_field = user_field(keys.iter().copied().filter(|k| !is_password_field(k)))?;
        (!password_fields.is_empty()).then_some(Registration {
            op,
            user_field,
            password_fields,
        })
    })
}

impl Registration<'_> {
    /// Register a new account with `password` (anonymously); `None` when refused.
    pub async fn register(&self, ctx: &Context<'_>, rule: &str, password: &str) -> Result<Option<Account>, Error> {
        ctx.redactor.secret(password);
        let name = format!("rampart-{:08x}", rand::random::<u32>());
        let mut body = json_body(self.op).cloned().unwrap_or_default();
        for (key, value) in body.iter_mut() {
            if key.to_ascii_lowercase().contains("email") || *key == self.user_field {
                let email = key.to_ascii_lowercase().contains("email");
                *value = Value::from(if email {
                    format!("{name}@example.com")
                } else {
                    name.clone()
                });
            }
        }
        for field in &self.password_fields {
            body.insert(field.clone(), Value::from(password));
        }
        let user = body
            .get(&self.user_field)
            .and_then(Value::as_str)
            .unwrap_or(&name)
            .to_string();
        let req = Request::new("POST", self.op.url.clone())
            .json(&Value::Object(body))
            .anonymous();
        let Some(resp) = web::send_or_skip(ctx, &req).await? else {
            return Ok(None);
        };
        let ledger = ctx.shared::<Ledger>();
        let sent = (&req, resp.status);
        if !(200..300).contains(&resp.status) {
            ledger.record(rule, SCAN, sent, None, Cleanup::NotNeeded);
            return Ok(None);
        }
        let write = ledger.record(rule, SCAN, sent, None, Cleanup::Pending);
        let id = web::json(&resp).and_then(|v| {
            let map = v.as_object()?;
            let map = map.get("user").and_then(Value::as_object).unwrap_or(map);
            web::pick(map, ID_KEYS)
        });
        Ok(Some(Account {
            user,
            id,
            evidence: resp.exchange,
            write,
        }))
    }
}

/// Delete `account` as itself (its headers): the DELETE of the caller's own
/// account (`/users/me`-like), else of `/users/{id}` with its id or name; settle its write.
pub async fn remove(ctx: &Context<'_>, account: &Account, headers: Option<&[(String, String)]>) -> Result<(), Error> {
    let ledger = ctx.shared::<Ledger>();
    let Some(headers) = headers else {
        let why = format!("rampart could not log in as {} to delete it", account.user);
        ledger.settle(account.write, Cleanup::Failed(why));
        return Ok(());
    };
    let Some(url) = delete_url(ctx, account) else {
        let why = format!("no DELETE operation for the account {}", account.user);
        ledger.settle(account.write, Cleanup::Failed(why));
        return Ok(());
    };
    ledger.delete_and_settle(&ctx.layer, account.write, url, headers).await
}

/// Where the account is deleted: the caller's own account, else `/users/{id}`.
fn delete_url(ctx: &Context<'_>, account: &Account) -> Option<Url> {
    let deletes = || ctx.inventory.endpoints.iter().filter(|op| op.method == "DELETE");
    if let Some(own) = deletes().find(|op| SELF_PATHS.contains(&last_segment(&op.path).as_str())) {
        return Some(own.url.clone());
    }
    let slot = deletes()
        .filter_map(crate::bola::ids::id_slot)
        .find(|s| s.is_last() && s.user_scoped())?;
    let by_name = slot.name.to_ascii_lowercase().contains("name");
    let value = if by_name {
        Some(account.user.clone())
    } else {
        account.id.clone()
    };
    Some(slot.url(&value?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_field_is_the_name_or_the_email() {
        let pick = |fields: &[&str]| user_field(fields.iter().copied());
        assert_eq!(pick(&["email", "password", "username"]).as_deref(), Some("username"));
        assert_eq!(pick(&["email", "password"]).as_deref(), Some("email"));
        assert_eq!(pick(&["userEmail", "pw"]).as_deref(), Some("userEmail"));
        assert_eq!(pick(&["title"]), None);
        let (a, b) = (new_password(), new_password());
        assert!(a != b && a.len() >= 20);
    }
}
