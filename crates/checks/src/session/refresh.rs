//! Refresh tokens: where the login gives one (a field of its reply, or a
//! cookie) and which request exchanges it for a new access token. The flow's
//! `[refresh]` step says so; without one, the login reply's
//! `refresh_token`-like field or cookie and the API's refresh operation (the
//! spec's, else a common path next to the login) are found and proven once
//! per scan: a fresh refresh token must buy an access token that reaches the
//! protected page.

use super::{PROBE, STEP, driver};
use rampart_engine::cookies::{SetCookie, is_refresh_name};
use rampart_engine::flow::{Step, StepKind, sibling, trailing_slash};
use rampart_engine::token::forge_like;
use rampart_engine::{Agent, Context, Driver, Error, Outcome};
use rampart_model::{Confidence, Endpoint, Exchange, Rule};
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::OnceCell;
use url::Url;

/// Refresh operations tried when neither the flow nor the spec names one.
const COMMON_PATHS: &[&str] = &[
    "/auth/refresh",
    "/api/auth/refresh",
    "/token/refresh",
    "/api/token/refresh",
    "/auth/token/refresh",
    "/api/refresh",
    "/refresh",
];
/// Refresh operations tried at most.
const MAX_CANDIDATES: usize = 6;
/// Where a reply keeps the new access token, after the login's own `token_json`.
const ACCESS_POINTERS: &[&str] = &["/access_token", "/accessToken", "/access", "/token"];

/// Requests [`find`] may cost: a login, each candidate, the proof.
pub(crate) const FIND_COST: u64 = 2 * STEP + MAX_CANDIDATES as u64 + PROBE;
/// Requests one [`Refresher::refresh`] may cost: the exchange and a probe.
pub(crate) const REFRESH_COST: u64 = 1 + PROBE;

/// How this target exchanges refresh tokens, proven to work.
pub(crate) struct Refresher {
    /// The login step (with `refresh_json` when the token is in its reply).
    login: Step,
    /// The refresh request, sent without pointers: its reply is read here.
    step: Step,
    access: String,
    refresh: Held,
    /// How it was found: "the flow's [refresh] step" or the discovered operation.
    pub source: String,
}

/// What one refresh request got.
pub(crate) struct Refreshed {
    /// Answered 2xx with an access token.
    pub accepted: bool,
    /// That access token reaches the protected page.
    pub logged_in: bool,
    /// The refresh token the reply carried, if any.
    pub next: Option<String>,
    pub exchanges: Vec<Exchange>,
}

/// A fresh login: the agent (holding its access token), its refresh token, the exchanges.
pub(crate) struct Login {
    pub agent: Agent,
    pub refresh: String,
    pub exchanges: Vec<Exchange>,
}

/// Where the refresh token travels.
#[derive(Clone)]
enum Held {
    /// In reply bodies at this JSON pointer; requests send it as `{{refresh}}`.
    Json(String),
    /// As this cookie, both ways.
    Cookie(String),
}

impl Held {
    fn cookie(&self) -> Option<String> {
        match self {
            Held::Cookie(name) => Some(name.clone()),
            Held::Json(_) => None,
        }
    }
}

impl std::fmt::Display for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Held::Json(pointer) => write!(f, "at {pointer}"),
            Held::Cookie(name) => write!(f, "in cookie {name}"),
        }
    }
}

/// Why refresh tokens are not tested on this target.
#[derive(Clone)]
enum Untested {
    NotApplicable(String),
    Inconclusive(String),
}

/// The scan's refresher, found once whichever rule asks first.
#[derive(Default)]
struct Found(OnceCell<Result<Arc<Refresher>, Untested>>);

/// This scan's refresher; `Ok(Err(why))` when refresh tokens cannot be
/// tested here, `Err(Inconclusive)` when the flow's `[refresh]` step fails.
pub(crate) async fn find(ctx: &Context<'_>) -> Result<Result<Arc<Refresher>, String>, Error> {
    let found = ctx.shared::<Found>();
    let cached = found.0.get_or_try_init(|| Refresher::find(ctx)).await?;
    match cached.clone() {
        Ok(r) => Ok(Ok(r)),
        Err(Untested::NotApplicable(why)) => Ok(Err(why)),
        Err(Untested::Inconclusive(why)) => Err(Error::Inconclusive(why)),
    }
}

