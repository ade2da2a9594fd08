//! Performing one flow step with an agent: CSRF copying, `{{session}}` and
//! `{{refresh}}` substitution, the body, and taking the tokens from the
//! response.

use super::csrf::hidden_field;
use super::file::{Step, StepKind};
use super::template::with_tokens;
use crate::agent::{Agent, Trip};
use crate::error::{Error, Result};
use crate::http::Request;
use url::Url;

/// What a step did to the agent's session.
#[derive(Debug, Clone)]
pub struct StepOutcome {
    pub kind: StepKind,
    pub trip: Trip,
    pub token_before: Option<String>,
    pub token_after: Option<String>,
    /// The refresh token the agent holds after the step (`refresh_json`, `refresh_cookie`).
    pub refresh_after: Option<String>,
}

impl StepOutcome {
    pub fn rotated(&self) -> bool {
        self.token_before != self.token_after
    }
}

/// `path` under the target's base path (a base of `/api/` keeps its prefix).
pub fn url_for(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    let (path, query) = path.split_once('?').map_or((path, None), |(p, q)| (p, Some(q)));
    url.set_path(&format!("{prefix}{path}"));
    url.set_query(query);
    url
}

/// Send `step` with `agent`; `extra` adds fields to its body (attack variants).
pub async fn run(
    base: &Url,
    csrf_default: &str,
    step: &Step,
    agent: &mut Agent,
    extra: &[(String, String)],
) -> Result<StepOutcome> {
    let token_before = agent.token();
    let mut fields: Vec<(String, String)> = extra.to_vec();
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(field) = &step.csrf_field {
        let page = step.csrf_page.as_deref().unwrap_or(csrf_default);
        fields.push((
            field.clone(),
            csrf_from_page(base, page, field, step.kind, agent).await?,
        ));
    }
    if let (Some(cookie), Some(header)) = (&step.csrf_cookie, &step.csrf_header) {
        headers.push((
            header.clone(),
            csrf_cookie(base, csrf_default, cookie, step.kind, agent).await?,
        ));
    }
    let refresh = agent.refresh().map(str::to_string);
    let fill = |v: &str| with_tokens(v, token_before.as_deref(), refresh.as_deref());
    headers.extend(step.headers.iter().map(|(k, v)| (k.clone(), fill(v))));
    let mut req = Request::new(&step.method, url_for(base, &step.path)).declared();
    req.headers = headers;
    if let Some(form) = &step.form {
        let pairs = form.iter().map(|(k, v)| (k.clone(), fill(v))).chain(fields);
        req.body = Some(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish()
                .into_bytes(),
        );
        req.headers
            .push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
    } else if let Some(json) = &step.json {
        let mut value = substitute(json, &fill);
        if let Some(obj) = value.as_object_mut() {
            obj.extend(fields.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))));
        }
        req.body = Some(serde_json::to_vec(&value).expect("JSON values serialise"));
        req.headers.push(("Content-Type".into(), "application/json".into()));
    }
    let trip = agent.send(req, true).await.map_err(|e| match e {
        Error::CrossOriginRedirect { .. } => Error::flow(step.kind.name(), e.to_string()),
        e => e,
    })?;
    if let Some(pointer) = &step.token_json {
        let taken = token_from_json(&trip, pointer).map_err(|cause| Error::flow(step.kind.name(), cause))?;
        if !agent.carrier().is_cookie() {
            agent.set_token(Some(taken));
        }
    }
    // A reply without a refresh token leaves the one the agent holds (as clients do).
    if let Some(taken) = step.refresh_json.as_ref().and_then(|p| token_from_json(&trip, p).ok()) {
        agent.set_refresh(Some(taken));
    }
    Ok(StepOutcome {
        kind: step.kind,
        trip,
        token_before,
        token_after: agent.token(),
        refresh_after: agent.refresh().map(str::to_string),
    })
}

async fn csrf_from_page(base: &Url, page: &str, field: &str, kind: StepKind, agent: &mut Agent) -> Result<String> {
    let trip = agent.send(Request::get(url_for(base, page)), true).await?;
    hidden_field(&trip.response.text(), field).ok_or_else(|| {
        Error::flow(
            kind.name(),
            format!(
                "csrf_field '{field}' not found in {page} (status {})",
                trip.response.status
            ),
        )
    })
}

async fn csrf_cookie(base: &Url, page: &str, cookie: &str, kind: StepKind, agent: &mut Agent) -> Result<String> {
    if agent.jar().get(cookie).is_none() {
        agent.send(Request::get(url_for(base, page)), true).await?;
    }
    agent
        .jar()
        .get(cookie)
        .map(str::to_string)
        .ok_or_else(|| Error::flow(kind.name(), format!("csrf_cookie '{cookie}' was not set by {page}")))
}

fn substitute(value: &serde_json::Value, fill: &dyn Fn(&str) -> String) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        J::String(s) => J::String(fill(s)),
        J::Array(a) => J::Array(a.iter().map(|v| substitute(v, fill)).collect()),
        J::Object(o) => J::Object(o.iter().map(|(k, v)| (k.clone(), substitute(v, fill))).collect()),
        other => other.clone(),
    }
}

/// The token at `pointer` in the step's final response body.
fn token_from_json(trip: &Trip, pointer: &str) -> Result<String, String> {
    let resp = &trip.response;
    let body: serde_json::Value = serde_json::from_slice(&resp.body).map_err(|_| {
        format!(
            "token_json '{pointer}': the response (status {}) is not JSON",
            resp.status
        )
    })?;
    match body.pointer(pointer) {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(format!("token_json '{pointer}' points at {other}, not a token")),
        None => {
            let keys = body
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            Err(format!(
                "token_json '{pointer}' not found in the response (status {}, top-level keys: {keys})",
                resp.status
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_keep_the_base_prefix() {
        let base = Url::parse("http://h:1/api/").unwrap();
        assert_eq!(url_for(&base, "/login").as_str(), "http://h:1/api/login");
        let root = Url::parse("http://h:1").unwrap();
        assert_eq!(url_for(&root, "/p?x=1").as_str(), "http://h:1/p?x=1");
    }
}