impl Refresher {
    /// The flow's `[refresh]` step, else a discovered one.
    async fn find(ctx: &Context<'_>) -> Result<Result<Arc<Refresher>, Untested>, Error> {
        let d = driver(ctx)?;
        let skip = |why: &str| Ok(Err(Untested::NotApplicable(why.into())));
        if d.carrier().is_cookie() {
            return skip("the session is a cookie; refresh tokens are tested on token sessions");
        }
        let Some(access) = d.flow().login.token_json.clone() else {
            return skip("the login step takes no token from its reply (token_json)");
        };
        let found = match &d.flow().refresh {
            Some(step) => Refresher::declared(ctx, step, access).await?,
            None => Refresher::discover(ctx, access).await?,
        };
        Ok(found.map(Arc::new))
    }

    /// The login reply's refresh token (a field, else a cookie) and the operation that takes it.
    async fn discover(ctx: &Context<'_>, access: String) -> Result<Result<Refresher, Untested>, Error> {
        let d = driver(ctx)?;
        let skip = |why: String| Ok(Err(Untested::NotApplicable(why)));
        let reply = &d.baseline().login.trip;
        let body = serde_json::from_slice::<Value>(&reply.response.body).ok();
        let field = body.as_ref().and_then(|v| refresh_field(v, "", 2));
        let mut login = d.flow().login.clone();
        let (refresh, key, named) = match (field, refresh_cookie(&reply.exchanges)) {
            (Some((pointer, key)), _) => {
                login.refresh_json = Some(pointer.clone());
                (
                    Held::Json(pointer),
                    Some(key.clone()),
                    format!("the login reply's `{key}`"),
                )
            }
            (None, Some(cookie)) => {
                let named = format!("the login's cookie {cookie}");
                (Held::Cookie(cookie), None, named)
            }
            (None, None) => return skip("the login reply carries no refresh token (field or cookie)".into()),
        };
        let mut r = Refresher {
            login,
            step: refresh_step("/", key.as_deref()),
            access,
            refresh,
            source: String::new(),
        };
        let first = r.login(ctx).await?;
        for path in candidates(ctx, d) {
            r.step = refresh_step(&path, key.as_deref());
            let got = r.refresh(ctx, Some(&first.agent), &first.refresh).await?;
            if got.accepted && got.logged_in {
                r.source = format!("POST {path} (found: {named})");
                return Ok(Ok(r));
            }
            if got.accepted {
                return skip(format!(
                    "POST {path} answered a refresh, but its access token is not logged in"
                ));
            }
        }
        skip(format!(
            "{named} looks like a refresh token, but no refresh operation accepted it"
        ))
    }

    /// The flow's `[refresh]` step, proven once. A declared step that does
    /// not work leaves the rules inconclusive, not inapplicable.
    async fn declared(ctx: &Context<'_>, step: &Step, access: String) -> Result<Result<Refresher, Untested>, Error> {
        let login = driver(ctx)?.flow().login.clone();
        let pointer = step.refresh_json.as_ref().or(login.refresh_json.as_ref());
        let refresh = match (&login.refresh_cookie, pointer) {
            (Some(cookie), _) => Held::Cookie(cookie.clone()),
            (None, Some(pointer)) => Held::Json(pointer.clone()),
            // Flow::parse refuses a [refresh] step without either.
            (None, None) => return Ok(Err(Untested::NotApplicable("the flow names no refresh token".into()))),
        };
        let r = Refresher {
            login,
            step: Step {
                token_json: None,
                refresh_json: None,
                ..step.clone()
            },
            access: step.token_json.clone().unwrap_or(access),
            refresh,
            source: format!("the flow's [refresh] step ({} {})", step.method, step.path),
        };
        let first = r.login(ctx).await?;
        let got = r.refresh(ctx, Some(&first.agent), &first.refresh).await?;
        if !(got.accepted && got.logged_in) {
            return Ok(Err(Untested::Inconclusive(format!(
                "the flow's [refresh] step did not give a logged-in access token for a fresh refresh token (status {})",
                got.exchanges.first().map_or(0, |e| e.response.status)
            ))));
        }
        Ok(Ok(r))
    }

    /// Log in from a fresh client and take the refresh token from the reply.
    pub async fn login(&self, ctx: &Context<'_>) -> Result<Login, Error> {
        let d = driver(ctx)?;
        let mut agent = self.agent(d);
        let pre = d.preauth(&mut agent).await?;
        let login = d.send_step(&self.login, &mut agent).await?;
        let exchanges = pre.trip.exchanges.into_iter().chain(login.trip.exchanges).collect();
        let Some(refresh) = login.refresh_after else {
            return Err(Error::Inconclusive(format!(
                "the login reply has no refresh token {}",
                self.refresh
            )));
        };
        Ok(Login {
            agent,
            refresh,
            exchanges,
        })
    }

    /// Exchange `refresh` (with `owner`'s access token where the step sends
    /// one) and probe the access token it buys.
    pub async fn refresh(&self, ctx: &Context<'_>, owner: Option<&Agent>, refresh: &str) -> Result<Refreshed, Error> {
        let d = driver(ctx)?;
        ctx.redactor.token(refresh);
        let mut agent = self.agent(d);
        agent.set_token(owner.and_then(Agent::token));
        agent.set_refresh(Some(refresh.to_string()));
        let sent = d.send_step(&self.step, &mut agent).await?;
        let resp = &sent.trip.response;
        let body = serde_json::from_slice::<Value>(&resp.body).ok();
        let access = body.as_ref().and_then(|b| access_token(b, &self.access));
        let next = match &self.refresh {
            Held::Json(pointer) => body.as_ref().and_then(|b| text_at(b, pointer)),
            // The cookie as the reply left it: rotated, kept, or removed.
            Held::Cookie(_) => agent.refresh().map(str::to_string),
        };
        for token in access.iter().chain(&next) {
            ctx.redactor.token(token);
        }
        let mut exchanges = sent.trip.exchanges;
        let accepted = (200..300).contains(&resp.status) && access.is_some();
        let mut logged_in = false;
        if let Some(access) = access.filter(|_| accepted) {
            let probe = d.probe(&access).await?;
            logged_in = probe.logged_in;
            exchanges.extend(probe.exchanges);
        }
        Ok(Refreshed {
            accepted,
            logged_in,
            next,
            exchanges,
        })
    }

    /// Report `rule` with `evidence` once the control holds: a never-issued
    /// refresh token shaped like `like` is refused (else inconclusive: the
    /// operation proves nothing).
    pub async fn prove(
        &self,
        ctx: &Context<'_>,
        rule: &'static Rule,
        like: &str,
        what: &str,
        mut evidence: Vec<Exchange>,
    ) -> Result<Outcome, Error> {
        let forged = self.refresh(ctx, None, &forge_like(like)).await?;
        if forged.accepted {
            return Err(Error::Inconclusive(
                "the refresh operation also accepted a never-issued refresh token".into(),
            ));
        }
        evidence.extend(noted(forged.exchanges, "control: a never-issued refresh token"));
        let description = format!(
            "{what} A never-issued refresh token of the same shape was refused (control). Refresh operation: {}.",
            self.source
        );
        let endpoint = Endpoint {
            method: self.step.method.clone(),
            url: driver(ctx)?.url(&self.step.path).to_string(),
        };
        let f = super::finding(ctx, rule, Confidence::Confirmed, endpoint, description);
        Ok(Outcome::Findings(vec![f.with_evidence(evidence)]))
    }

    /// A fresh agent that keeps the refresh token where this target sends it.
    fn agent(&self, d: &Driver) -> Agent {
        d.agent().refresh_in_cookie(self.refresh.cookie())
    }

    /// "POST /api/auth/refresh".
    pub fn operation(&self) -> String {
        format!("{} {}", self.step.method, self.step.path)
    }
}

/// `exchanges`, each with `note`.
pub(crate) fn noted(exchanges: Vec<Exchange>, note: &str) -> impl Iterator<Item = Exchange> + '_ {
    exchanges.into_iter().map(move |e| e.noted(note))
}

/// A JSON refresh request sending `{{refresh}}` under `key`; without a key
/// (a refresh cookie, which travels by itself) an empty object.
fn refresh_step(path: &str, key: Option<&str>) -> Step {
    let mut body = serde_json::Map::new();
    if let Some(key) = key {
        body.insert(key.to_string(), Value::from("{{refresh}}"));
    }
    Step {
        json: Some(Value::Object(body)),
        ..Step::new(StepKind::Refresh, "POST", path)
    }
}

/// Where a refresh operation may be: the spec's POST operations named
/// refresh, else common paths (the login's siblings first, with its
/// trailing slash if it has one) the scan may send to.
fn candidates(ctx: &Context<'_>, d: &Driver) -> Vec<String> {
    let base = d.base().path().trim_end_matches('/').to_string();
    let relative = |url: &Url| url.path().strip_prefix(&base).map(str::to_string);
    let declared: Vec<String> = ctx
        .inventory
        .endpoints
        .iter()
        .filter(|op| op.method == "POST" && op.path.to_ascii_lowercase().contains("refresh"))
        .filter_map(|op| relative(&op.url))
        .collect();
    if !declared.is_empty() {
        return declared.into_iter().take(MAX_CANDIDATES).collect();
    }
    let login = &d.flow().login.path;
    let slash = trailing_slash(login);
    let siblings = [sibling(login, "refresh"), sibling(login, "token/refresh")];
    let common = COMMON_PATHS.iter().map(|p| format!("{p}{slash}"));
    let mut paths: Vec<String> = Vec::new();
    for path in siblings.into_iter().chain(common) {
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    let sendable = |p: &String| {
        let url = d.url(p);
        ctx.layer.out_of_scope(&url).is_none() && ctx.layer.state_changing(&url).is_none()
    };
    paths.into_iter().filter(sendable).take(MAX_CANDIDATES).collect()
}

/// The refresh token's pointer and key in a login reply: a string field named
/// `refresh_token`, `refreshToken`, `refresh` … at most `depth` objects down.
fn refresh_field(value: &Value, prefix: &str, depth: usize) -> Option<(String, String)> {
    let map = value.as_object()?;
    let named = map
        .iter()
        .find(|(k, v)| is_refresh_key(k) && v.as_str().is_some_and(|s| !s.is_empty()));
    if let Some((key, _)) = named {
        return Some((format!("{prefix}/{}", escape(key)), key.clone()));
    }
    if depth == 0 {
        return None;
    }
    map.iter()
        .filter(|(_, v)| v.is_object())
        .find_map(|(k, v)| refresh_field(v, &format!("{prefix}/{}", escape(k)), depth - 1))
}

/// The cookie a login reply set that is named like a refresh token
/// (`refresh_token`, `refresh-token`, `refreshToken`, `jwt-refresh` …).
fn refresh_cookie(exchanges: &[Exchange]) -> Option<String> {
    let set = exchanges.iter().flat_map(|e| &e.response.headers);
    let cookies = set
        .filter(|h| h.name.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|h| SetCookie::parse(&h.value));
    cookies
        .filter(|c| !c.is_removal() && is_refresh_name(&c.name))
        .map(|c| c.name)
        .next()
}

fn is_refresh_key(key: &str) -> bool {
    let squashed = squashed(key);
    squashed == "refreshtoken" || squashed == "refresh"
}

/// A name in lower case without its separators: `refresh_token` → `refreshtoken`.
fn squashed(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// A key as a JSON pointer segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The access token in a refresh reply: at the login's pointer, else a common one.
fn access_token(body: &Value, pointer: &str) -> Option<String> {
    std::iter::once(pointer)
        .chain(ACCESS_POINTERS.iter().copied())
        .find_map(|p| text_at(body, p))
}

fn text_at(body: &Value, pointer: &str) -> Option<String> {
    crate::web::scalar(body.pointer(pointer)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refresh_fields_top_level_and_nested() {
        let top = json!({"access_token": "a", "refresh_token": "r"});
        assert_eq!(
            refresh_field(&top, "", 2),
            Some(("/refresh_token".into(), "refresh_token".into()))
        );
        let nested = json!({"data": {"tokens": {"access": "a", "refresh": "r"}}});
        assert_eq!(
            refresh_field(&nested, "", 2),
            Some(("/data/tokens/refresh".into(), "refresh".into()))
        );
        assert_eq!(refresh_field(&json!({"refreshToken": ""}), "", 2), None);
        assert_eq!(refresh_field(&json!({"refresh_interval": "30"}), "", 2), None);
        assert_eq!(
            refresh_field(&json!({"a": {"b": {"c": {"refresh": "r"}}}}), "", 2),
            None
        );
    }

    #[test]
    fn refresh_cookies_by_name() {
        let reply = |cookies: &[&str]| {
            let mut e = Exchange::default();
            e.response.headers = cookies
                .iter()
                .map(|c| rampart_model::Header {
                    name: "Set-Cookie".into(),
                    value: (*c).into(),
                })
                .collect();
            vec![e]
        };
        let set = reply(&["csrftoken=c; Path=/", "refresh-token=r1; HttpOnly; Path=/"]);
        assert_eq!(refresh_cookie(&set).as_deref(), Some("refresh-token"));
        assert_eq!(refresh_cookie(&reply(&["jwtRefresh=x"])).as_deref(), Some("jwtRefresh"));
        assert_eq!(refresh_cookie(&reply(&["refresh_token=; Max-Age=0"])), None);
        assert_eq!(refresh_cookie(&reply(&["sessionid=s"])), None);
    }

    #[test]
    fn access_tokens_at_the_login_pointer_first() {
        let body = json!({"token": "t", "access_token": "a"});
        assert_eq!(access_token(&body, "/token").as_deref(), Some("t"));
        assert_eq!(access_token(&body, "/jwt").as_deref(), Some("a"));
        assert_eq!(access_token(&json!({"error": "no"}), "/token"), None);
    }
}
